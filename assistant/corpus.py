"""The indexed corpus built from settings: store, catalog, lexical index, embedder, retriever."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from functools import cached_property

from assistant.models.prefix_cache import CORPUS, drop
from assistant.settings import Settings
from index import (
    Article,
    ArticleError,
    Catalog,
    ChromaStore,
    Embedder,
    HybridRetriever,
    Indexer,
    IndexReport,
    LexicalIndex,
    MiniLMEmbedder,
    default_article_path,
    load_article,
    make_article,
)
from index.articles import MAX_ARTICLE_BYTES
from index.indexer import Progress

__all__ = ["Corpus", "check_ids"]


def check_ids(
    articles: Sequence[Article], indexed: Mapping[str, str], revisions: Mapping[str, str], replace: bool = False
) -> None:
    """Refuse a file whose id another file holds in the index (``indexed``: id → source there,
    ``revisions``: id → revision there); ``replace`` allows taking it over. The same text from a moved
    file loses nothing, so it is no collision; texts given without a path ("" source) never are. Two
    files under one id in the same call are refused by ``Indexer.index``."""
    for article in articles:
        held = indexed.get(article.id, "")
        moved = revisions.get(article.id) == article.revision
        if not replace and held and article.source and held != article.source and not moved:
            raise ArticleError(
                f"{article.source} would be indexed as {article.id!r}, which already holds {held}; "
                "choose another id with --id NAME (in the web chat: the Id field), or pass --replace to replace "
                "it (in the web chat: remove it first)"
            )


class Corpus:
    """Opens the index lazily; ``ensure_indexed`` indexes the bundled article on a first start."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self.states_dir = settings.data_dir / "cache"  # the model's cached prompt states (assistant.models)
        self.dropped: list[str] = []  # state files deleted because their article was edited or removed

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or MiniLMEmbedder()

    @cached_property
    def store(self) -> ChromaStore:
        return ChromaStore(self.settings.data_dir, self.settings.chroma_url)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.settings.data_dir)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.settings.data_dir / "lexical")

    @cached_property
    def indexer(self) -> Indexer:
        return Indexer(self.store, self.embedder, self.catalog, self.lexical)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(
            store=self.store,
            lexical=self.lexical,
            embedder=self.embedder,
            catalog=self.catalog,
            k=self.settings.top_k,
        )

    def index_paths(
        self,
        paths: Sequence[str],
        progress: Progress | None = None,
        article_id: str | None = None,
        replace: bool = False,
        origins: Sequence[str] | None = None,
    ) -> IndexReport:
        """Load every file first (so one bad file changes nothing), check that no two sources claim one id,
        then index them together. ``article_id`` names the one file's id; ``replace`` lets a file take over
        an id that another file holds; ``origins`` records where each file came from instead of its path
        (an upload's temporary file: "upload:NAME", so uploading a new version of NAME replaces it)."""
        if article_id is not None and len(paths) != 1:
            raise ArticleError(f"--id names one article, but {len(paths)} files were given; index them one by one")
        loaded = [load_article(p, article_id) for p in paths] if paths else [load_article(default_article_path())]
        if origins is not None:
            loaded = [dataclasses.replace(a, source=o) for a, o in zip(loaded, origins, strict=True)]
        check_ids(loaded, self.catalog.sources(), self.catalog.revisions(), replace)
        return self._indexed(loaded, progress)

    def _indexed(self, articles: Sequence[Article], progress: Progress | None) -> IndexReport:
        """Index; drop the cached prompt states of the articles whose text changed (and of the corpus)."""
        before = self.catalog.revisions()
        report = self.indexer.index(articles, progress)
        changed = {a.id for a in articles if before.get(a.id) not in (None, a.revision)}
        if report.added or report.updated or report.deleted:
            changed.add(CORPUS)
        self.dropped.extend(drop(self.states_dir, changed))
        return report

    def index_text(self, text: str, article_id: str, progress: Progress | None = None) -> IndexReport:
        """Index pasted text under ``article_id``, with the checks a file gets (size, NUL bytes, empty);
        it replaces an article of that id given as text, never one indexed from a file."""
        if not article_id.strip():
            raise ArticleError("give the pasted article a name: it becomes its id")
        if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
            raise ArticleError(f"the pasted text is over the {MAX_ARTICLE_BYTES}-byte limit; split it")
        if "\x00" in text:
            raise ArticleError("the pasted text contains NUL characters; paste plain text")
        article = make_article(text, article_id)
        held = self.catalog.sources().get(article.id, "")
        if held:
            raise ArticleError(f"{article.id!r} already holds {held}; choose another name")
        return self._indexed([article], progress)

    def remove(self, article_id: str) -> IndexReport:
        """Take an article out of the index (its chunks, text and lexical entries)."""
        if article_id not in self.catalog.ids():
            known = ", ".join(self.catalog.ids()) or "none"
            raise ArticleError(f"no indexed article {article_id!r}; indexed: {known}")
        report = self.indexer.remove(article_id)
        self.dropped.extend(drop(self.states_dir, {article_id, CORPUS}))
        return report

    def ensure_indexed(self, progress: Progress | None = None) -> IndexReport | None:
        """Index the bundled article when the index is empty; None when there was nothing to do."""
        if self.catalog.ids():
            return None
        return self.index_paths([], progress)

    def articles(self) -> list[Article]:
        return self.catalog.articles()
