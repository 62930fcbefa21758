"""Outages during a session: the Chroma server killed and restarted mid-chat, and the chat under load.

The chat must name the service and its setting while the server is down, and answer again once it is
back, without a restart. Four web clients at once: no errors, no cross-talk, latency percentiles written
to artifacts/reliability-load.json.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from assistant import Assistant, Settings
from assistant.app.web import Chat, Exchange
from assistant.corpus import Corpus
from assistant.prompting import Prompts
from index.errors import StoreError
from tests.conftest import OFFLINE_ENV, free_port
from tests.fakes import HashEmbedder
from tests.fakes_llm import ScriptedChatModel
from tests.fakes_web import FakeBot, running

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ANSWER = "ISIS, also known as Daesh, has asserted responsibility for the twin blasts [4]."


class ChromaServer:
    """A `chroma run` process on a fixed port and path, that a test can stop and start again."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        log = open(self.root / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.root / "db"), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **OFFLINE_ENV},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        pytest.fail(f"chroma run did not start: {(self.root / 'server.log').read_text()}")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path)
    server.start()
    yield server
    server.kill()


def _assistant(data_dir: Path, url: str) -> tuple[Assistant, ScriptedChatModel]:
    settings = Settings(data_dir=data_dir, chroma_url=url)
    corpus = Corpus(settings, embedder=HashEmbedder())
    corpus.ensure_indexed()
    llm = ScriptedChatModel()
    bot = Assistant(
        corpus.retriever, llm, Prompts.load(), lambda: {a.id: a for a in corpus.articles()}, settings, corpus
    )
    return bot, llm


def test_chroma_killed_mid_chat_names_the_setting_and_the_chat_recovers(chroma: ChromaServer, data_dir: Path) -> None:
    bot, llm = _assistant(data_dir, chroma.url)
    chat = Chat(bot)
    llm.replies = [ANSWER]
    assert not bot.ask("Who claimed responsibility?").abstained

    chroma.kill()
    with pytest.raises(StoreError, match=f"lost the Chroma server at ASSISTANT_CHROMA_URL={chroma.url}"):
        bot.ask("Who claimed responsibility?")
    *_, last = chat.respond([Exchange("Who claimed responsibility?", "")])
    shown = last[0][-1].html
    assert 'class="error"' in shown and f"ASSISTANT&#95;CHROMA&#95;URL={chroma.url}" in shown  # the setting

    chroma.start()  # same port, same path: the session goes on without a restart
    llm.replies = [ANSWER]
    answer = bot.ask("Who claimed responsibility?")
    assert not answer.abstained and answer.citations


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_four_web_clients_at_once_get_their_own_answers() -> None:
    """Four gradio_client users, three questions each, concurrently: every answer is the one its own
    question asked for (no cross-talk), none fails; p50/p95 go to artifacts/reliability-load.json."""
    bot = FakeBot(delay=0.01)
    questions = ["Who claimed it?", "How many were killed?", "vests", "What happened?"]
    latencies: list[float] = []
    errors: list[str] = []
    crossed: list[str] = []
    lock = threading.Lock()
    with running(bot) as url:

        def user(question: str) -> None:
            client = Client(url, verbose=False)
            for _ in range(3):
                started = time.perf_counter()
                try:
                    result: dict[str, Any] = client.predict(question, [], api_name="/ask")
                except Exception as exc:  # noqa: BLE001 - counted below
                    with lock:
                        errors.append(f"{question}: {exc}")
                    continue
                with lock:
                    latencies.append(time.perf_counter() - started)
                    expected = bot.reply(question).answer.text
                    if result["text"] != expected:
                        crossed.append(f"{question!r} got {result['text']!r}")

        threads = [threading.Thread(target=user, args=(q,)) for q in questions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert errors == [] and crossed == []
    assert len(latencies) == 12
    report = {
        "clients": 4, "questions_each": 3, "errors": 0, "cross_talk": 0,
        "p50_s": round(statistics.median(latencies), 3), "p95_s": round(_percentile(latencies, 0.95), 3),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "reliability-load.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
