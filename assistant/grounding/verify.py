"""The last step, never switched off: keep only citations whose quote is the article text at their offsets,
then render the text with markers numbered by first use."""

from __future__ import annotations

from collections.abc import Mapping

from assistant.answer import Citation
from assistant.grounding.state import Segment, Sentence
from index import Article

__all__ = ["verified", "render"]


def verified(sentences: list[Sentence], articles: Mapping[str, Article], notes: list[str]) -> list[Sentence]:
    """Keep only citations whose quote is exactly the article text at their offsets."""
    out = []
    for sentence in sentences:
        segments = []
        for seg in sentence:
            good = []
            for c in seg.citations:
                article = articles.get(c.article_id)
                if article is not None and article.text[c.start : c.end] == c.quote and c.quote:
                    good.append(c)
                else:
                    notes.append(f"citation failed verification: {c.article_id}[{c.start}:{c.end}]")
            segments.append(Segment(seg.text, tuple(good)))
        if any(seg.citations for seg in segments):
            out.append(segments)
    return out

def render(sentences: list[Sentence]) -> tuple[str, tuple[Citation, ...]]:
    """Text with markers numbered by first use, and the citations in that order."""
    order: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    parts = []
    for sentence in sentences:
        out = ""
        for seg in sentence:
            marks = ""
            for c in seg.citations:
                key = (c.article_id, c.start, c.end)
                if key not in order:
                    order[key] = len(citations) + 1
                    citations.append(c)
                marks += f"[{order[key]}]"
            text = seg.text.rstrip(" .") if seg is sentence[-1] else seg.text
            out += text + (f" {marks}" if marks else "")
        parts.append(out + ".")
    return " ".join(parts), tuple(citations)
