"""The state a grounding pass reads and changes: the answer's sentences so far, each a list of segments
(text and the citations that support it), the notes saying what each pass did, and the conflicts found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.answer import Citation, Conflict
from assistant.sources import Source
from index import Article

__all__ = ["Segment", "Sentence", "Grounding", "cite", "span", "text_of", "inside"]


@dataclass(frozen=True)
class Segment:
    """Text followed by the citations that support it."""

    text: str
    citations: tuple[Citation, ...]


Sentence = list[Segment]


@dataclass
class Grounding:
    """One draft being grounded. Passes read the question and sources and rewrite ``sentences``."""

    question: str
    draft: str
    sources: Sequence[Source]
    articles: Mapping[str, Article]
    retrieved: set[tuple[str, int]]  # (article id, start) of the sources inside the top hits
    sentences: list[Sentence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    contradicted: list[Source] = field(default_factory=list)  # sources a draft claimed agree, but disagree

    @property
    def by_number(self) -> dict[int, Source]:
        return {s.number: s for s in self.sources}


def cite(source: Source) -> Citation:
    return Citation(source.article_id, source.text, source.start, source.end)

def span(article: Article, start: int, end: int) -> Citation:
    return Citation(article.id, article.text[start:end], start, end)


def text_of(sentence: Sentence) -> str:
    """What a sentence of the answer says: its segments' text."""
    return " ".join(seg.text for seg in sentence)


def inside(citation: Citation, source: Source) -> bool:
    """Whether a citation quotes from the source's sentence (the whole of it or a clause)."""
    return citation.article_id == source.article_id and source.start <= citation.start < source.end
