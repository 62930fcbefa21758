"""Conflict detection over sources: different figures for one quantity, different accounts of one event.

General mechanisms, no strings about any one article: figures are grouped by the measure their
nearest words name (deaths, injuries, …); accounts are sentences that say sources disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.sources import Source
from assistant.textfacts import content_words
from index.measures import MEASURES, asked_measures, measure_of, measures_in

__all__ = [
    "Quantity",
    "quantities",
    "quantities_in",
    "value_conflicts",
    "measures_in",
    "asked_measures",
    "stated_measures",
    "disagreement_clauses",
    "related",
    "MEASURES",
]

_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|[A-Za-z]+|[^\sA-Za-z\d]")
_QUALIFIERS = ("at least", "more than", "over", "nearly", "about", "around", "almost", "up to", "some")
_BREAK = frozenset(", ; : . ( ) and or but while".split())
# A number after these is a date or a place in time, not a count of the measure before it ("killed in 1066").
_NOT_COUNTED_AFTER = frozenset("in on at since until during from".split())
_DISAGREE = re.compile(
    r"\b(differs?|differed|different accounts?|conflicting|contradict\w*|disputed?|inconsistent)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A figure in a source: its measure, value, and the phrase stating it (offsets into the article)."""

    measure: str
    value: str
    start: int
    end: int
    source: Source


def quantities(source: Source) -> list[Quantity]:
    """Figures with a measure: the nearest measure word after the number (within 3 words), else before it."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(source.text)]
    found = []
    for i, (tok, start, end) in enumerate(tokens):
        if not tok[0].isdigit() or (len(tok) == 4 and tok.startswith(("19", "20"))):
            continue  # years are dates, not counts
        measure, phrase_end = None, end
        for word, _, w_end in tokens[i + 1 : i + 4]:
            if word.lower() in _BREAK:
                break
            if m := measure_of(word):
                measure, phrase_end = m, w_end
                break
            phrase_end = w_end
        phrase_start = start
        if measure is None:
            phrase_end = end
            for word, w_start, _ in reversed(tokens[max(0, i - 3) : i]):
                if word.lower() in _BREAK or word.lower() in _NOT_COUNTED_AFTER:
                    break
                if m := measure_of(word):
                    measure, phrase_start = m, w_start
                    break
            if measure is not None and i + 1 < len(tokens) and tokens[i + 1][0].isalpha():
                phrase_end = tokens[i + 1][2]  # "killed 103 people"
        if measure is None:
            continue
        before = source.text[:phrase_start].lower()
        for q in _QUALIFIERS:
            if before.rstrip().endswith(q):
                phrase_start = before.rstrip().rfind(q)
                break
        found.append(
            Quantity(measure, tok.replace(",", ""), source.start + phrase_start, source.start + phrase_end, source)
        )
    return found


def value_conflicts(sources: Sequence[Source]) -> dict[str, list[Quantity]]:
    """Measures stated with different values in different sentences: the first mention of each value."""
    by_measure: dict[str, dict[str, Quantity]] = {}
    for source in sources:
        for q in quantities(source):
            by_measure.setdefault(q.measure, {}).setdefault(q.value, q)
    return {m: list(v.values()) for m, v in by_measure.items() if len(v) > 1}


def quantities_in(text: str) -> list[Quantity]:
    """Figures with a measure in a free text (a claim, a quote); offsets are into ``text``."""
    return quantities(Source(0, "", 0, len(text), text))


def stated_measures(text: str) -> set[str]:
    """Measures a text states a figure for ("84 fatalities" -> deaths)."""
    return {q.measure for q in quantities_in(text)}


def disagreement_clauses(source: Source) -> list[tuple[int, int]] | None:
    """For a sentence saying sources disagree, the spans (article offsets) of the accounts it contrasts.

    Returns None when the sentence states no disagreement; one span (the sentence) when it does not
    split into two accounts.
    """
    match = _DISAGREE.search(source.text)
    if not match:
        return None
    rest = source.text[match.end() :]
    comma = rest.find(",")
    body_offset = match.end() + (comma + 1 if comma >= 0 else 0)
    body = source.text[body_offset:]
    parts = [p.strip() for p in re.split(r"(?:;|,|\band\b|\bwhile\b|\bwhereas\b)", body) if p.strip()]
    spans = []
    cursor = body_offset
    for part in parts:
        at = source.text.index(part, cursor)
        cursor = at + len(part)
        clean = part.rstrip(" .")
        if len(clean.split()) >= 3:
            spans.append((source.start + at, source.start + at + len(clean)))
    if len(spans) < 2:
        return [(source.start, source.end)]
    # The first account keeps the sentence's opening, which names who disagrees.
    return [(source.start, spans[0][1]), *spans[1:]]


def related(text: str, source: Source) -> bool:
    """Whether a question or claim shares a content word with a source sentence."""
    return bool(content_words(text) & content_words(source.text))
