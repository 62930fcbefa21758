"""Hybrid retrieval: dense (Chroma) and lexical (BM25) hits merged by reciprocal rank fusion."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.catalog import Catalog
from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.measures import expand_query
from index.store import ChromaStore, ChunkRecord

__all__ = ["HybridRetriever", "fuse", "record_to_document"]


def fuse(rankings: list[list[str]], k: int, constant: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each list adds 1/(constant + rank) to the ids it ranks."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, id_ in enumerate(ranking):
            scores[id_] = scores.get(id_, 0.0) + 1.0 / (constant + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]


def record_to_document(record: ChunkRecord, score: float) -> Document:
    return Document(
        id=record.id,
        page_content=record.text,
        metadata={
            "article_id": record.article_id,
            "title": record.title,
            "start": record.start,
            "end": record.end,
            "sentences": json.dumps(record.sentences),
            "score": score,
        },
    )


class HybridRetriever(BaseRetriever):
    """Top-``k`` chunks for a query; ``Document.metadata`` carries article id, title, start and end."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    lexical: Any
    embedder: Any
    catalog: Any
    k: int = 5
    candidates: int = 20

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        k = int(kwargs.get("k", self.k))
        return [record_to_document(r, s) for r, s in self.search(query, k)]

    def open(self) -> None:
        """Load what a query reads (the embedder, the store's collection, the lexical index) by running
        one, so that the first question costs what later ones do."""
        self.search("open", 1)

    def search(self, query: str, k: int) -> list[tuple[ChunkRecord, float]]:
        """Fused hits as (record, fused score), best first."""
        store: ChromaStore = self.store
        lexical: LexicalIndex = self.lexical
        embedder: Embedder = self.embedder
        catalog: Catalog = self.catalog
        if k <= 0 or not query.strip():
            return []
        revisions = list(catalog.revisions().values())
        n = max(self.candidates, k)
        query = expand_query(query)
        dense = store.query(embedder.embed([query])[0], n, revisions)
        sparse = lexical.query(query, n, revisions)
        records = {r.id: r for r, _ in dense + sparse}
        fused = fuse([[r.id for r, _ in dense], [r.id for r, _ in sparse]], k)
        return [(records[id_], score) for id_, score in fused]
