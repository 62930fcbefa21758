"""The web chat in a real browser (Debian's Chromium through Playwright).

Writes artifacts/web-chat.png, artifacts/web-concurrent.png, artifacts/web-corpus.png (an article added
from the page, cited and highlighted), artifacts/browser-concurrency.json and
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

from tests.fakes_llm import ReadingChatModel
from tests.fakes_web import (
    ARTICLE,
    MD_IMAGE,
    REPORT,
    REPORT_SENTENCES,
    SENTENCES,
    TWO_ARTICLES,
    XSS,
    FakeBot,
    FakeCorpus,
    Recorder,
    running,
    scripted_assistant,
)

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


def visible_articles(page: Any) -> list[str]:
    """Ids of the source articles shown in the Sources panel (in a shown section, not hidden)."""
    return list(page.evaluate(
        "[...document.querySelectorAll('#sources-panel section:not([hidden]) article.source-article')]"
        ".filter(a => !a.hidden && a.offsetParent !== null).map(a => a.dataset.articleId)"
    ))


def test_each_marker_shows_its_own_article(session: Any) -> None:
    bot = FakeBot(replies={"reports": TWO_ARTICLES}, corpus=FakeCorpus(ARTICLE, REPORT))
    with running(bot) as url:
        s = session(url)
        page = s.page
        s.ask("What do the reports say about the dead?")
        s.wait_for_answers(1)
        assert sorted(visible_articles(page)) == sorted([ARTICLE.id, REPORT.id])  # both, until a marker is chosen
        markers = page.locator("#chat .answer a.cite")
        assert markers.count() == 4  # two in the text, one per value of the conflict box
        for nth, shown, quote in [
            (0, ARTICLE.id, SENTENCES[2].quote),
            (1, REPORT.id, REPORT_SENTENCES[1].quote),
            (2, ARTICLE.id, SENTENCES[2].quote),  # the conflict box's markers switch the same way
            (3, REPORT.id, REPORT_SENTENCES[1].quote),
        ]:
            markers.nth(nth).click()
            page.wait_for_function(
                f"[...document.querySelectorAll('#sources-panel mark.cite-span.active')]"
                f".map(m => m.textContent).join('') === {json.dumps(quote)}"
            )
            assert visible_articles(page) == [shown], nth
            active = page.locator("#sources-panel mark.cite-span.active").first
            assert active.evaluate("m => m.closest('article').dataset.articleId") == shown
        article = page.locator(f'#sources-panel article[data-article-id="{REPORT.id}"]')
        assert article.locator("h4").inner_text() == REPORT.title
        assert article.locator(".article-meta").inner_text() == "Example Wire · 2024-01-04"


BAD_UPLOADS: list[tuple[str, bytes, str]] = [
    ("empty.txt", b" \n\n", "file is empty; give a file with some text"),
    ("binary.txt", b"PK\x03\x04\x00\x00binary", "looks binary (contains NUL bytes)"),
    ("large.md", b"A sentence that is long enough. " * 40, "over the 1000-byte limit; split it"),
    ("latin1.txt", "Café à Paris, déjà vu.".encode("latin-1"), "not valid UTF-8 (byte 3); re-save it as UTF-8"),
]
INVENTED = """---
title: Lighthouse keeper rescues stranded kayakers
source: Harbour Gazette
published: 2025-06-11
---
A lighthouse keeper on Gull Island rescued four stranded kayakers on Tuesday evening.
The keeper, Maren Oakes, spotted their distress flares shortly after sunset.
All four kayakers were treated for mild hypothermia at the harbour clinic.
"""


class CorpusPage:
    """The "Articles" view of a chat page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        page.click("#corpus button.label-wrap")
        page.wait_for_selector("#articles-table table", state="visible")

    def table(self) -> str:
        return str(self.page.inner_html("#articles-table"))

    def upload(self, path: Path) -> None:
        clear = self.page.locator("#upload button[aria-label='Clear']")
        if clear.count():
            clear.click()
        self.page.set_input_files("#upload input[type=file]", [str(path)])
        self.page.wait_for_selector(f"#upload td.filename[aria-label='{path.name}']")

    def add(self, expect: str, role: str) -> str:
        """Press Add; the message shown (``role`` "status" or "alert") once it contains ``expect``."""
        self.page.click("#add-article")
        return self.wait_notice(expect, role)

    def wait_notice(self, expect: str, role: str) -> str:
        selector = f"#corpus-notice [role='{role}']"
        self.page.wait_for_function(
            f"(() => {{ const n = document.querySelector({json.dumps(selector)});"
            f" return n && n.textContent.includes({json.dumps(expect)}); }})()"
        )
        return str(self.page.inner_text(selector))

    def remove(self, article_id: str) -> str:
        self.page.click("#remove-id input")
        self.page.click(f"#remove-id li[role='option']:has-text('({article_id})')")
        self.page.click("#remove-article")
        return self.wait_notice("Removed", "status")


def test_add_ask_and_remove_an_article_from_the_page(
    session: Any, tmp_path: Path, minilm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real Corpus (Chroma, the lexical index, MiniLM), grounding and citation checks; the model is a
    reader that quotes the prompt's source sharing most words with the question."""
    bot, llm = scripted_assistant(tmp_path / "data", llm=ReadingChatModel(), embedder=minilm)
    monkeypatch.setattr("index.articles.MAX_ARTICLE_BYTES", 1000)  # "too large" without a 20 MB upload
    recorder = Recorder(bot)
    catalog = bot.corpus.catalog
    question = "Which lighthouse keeper spotted the kayakers' distress flares?"
    with running(recorder) as url:
        s = session(url)
        page = s.page
        page.set_default_timeout(90_000)
        view = CorpusPage(page)
        table = view.table()
        assert "1 article indexed" in table

        for name, data, message in BAD_UPLOADS:
            before = (catalog.ids(), catalog.revisions(), len(bot.corpus.store.records()))
            path = tmp_path / name
            path.write_bytes(data)
            view.upload(path)
            shown = view.add(message, "alert")
            assert name in shown  # the message names the file
            assert view.table() == table and (catalog.ids(), catalog.revisions(), len(bot.corpus.store.records())) == before

        article = tmp_path / "gull-island.md"
        article.write_text(INVENTED, encoding="utf-8")
        view.upload(article)
        view.add("Indexed gull-island", "status")
        row = page.locator("#articles-table tr[data-article-id='gull-island']")
        assert row.locator("td").all_inner_texts()[:4] == [
            "Lighthouse keeper rescues stranded kayakers", "gull-island", "Harbour Gazette", "2025-06-11"
        ]
        assert "2 articles indexed" in view.table() and "Lighthouse keeper" in page.inner_text("#header")
        assert page.locator("#upload td.filename").count() == 0  # the upload was cleared

        s.ask(question)
        s.wait_for_answers(1)
        answer = recorder.answers[-1]
        assert not answer.abstained and {c.article_id for c in answer.citations} == {"gull-island"}, answer
        assert "Maren Oakes" in page.inner_text("#chat .answer")
        page.click("#chat .answer a.cite >> nth=0")
        page.wait_for_selector("#sources-panel article[data-article-id='gull-island'] mark.cite-span.active")
        assert emphasised(page) == answer.citations[0].quote
        assert page.inner_text("#sources-panel .article-meta") == "Harbour Gazette · 2025-06-11"
        ARTIFACTS.mkdir(exist_ok=True)
        page.wait_for_timeout(400)  # the smooth scroll settles
        page.screenshot(path=str(ARTIFACTS / "web-corpus.png"), full_page=True)

        shown = view.remove("gull-island")
        assert "Lighthouse keeper rescues stranded kayakers" in shown
        assert "gull-island" not in catalog.ids() and "1 article indexed" in view.table()
        assert "Lighthouse" not in page.inner_text("#header")
        s.new_conversation()
        s.ask(question)
        s.wait_for_answers(1)
        again = recorder.answers[-1]
        assert "gull-island" not in {c.article_id for c in again.citations}
        assert "Oakes" not in page.inner_text("#chat") and "Oakes" not in str(llm.calls[-1][0].content)
        assert page.locator("#sources-panel article[data-article-id='gull-island']").count() == 0
