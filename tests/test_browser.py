"""The web chat in a real browser (Debian's Chromium through Playwright).

Writes artifacts/web-chat.png, artifacts/web-concurrent.png, artifacts/browser-concurrency.json and
artifacts/browser-latency.json (first streamed token with the real default model).
"""

from __future__ import annotations

import io
import json
import shutil
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.fakes_web import MD_IMAGE, SENTENCES, XSS, FakeBot, Recorder, running, scripted_assistant

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install -y chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Session:
    """One browser tab on the chat, recording every request it makes."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1360, "height": 1000})
        self.page = self.context.new_page()
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def ask(self, question: str) -> None:
        self.page.fill("#question textarea", question)
        self.page.click("#ask")

    def answers(self) -> int:
        return int(self.page.locator("#chat .answer, #chat .error").count())

    def wait_for_answers(self, n: int) -> None:
        self.page.wait_for_function(
            f"document.querySelectorAll('#chat .answer, #chat .error').length >= {n}"
        )

    def new_conversation(self) -> None:
        self.page.click("#new-conversation")
        self.page.wait_for_function("document.querySelectorAll('#chat .answer, #chat .error').length === 0")
        self.page.wait_for_selector("#question textarea:not([disabled])")

    def external(self) -> list[str]:
        """Requests the app did not serve itself (another host, or another port of this one)."""
        own = ("data:", "blob:", self.origin + "/")
        return [u for u in self.requests if not u.startswith(own) and u != self.origin]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any) -> Iterator[Any]:
    opened: list[Session] = []

    def open_session(url: str) -> Session:
        opened.append(Session(browser, url))
        return opened[-1]

    yield open_session
    for s in opened:
        assert s.external() == [], "the page must request nothing the app did not serve itself"
        s.close()


def emphasised(page: Any) -> str:
    marks = "document.querySelectorAll('#sources-panel mark.cite-span.active')"
    return str(page.evaluate(f"[...{marks}].map(m => m.textContent).join('')"))


def test_streams_then_cites_and_highlights(session: Any, tmp_path: Path) -> None:
    bot, llm = scripted_assistant(tmp_path / "data", delay=0.08)
    llm.replies = [
        "ISIS, also known as Daesh, has asserted responsibility for the twin blasts [4].",
        "At least 84 fatalities and 284 injuries [4].",
    ]
    recorder = Recorder(bot)
    with running(recorder) as url:
        s = session(url)
        page = s.page
        assert "scripted" in page.inner_text("#header")  # the model in use is shown
        assert s.requests and s.external() == []

        s.ask("Who claimed responsibility for the attack?")
        page.wait_for_function(
            "(() => { const d = document.querySelector('#chat .draft');"
            " return d && /Daesh/.test(d.textContent); })()"
        )
        draft = page.inner_text("#chat .draft")
        assert "[" not in draft and "ISIS" in draft  # streamed, without the prompt's source numbers
        s.wait_for_answers(1)
        answer = recorder.answers[-1]
        assert not answer.abstained and answer.citations
        page.click("#chat .answer a.cite >> nth=0")
        page.wait_for_selector("#sources-panel mark.cite-span.active")
        assert emphasised(page) == answer.citations[0].quote
        assert page.evaluate(
            "(() => { const r = document.querySelector('#sources-panel mark.active').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
        ), "the cited span is scrolled into view"

        s.ask("And how many people died?")  # a follow-up: the model sees the first exchange
        s.wait_for_answers(2)
        assert "User asked: Who claimed responsibility for the attack?" in str(llm.calls[-1][-1].content)
        second = recorder.answers[-1]
        assert second.conflicts and page.locator("#chat .conflicts").count() == 1
        page.click("#chat .answer >> nth=1 >> a.cite >> nth=1")
        page.wait_for_function(
            f"document.querySelectorAll('#sources-panel mark.cite-span.active').length > 0"
            f" && [...document.querySelectorAll('#sources-panel mark.cite-span.active')]"
            f".map(m => m.textContent).join('') === {json.dumps(second.citations[1].quote)}"
        )
        page.click("#chat .answer >> nth=0 >> a.cite >> nth=0")  # back to the first answer's sources
        page.wait_for_function(
            "document.querySelector('#sources-panel section[data-answer=\"0\"]').hidden === false"
        )
        assert emphasised(page) == answer.citations[0].quote
        page.click("#chat .answer >> nth=1 >> a.cite >> nth=0")
        ARTIFACTS.mkdir(exist_ok=True)
        page.wait_for_timeout(400)  # the smooth scroll settles
        page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)

        s.new_conversation()
        assert page.locator("#sources-panel mark").count() == 0
        s.ask("Who claimed responsibility?")
        s.wait_for_answers(1)
        assert "User asked" not in str(llm.calls[-1][-1].content)  # the history went with it


def test_html_in_questions_answers_and_articles_is_text(session: Any) -> None:
    with running(FakeBot()) as url:
        s = session(url)
        page = s.page
        question = f"What did the banner say? {XSS}"
        s.ask(question)
        s.wait_for_answers(1)
        page.click("#chat .answer a.cite")
        page.wait_for_selector("#sources-panel mark.cite-span.active")
        page.wait_for_timeout(300)  # give any injected handler the chance to run
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.locator("#chat .question").first.inner_text() == question
        assert XSS in page.inner_text("#chat .answer")
        assert emphasised(page) == SENTENCES[4].quote
        assert f"Bombings at a memorial <b>ceremony</b> {MD_IMAGE}" in page.inner_text("#sources-panel")
        assert MD_IMAGE in page.inner_text("#header")  # the title is text, not an image
        assert MD_IMAGE in page.inner_text("#chat .answer")
        assert page.locator("img[src='x'], #chat script, #sources-panel script").count() == 0


def test_a_refusal_shows_no_sources_and_a_failure_a_message(session: Any) -> None:
    with running(FakeBot(failure=RuntimeError("Traceback (most recent call last): secret"))) as url:
        s = session(url)
        page = s.page
        s.ask("Who won the 2022 World Cup?")
        s.wait_for_answers(1)
        assert page.locator("#sources-panel mark").count() == 0
        s.ask("boom")
        s.wait_for_answers(2)
        error = page.inner_text("#chat .error")
        assert "went wrong" in error and "Traceback" not in page.inner_text("#chat")
        s.ask("Who claimed it?")  # the chat works on after a failure
        s.wait_for_answers(3)
        assert page.locator("#chat a.cite").count() == 1


def test_three_sessions_at_once(session: Any) -> None:
    bot = FakeBot(delay=0.05)
    questions = ["Who claimed the attack?", "How many were killed?", "Did they wear vests?"]
    with running(bot) as url:
        sessions = [session(url) for _ in range(3)]
        began = time.perf_counter()
        waiting_seen = 0
        finished: dict[int, list[float]] = {i: [] for i in range(3)}
        for round_ in range(3):
            for i, s in enumerate(sessions):
                s.ask(f"{questions[(i + round_) % 3]} (session {i})")
            # the last one queues behind the others: it says so until the model is free
            sessions[2].page.wait_for_selector("#chat .waiting")
            waiting_seen += sum(s.page.locator("#chat .waiting").count() for s in sessions)
            for i, s in enumerate(sessions):
                s.wait_for_answers(round_ + 1)
                finished[i].append(round(time.perf_counter() - began, 3))
        ARTIFACTS.mkdir(exist_ok=True)
        sessions[2].page.screenshot(path=str(ARTIFACTS / "web-concurrent.png"))
        for i, s in enumerate(sessions):
            assert s.page.locator("#chat .answer").count() == 3
            assert s.page.locator("#chat .error").count() == 0
            texts = s.page.locator("#chat .question").all_inner_texts()
            assert all(t.endswith(f"(session {i})") for t in texts)  # no session sees another's chat
            # each session's follow-ups carried only its own history
        assert bot.max_active == 1, "questions queue for the one model"
        assert waiting_seen > 0
        histories = {q: [t.question for t in h] for q, h in bot.calls}
        for i in range(3):
            last = f"{questions[(i + 2) % 3]} (session {i})"
            assert all(q.endswith(f"(session {i})") for q in histories[last]) and len(histories[last]) == 2
        report = {
            "sessions": 3, "questions_each": 3, "errors": 0, "max_concurrent_generations": bot.max_active,
            "waiting_messages_seen": waiting_seen, "answers_done_at_s": finished,
            "total_s": round(time.perf_counter() - began, 3),
        }
        (ARTIFACTS / "browser-concurrency.json").write_text(json.dumps(report, indent=2))


LATENCY_QUESTIONS = [
    "Who claimed responsibility for the bombings?",
    "How many people were injured?",
    "Where did the explosions happen?",
    "What was the Daesh statement titled?",
    "Which trip did President Raisi cancel?",
]


def test_first_token_latency_with_the_real_model(session: Any, tmp_path: Path) -> None:
    from assistant import Settings
    from assistant.app.web import load_bot

    settings = Settings.from_env(data_dir=str(tmp_path / "data"))
    out = io.StringIO()
    began = time.perf_counter()
    recorder = Recorder(load_bot(settings, out))  # first start: builds the index, warms the model
    ready_s = time.perf_counter() - began
    log = out.getvalue()
    assert "indexing:" in log and "Ready in" in log, log
    try:
        with running(recorder) as url:
            s = session(url)
            page = s.page
            page.set_default_timeout(120_000)
            s.ask("What did Iran declare?")  # warm-up through the whole app, not timed
            s.wait_for_answers(1)
            timings = []
            for question in LATENCY_QUESTIONS:  # each one the first of a new conversation
                s.new_conversation()
                page.fill("#question textarea", question)
                page.evaluate(
                    """() => {
                      window.__firstToken = null;
                      const t0 = performance.now();
                      const chat = document.getElementById("chat");
                      const observer = new MutationObserver(() => {
                        const drafts = chat.querySelectorAll(".draft");
                        const d = drafts[drafts.length - 1];
                        const text = d ? d.textContent.replace("▌", "").trim() : "";
                        if (text && !text.startsWith("Reading the sources")) {
                          window.__firstToken = performance.now() - t0;
                          observer.disconnect();
                        }
                      });
                      observer.observe(chat, { subtree: true, childList: true, characterData: true });
                      document.querySelector("#ask").click();
                    }"""
                )
                s.wait_for_answers(1)
                first = page.evaluate("window.__firstToken")
                answer = recorder.answers[-1]
                timings.append({
                    "question": question,
                    "browser_first_token_s": None if first is None else round(first / 1000, 3),
                    "server_first_token_s": round(answer.timings.get("first_token", float("nan")), 3),
                    "server_total_s": round(answer.timings.get("total", float("nan")), 3),
                    "abstained": answer.abstained,
                    "citations": len(answer.citations),
                    # a refusal is retried with fewer sources (a line break between the drafts)
                    "draft": recorder.drafts[-1][:300],
                })
                if answer.citations:  # a real answer's marker highlights exactly its quote
                    page.click("#chat .answer a.cite >> nth=0")
                    page.wait_for_selector("#sources-panel mark.cite-span.active")
                    assert emphasised(page) == answer.citations[0].quote
    finally:
        shutil.rmtree(tmp_path / "data" / "models", ignore_errors=True)  # the 1.1 GB assembled model
    firsts = [t["browser_first_token_s"] for t in timings if t["browser_first_token_s"] is not None]
    report = {
        "model": recorder.describe(),
        "startup_s": round(ready_s, 2),
        "median_browser_first_token_s": statistics.median(firsts) if firsts else None,
        "median_server_first_token_s": statistics.median(t["server_first_token_s"] for t in timings),
        "questions": timings,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-latency.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    assert len(firsts) == len(LATENCY_QUESTIONS), "every answer streamed a draft"
