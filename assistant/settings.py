"""Settings: one frozen object read from ``ASSISTANT_*`` environment variables in one place."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from assistant.errors import ConfigError

__all__ = ["Settings", "default_data_dir"]


def default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "article-assistant"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. ``Settings.from_env()`` reads ``ASSISTANT_<FIELD>`` variables."""

    data_dir: Path
    chroma_url: str | None = None
    llm: str = "local"
    top_k: int = 6
    context_chars: int = 6000  # most retrieved article text put in one question's prompt
    prefix_chars: int = 8000  # a corpus up to this size is one cached prompt prefix; else each article (0: none)
    cache_mb: int = 2048  # disk space for cached prefix states (<data dir>/cache), least recently used deleted first
    max_tokens: int = 320
    threads: int = 0
    timeout: float = 120.0
    max_question_chars: int = 2000
    log: bool = True  # append every answer to <data dir>/logs/answers.jsonl (ASSISTANT_LOG=0: off)

    def __post_init__(self) -> None:
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, float) and not math.isfinite(value) or not low <= value <= high:
                raise ConfigError(f"ASSISTANT_{name.upper()}={value!r} is out of range: use {low} to {high}")
        if self.chroma_url is not None:
            from index.errors import StoreError
            from index.store import server_address

            try:
                server_address(self.chroma_url)
            except StoreError as exc:
                raise ConfigError(str(exc)) from None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {"data_dir": default_data_dir(env)}
        for f in fields(cls):
            raw = env.get(f"ASSISTANT_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw, f.type)
        types = {f.name: f.type for f in fields(cls)}
        for name, value in overrides.items():
            if value is not None:
                values[name] = _parse(name, value, types[name]) if isinstance(value, str) else value
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


# Allowed ranges: a value outside them turns retrieval off or hangs a call, so it is refused at load.
BOUNDS: dict[str, tuple[float, float]] = {
    "top_k": (1, 100),
    "context_chars": (500, 1_000_000),
    "prefix_chars": (0, 1_000_000),
    "cache_mb": (0, 10_000_000),
    "max_tokens": (16, 8192),
    "threads": (0, 512),
    "timeout": (1, 3600),
    "max_question_chars": (1, 100_000),
}


def _parse(name: str, raw: str, kind: object) -> object:
    kind = str(kind)
    if kind.startswith("bool"):
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"ASSISTANT_{name.upper()}={raw!r} is not a switch: use 1 or 0")
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
    except ValueError:
        raise ConfigError(f"ASSISTANT_{name.upper()}={raw!r} is not a number") from None
    if kind.startswith("Path"):
        return Path(raw).expanduser()
    return raw
