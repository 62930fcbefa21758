"""The indexed corpus built from settings: store, catalog, lexical index, embedder, retriever."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from assistant.settings import Settings
from index import (
    Article,
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
)
from index.indexer import Progress

__all__ = ["Corpus"]


class Corpus:
    """Opens the index lazily; ``ensure_indexed`` indexes the bundled article on a first start."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder

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

    def index_paths(self, paths: Sequence[str], progress: Progress | None = None) -> IndexReport:
        """Load every file first (so one bad file changes nothing), then index them together."""
        articles = [load_article(p) for p in paths] if paths else [load_article(default_article_path())]
        return self.indexer.index(articles, progress)

    def ensure_indexed(self, progress: Progress | None = None) -> IndexReport | None:
        """Index the bundled article when the index is empty; None when there was nothing to do."""
        if self.catalog.ids():
            return None
        return self.index_paths([], progress)

    def articles(self) -> list[Article]:
        return self.catalog.articles()
