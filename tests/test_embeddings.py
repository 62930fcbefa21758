"""The embedder's ONNX path: the same vectors as sentence-transformers, and no torch on the query path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from index import MiniLMEmbedder

pytestmark = pytest.mark.slow

TEXTS = [
    "How many people were killed in the blasts near Soleimani's grave?",
    "Ahmad Vahidi, Iran's interior minister, described the explosions as terrorist attacks.",
    "Warsaw's population is 1.7 million; it is Poland's capital.",
    "Émile a donné la terre à l'abbaye.",
    "",
    "word " * 400,  # over the 256-token limit: truncated the same way
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx")


def test_onnx_vectors_match_sentence_transformers(cache_dir: Path) -> None:
    onnx = MiniLMEmbedder(backend="onnx", cache_dir=cache_dir)
    torch = MiniLMEmbedder(backend="torch")
    a, b = np.array(onnx.embed(TEXTS)), np.array(torch.embed(TEXTS))
    assert hasattr(onnx._load(), "session") and not hasattr(torch._load(), "session")
    assert a.shape == b.shape == (len(TEXTS), 384)
    cosine = (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert cosine.min() >= 0.999, cosine
    assert len(list(cache_dir.glob("*.onnx"))) == 1 and not list(cache_dir.glob(".tmp-*"))
    single = np.array(onnx.embed(TEXTS[:1]))  # padding in a batch changes nothing
    assert np.allclose(single[0], a[0], atol=1e-5)


def test_a_new_process_embeds_from_the_export_without_importing_torch(cache_dir: Path) -> None:
    MiniLMEmbedder(backend="onnx", cache_dir=cache_dir).embed(["export first"])
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from index import MiniLMEmbedder
        vector = MiniLMEmbedder(cache_dir=Path({str(cache_dir)!r})).embed(["What trip did Raisi cancel?"])[0]
        assert len(vector) == 384
        print(sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_an_unusable_cache_falls_back_to_sentence_transformers(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    embedder = MiniLMEmbedder(cache_dir=blocked)
    assert len(embedder.embed(["still embeds"])[0]) == 384
    assert not hasattr(embedder._load(), "session")
