"""all-MiniLM-L6-v2 run by onnxruntime: the same vectors as sentence-transformers without importing torch.

The ONNX graph is exported once from the packaged weights (torch and ``onnx``, at the first use on a
machine) into a per-user cache and reused by every later process: loading it takes about 0.3 s where
importing torch and sentence-transformers takes several seconds, and a query embeds in a few
milliseconds. Each installed copy of the weights gets its own export (90 MB); the cache keeps the
``KEEP`` most recently used and deletes the rest when it writes a new one, so reinstalls and fresh
checkouts do not fill the disk. Tokenisation is the model's own ``tokenizer.json`` (Hugging Face
``tokenizers``); pooling is the model's mean over tokens, then L2 normalisation, as
``SentenceTransformer.encode(normalize_embeddings=True)``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["OnnxMiniLM", "default_cache_dir", "onnx_file", "export", "used", "prune", "KEEP", "no_progress_bars"]

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
OPSET = 17
KEEP = 2  # exports kept: the one in use, and one more (a second checkout or virtualenv on the machine)
_PREFIX = "all-MiniLM-L6-v2-"


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "article-assistant"


def onnx_file(weights_dir: Path, cache_dir: Path) -> Path:
    """Where the export of these weights lives: named by the weights file, so new weights get a new file."""
    stat = (weights_dir / "model.safetensors").stat()
    digest = hashlib.sha256(f"{weights_dir.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{OPSET}".encode())
    return cache_dir / f"{_PREFIX}{digest.hexdigest()[:16]}.onnx"


def used(path: Path) -> None:
    """Mark an export as just used: the cache evicts the least recently used."""
    try:
        os.utime(path)
    except OSError:  # a read-only cache still serves
        pass


def prune(cache_dir: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the ``keep`` most recently used exports in ``cache_dir``; returns what was deleted.
    Only finished exports are candidates: another process's export still being written is not."""
    exports = []
    for path in cache_dir.glob(f"{_PREFIX}*.onnx"):
        try:
            exports.append((path.stat().st_mtime_ns, path))
        except OSError:  # deleted meanwhile by another process
            continue
    exports.sort(reverse=True)
    deleted = []
    for _, path in exports[max(keep, 1):]:
        try:
            path.unlink()
        except OSError:
            continue
        deleted.append(path)
    return deleted


@contextlib.contextmanager
def no_progress_bars() -> Iterator[None]:
    """transformers draws a "Loading weights" bar on stderr even when it is no terminal, which breaks the
    CLI's one-line output; loading takes well under a second anyway."""
    from transformers.utils import logging as transformers_logging

    shown = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        if shown:
            transformers_logging.enable_progress_bar()


def export(weights_dir: Path, path: Path) -> None:
    """Export the transformer (token ids → last hidden state) to ``path`` atomically."""
    import torch
    from transformers import AutoModel

    with no_progress_bars():
        model = AutoModel.from_pretrained(str(weights_dir), local_files_only=True).eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".onnx")
    os.close(fd)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
            torch.onnx.export(
                Encoder(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), tmp,
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["hidden"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "hidden": axes},
                opset_version=OPSET, dynamo=False,
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class OnnxMiniLM:
    """Encodes texts with an exported graph; ``encode`` returns unit vectors, one row per text."""

    def __init__(self, weights_dir: Path, path: Path, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(weights_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or max(1, min(4, os.cpu_count() or 1))
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        rows = []
        for at in range(0, len(texts), batch_size):
            batch = self.tokenizer.encode_batch(list(texts[at : at + batch_size]))
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            rows.append(summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12))
        return np.concatenate(rows) if rows else np.zeros((0, 384), dtype=np.float32)
