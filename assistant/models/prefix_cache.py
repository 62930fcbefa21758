"""The model's KV state for a prompt prefix, kept in memory and on disk so answers start fast.

llama.cpp reuses the KV cache of the longest prompt prefix shared with its previous call. Saving the
state after a stable prefix (the system prompt and one article's numbered sentences, or the whole corpus
when it is small) lets a process restore it instead of evaluating thousands of tokens again: when the
next question is about another article, and after a restart (the file on disk).

Files are named ``<label>--<digest>.state``: the label names what the prefix holds (an article id, or
``corpus``) and the digest hashes the model file, context size and prefix tokens, so an edited article
or prompt gets a new file and saving it deletes the label's old one. Writes are atomic (a reader in
another process sees the old file or the new one, never half of one); every file carries a CRC of its
bytes, so a corrupt one is deleted and recomputed, never handed to llama.cpp. The folder is bounded in
bytes: the least recently used files go first (loading a file marks it used).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CORPUS", "PrefixState", "Corrupt", "common_prefix", "capture", "restore", "cache_key", "model_identity",
    "label_of", "save", "load", "drop", "usage",
]

CORPUS = "_corpus"  # the label of the state holding every indexed article (ids are slugs: never "_…")
_MAGIC = b"AAPREFIX2"
_HEADER = len(_MAGIC) + 8 + 4  # magic, token bytes, CRC-32 of everything after the header
_SUFFIX = ".state"


@dataclass(frozen=True)
class PrefixState:
    """Token ids evaluated so far and llama.cpp's serialised context state after them."""

    tokens: np.ndarray
    data: bytearray  # writable, so llama.cpp reads it in place (a 6,000-character window's is ~45 MB)


class Corrupt(ValueError):
    """A state file that is not whole: torn, truncated or overwritten."""


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
    tokens = np.array(llama.input_ids[: llama.n_tokens], dtype=np.intc)
    return PrefixState(tokens, bytearray(memoryview(buffer)[:written]))  # one copy, made writable


def restore(llama: Any, state: PrefixState) -> bool:
    """Put ``llama`` back in ``state``; False (and the context cleared) when llama.cpp refuses it."""
    import llama_cpp

    buffer = (ctypes.c_uint8 * len(state.data)).from_buffer(state.data)
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


def label_of(name: str) -> str:
    """A file-name-safe label for an article id (or ``CORPUS``), distinct for distinct names; a window of
    an article ("<id>@<start>") gets the article's label and ".w<start>"."""
    base, at, start = name.rpartition("@")
    if at and base and start.isdigit():
        return f"{label_of(base)}.w{start}"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]
    if safe == name and "--" not in name and ".w" not in name:
        return name
    return f"{safe[:60].replace('--', '_').replace('.', '_')}_{hashlib.sha256(name.encode()).hexdigest()[:10]}"


_EDGE = 1 << 16  # bytes read from each end of a model file to tell it from another


def model_identity(model_path: str) -> str:
    """What tells a model file from another, wherever it lies: its size and a digest of its first and last
    64 KiB (the GGUF header with its metadata, and tensor data). Copies of one file in several data dirs are
    one model, so a state computed with one copy is found with another; the path is not part of it."""
    size = os.stat(model_path).st_size
    digest = hashlib.sha256(str(size).encode())
    with open(model_path, "rb") as f:
        digest.update(f.read(_EDGE))
        f.seek(max(size - _EDGE, 0))
        digest.update(f.read(_EDGE))
    return digest.hexdigest()[:24]


def cache_key(model_path: str, n_ctx: int, tokens: Any, label: str = CORPUS) -> str:
    """The file name of the state after ``tokens`` with this model and context size."""
    import llama_cpp

    digest = hashlib.sha256()
    digest.update(f"{model_identity(model_path)}|{n_ctx}|{llama_cpp.__version__}|".encode())
    digest.update(np.asarray(tokens, dtype=np.intc).tobytes())
    return f"{label_of(label)}--{digest.hexdigest()[:32]}{_SUFFIX}"


def _label(path: Path) -> str:
    return path.name.rsplit("--", 1)[0]


def _states(folder: Path) -> list[Path]:
    return [p for p in folder.glob(f"*--*{_SUFFIX}") if p.is_file()]


def save(path: Path, state: PrefixState, max_bytes: int | None = None) -> list[str]:
    """Write atomically; delete the label's other states; keep the folder within ``max_bytes``.

    Returns the names of the files deleted to make room (least recently used first).
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    tokens = state.tokens.astype(np.intc).tobytes()
    crc = zlib.crc32(state.data, zlib.crc32(tokens))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + len(tokens).to_bytes(8, "little") + crc.to_bytes(4, "little"))
            f.write(tokens)
            f.write(state.data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in _states(folder):
        if old != path and _label(old) == _label(path):
            old.unlink(missing_ok=True)
    for legacy in folder.glob("prefix-*.state"):  # the single-prefix files of earlier versions
        legacy.unlink(missing_ok=True)
    return _evict(folder, max_bytes, keep=path) if max_bytes is not None else []


def _evict(folder: Path, max_bytes: int, keep: Path) -> list[str]:
    """Delete least recently used states (not ``keep``) until the folder holds at most ``max_bytes``."""
    files = []
    for p in _states(folder):
        try:
            st = p.stat()
        except OSError:
            continue
        files.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in files)
    evicted = []
    for _, size, p in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes:
            break
        if p == keep:
            continue
        p.unlink(missing_ok=True)
        total -= size
        evicted.append(p.name)
    return evicted


def load(path: Path) -> PrefixState | None:
    """The state in ``path`` (marked as just used), None when there is none; ``Corrupt`` when the file
    is not whole (it is deleted: the caller recomputes it)."""
    try:
        with path.open("rb") as f:
            raw = bytearray(os.fstat(f.fileno()).st_size)
            del raw[f.readinto(raw) :]  # a file shorter than its size said: the checksum tells
    except OSError:
        return None
    try:
        state = _parse(raw)
    except Corrupt:
        path.unlink(missing_ok=True)
        raise
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache is still a cache
    return state


def _parse(raw: bytearray) -> PrefixState:
    if not raw.startswith(_MAGIC) or len(raw) < _HEADER:
        raise Corrupt("not a prefix state file")
    n = int.from_bytes(raw[len(_MAGIC) : len(_MAGIC) + 8], "little")
    crc = int.from_bytes(raw[len(_MAGIC) + 8 : _HEADER], "little")
    body = memoryview(raw)[_HEADER:]
    if n > len(body) or n % np.dtype(np.intc).itemsize:
        raise Corrupt("token block longer than the file")
    if zlib.crc32(body) != crc:
        raise Corrupt("checksum mismatch")
    tokens = np.frombuffer(body[:n], dtype=np.intc).copy()
    del body  # a bytearray cannot shrink while a view of it is alive
    del raw[:_HEADER + n]  # drops the head in place: no copy of the state
    return PrefixState(tokens, raw)


def drop(folder: Path, labels: set[str]) -> list[str]:
    """Delete the states of these labels and of their windows (articles edited or removed); their file names."""
    names = {label_of(label) for label in labels}
    gone = []
    for p in _states(folder) if folder.is_dir() else []:
        if _label(p) in names or _label(p).split(".w")[0] in names:
            p.unlink(missing_ok=True)
            gone.append(p.name)
    return gone


def usage(folder: Path) -> tuple[int, int]:
    """(state files, bytes) in the folder."""
    files = _states(folder) if folder.is_dir() else []
    sizes = []
    for p in files:
        try:
            sizes.append(p.stat().st_size)
        except OSError:
            pass
    return len(sizes), sum(sizes)
