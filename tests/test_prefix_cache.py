"""The prefix-state files: atomic, self-checking, one per label, bounded in bytes (least recently used
go first), safe to share between processes. The llama.cpp round trip is in test_local_model."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.models.prefix_cache import (
    CORPUS,
    Corrupt,
    PrefixState,
    cache_key,
    common_prefix,
    drop,
    label_of,
    load,
    save,
    usage,
)


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [([], [1], 0), ([1, 2, 3], [1, 2, 3], 3), ([1, 2, 3], [1, 2], 2), ([1, 2, 3], [1, 9, 3], 1), ([5], [6], 0)],
)
def test_common_prefix(a: list[int], b: list[int], n: int) -> None:
    assert common_prefix(a, b) == n == common_prefix(np.array(a, dtype=np.intc), b)


def state(n: int = 1000, size: int = 4096, seed: int = 0) -> PrefixState:
    rng = np.random.default_rng(seed)
    return PrefixState(np.arange(n, dtype=np.intc), bytearray(rng.bytes(size)))


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    saved = state()
    save(tmp_path / "a--1.state", saved)
    again = load(tmp_path / "a--1.state")
    assert again is not None
    assert np.array_equal(again.tokens, saved.tokens) and again.data == saved.data
    assert [p.name for p in tmp_path.iterdir()] == ["a--1.state"]  # no temporary files left


def test_a_missing_file_is_no_state(tmp_path: Path) -> None:
    assert load(tmp_path / "absent--1.state") is None


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "flipped", "long_tokens"])
def test_a_corrupt_or_torn_file_is_refused_and_deleted(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "a--1.state"
    save(path, state())
    raw = bytearray(path.read_bytes())
    if damage == "empty":
        raw = bytearray()
    elif damage == "garbage":
        raw = bytearray(b"garbage" * 10)
    elif damage == "truncated":
        raw = raw[: len(raw) // 2]
    elif damage == "flipped":
        raw[-100] ^= 0xFF
    else:
        raw[9:17] = (10**9).to_bytes(8, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(Corrupt):
        load(path)
    assert not path.exists()  # the caller computes it again


def test_a_new_state_of_a_label_replaces_its_old_one_and_leaves_other_labels(tmp_path: Path) -> None:
    save(tmp_path / "warsaw--old.state", state())
    save(tmp_path / "steam-engine--x.state", state())
    save(tmp_path / "warsaw--new.state", state(seed=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["steam-engine--x.state", "warsaw--new.state"]


def test_the_folder_keeps_within_its_byte_bound_dropping_the_least_recently_used(tmp_path: Path) -> None:
    probe = tmp_path / "probe--0.state"
    save(probe, state())
    one = probe.stat().st_size
    probe.unlink()
    for i in range(3):
        save(tmp_path / f"a{i}--0.state", state(seed=i))
        os.utime(tmp_path / f"a{i}--0.state", (1000 + i, 1000 + i))
    load(tmp_path / "a0--0.state")  # used just now: the oldest by write time, the newest by use
    evicted = save(tmp_path / "a3--0.state", state(seed=3), max_bytes=3 * one)
    assert evicted == ["a1--0.state"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a0--0.state", "a2--0.state", "a3--0.state"]
    assert usage(tmp_path) == (3, 3 * one)
    assert save(tmp_path / "big--0.state", state(size=10 * one), max_bytes=one) == [
        "a2--0.state", "a0--0.state", "a3--0.state"]  # the new state itself stays, even over the bound
    assert usage(tmp_path)[0] == 1


def test_drop_deletes_the_states_of_edited_or_removed_articles(tmp_path: Path) -> None:
    for name in ("warsaw", "warsaw@5000", "warsaw-2@0", "steam-engine", CORPUS):
        save(tmp_path / f"{label_of(name)}--1.state", state())
    gone = drop(tmp_path, {"warsaw", CORPUS, "warsaw-2"})
    assert sorted(gone) == sorted([f"{label_of(CORPUS)}--1.state", "warsaw--1.state", "warsaw.w5000--1.state",
                                   "warsaw-2.w0--1.state"])
    assert [p.name for p in tmp_path.iterdir()] == ["steam-engine--1.state"]
    assert drop(tmp_path / "absent", {"x"}) == []


def test_labels_are_file_names_and_distinct() -> None:
    names = ["warsaw", "报告", "报道", "upload:a b.txt", "upload:a_b.txt", "a--b", "a.w1", CORPUS, "报告@7", "a@1"]
    labels = [label_of(n) for n in names]
    assert len(set(labels)) == len(names)
    assert label_of("warsaw") == "warsaw" and all("/" not in x and "--" not in x for x in labels)
    assert label_of("warsaw@3000") == "warsaw.w3000" and label_of("报告@7").startswith(label_of("报告") + ".w")
    assert ".w" not in label_of("a.w1")  # only a window's label holds the window marker


def _writer(path: str, until: float) -> None:
    i = 0
    while time.monotonic() < until:
        save(Path(path), state(n=1000 + i % 7, size=200_000, seed=i))
        i += 1


def test_a_process_reading_while_another_writes_never_sees_half_a_file(tmp_path: Path) -> None:
    path = tmp_path / "shared--1.state"
    save(path, state(size=200_000))
    writer = multiprocessing.get_context("spawn").Process(target=_writer, args=(str(path), time.monotonic() + 3))
    writer.start()
    reads = 0
    try:
        while writer.is_alive():
            got = load(path)  # Corrupt would fail the test
            assert got is not None and len(got.data) == 200_000
            reads += 1
    finally:
        writer.join()
    assert reads > 10


def test_a_state_key_names_the_model_by_content_not_path(tmp_path: Path) -> None:
    """Copies of one model file in two data dirs find each other's states; another model (same name and
    size, other tensors) or another context size does not."""
    body = bytes(range(256)) * 1024  # 256 KiB: header and tail digests read different bytes
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    model, copy, other = tmp_path / "a" / "m.gguf", tmp_path / "b" / "m.gguf", tmp_path / "m.gguf"
    model.write_bytes(body)
    copy.write_bytes(body)
    other.write_bytes(body[:-1] + b"\x00")
    tokens = [1, 2, 3]
    key = cache_key(str(model), 4096, tokens, "article")
    assert cache_key(str(copy), 4096, tokens, "article") == key
    assert cache_key(str(other), 4096, tokens, "article") != key
    assert cache_key(str(model), 8192, tokens, "article") != key
    assert cache_key(str(model), 4096, [1, 2, 4], "article") != key
