"""The web chat: pure rendering, the event handlers, and the app served in-process (gradio_client)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from assistant.answer import Answer, Citation, Conflict
from assistant.app.cli import build_parser, cmd_serve
from assistant.app.web import FAILED, Chat, Exchange, _printer
from assistant.app.web_corpus import BOTH, NOTHING, CorpusView
from assistant.app.web_render import (
    HEADER_TITLES,
    all_citations,
    render_answer,
    render_articles,
    render_draft,
    render_header,
    render_sources,
    strip_markers,
)
from assistant.errors import ModelError
from index import Article
from tests.conftest import RunCli
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
    build_article,
    free_port,
    running,
    scripted_assistant,
)


class Highlights(HTMLParser):
    """Collects, per citation number, the text inside <mark data-citation> and which marks are hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[tuple[str, str], str] = {}
        self.open: list[tuple[str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "mark":
            self.open = [(str(a["data-answer"]), n) for n in str(a["data-citation"]).split()]

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.open = []

    def handle_data(self, data: str) -> None:
        for key in self.open:
            self.text[key] = self.text.get(key, "") + data


def highlights(html: str) -> Highlights:
    parser = Highlights()
    parser.feed(html)
    return parser


# -- rendering ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "shown"),
    [
        ("Officials said 84 [3].", "Officials said 84."),
        ("Two figures [2, 5] differ [4][6].", "Two figures differ."),
        ("Full-width【7】marker", "Full-widthmarker"),
        ("A marker being written [1", "A marker being written"),
        ("A marker being written [12,", "A marker being written"),
        ("Just opened [", "Just opened"),
        ("No markers at all", "No markers at all"),
        ("", ""),
    ],
)
def test_strip_markers(draft: str, shown: str) -> None:
    assert strip_markers(draft) == shown


def test_draft_is_escaped_and_provisional() -> None:
    html = render_draft(f"Look {XSS} [3]")
    assert "<script" not in html and "<img" not in html
    assert "&#60;script&#62;" in html and "[3]" not in html
    assert 'class="draft"' in html


def test_answer_markers_link_to_citations_and_text_is_escaped() -> None:
    quote = SENTENCES[4]
    answer = Answer(f"It read {XSS} [1], not [7].", abstained=False, citations=(quote,))
    html = render_answer(answer, answer_id=3)
    assert "<script" not in html and "<img" not in html and "&#60;img src=x" in html
    assert html.count('href="#cite-3-1"') == 1
    assert "[7]" in html and "#cite-3-7" not in html  # no such citation: left as text


def test_conflicts_are_flagged_with_their_markers() -> None:
    conflict = Conflict("value", "deaths", ("84 people", "103"), (SENTENCES[2], SENTENCES[3]))
    extra = Citation(ARTICLE.id, "later statement", SENTENCES[3].start + 2, SENTENCES[3].start + 17)
    other = Conflict("account", "how <b>", ("a", "b"), (SENTENCES[2], extra))
    answer = Answer("Said 84 [1].", abstained=False, citations=(SENTENCES[2],), conflicts=(conflict, other))
    html = render_answer(answer, answer_id=0)
    assert "Conflicting figures" in html and "Conflicting accounts" in html and "how &#60;b&#62;" in html
    box = html[html.index('class="conflicts"') :]
    # 103's citation is not in the text: it gets the next number; the sub-span of it the one after.
    assert all(f'href="#cite-0-{n}"' in box for n in (1, 2, 3))
    assert all_citations(answer) == [SENTENCES[2], SENTENCES[3], extra]


def test_refusals_show_no_sources() -> None:
    refusal = Answer("The article does not say.", abstained=True)
    assert "cite" not in render_answer(refusal, 0)
    html = render_sources([refusal], {ARTICLE.id: ARTICLE})
    assert "<mark" not in html and "appear here" in html
    cited = Answer("Blasts [1].", abstained=False, citations=(SENTENCES[0],))
    html = render_sources([cited, refusal], {ARTICLE.id: ARTICLE})
    assert "cites no sources" in html and 'data-answer="0" hidden' in html


NASTY = [
    "x",
    "Emoji 🎉 here. And ünïcödé. 🎉 again.",
    "Repeated. Repeated. Repeated.",
    f"Payload {XSS} then text & more.",
    "A very long line " * 200,
]


@pytest.mark.parametrize("text", NASTY)
def test_every_highlight_holds_exactly_its_quote(text: str) -> None:
    article = Article(id="a<1>", title="t", text=text)
    n = len(text)
    spans = [(0, n), (0, max(1, n // 2)), (n // 3, n), (n // 3, n // 3 + 1), (n // 2, n // 2 + n // 4 + 1)]
    citations = tuple(Citation(article.id, text[s:e], s, e) for s, e in spans if e > s)
    answer = Answer("x [1].", abstained=False, citations=citations)
    html = render_sources([None, answer], {article.id: article})
    found = highlights(html)
    for i, c in enumerate(citations, 1):
        assert found.text[("1", str(i))] == c.quote
    assert "script" not in found.tags and "img" not in found.tags


def test_a_citation_no_longer_matching_its_article_is_not_highlighted() -> None:
    article, (c,) = build_article("a", "t", ["The old sentence."])
    changed = Article(id="a", title="t", text="A new text entirely.")
    html = render_sources([Answer("x [1].", False, (c,))], {"a": changed})
    assert "<mark" not in html


# -- handlers ----------------------------------------------------------------------------------------


def outputs(chat: Chat, exchanges: list[Exchange]) -> list[tuple[Any, ...]]:
    return list(chat.respond(exchanges))


def ask(chat: Chat, question: str, exchanges: list[Exchange]) -> tuple[list[Exchange], list[tuple[Any, ...]]]:
    _, _, pending, messages = chat.submit(question, exchanges)
    assert "Waiting for the model" in messages[-1]["content"]
    steps = outputs(chat, pending)
    return steps[-1][0], steps


def test_respond_streams_the_draft_without_markers_then_the_answer() -> None:
    bot = FakeBot()
    chat = Chat(bot)
    exchanges, steps = ask(chat, "How many were killed?", [])
    drafts = [s[1][-1]["content"] for s in steps[:-1]]
    assert len(drafts) > 3 and all('class="draft"' in d for d in drafts)
    assert not any("[1" in d for d in drafts)  # the prompt's source numbers never show
    final = steps[-1][1][-1]["content"]
    assert 'href="#cite-0-1"' in final and "Conflicting figures" in final
    found = highlights(steps[-1][2])
    assert found.text[("0", "1")] == SENTENCES[2].quote
    assert exchanges[-1].answer is not None and not exchanges[-1].answer.abstained


def test_follow_up_questions_get_the_session_history() -> None:
    bot = FakeBot()
    chat = Chat(bot)
    exchanges, _ = ask(chat, "Who claimed it?", [])
    exchanges, steps = ask(chat, "And how many were killed?", exchanges)
    (_, first), (_, second) = bot.calls
    assert first == []
    assert [(t.question, t.answer) for t in second] == [
        ("Who claimed it?", "ISIS claimed responsibility for the attack a day later.")
    ]
    assert len(steps[-1][1]) == 4 and 'href="#cite-1-1"' in steps[-1][1][-1]["content"]
    panel = steps[-1][2]
    assert 'data-answer="0" hidden' in panel and 'section class="answer-sources" data-answer="1">' in panel


@pytest.mark.parametrize(
    ("failure", "shown"),
    [
        (RuntimeError("Traceback (most recent call last): secret internals"), FAILED),
        (ModelError("the model at /x is corrupt; check ASSISTANT_LLM <b>"), "check ASSISTANT&#95;LLM &#60;b&#62;"),
    ],
)
def test_a_failure_is_a_friendly_message(failure: Exception, shown: str) -> None:
    chat = Chat(FakeBot(failure=failure))
    exchanges, steps = ask(chat, "boom", [])
    html = steps[-1][1][-1]["content"]
    assert 'class="error"' in html and shown in html
    assert "Traceback" not in html and "secret" not in html
    assert exchanges[-1].answer is None
    # the failed exchange is not history for the next question
    exchanges, _ = ask(chat, "Who claimed it?", exchanges)


def test_new_conversation_forgets_everything() -> None:
    state, chatbot, panel, _, _ = Chat.reset()
    assert state == [] and chatbot == [] and "<mark" not in panel
    assert list(Chat(FakeBot()).respond([])) == []  # reset before its turn came: nothing to answer


def test_startup_progress_is_printed() -> None:
    out = io.StringIO()
    progress = _printer(out)
    for done in range(0, 101, 5):
        progress(done, 100)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "  indexing: 100/100 chunks embedded" and 5 <= len(lines) <= 12


def test_cli_has_serve() -> None:
    args = build_parser().parse_args(["serve", "--port", "8123"])
    assert args.func is cmd_serve and args.host == "127.0.0.1" and args.port == 8123


# -- the served app, through gradio_client ------------------------------------------------------


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Any, Any]]:
    """A real Assistant (bundled article, hashed-word embeddings, scripted model) served in-process."""
    bot, llm = scripted_assistant(tmp_path_factory.mktemp("web") / "data")
    with running(bot) as url:
        yield Client(url, verbose=False), bot, llm


def test_ask_endpoint_returns_the_verified_answer(scripted: tuple[Client, Any, Any]) -> None:
    client, bot, llm = scripted
    llm.replies = ["ISIS, also known as Daesh, has asserted responsibility for the twin blasts [4]."]
    result = client.predict("Who claimed responsibility?", [], api_name="/ask")
    answer = Answer.from_dict(result)
    assert not answer.abstained and "[1]" in answer.text and "Daesh" in answer.text
    for c in answer.citations:
        assert bot.corpus.catalog.get(c.article_id).text[c.start : c.end] == c.quote


def test_ask_endpoint_takes_history(scripted: tuple[Client, Any, Any]) -> None:
    client, _, llm = scripted
    llm.replies = ["The article does not say."]
    history = [{"question": "Who claimed it?", "answer": "ISIS claimed it [1]."}]
    result = client.predict("When?", history, api_name="/ask")
    assert result["abstained"] is True and result["citations"] == []
    prompt = str(llm.calls[-1][-1].content)
    assert "User asked: Who claimed it?" in prompt and "You answered: ISIS claimed it." in prompt


def test_ask_endpoint_errors_are_messages(scripted: tuple[Client, Any, Any]) -> None:
    client, _, llm = scripted
    llm.replies = [ModelError("the model failed; check ASSISTANT_LLM")]
    with pytest.raises(AppError, match="check ASSISTANT_LLM"):
        client.predict("Who claimed responsibility?", [], api_name="/ask")
    llm.replies = [RuntimeError("secret internals")]
    with pytest.raises(AppError) as info:
        client.predict("Who claimed responsibility?", [], api_name="/ask")
    assert "secret" not in str(info.value) and "went wrong" in str(info.value)


def test_the_cli_asks_a_running_server(scripted: tuple[Client, Any, Any], cli: RunCli) -> None:
    """`assistant ask --server URL`: a fresh process that loads no model gets the server's verified answer."""
    client, bot, llm = scripted
    llm.replies = ["ISIS, also known as Daesh, has asserted responsibility for the twin blasts [4]."]
    done = cli("ask", "--server", client.src, "--json", "Who claimed responsibility?")
    assert done.returncode == 0, done.stderr
    answer = Answer.from_dict(json.loads(done.stdout))
    assert not answer.abstained and "Daesh" in answer.text
    for c in answer.citations:
        assert bot.corpus.catalog.get(c.article_id).text[c.start : c.end] == c.quote
    assert "llama_cpp" not in done.stderr

    llm.replies = ["ISIS, also known as Daesh, has asserted responsibility for the twin blasts [4]."]
    printed = cli("ask", "--server", client.src, "Who claimed responsibility?")
    assert printed.returncode == 0 and "Daesh" in printed.stdout and "[1] " in printed.stdout

    llm.replies = [ModelError("the model failed; check ASSISTANT_LLM")]
    failed = cli("ask", "--server", client.src, "Who claimed responsibility?")
    assert failed.returncode == 1 and "check ASSISTANT_LLM" in failed.stderr and "Traceback" not in failed.stderr


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}", "127.0.0.1:7860"])
def test_asking_no_server_is_a_one_line_error(cli: RunCli, url: str) -> None:
    done = cli("ask", "--server", url.format(port=free_port()), "Who claimed responsibility?")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and ("assistant serve" in done.stderr or "URL" in done.stderr)


def test_only_ask_is_public(scripted: tuple[Client, Any, Any]) -> None:
    client, _, _ = scripted
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask"}
    assert not api["unnamed_endpoints"]


def test_concurrent_questions_queue_for_the_one_model() -> None:
    bot = FakeBot(delay=0.01)
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    with running(bot) as url:

        def one(question: str) -> None:
            try:
                results.append(Client(url, verbose=False).predict(question, [], api_name="/ask"))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=one, args=(q,)) for q in ("Who claimed it?", "Killed?", "vests")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not errors and len(results) == 3
    assert bot.max_active == 1


@pytest.mark.parametrize("history", ["not a list", [1, 2], [{"question": "q"}], [{"question": 1, "answer": "a"}]])
def test_ask_endpoint_refuses_malformed_history_with_its_shape(
    scripted: tuple[Client, Any, Any], history: Any
) -> None:
    client, _, _ = scripted
    with pytest.raises(AppError, match='history must be a list of {"question": "...", "answer": "..."} objects'):
        client.predict("Who claimed responsibility?", history, api_name="/ask")


def test_markdown_in_article_text_stays_text() -> None:
    """The chat renders Markdown: an article's image syntax must reach it inert, or every visitor's
    browser fetches the URL."""
    article, citations = build_article("md", "![t](http://127.0.0.1:9/title.png)", ["See ![x](http://h/x.png) here."])
    answer = Answer("See the image [1].", False, (citations[0],))
    html = render_answer(answer, 0) + render_sources([answer], {"md": article})
    assert "![" not in html and "](" not in html
    assert unescape(html).count("![x](http://h/x.png)") >= 1


# -- the corpus view ------------------------------------------------------------------------------

INVENTED = """---
title: Lighthouse keeper rescues stranded kayakers
source: Harbour Gazette
published: 2025-06-11
---
A lighthouse keeper on Gull Island rescued four stranded kayakers on Tuesday evening.
The keeper, Maren Oakes, spotted their distress flares shortly after sunset.
All four kayakers were treated for mild hypothermia at the harbour clinic.
"""
QUESTION = "Which lighthouse keeper spotted the kayakers' distress flares?"


def test_two_cited_articles_are_two_articles_of_the_section() -> None:
    html = render_sources([TWO_ARTICLES.answer], {ARTICLE.id: ARTICLE, REPORT.id: REPORT})
    assert html.count('<article class="source-article"') == 2
    assert "Example Wire · 2024&#45;01&#45;04" in html  # outlet · date, as text
    found = highlights(html)
    assert found.text[("0", "1")] == SENTENCES[2].quote and found.text[("0", "2")] == REPORT_SENTENCES[1].quote
    first, second = html.split('<article class="source-article"')[1:]
    assert 'data-citation="1"' in first and 'data-citation="2"' in second
    assert "article-meta" not in first  # no outlet or date: no empty line for them


def test_the_articles_table_and_header_show_titles_as_text() -> None:
    article = Article(id="x", title=f"Title {XSS} {MD_IMAGE}", text="Ünï 🎉 text.", outlet="<b>Wire</b>", published="2025")
    html = render_articles([article, ARTICLE])
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "![" not in html
    assert "2 articles indexed" in html and "11 characters" in html and "&#60;b&#62;Wire" in html
    assert "add one below" in render_articles([])
    few = render_header("m", "b", ["One", "Two"])
    assert "One; Two" in few
    many = render_header("m", "b", [f"Title {i}" for i in range(HEADER_TITLES + 1)])
    assert f"{HEADER_TITLES + 1} indexed" in many and "Title 0" not in many


@pytest.fixture
def real(tmp_path: Path) -> tuple[Any, CorpusView]:
    """A real Assistant (real Chroma and lexical index, hashed-word embeddings, a reading model) and
    the corpus view's handlers for it."""
    bot, _ = scripted_assistant(tmp_path / "data", llm=ReadingChatModel())
    return bot, CorpusView(bot)


def state(bot: Any) -> tuple[list[str], dict[str, str], int, dict[str, str] | None]:
    corpus = bot.corpus
    return corpus.catalog.ids(), corpus.catalog.revisions(), len(corpus.store.records()), corpus.lexical.built_for()


def cited(bot: Any, question: str) -> tuple[Answer, set[str]]:
    answer = next(e for e in bot.stream(question, []) if isinstance(e, Answer))
    return answer, {c.article_id for c in answer.citations}


def retrieved(bot: Any, question: str) -> set[str]:
    dense_and_lexical = {r.article_id for r, _ in bot.corpus.retriever.search(question, 5)}
    lexical = {r.article_id for r, _ in bot.corpus.lexical.query(question, 5, list(bot.corpus.catalog.revisions().values()))}
    return dense_and_lexical | lexical


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"  \n\n", "file is empty; give a file with some text"),
    ("binary.txt", b"PK\x03\x04\x00\x00binary", "looks binary (contains NUL bytes)"),
    ("large.md", b"A sentence that is long enough. " * 16, "over the 400-byte limit; split it"),
    ("latin1.txt", "Café à Paris, déjà vu.".encode("latin-1"), "not valid UTF-8 (byte 3); re-save it as UTF-8"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_rejected_upload_is_an_alert_and_changes_nothing(
    real: tuple[Any, CorpusView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes, message: str
) -> None:
    bot, view = real
    monkeypatch.setattr("index.articles.MAX_ARTICLE_BYTES", 400)  # the good file is 343 bytes
    good = tmp_path / "good.txt"
    good.write_text(INVENTED, encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(data)
    before = state(bot)
    table, choices, header, notice, *inputs = view.add([str(good), str(bad)], "", "", "")
    assert 'role="alert"' in notice and message in unescape(notice), notice
    assert state(bot) == before  # the good file of the same upload was not indexed either
    assert "Lighthouse" not in table and "Lighthouse" not in header
    assert all(i == gr.skip() for i in inputs)  # the inputs stay, to be corrected


def test_a_pasted_article_is_indexed_answered_and_removed(real: tuple[Any, CorpusView]) -> None:
    bot, view = real
    assert "Oakes" not in " ".join(a.text for a in bot.corpus.articles())  # a new subject
    _, before = cited(bot, QUESTION)
    assert "gull-rescue" not in before
    steps: list[tuple[Any, ...]] = []
    table, choices, header, notice, *inputs = view.add(
        None, "", "Gull rescue", INVENTED, progress=lambda *a, **k: steps.append(a)  # type: ignore[arg-type]
    )
    assert 'role="status"' in notice and "Indexed gull-rescue" in unescape(notice), notice
    assert inputs == [None, "", "", ""]  # cleared for the next article
    assert "Lighthouse keeper rescues stranded kayakers" in table and "Harbour Gazette" in table
    assert "2025&#45;06&#45;11" in table and "Lighthouse keeper" in header
    assert ("Lighthouse keeper rescues stranded kayakers (gull-rescue)", "gull-rescue") in choices["choices"]
    done, total = steps[-1][0]
    assert steps[0][0] == 0 and done == total > 0  # progress: checking, then every chunk embedded
    assert "gull-rescue" in retrieved(bot, QUESTION)
    answer, ids = cited(bot, QUESTION)
    assert ids == {"gull-rescue"} and "Maren Oakes" in answer.text, answer

    table, choices, header, notice = view.remove("gull-rescue")
    assert 'role="status"' in notice and "Lighthouse keeper rescues stranded kayakers" in unescape(notice)
    assert "gull-rescue" not in table and "Lighthouse" not in header
    assert all(value != "gull-rescue" for _, value in choices["choices"]) and choices["value"] is None
    assert "gull-rescue" not in retrieved(bot, QUESTION)
    answer, ids = cited(bot, QUESTION)
    assert "gull-rescue" not in ids and "Oakes" not in answer.text
    assert "Oakes" not in str(bot.llm.calls[-1][0].content)  # nothing of it reached the model


def test_an_uploaded_file_takes_its_name_or_the_given_id(real: tuple[Any, CorpusView], tmp_path: Path) -> None:
    bot, view = real
    path = tmp_path / "Gull Island.md"
    path.write_text(INVENTED, encoding="utf-8")
    *_, notice, _, _, _, _ = view.add([str(path)], "", "", "")
    assert "Indexed gull-island" in unescape(notice) and "gull-island" in bot.corpus.catalog.ids()
    *_, notice, _, _, _, _ = view.add([str(path)], "rescue-2025", "", "")
    assert "Indexed rescue-2025" in unescape(notice) and "rescue-2025" in bot.corpus.catalog.ids()


def test_uploading_a_new_version_of_a_file_replaces_it(real: tuple[Any, CorpusView], tmp_path: Path) -> None:
    bot, view = real
    first, second = tmp_path / "one" / "Gull Island.md", tmp_path / "two" / "Gull Island.md"
    for path, text in ((first, INVENTED), (second, INVENTED.replace("Maren Oakes", "Maren Oakley"))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    view.add([str(first)], "", "", "")  # Gradio gives each upload another temporary directory
    *_, notice, _, _, _, _ = view.add([str(second)], "", "", "")
    assert "Indexed gull-island" in unescape(notice), notice
    assert bot.corpus.catalog.sources()["gull-island"] == "upload:Gull Island.md"
    assert "Oakley" in bot.corpus.catalog.get("gull-island").text


@pytest.mark.parametrize(
    ("files", "article_id", "name", "text", "message"),
    [
        (None, "", "", "", NOTHING),
        (["x.txt"], "", "name", "text", BOTH),
        (None, "", "", "Some pasted text.", "give the pasted article a name"),
        (None, "", "Only a name", "  ", "is empty"),
        (["a.txt", "b.txt"], "one-id", "", "", "--id names one article, but 2 files were given"),
    ],
)
def test_an_incomplete_add_says_what_to_do(
    real: tuple[Any, CorpusView], files: list[str] | None, article_id: str, name: str, text: str, message: str
) -> None:
    bot, view = real
    before = state(bot)
    *_, notice, _, _, _, _ = view.add(files, article_id, name, text)
    assert 'role="alert"' in notice and message in unescape(notice), notice
    assert state(bot) == before


def test_pasted_text_gets_the_file_checks(real: tuple[Any, CorpusView], monkeypatch: pytest.MonkeyPatch) -> None:
    bot, view = real
    before = state(bot)
    monkeypatch.setattr("assistant.corpus.MAX_ARTICLE_BYTES", 100)
    for text, message in [("x" * 101, "over the 100-byte limit"), ("a\x00b", "contains NUL characters")]:
        *_, notice, _, _, _, _ = view.add(None, "", "pasted", text)
        assert 'role="alert"' in notice and message in unescape(notice), notice
    assert state(bot) == before


def test_removing_nothing_or_an_unknown_id_says_so(real: tuple[Any, CorpusView]) -> None:
    bot, view = real
    before = state(bot)
    *_, notice = view.remove(None)
    assert 'role="alert"' in notice and "Choose the article to remove" in unescape(notice)
    *_, notice = view.remove("no-such-article")
    assert 'role="alert"' in notice and "no indexed article" in unescape(notice) and before[0][0] in unescape(notice)
    assert state(bot) == before


def test_a_failure_while_adding_is_a_message_not_a_traceback(real: tuple[Any, CorpusView], tmp_path: Path) -> None:
    bot, view = real

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Traceback: secret internals")

    bot.corpus.index_text = broken
    *_, notice, _, _, _, _ = view.add(None, "", "name", "Some text.")
    assert 'role="alert"' in notice and "could not be added" in unescape(notice) and "secret" not in unescape(notice)
