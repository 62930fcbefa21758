"""The answer log: one JSON line per answer in the data dir, so rules are tuned on what users ask.

Each record holds the question, the history length, the retrieved hits, the numbered sources, the
model's draft, every grounding note, the final answer, timings and the model. ``ASSISTANT_LOG=0``
turns it off; ``assistant logs`` reads it.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

__all__ = ["AnswerLog", "log_path"]


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / "answers.jsonl"


class AnswerLog:
    """Appends records as JSON lines; a record is written whole with one ``write`` on an O_APPEND file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps({"time": datetime.now(UTC).isoformat(timespec="seconds"), **record},
                          ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError:
            return  # a full or read-only disk must not cost the user the answer

    def read(self, last: int | None = None) -> list[dict[str, Any]]:
        """The last ``last`` records (all when None), oldest first; unreadable lines are skipped."""
        if not self.path.exists():
            return []
        try:
            with self.path.open(encoding="utf-8", errors="replace") as handle:
                lines = deque(handle, maxlen=last) if last else list(handle)
        except OSError as exc:
            raise AssistantError(f"cannot read the answer log {self.path}: {exc}") from None
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records
