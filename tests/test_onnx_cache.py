"""The cache of ONNX exports of the embedder: each installed copy of the weights gets its own export (90 MB),
and the cache keeps only the most recently used, so reinstalls and fresh checkouts do not fill the disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index import onnx_minilm
from index.embeddings import MiniLMEmbedder
from index.onnx_minilm import KEEP, onnx_file, prune, used


def _export(cache: Path, name: str, age_s: int) -> Path:
    path = cache / f"all-MiniLM-L6-v2-{name}.onnx"
    path.write_bytes(b"graph")
    stamp = 1_700_000_000 - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_prune_keeps_the_most_recently_used_exports(tmp_path: Path) -> None:
    old, older, oldest = (_export(tmp_path, n, age) for n, age in (("a", 10), ("b", 20), ("c", 30)))
    writing = tmp_path / ".tmp-123.onnx"  # another process's export, still being written
    writing.write_bytes(b"half")
    other = tmp_path / "notes.txt"
    other.write_text("not ours")
    deleted = prune(tmp_path, keep=2)
    assert deleted == [oldest]
    assert old.exists() and older.exists() and writing.exists() and other.exists()


def test_a_used_export_is_kept_over_a_newer_unused_one(tmp_path: Path) -> None:
    in_use, newer = _export(tmp_path, "a", 30), _export(tmp_path, "b", 10)
    _export(tmp_path, "c", 20)
    used(in_use)
    prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([in_use.name, newer.name])


def test_prune_keeps_at_least_one_and_tolerates_an_empty_or_missing_cache(tmp_path: Path) -> None:
    only = _export(tmp_path, "a", 10)
    assert prune(tmp_path, keep=0) == [] and only.exists()
    assert prune(tmp_path / "missing") == []


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    folder = tmp_path / "weights"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """``export`` and ``OnnxMiniLM`` replaced: no torch, no onnxruntime; records what was exported."""
    written: list[Path] = []

    def export(weights_dir: Path, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"graph")
        written.append(path)

    monkeypatch.setattr(onnx_minilm, "export", export)
    monkeypatch.setattr(onnx_minilm, "OnnxMiniLM", lambda weights_dir, path: ("model", path))
    return written


def test_a_new_export_evicts_the_least_recently_used(weights: Path, exports: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = [_export(cache, name, age) for name, age in (("old", 10), ("older", 20), ("oldest", 30))]
    model = MiniLMEmbedder(cache_dir=cache)._onnx(weights)
    current = onnx_file(weights, cache)
    assert exports == [current] and model == ("model", current)
    assert sorted(cache.glob("*.onnx")) == sorted([current, stale[0]])
    assert len(list(cache.glob("*.onnx"))) == KEEP


def test_an_existing_export_is_reused_and_marked_used(weights: Path, exports: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    current = onnx_file(weights, cache)
    current.write_bytes(b"graph")
    os.utime(current, (1_600_000_000, 1_600_000_000))
    others = [_export(cache, name, age) for name, age in (("old", 10), ("older", 20))]
    MiniLMEmbedder(cache_dir=cache)._onnx(weights)
    assert exports == []  # nothing exported, nothing pruned
    assert all(p.exists() for p in [current, *others])
    assert current.stat().st_mtime > others[0].stat().st_mtime  # now the most recently used
