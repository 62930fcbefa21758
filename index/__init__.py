"""Indexing and retrieval of articles: chunks with exact offsets, Chroma vectors, BM25, hybrid search.

Names are imported on first use (PEP 562): ``index.errors`` and ``index.articles`` stay light for the
checks that run before anything heavy loads.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.articles import Article, default_article_path, load_article, make_article
    from index.catalog import Catalog
    from index.chunking import Chunk, chunk_text, split_sentences
    from index.embeddings import Embedder, MiniLMEmbedder
    from index.errors import ArticleError, IndexingError, StoreError
    from index.indexer import Indexer, IndexReport
    from index.lexical import LexicalIndex
    from index.retriever import HybridRetriever
    from index.store import ChromaStore, ChunkRecord

_HOMES = {
    "Article": "articles", "default_article_path": "articles", "load_article": "articles", "make_article": "articles",
    "Catalog": "catalog", "Chunk": "chunking", "chunk_text": "chunking", "split_sentences": "chunking",
    "Embedder": "embeddings", "MiniLMEmbedder": "embeddings",
    "ArticleError": "errors", "IndexingError": "errors", "StoreError": "errors",
    "Indexer": "indexer", "IndexReport": "indexer", "LexicalIndex": "lexical", "HybridRetriever": "retriever",
    "ChromaStore": "store", "ChunkRecord": "store",
}
__all__ = [
    "Article",
    "ArticleError",
    "Catalog",
    "ChromaStore",
    "Chunk",
    "ChunkRecord",
    "Embedder",
    "HybridRetriever",
    "IndexReport",
    "Indexer",
    "IndexingError",
    "LexicalIndex",
    "MiniLMEmbedder",
    "StoreError",
    "chunk_text",
    "default_article_path",
    "load_article",
    "make_article",
    "split_sentences",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(import_module(f"index.{home}"), name)
    globals()[name] = value
    return value
