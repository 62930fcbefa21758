"""Sentences and chunks: spans into the article text, exact by construction.

Every span is a pair of character offsets ``(start, end)`` into the stored article text,
``end`` exclusive, so ``text[start:end]`` is the sentence or chunk. Spans are found by
scanning, never by searching for the text, so repeated passages keep their own offsets.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = ["Span", "Chunk", "split_sentences", "chunk_text"]

Span = tuple[int, int]

# A sentence ends at . ! ? (with closing quotes/brackets, and footnote marks: "1978.[citation needed]",
# "said.[12]") followed by whitespace, or at a line break.
_FOOTNOTES = r"(?:\[[^\[\]\n]{1,40}\])*"
_END = re.compile(r"""[.!?…]+["'”’)\]]*""" + _FOOTNOTES + r"""(?=\s)|\n""")
_FOOTNOTED_PERIOD = re.compile(r"\." + _FOOTNOTES)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep vs etc no jan feb mar apr jun jul aug "
    "sep sept oct nov dec inc ltd co corp".split()
)
_MAX_SENTENCE = 1000


@dataclass(frozen=True)
class Chunk:
    """Consecutive sentences of one article, with their spans."""

    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _is_abbreviation(text: str, dot: int, after: int) -> bool:
    """True when the period at ``dot`` ends an abbreviation or an initial ("U.S.", "Dr."); the next sentence
    would start at ``after`` (past any footnote mark: "the U.S.[4] rose" goes on)."""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower().strip(".")
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 or "." in word:  # "J." or "U.S."
        nxt = text[after : after + 2].lstrip()
        return bool(nxt) and not nxt[0].isupper() or len(word) == 1
    return False


def _split_long(text: str, start: int, end: int) -> list[Span]:
    """Cut an over-long run (no punctuation) at whitespace so no sentence exceeds the limit."""
    spans: list[Span] = []
    while end - start > _MAX_SENTENCE:
        cut = text.rfind(" ", start + _MAX_SENTENCE // 2, start + _MAX_SENTENCE)
        cut = cut if cut > start else start + _MAX_SENTENCE
        if (span := _trim(text, start, cut)) is not None:
            spans.append(span)
        start = cut
    if (span := _trim(text, start, end)) is not None:
        spans.append(span)
    return spans


def split_sentences(text: str) -> list[Span]:
    """Sentence spans covering every non-whitespace character of ``text``, in order."""
    spans: list[Span] = []
    start = 0
    for match in _END.finditer(text):
        if _FOOTNOTED_PERIOD.fullmatch(match.group()) and _is_abbreviation(text, match.start(), match.end()):
            continue
        end = match.end()
        spans.extend(_split_long(text, start, end))
        start = end
    spans.extend(_split_long(text, start, len(text)))
    return spans


def chunk_text(article_id: str, text: str, max_chars: int = 400) -> list[Chunk]:
    """Group consecutive sentences into chunks of at most ``max_chars`` (a longer sentence stands alone).

    A chunk never spans a blank line (paragraph break), so chunks follow the article's structure.
    """
    chunks: list[Chunk] = []
    group: list[Span] = []

    def flush() -> None:
        if group:
            start, end = group[0][0], group[-1][1]
            chunks.append(Chunk(article_id, len(chunks), start, end, text[start:end], tuple(group)))
            group.clear()

    for span in split_sentences(text):
        if group:
            # Two line breaks between sentences mean a blank line, even one holding spaces or tabs.
            paragraph_break = text.count("\n", group[-1][1], span[0]) >= 2
            if paragraph_break or span[1] - group[0][0] > max_chars:
                flush()
        group.append(span)
    flush()
    return chunks
