"""Conflict detection over sources: different figures for one quantity, different accounts of one event.

General mechanisms, no strings about any one article: figures are grouped by the measure their
nearest words name (deaths, injuries, …); accounts are sentences that say sources disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.sources import Source
from assistant.textfacts import content_words, numbers, strip_worked
from index.measures import MEASURES, asked_measures, measure_of, measures_in
from index.text import TEN_WORDS, UNIT_WORDS

__all__ = [
    "Quantity",
    "quantities",
    "quantities_in",
    "value_conflicts",
    "figures_agree",
    "DURATIONS",
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


# Number words count too ("Eleven people died", "Twenty-nine were hurt"); "zero" and "one" are left out:
# "one" is far more often a pronoun ("one of the…") than a count.
_WORD_UNITS = {w: v for w, v in UNIT_WORDS.items() if v >= 2}
# Durations are measures too: a figure in minutes is compared with other figures in minutes.
_DURATIONS = {"second": "seconds", "seconds": "seconds", "minute": "minutes", "minutes": "minutes",
              "hour": "hours", "hours": "hours"}
DURATIONS = frozenset(_DURATIONS.values())  # the measures that are spans of time
# For checking what a figure counts (not for comparing reports): longer spans of time too ("14 years old").
_TIME_UNITS = {**_DURATIONS, **{w: f"{w.rstrip('s')}s" for w in "day days week weeks month months year years".split()}}
# Words after a number that do not name what it counts: the number stands bare ("revised to 12 on Saturday").
_BARE_AFTER = frozenset("on in at by to from and or but after before when while with".split())


def _tokens(text: str) -> list[tuple[str, int, int, str | None]]:
    """Tokens (text, start, end, value): value is the number a digit or number-word token states."""
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    out: list[tuple[str, int, int, str | None]] = []
    i = 0
    while i < len(raw):
        tok, start, end = raw[i]
        low = tok.lower()
        if tok[0].isdigit():
            out.append((tok, start, end, tok.replace(",", "")))
        elif low in TEN_WORDS:
            value = TEN_WORDS[low]
            if i + 2 < len(raw) and raw[i + 1][0] == "-" and raw[i + 2][0].lower() in _WORD_UNITS:
                value += _WORD_UNITS[raw[i + 2][0].lower()]
                end = raw[i + 2][2]
                i += 2
            out.append((text[start:end], start, end, str(value)))
        elif low in _WORD_UNITS:
            out.append((tok, start, end, str(_WORD_UNITS[low])))
        else:
            out.append((tok, start, end, None))
        i += 1
    return out


def quantities(source: Source, units: Mapping[str, str] = _DURATIONS) -> list[Quantity]:
    """Figures with a measure: the nearest measure word (or duration unit) after the number, within 4
    words, else before it. A sentence naming one measure and stating further bare numbers ("the toll was
    put at 14, revised to 12 and then to 11") gives them as that measure's values, the phrase being the
    whole sentence: a revision is quoted in the report's own words and order."""
    tokens = _tokens(source.text)
    found = []
    bare = []
    for i, (tok, start, end, value) in enumerate(tokens):
        if value is None or (len(tok) == 4 and tok.startswith(("19", "20"))):
            continue  # years are dates, not counts
        measure, phrase_end = None, end
        for word, _, w_end, _ in tokens[i + 1 : i + 5]:
            if word.lower() in _BREAK:
                break
            if m := measure_of(word) or units.get(word.lower()):
                measure, phrase_end = m, w_end
                break
            phrase_end = w_end
        phrase_start = start
        if measure is None:
            phrase_end = end
            for word, w_start, _, _ in reversed(tokens[max(0, i - 3) : i]):
                if word.lower() in _BREAK or word.lower() in _NOT_COUNTED_AFTER:
                    break
                if m := measure_of(word):
                    measure, phrase_start = m, w_start
                    break
            if measure is not None and i + 1 < len(tokens) and tokens[i + 1][0].isalpha():
                phrase_end = tokens[i + 1][2]  # "killed 103 people"
        if measure is None:
            following = tokens[i + 1][0].lower() if i + 1 < len(tokens) else "."
            if tok[0].isdigit() and (not following.isalpha() or following in _BARE_AFTER):
                bare.append(value)
            continue
        before = source.text[:phrase_start].lower()
        for q in _QUALIFIERS:
            if before.rstrip().endswith(q):
                phrase_start = before.rstrip().rfind(q)
                break
        found.append(Quantity(measure, value, source.start + phrase_start, source.start + phrase_end, source))
    named = measures_in(source.text)
    if bare and len(named) == 1 and {q.measure for q in found} <= named:
        (measure,) = named
        values = list(dict.fromkeys([*(q.value for q in found if q.measure == measure), *bare]))
        if len(values) > 1:
            whole = [Quantity(measure, v, source.start, source.end, source) for v in values]
            return [q for q in found if q.measure != measure] + whole
    return found


def value_conflicts(sources: Sequence[Source]) -> dict[str, list[Quantity]]:
    """Measures stated with different values: the first mention of each value in each article, in the
    order of the sources."""
    by_measure: dict[str, dict[tuple[str, str], Quantity]] = {}
    for source in sources:
        for q in quantities(source):
            by_measure.setdefault(q.measure, {}).setdefault((q.value, source.article_id), q)
    return {m: list(v.values()) for m, v in by_measure.items() if len({q.value for q in v.values()}) > 1}


def quantities_in(text: str, units: Mapping[str, str] = _DURATIONS) -> list[Quantity]:
    """Figures with a measure in a free text (a claim, a quote); offsets are into ``text``."""
    return quantities(Source(0, "", 0, len(text), text), units)


def figures_agree(claim: str, evidence: Sequence[str]) -> bool:
    """Whether every figure the claim ties to a measure or a span of time is tied to the same one where
    the evidence ties that figure to anything: "14 years old" is not stated by "14 people were killed",
    "40 were killed" not by "40 were hurt". A figure the evidence states bare is not judged here."""
    told: dict[str, set[str]] = {}
    for text in evidence:
        for q in quantities_in(text, _TIME_UNITS):
            told.setdefault(q.value, set()).add(q.measure)
    claim = strip_worked(claim, set().union(*(numbers(text) for text in evidence)))  # "284 - 84 = 200 more hurt"
    for q in quantities_in(claim, _TIME_UNITS):
        if q.value in told and q.measure not in told[q.value]:
            return False
    return True


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
