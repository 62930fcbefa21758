"""Errors raised by the indexer; each message says what to do next."""

from __future__ import annotations

__all__ = ["IndexingError", "ArticleError", "StoreError"]


class IndexingError(Exception):
    """Base class for indexing and retrieval errors."""


class ArticleError(IndexingError):
    """An article file cannot be read as text."""


class StoreError(IndexingError):
    """The vector store or the data directory cannot be used."""
