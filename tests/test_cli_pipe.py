"""The ``assistant`` command when whoever reads its output stops early (``assistant logs --json | head -1``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.answer_log import log_path


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    log = log_path(tmp_path)
    log.parent.mkdir(parents=True)
    record = {"question": "How many were killed?", "answer": {"text": "At least 84 [1]." + " x" * 200}}
    log.write_text("".join(json.dumps(record) + "\n" for _ in range(2000)), encoding="utf-8")  # > a pipe's buffer
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--data-dir", str(tmp_path), "logs", "-n", "2000", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, as a shell reports `yes | head -1`'s yes
    assert json.loads(first)["question"] == "How many were killed?"
    assert err == ""  # no traceback, no "Exception ignored" at exit
