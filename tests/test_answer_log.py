"""The answer log: one JSON line per answer, read back by `assistant logs`, switched off by ASSISTANT_LOG=0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Settings
from assistant.answer_log import AnswerLog, log_path
from assistant.app.cli import main
from tests.fakes_web import scripted_assistant


def test_each_answer_is_logged_with_its_sources_draft_and_notes(data_dir: Path) -> None:
    bot, llm = scripted_assistant(data_dir)
    bot.log = AnswerLog(log_path(data_dir))
    llm.replies = ["Acme Corporation built it [1].", "The article does not say."]
    bot.ask("Who built the dam?")
    bot.ask("Who won?", history=[{"question": "Who built the dam?", "answer": "The article does not say."}])
    first, second = AnswerLog(log_path(data_dir)).read()
    assert first["question"] == "Who built the dam?" and first["history"] == 0
    assert first["draft"] == "Acme Corporation built it [1]." and first["answer"]["abstained"] is True
    assert any("dropped unsupported" in note for note in first["answer"]["notes"])
    assert first["sources"] and first["hits"] and first["model"] == "scripted"
    assert "total" in first["answer"]["timings"] and first["time"]
    assert second["history"] == 1
    assert AnswerLog(log_path(data_dir)).read(1) == [second]


def test_logs_command_prints_the_last_answers(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AnswerLog(log_path(data_dir))
    for i in range(3):
        log.append({"question": f"q{i}", "answer": {"text": f"a{i}", "abstained": False, "citations": [],
                                                    "timings": {"total": 1.5}, "notes": []}})
    assert main(["--data-dir", str(data_dir), "logs", "-n", "2"]) == 0
    out = capsys.readouterr().out
    assert "q0" not in out and "q1" in out and "q2" in out and "a2" in out
    assert main(["--data-dir", str(data_dir), "logs", "--json", "-n", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["question"] == "q2"


def test_a_torn_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"question": "ok"}\n{"question": "to', encoding="utf-8")
    assert AnswerLog(path).read() == [{"question": "ok"}]


@pytest.mark.slow
def test_from_settings_logs_only_when_switched_on(data_dir: Path) -> None:
    from assistant import Assistant
    from tests.fakes_llm import ScriptedChatModel

    off = Settings.from_env({"ASSISTANT_LOG": "0"}, data_dir=str(data_dir))
    assert Assistant.from_settings(off, llm=ScriptedChatModel()).log is None
    on = Settings.from_env({}, data_dir=str(data_dir))
    assert Assistant.from_settings(on, llm=ScriptedChatModel()).log is not None
