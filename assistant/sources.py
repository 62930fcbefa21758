"""Sources: the numbered sentences shown to the model, chosen from the retrieved hits."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.models.prefix_cache import CORPUS
from index import Article, split_sentences
from index.directives import is_directive
from index.store import ChunkRecord

__all__ = [
    "Source", "ArticleSources", "Prefix", "windows", "corpus_prefix", "prefixes", "choose_prefix",
    "select_sources", "read_spans", "own_prefix", "focus",
]

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Source:
    """One sentence of an article, numbered for the prompt; ``text == article.text[start:end]``."""

    number: int
    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ArticleSources:
    title: str
    article_id: str
    sources: tuple[Source, ...]
    withheld: tuple[tuple[int, int], ...] = ()  # sentences written as orders to an AI: never sources
    byline: str = ""  # "outlet, date" from the article's front matter, "" when it has none


def _sentences(
    article: Article, spans: Sequence[tuple[int, int]]
) -> tuple[list[tuple[int, int]], tuple[tuple[int, int], ...]]:
    """Sentence spans worth showing (at least three words, first occurrence of repeated text only), and
    apart from them the spans written as orders to an AI (``index.directives``), which are never shown."""
    seen: set[str] = set()
    shown, withheld = [], []
    for start, end in spans:
        text = article.text[start:end]
        if is_directive(text):
            withheld.append((start, end))
        elif len(_WORDS.findall(text)) >= 3 and text not in seen:
            seen.add(text)
            shown.append((start, end))
    return shown, tuple(withheld)


Span = tuple[str, int, int]  # (article id, start, end)


@dataclass(frozen=True)
class Prefix:
    """Text a question reads whole from one cached prompt prefix: its label names the prefix's KV state."""

    label: str  # CORPUS, an article id, or "<article id>@<start>" for a window of a long article
    spans: tuple[Span, ...]

    @property
    def chars(self) -> int:
        return sum(end - start for _, start, end in self.spans)


def windows(text: str, size: int) -> list[tuple[int, int]]:
    """Spans of whole sentences of at most ``size`` characters (a longer sentence alone), each starting
    about half a window after the previous one, so any passage shorter than half a window lies wholly
    inside one of them."""
    sentences = split_sentences(text)
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - sentences[i][0] <= size:
            j += 1
        out.append((sentences[i][0], sentences[j][1]))
        if j == len(sentences) - 1:
            break
        half = sentences[i][0] + size // 2
        i = max(i + 1, next((k for k in range(i, j + 1) if sentences[k][0] >= half), j))
    return out


def corpus_prefix(articles: Mapping[str, Article], prefix_chars: int) -> Prefix | None:
    """The whole corpus as one prefix, when it fits ``prefix_chars`` (0: no cached prefixes at all)."""
    if prefix_chars <= 0 or sum(len(a.text) for a in articles.values()) > prefix_chars:
        return None
    return Prefix(CORPUS, tuple((aid, 0, len(a.text)) for aid, a in sorted(articles.items())))


def _article_prefixes(aid: str, article: Article, context_chars: int) -> list[Prefix]:
    """The article whole when it fits ``context_chars``, the most text one question reads; else its windows."""
    if len(article.text) <= context_chars:
        return [Prefix(aid, ((aid, 0, len(article.text)),))]
    return [Prefix(f"{aid}@{a}", ((aid, a, b),)) for a, b in windows(article.text, context_chars)]


def prefixes(articles: Mapping[str, Article], context_chars: int, prefix_chars: int) -> list[Prefix]:
    """Every prefix a question may read: the whole corpus when it fits ``prefix_chars``;
    else (unless ``prefix_chars`` is 0: no cached prefixes) each article that fits ``context_chars``, the
    most text one question reads, and the windows of ``context_chars`` of each longer one."""
    whole = corpus_prefix(articles, prefix_chars)
    if whole is not None:
        return [whole]
    if prefix_chars <= 0:
        return []
    return [p for aid, a in sorted(articles.items()) for p in _article_prefixes(aid, a, context_chars)]


def choose_prefix(
    hits: Sequence[ChunkRecord], articles: Mapping[str, Article], context_chars: int, prefix_chars: int
) -> Prefix | None:
    """The prefix a question reads, or None (answered from retrieved sentences).

    The whole corpus when it fits ``prefix_chars``; otherwise the best hit's article
    when it holds at least half of the hits (the evidence sits in it; on the six SQuAD articles, 986
    questions, it did for 941, and was the question's article for 98.6% of them): the article whole when
    it fits ``context_chars``, else its window holding the most of its hits, better ranks weighing more.
    On squad2 (48 questions) a 6,000-character window answered as well as retrieved sentences (answer
    0.71, refusal 0.25 vs 0.75, 0.21) where the whole 12,000-character article did worse (0.50, 0.21).
    """
    ids = [h.article_id for h in hits if h.article_id in articles]
    if not ids:
        return None
    whole = corpus_prefix(articles, prefix_chars)
    if whole is not None:
        return whole
    best = ids[0]
    if prefix_chars <= 0 or 2 * ids.count(best) < len(ids):
        return None
    mine = _article_prefixes(best, articles[best], context_chars)  # only this article's windows: per question

    def weight(prefix: Prefix) -> float:
        _, start, end = prefix.spans[0]
        return sum(1 / (rank + 1) for rank, h in enumerate(hits)
                   if h.article_id == best and start <= h.start and h.end <= end)

    scored = [(weight(p), -p.spans[0][1], p) for p in mine]
    top = max(scored, key=lambda x: (x[0], x[1]), default=None)
    return top[2] if top is not None and top[0] > 0 else None


def select_sources(
    hits: Sequence[ChunkRecord], articles: Mapping[str, Article], context_chars: int, prefix_chars: int = 0
) -> list[ArticleSources]:
    """The text of ``choose_prefix`` when there is one; otherwise the hit articles whole,
    in the order of their best hit, while they fit ``context_chars`` (several short reports of one event
    are all read), and the hit chunks of the rest, best first, within what is left. Sources are
    numbered from 1 in article order and, within an article, in text order.
    """
    prefix = choose_prefix(hits, articles, context_chars, prefix_chars)
    if prefix is not None:
        return read_spans(articles, prefix.spans)
    whole: dict[str, list[tuple[int, int]]] = {}
    budget = context_chars
    for aid in dict.fromkeys(h.article_id for h in hits if h.article_id in articles):
        if len(articles[aid].text) <= budget:
            budget -= len(articles[aid].text)
            whole[aid] = split_sentences(articles[aid].text)
    parts: dict[str, set[tuple[int, int]]] = {}
    for hit in hits:
        if hit.article_id in articles and hit.article_id not in whole and hit.end - hit.start <= budget:
            budget -= hit.end - hit.start
            parts.setdefault(hit.article_id, set()).update(hit.sentences)
    return _numbered(articles, {**whole, **{aid: sorted(spans) for aid, spans in parts.items()}})


def read_spans(articles: Mapping[str, Article], spans: Sequence[Span]) -> list[ArticleSources]:
    """Every sentence inside these spans, numbered as ``select_sources`` numbers them."""
    return _numbered(articles, {
        aid: [(a, b) for a, b in split_sentences(articles[aid].text) if start <= a and b <= end]
        for aid, start, end in spans
    })


def own_prefix(sources: Sequence[Source], articles: Mapping[str, Article], context_chars: int) -> Prefix | None:
    """The article these sources read whole, as a prefix of its own (whose KV state a model keeps between
    questions, as for a corpus too large for one prefix), when they read one article whole; else None."""
    ids = {s.article_id for s in sources}
    if len(ids) != 1:
        return None
    (aid,) = ids
    mine = _article_prefixes(aid, articles[aid], context_chars)
    if len(mine) != 1:
        return None
    whole = [(x.start, x.end) for group in read_spans(articles, mine[0].spans) for x in group.sources]
    return mine[0] if whole == [(x.start, x.end) for x in sources] else None


def _numbered(articles: Mapping[str, Article], chosen: Mapping[str, Sequence[tuple[int, int]]]) -> list[ArticleSources]:
    out = []
    number = 1
    for aid in sorted(chosen):
        article = articles[aid]
        sources = []
        shown, withheld = _sentences(article, chosen[aid])
        for start, end in shown:
            sources.append(Source(number, aid, start, end, article.text[start:end]))
            number += 1
        byline = ", ".join(x for x in (article.outlet, article.published) if x)
        out.append(ArticleSources(article.title, aid, tuple(sources), withheld, byline))
    return out


def focus(
    question: str, sources: Sequence[Source], retrieved: set[tuple[str, int]], size: int = 4
) -> list[Source]:
    """The few sources most related to the question, or [] when none plausibly answers it.

    Plausible means: every name and number the question mentions occurs in the sources (a word that
    starts a sentence of the question is not taken for a name: "Write down…", "Please tell me…"), and
    some source shares a content word with the question, or one of its word family ("injured" and
    "injuries", which Snowball stems apart).
    """
    from assistant.textfacts import content_words, supported
    from index.text import lower_initials, related_stems

    ok, _ = supported(lower_initials(question), " ".join(s.text for s in sources))
    asked = content_words(question)

    def shared(source: Source) -> int:
        words = content_words(source.text)
        return sum(any(related_stems(a, w) for w in words) for a in asked)

    overlaps = [(shared(s), s) for s in sources]
    if not ok or not any(n for n, _ in overlaps):
        return []
    scored = [(n + ((s.article_id, s.start) in retrieved), -s.number, s) for n, s in overlaps]
    scored = [x for x in scored if x[0] > 0]
    return [s for *_, s in sorted(scored, key=lambda x: (x[0], x[1]), reverse=True)[:size]]
