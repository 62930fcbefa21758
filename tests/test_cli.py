"""The ``assistant`` command in a subprocess: ``ask`` (JSON and text), its errors, and ``chat``.

The model is the fake OpenAI-compatible server, so no GGUF loads; the index is the real one (MiniLM),
built once for the module.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from index import Article, default_article_path, load_article
from tests.conftest import RunCli
from tests.fake_openai import FakeOpenAI, Reply, quoting
from tests.fakes_web import free_port

pytestmark = pytest.mark.slow

QUESTION = "What trip did President Raisi cancel?"
TRIP = "cancelled a planned trip"
CITATION_LINE = re.compile(r'^\[(\d+)\] (\S+)(?: \(.*\))? (\d+)-(\d+): "(.*)"$')


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the bundled article, indexed by the real command once."""
    path = tmp_path_factory.mktemp("cli") / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "index", "--json"],
        capture_output=True, text=True, timeout=300, env={**env, "ASSISTANT_DATA_DIR": str(path)},
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article(default_article_path())


def settings_env(indexed: Path, llm: str) -> dict[str, str]:
    return {"ASSISTANT_DATA_DIR": str(indexed), "ASSISTANT_LLM": llm}


def fake_llm(server: FakeOpenAI) -> str:
    return f"openai:fake@{server.url}"


def test_ask_json_prints_one_verified_answer(
    cli: RunCli, indexed: Path, fake_openai: FakeOpenAI, article: Article
) -> None:
    fake_openai.queue(quoting(TRIP))
    result = cli("ask", "--json", QUESTION, env=settings_env(indexed, fake_llm(fake_openai)))
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    answer = json.loads(line)
    assert {"text", "abstained", "citations", "conflicts", "timings"} <= set(answer)
    assert answer["abstained"] is False and "Turkey" in answer["text"] and "[1]" in answer["text"]
    assert answer["citations"] and answer["conflicts"] == []
    for c in answer["citations"]:
        assert set(c) == {"article_id", "title", "quote", "start", "end"}
        assert c["article_id"] == article.id and c["title"] == article.title
        assert article.text[c["start"] : c["end"]] == c["quote"]
    assert any(TRIP in c["quote"] for c in answer["citations"])
    assert {"retrieve", "total"} <= set(answer["timings"])
    (request,) = fake_openai.requests
    assert request.model == "fake" and request.temperature == 0 and QUESTION in request.messages[-1]["content"]


def test_ask_prints_text_then_numbered_citations(
    cli: RunCli, indexed: Path, fake_openai: FakeOpenAI, article: Article
) -> None:
    fake_openai.queue(quoting(TRIP))
    result = cli("ask", QUESTION, env=settings_env(indexed, fake_llm(fake_openai)))
    assert result.returncode == 0, result.stderr
    text, blank, *citations = result.stdout.rstrip("\n").split("\n")
    assert "Turkey" in text and "[1]" in text and blank == ""
    assert citations
    for n, line in enumerate(citations, 1):
        match = CITATION_LINE.match(line)
        assert match, line
        number, article_id, start, end, quote = match.groups()
        assert (int(number), article_id) == (n, article.id)
        assert article.text[int(start) : int(end)] == quote


def test_ask_invented_answer_abstains(cli: RunCli, indexed: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.queue("France won [1].")
    result = cli("ask", "--json", "Who won?", env=settings_env(indexed, fake_llm(fake_openai)))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["abstained"] is True and answer["citations"] == [] and "France" not in answer["text"]


@pytest.mark.parametrize(
    ("question", "server", "message"),
    [
        ("", "fake", r"^error: the question is empty"),
        ("  \t ", "fake", r"^error: the question is empty"),
        ("x" * 100_000, "fake", r"^error: the question is 100,000 characters.*ASSISTANT_MAX_QUESTION_CHARS"),
        (QUESTION, "down", r"^error: cannot reach the model server at http://127\.0\.0\.1:\d+/v1.*ASSISTANT_LLM"),
        (QUESTION, "404", r"^error: .*HTTP 404.*ASSISTANT_LLM"),
        (QUESTION, "openai:no-url", r"^error: ASSISTANT_LLM=openai:no-url must look like"),
    ],
    ids=["empty", "blank", "100KB", "server-down", "http-404", "bad-spec"],
)
def test_ask_errors_are_one_stderr_line_and_exit_1(
    cli: RunCli, indexed: Path, fake_openai: FakeOpenAI, question: str, server: str, message: str
) -> None:
    llm = fake_llm(fake_openai)
    if server == "down":
        llm = f"openai:fake@http://127.0.0.1:{free_port()}/v1"
    elif server == "404":
        fake_openai.queue(Reply(status=404))
    elif server != "fake":
        llm = server
    result = cli("ask", question, env=settings_env(indexed, llm))
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert re.search(message, line), line
    assert "Traceback" not in result.stderr


def test_chat_answers_follow_ups_and_reports_bad_questions(
    cli: RunCli, indexed: Path, fake_openai: FakeOpenAI, article: Article
) -> None:
    fake_openai.queue(quoting(TRIP), quoting("Israel"))
    lines = ["x" * 3000, QUESTION, "Who did he blame?", "", "never asked"]
    result = cli("chat", env=settings_env(indexed, fake_llm(fake_openai)), input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Turkey" in result.stdout and "Israel" in result.stdout
    citations = [m for line in result.stdout.splitlines() if (m := CITATION_LINE.match(line.removeprefix("> ")))]
    assert len(citations) >= 2
    for m in citations:
        assert article.text[int(m[3]) : int(m[4])] == m[5]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "ASSISTANT_MAX_QUESTION_CHARS" in errors[0]
    first, second = fake_openai.requests  # the bad question never reached the model; the empty line quit
    assert f"User asked: {QUESTION}" in second.messages[-1]["content"]
    assert "never asked" not in json.dumps([first.messages, second.messages])


def test_chat_quits_at_end_of_input(cli: RunCli, indexed: Path, fake_openai: FakeOpenAI) -> None:
    result = cli("chat", env=settings_env(indexed, fake_llm(fake_openai)), input="")
    assert result.returncode == 0, result.stderr
    assert fake_openai.requests == []


def test_printed_answers_carry_no_terminal_control_characters() -> None:
    """Article text reaches the terminal without escape sequences (clear screen, retitle the window,
    reorder text); --json keeps every character, escaped by JSON."""
    from assistant.answer import Answer, Citation
    from assistant.app.cli import format_answer

    quote = "The toll\x1b[2J rose\x1b]0;PWNED\x07 to 84\u202e."
    answer = Answer("It rose to 84 [1].\x1b[31m", False, (Citation("a", quote, 0, len(quote)),))
    printed = format_answer(answer)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", printed)
    assert "The toll[2J rose]0;PWNED to 84." in printed
    assert "\\u001b" in json.dumps(answer.to_dict())


def test_an_empty_question_is_refused_before_anything_loads(cli: RunCli, data_dir: Path) -> None:
    """The question is checked first: with a model path that does not exist and no index, the only
    error is about the question, and nothing was created in the data dir."""
    result = cli("ask", "", env={"ASSISTANT_LLM": "gguf:/nonexistent/model.gguf"})
    assert result.returncode == 1
    assert result.stderr.strip() == "error: the question is empty: type a question about the article"
    assert not data_dir.exists()
