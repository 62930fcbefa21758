"""A small fictional article for pure-logic tests: not the bundled one, so nothing is tuned to it."""

from __future__ import annotations

from assistant.sources import Source, select_sources
from index import Article, make_article
from index.store import ChunkRecord

FLOOD_TEXT = """Flood sweeps Riverton, killing 12 people

A flash flood swept through the town of Riverton on March 4, 2021, after three days of heavy rain.
Officials later said at least 9 people died and 40 were injured in the flood.
The mayor, Dana Whitfield, declared a state of emergency and closed the Northgate bridge.
Accounts of the cause differ, with the water authority blaming a blocked culvert and residents blaming the new dam upstream.
The dam was completed in 1998 by the regional council.
The national weather office declined to comment on its forecasts.
Rescue teams from Hollis and Marlow helped evacuate 300 residents.
"""


def flood() -> Article:
    return make_article(FLOOD_TEXT, "riverton-flood")


def flood_sources() -> tuple[Article, list[Source]]:
    """The article and all its sentences as numbered sources (the whole article fits the budget)."""
    return numbered(FLOOD_TEXT, "riverton-flood")


def number_of(sources: list[Source], fragment: str) -> int:
    """The source number of the sentence containing ``fragment``."""
    (source,) = [s for s in sources if fragment in s.text]
    return source.number


def numbered(text: str, article_id: str) -> tuple[Article, list[Source]]:
    """An article made of ``text`` and its numbered sentences, as one retrieved chunk gives them."""
    articles, sources = numbered_corpus((text, article_id))
    (article,) = articles.values()
    return article, sources


def numbered_corpus(*texts: tuple[str, str]) -> tuple[dict[str, Article], list[Source]]:
    """Articles made of (text, id) pairs and their sentences numbered across them, each article one retrieved
    chunk."""
    articles = {a.id: a for a in (make_article(text, article_id) for text, article_id in texts)}
    hits = [ChunkRecord(id=a.id, article_id=a.id, title=a.title, revision=a.revision, start=0, end=len(a.text),
                        text=a.text, sentences=()) for a in articles.values()]
    return articles, [s for g in select_sources(hits, articles, 10_000) for s in g.sources]
