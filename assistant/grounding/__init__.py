"""Grounding: turn a draft into an Answer whose every sentence is supported by verified citations.

An ordered list of passes, one file each, each reading and rewriting one ``Grounding`` state:

    support    claims checked against their cited sentences: kept, re-cited, cut or dropped
    counting   a question counting something is answered by a figure for it
    asked      the answer says what the question's distinctive terms ask about
    kind       the answer gives the kind of thing asked for (a name for "who", a number for "how many")
    premise    a why-question's unstated or negated premise is not repeated; the closest sentence is quoted;
               a question stating a number that no article the answer cites states is not answered
    conflicts  different figures and accounts of what was asked are added, each cited

then every quote is verified against the article and the markers are numbered (never switched off).
``ground(..., without={"asked"})`` switches passes off; the eval's ablation table shows what each earns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from assistant.answer import Answer, Citation
from assistant.grounding.asked import asked
from assistant.grounding.conflicts import conflicts
from assistant.grounding.counting import counting
from assistant.grounding.kind import kind
from assistant.grounding.premise import premise
from assistant.grounding.state import Grounding, Segment
from assistant.grounding.support import accept, support
from assistant.grounding.verify import render, verified
from assistant.sources import Source
from index import Article

__all__ = ["ground", "PASSES", "Segment", "Grounding", "check_passes"]

Pass = Callable[[Grounding], None]
PASSES: tuple[tuple[str, Pass], ...] = (
    ("support", support),
    ("counting", counting),
    ("asked", asked),
    ("kind", kind),
    ("premise", premise),
    ("conflicts", conflicts),
)


def check_passes(names: Collection[str]) -> frozenset[str]:
    """The names, checked: ValueError naming the known passes for an unknown one."""
    known = [name for name, _ in PASSES]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"no grounding pass {', '.join(unknown)}; passes: {', '.join(known)}")
    return frozenset(names)


def ground(
    question: str,
    draft: str,
    sources: Sequence[Source],
    articles: Mapping[str, Article],
    refusal: str,
    retrieved: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
    without: Collection[str] = frozenset(),
) -> Answer:
    """The verified answer for ``draft``. ``retrieved`` holds (article id, start) of sources in top hits;
    ``without`` names passes to switch off."""
    state = Grounding(question, draft, sources, articles, set(retrieved))
    for name, run in PASSES:
        if name not in without:
            run(state)
        elif name == "support":
            accept(state)
    sentences = verified(state.sentences, articles, state.notes)
    notes = tuple(state.notes)
    if not sentences:
        return Answer(text=refusal, abstained=True, notes=notes)
    text, citations = render(sentences)
    conflicts = tuple(replace(c, citations=titled(c.citations, articles)) for c in state.conflicts)
    return Answer(text, False, titled(citations, articles), conflicts, notes=notes)


def titled(citations: Sequence[Citation], articles: Mapping[str, Article]) -> tuple[Citation, ...]:
    """The citations with their article's title."""
    return tuple(replace(c, title=articles[c.article_id].title) if c.article_id in articles else c for c in citations)
