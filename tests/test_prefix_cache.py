"""The prefix-state file: atomic, self-checking, pruned (the llama.cpp round trip is in test_local_model)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.models.prefix_cache import KEEP, PrefixState, common_prefix, load, save


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [([], [1], 0), ([1, 2, 3], [1, 2, 3], 3), ([1, 2, 3], [1, 2], 2), ([1, 2, 3], [1, 9, 3], 1), ([5], [6], 0)],
)
def test_common_prefix(a: list[int], b: list[int], n: int) -> None:
    assert common_prefix(a, b) == n == common_prefix(np.array(a, dtype=np.intc), b)


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    state = PrefixState(np.arange(1000, dtype=np.intc), os.urandom(4096))
    save(tmp_path / "prefix-a.state", state)
    again = load(tmp_path / "prefix-a.state")
    assert again is not None
    assert np.array_equal(again.tokens, state.tokens) and again.data == state.data
    assert [p.name for p in tmp_path.iterdir()] == ["prefix-a.state"]  # no temporary files left


@pytest.mark.parametrize("content", [b"", b"garbage", b"AAPREFIX1" + (10**9).to_bytes(8, "little") + b"xx"])
def test_a_missing_or_torn_file_is_no_state(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "prefix-x.state").write_bytes(content)
    assert load(tmp_path / "prefix-x.state") is None
    assert load(tmp_path / "absent.state") is None


def test_old_prefix_files_are_pruned(tmp_path: Path) -> None:
    for i in range(KEEP + 3):
        save(tmp_path / f"prefix-{i}.state", PrefixState(np.array([i], dtype=np.intc), b"x"))
        time.sleep(0.01)
    kept = sorted(p.name for p in tmp_path.glob("prefix-*.state"))
    assert len(kept) == KEEP and f"prefix-{KEEP + 2}.state" in kept and "prefix-0.state" not in kept
