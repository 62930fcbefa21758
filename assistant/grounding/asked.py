"""Pass ``asked``: the answer says what the question's distinctive terms ask about (assistant.relevance).

A draft that talks around the term while citing the sentence holding it is replaced by that sentence's
quote; a sentence stating the term cites a sentence that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.grounding.state import Grounding, Segment, Sentence, cite, text_of
from assistant.grounding.support import is_supported
from assistant.relevance import distinctive, terms
from assistant.sources import Source
from assistant.textfacts import names, overlap

__all__ = ["asked"]


def _backed(sentence: Sentence, wanted: set[str], sources: Sequence[Source], notes: list[str]) -> Sentence:
    """A sentence stating a distinctive term of the question ("deadlier") cites a sentence holding it:
    when its citations do not, the source holding it that shares most with the sentence is added."""
    text = text_of(sentence)
    said = wanted & terms(text)
    if not said or any(said & terms(c.quote) for seg in sentence for c in seg.citations):
        return sentence
    holders = [s for s in sources if said & terms(s.text) and is_supported(text, [s])]
    holders = holders or [s for s in sources if said & terms(s.text)]
    best = max(holders, key=lambda s: (len(overlap(text, s.text)), -s.number))
    notes.append(f"added the sentence holding {', '.join(sorted(said))}: {best.text[:60]!r}")
    *rest, last = sentence
    return [*rest, Segment(last.text, (*last.citations, cite(best)))]

def _about_what_was_asked(
    question: str, sentences: list[Sentence], sources: Sequence[Source], notes: list[str]
) -> list[Sentence]:
    """When the question has distinctive terms (see assistant.relevance) that the answer does not say but
    its cited sentences hold, the draft talked around what was asked ("Raisi blamed Israel" for "what did
    Israel's military say?"): those sentences are quoted instead of the draft's sentences citing them."""
    wanted = distinctive(question, [s.text for s in sources])
    if not wanted or not sentences:
        return sentences
    # what the question asks about beyond whom: "ignore" and "players" in "What did Crane say his players
    # would ignore?", not "Crane", whom any sentence about him names
    about = (wanted - names(question)) or wanted
    if any(about & terms(seg.text) for sentence in sentences for seg in sentence):
        return [_backed(sentence, wanted, sources, notes) for sentence in sentences]
    kept: list[Sentence] = []
    quoted = False
    for sentence in sentences:
        cited = [c for seg in sentence for c in seg.citations if about & terms(c.quote)]
        if cited:
            quoted = True
            kept.extend([Segment(c.quote.rstrip("."), (c,))] for c in cited)
        else:
            kept.append(sentence)
    if not quoted:  # worded differently (a synonym), or about something else: the support checks decide
        return sentences
    notes.append(f"quoted the cited sentences about {', '.join(sorted(about))}: the draft did not say it")
    return kept


def asked(state: Grounding) -> None:
    state.sentences = _about_what_was_asked(state.question, state.sentences, state.sources, state.notes)
