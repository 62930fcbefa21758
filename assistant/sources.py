"""Sources: the numbered sentences shown to the model, chosen from the retrieved hits."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index import Article, split_sentences
from index.directives import is_directive
from index.store import ChunkRecord

__all__ = ["Source", "ArticleSources", "prefix_articles", "select_sources", "read_whole", "focus"]

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


def prefix_articles(
    hits: Sequence[ChunkRecord], articles: Mapping[str, Article], context_chars: int, prefix_chars: int
) -> tuple[str, ...]:
    """The articles a question reads whole, as one stable prompt prefix whose KV state the model
    computes once and reuses: every article when the whole corpus fits ``max(context_chars,
    prefix_chars)``; otherwise the best hit's article when it fits ``prefix_chars`` alone and holds at
    least half of the hits (the evidence sits in it); () when neither, or nothing was retrieved: the
    question is answered from retrieved sentences. On the six SQuAD articles (986 questions), the best
    hit's article held at least half of the top 6 hits for 941 questions, and was the question's
    article for 98.6% of them.
    """
    ids = [h.article_id for h in hits if h.article_id in articles]
    if not ids:
        return ()
    if sum(len(a.text) for a in articles.values()) <= max(context_chars, prefix_chars):
        return tuple(articles)
    best = ids[0]
    if len(articles[best].text) <= prefix_chars and 2 * ids.count(best) >= len(ids):
        return (best,)
    return ()


def select_sources(
    hits: Sequence[ChunkRecord], articles: Mapping[str, Article], context_chars: int, prefix_chars: int = 0
) -> list[ArticleSources]:
    """The articles of ``prefix_articles`` whole when there are any; otherwise the hit articles whole,
    in the order of their best hit, while they fit ``context_chars`` (several short reports of one event
    are all read), and the hit chunks of the rest, best first, within what is left. Sources are
    numbered from 1 in article order and, within an article, in text order.
    """
    prefix = prefix_articles(hits, articles, context_chars, prefix_chars)
    if prefix:
        return read_whole(articles, prefix)
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


def read_whole(articles: Mapping[str, Article], ids: Sequence[str]) -> list[ArticleSources]:
    """These articles' every sentence, numbered as ``select_sources`` numbers them."""
    return _numbered(articles, {aid: split_sentences(articles[aid].text) for aid in ids})


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
