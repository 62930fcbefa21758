"""Indexing and retrieval of articles: chunks with exact offsets, Chroma vectors, BM25, hybrid search."""

from index.articles import Article, default_article_path, load_article, make_article
from index.catalog import Catalog
from index.chunking import Chunk, chunk_text, split_sentences
from index.embeddings import Embedder, MiniLMEmbedder
from index.errors import ArticleError, IndexingError, StoreError
from index.indexer import Indexer, IndexReport
from index.lexical import LexicalIndex
from index.retriever import HybridRetriever
from index.store import ChromaStore, ChunkRecord

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
