"""Pass ``counting``: a question counting something is answered only by sentences giving a figure for it.

"How many were arrested?" is not answered by how many died; "how many explosions?" needs a figure for
explosions. When no sentence of the answer gives one, the sources that do are quoted; with none, the
answer becomes a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.conflicts import asked_measures, quantities, quantities_in, stated_measures
from assistant.grounding.state import Grounding, Segment, Sentence, cite, text_of
from assistant.sources import Source
from assistant.textfacts import figures_matched, numbers
from index.measures import counted_group, counted_words, counts_given, gives_count
from index.text import same_thing, thing_stem, words

__all__ = ["counting"]


# A figure measuring time, length or a share ("24 hours", "3 km", "5%"): no count of things.
_MEASURE = re.compile(
    r"(?P<n>[\w.,-]+)\s*(?:-\s*)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|"
    r"km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|feet|foot|inch(?:es)?|per\s*cent|percent|%)(?!\w)",
    re.IGNORECASE,
)


def _counting_things(
    things: tuple[str, ...], sentences: list[Sentence], sources: Sequence[Source], notes: list[str]
) -> list[Sentence]:
    """For "how many explosions?", only sentences giving a figure for explosions, one their cited sentences
    give for them where those count them at all. With none left, the sources that give a figure for it are
    quoted (those naming most of its words), and with none of those the answer is a refusal."""
    kept = []
    for sentence in sentences:
        text = text_of(sentence)
        if not gives_count(things, text):
            continue
        quotes = " ".join(c.quote for seg in sentence for c in seg.citations)
        given = counts_given(things, quotes)
        said = counts_given(things, text)
        if given and said is not None and not said & given:
            # "four crank rotations" citing "one rotation of the crank … four events": the figure is another's
            notes.append(f"dropped: its sources give another figure for {' '.join(things)}: {text[:80]!r}")
            continue
        if not given and said and said <= figures_matched(_MEASURE, quotes):
            # "24 explosions" citing "24 hours after the explosions": a length of time is not a count
            notes.append(f"dropped: its sources give that figure as a measure, not for {' '.join(things)}: "
                         f"{text[:80]!r}")
            continue
        kept.append(sentence)
    if kept or not sentences:
        return kept
    if not any(_names_group((thing,), source.text) for source in sources for thing in things):
        # No sentence names the thing ("staff", "attackers"): the article counts it in other words
        # ("3,100 people", "two suicide bombers"), so a sentence giving a figure is judged by the other checks.
        return [s for s in sentences if numbers(text_of(s))]
    notes.append(f"dropped: gives no figure for {' '.join(things)}")
    counting = [s for s in sources if gives_count(things, s.text)]
    # "crank rotations": "one rotation of the crank" names both words, "all three cranks were set" one of them
    named = {s.number: sum(_names_group((thing,), s.text) for thing in things) for s in counting}
    quoted = [s for s in counting if named[s.number] == max(named.values())]
    for source in quoted:
        notes.append(f"quoted the figure the draft left out: {source.text[:80]!r}")
    return [[Segment(s.text.rstrip("."), (cite(s),))] for s in quoted]

def _counting_what_was_asked(
    question: str, sentences: list[Sentence], sources: Sequence[Source], notes: list[str]
) -> list[Sentence]:
    """For "how many were arrested?", only sentences giving a figure for that measure: a quote about
    how many died does not answer it. When none is left, the figures the sources give for it are quoted
    (an extractive answer); with none, the answer is a refusal. Other questions keep every sentence."""
    asked = asked_measures(question)
    if not asked:
        things = counted_words(question)
        return _counting_things(things, sentences, sources, notes) if things else sentences
    group = counted_group(question)
    kept = []
    for sentence in sentences:
        text = text_of(sentence)
        said = numbers(text)
        cited = [c.quote for seg in sentence for c in seg.citations]
        figures = {q.measure for quote in cited for q in quantities_in(quote) if q.value in said}
        if not (stated_measures(text) & asked or figures & asked):
            notes.append(f"dropped: gives no figure for {', '.join(sorted(asked))}: {text[:80]!r}")
        elif not _names_group(group, " ".join(cited)):
            notes.append(f"dropped: its sources do not count {' '.join(group)}: {text[:80]!r}")
        else:
            kept.append(sentence)
    if not kept and sentences:
        firsts: dict[tuple[str, str], Source] = {}
        for source in sources:
            for q in quantities(source):
                if q.measure in asked and _names_group(group, source.text):
                    firsts.setdefault((q.measure, q.value), source)
        for source in dict.fromkeys(firsts.values()):
            notes.append(f"quoted the figure the draft left out: {source.text[:80]!r}")
            kept.append([Segment(source.text.rstrip("."), (cite(source),))])
    return kept


def _names_group(group: tuple[str, ...], text: str) -> bool:
    """Whether a text names whom the question counts ("firefighters"): every word, or one of its family
    (not the deed of a doer: "attack" does not name "attackers")."""
    have = {thing_stem(w) for w in words(text)}
    return all(any(same_thing(thing_stem(w), h) for h in have) for w in group)


def counting(state: Grounding) -> None:
    state.sentences = _counting_what_was_asked(state.question, state.sentences, state.sources, state.notes)
