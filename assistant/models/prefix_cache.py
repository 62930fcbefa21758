"""The model's KV state for a prompt prefix, kept in memory and on disk so answers start fast.

llama.cpp reuses the KV cache of the longest prompt prefix shared with its previous call. Saving the
state after the stable system+sources prefix lets a process restore it instead of evaluating ~1,000
tokens again: after a detour through another prompt, and after a restart (the file on disk).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["PrefixState", "common_prefix", "capture", "restore", "cache_key", "save", "load"]

_MAGIC = b"AAPREFIX1"
KEEP = 4  # state files kept: one per recent set of indexed articles


@dataclass(frozen=True)
class PrefixState:
    """Token ids evaluated so far and llama.cpp's serialised context state after them."""

    tokens: np.ndarray
    data: bytes


def common_prefix(a: Any, b: Any) -> int:
    """Length of the longest common prefix of two token sequences."""
    n = min(len(a), len(b))
    if n == 0:
        return 0
    diff = np.nonzero(np.asarray(a[:n]) != np.asarray(b[:n]))[0]
    return int(diff[0]) if len(diff) else n


def capture(llama: Any) -> PrefixState:
    """The state of a ``llama_cpp.Llama`` now."""
    import llama_cpp

    size = llama_cpp.llama_state_get_size(llama.ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    written = llama_cpp.llama_state_get_data(llama.ctx, buffer, size)
    return PrefixState(np.array(llama.input_ids[: llama.n_tokens], dtype=np.intc), ctypes.string_at(buffer, written))


def restore(llama: Any, state: PrefixState) -> bool:
    """Put ``llama`` back in ``state``; False (and the context cleared) when llama.cpp refuses it."""
    import llama_cpp

    buffer = (ctypes.c_uint8 * len(state.data)).from_buffer_copy(state.data)
    read = llama_cpp.llama_state_set_data(llama.ctx, buffer, len(state.data))
    if read != len(state.data):
        llama.reset()
        llama._ctx.kv_cache_clear()
        return False
    n = len(state.tokens)
    llama.input_ids[:n] = state.tokens
    llama.n_tokens = n
    llama._requires_eval = True  # logits were not produced by a live decode
    return True


def cache_key(model_path: str, n_ctx: int, tokens: Any) -> str:
    """A file name for the state after ``tokens`` with this model file and context size."""
    import llama_cpp

    stat = os.stat(model_path)
    digest = hashlib.sha256()
    digest.update(f"{os.path.abspath(model_path)}|{stat.st_size}|{n_ctx}|{llama_cpp.__version__}|".encode())
    digest.update(np.asarray(tokens, dtype=np.intc).tobytes())
    return f"prefix-{digest.hexdigest()[:32]}.state"


def save(path: Path, state: PrefixState) -> None:
    """Write atomically: a crash leaves the old file or none, never a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens = state.tokens.astype(np.intc).tobytes()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + len(tokens).to_bytes(8, "little") + tokens + state.data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(path.parent, keep=KEEP)


def _prune(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently written state files (old prefixes of old indexes)."""
    files = sorted(folder.glob("prefix-*.state"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def load(path: Path) -> PrefixState | None:
    """The state in ``path``, or None when it is missing or not a state file."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(_MAGIC) or len(raw) < len(_MAGIC) + 8:
        return None
    n = int.from_bytes(raw[len(_MAGIC) : len(_MAGIC) + 8], "little")
    body = raw[len(_MAGIC) + 8 :]
    if n > len(body) or n % np.dtype(np.intc).itemsize:
        return None
    return PrefixState(np.frombuffer(body[:n], dtype=np.intc).copy(), body[n:])
