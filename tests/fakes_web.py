"""A fake assistant for the web chat: an article built sentence by sentence (offsets by construction)
and scripted answers that stream a draft, then return a verified ``Answer``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.answer import Answer, Citation, Conflict, Turn
from assistant.errors import AssistantError
from index import Article

__all__ = [
    "ARTICLE", "MD_IMAGE", "REPORT", "REPORT_SENTENCES", "TWO_ARTICLES", "FakeBot", "FakeCorpus", "Recorder", "Reply", "XSS", "build_article", "free_port", "running",
    "scripted_assistant",
]

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
# Markdown that would make every visitor's browser fetch a URL (loopback, so only an origin check sees it).
MD_IMAGE = "![t](http://127.0.0.1:9/leak.png)"


def build_article(article_id: str, title: str, sentences: Sequence[str]) -> tuple[Article, list[Citation]]:
    """The article and one citation per sentence, its offsets counted while joining."""
    text, citations = "", []
    for sentence in sentences:
        if text:
            text += " "
        citations.append(Citation(article_id, sentence, len(text), len(text) + len(sentence)))
        text += sentence
    return Article(id=article_id, title=title, text=text), citations


ARTICLE, SENTENCES = build_article(
    "memorial-bombings",
    f"Bombings at a memorial <b>ceremony</b> {MD_IMAGE}",
    [
        "Twin blasts struck a memorial ceremony near the grave of a commander.",
        "ISIS claimed responsibility for the attack a day later.",
        "Officials first said 84 people were killed.",
        "A later statement put the death toll at 103.",
        f"A banner at the site read {XSS} {MD_IMAGE} in large letters.",
        "The bombers were said to wear explosive vests.",
    ],
)


# A second report of the event, from an outlet with a date, for answers citing two articles.
_REPORT, REPORT_SENTENCES = build_article(
    "second-report",
    "A second report of the memorial bombings",
    [
        "Rescue workers reached the cemetery within minutes.",
        "The health ministry said 95 people were killed in the two explosions.",
        "Funerals for the victims were held on Friday.",
    ],
)
REPORT = replace(_REPORT, outlet="Example Wire", published="2024-01-04")


@dataclass(frozen=True)
class Reply:
    """What the fake model says: the draft streamed word by word, then the verified answer."""

    draft: str
    answer: Answer


def _reply(text: str, cites: Sequence[int], conflicts: Sequence[Conflict] = ()) -> Reply:
    citations = tuple(SENTENCES[i] for i in cites)
    draft = text
    for n in range(len(citations), 0, -1):  # the draft numbers prompt sources: [11], [12]…
        draft = draft.replace(f"[{n}]", f"[{n + 10}]")
    return Reply(draft, Answer(text, abstained=False, citations=citations, conflicts=tuple(conflicts)))


REFUSAL = Reply("The article does not say.", Answer("The article does not say.", abstained=True))
REPLIES = {
    "claimed": _reply("ISIS claimed responsibility for the attack a day later [1].", [1]),
    "killed": _reply(
        "Officials first said 84 people were killed [1], and a later statement put the toll at 103 [2].",
        [2, 3],
        [Conflict("value", "deaths", ("84 people", "103"), (SENTENCES[2], SENTENCES[3]))],
    ),
    "banner": _reply(f"The banner read {XSS} {MD_IMAGE} [1].", [4]),
    "blasts": _reply("Twin blasts struck a memorial ceremony [1] near a commander's grave [1].", [0]),
    "vests": _reply("The bombers were said to wear explosive vests [1].", [5]),
}
# Each figure from another article: the first cites ARTICLE, the second REPORT (serve FakeCorpus of both).
TWO_ARTICLES = Reply(
    "Officials first said 84 people were killed [11]; the health ministry said 95 [12].",
    Answer(
        "Officials first said 84 people were killed [1]; the health ministry said 95 [2].",
        abstained=False,
        citations=(SENTENCES[2], REPORT_SENTENCES[1]),
        conflicts=(Conflict("value", "deaths", ("84 people", "95 people"), (SENTENCES[2], REPORT_SENTENCES[1])),),
    ),
)


class FakeCatalog:
    def __init__(self, articles: Mapping[str, Article]) -> None:
        self._articles = dict(articles)

    def get(self, article_id: str) -> Article:
        return self._articles[article_id]


class FakeCorpus:
    def __init__(self, *articles: Article) -> None:
        self.catalog = FakeCatalog({a.id: a for a in articles})

    def articles(self) -> list[Article]:
        return [self.catalog.get(a) for a in sorted(self.catalog._articles)]


@dataclass
class FakeBot:
    """Streams the reply whose key occurs in the question (else a refusal); records every call.

    ``delay`` seconds pass between streamed words; a question containing "boom" raises ``failure``.
    """

    replies: Mapping[str, Reply] = field(default_factory=lambda: dict(REPLIES))
    delay: float = 0.0
    failure: Exception = field(default_factory=lambda: RuntimeError("Traceback: secret internals"))
    corpus: Any = field(default_factory=lambda: FakeCorpus(ARTICLE))
    calls: list[tuple[str, list[Turn]]] = field(default_factory=list)
    warmed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    active: int = 0
    max_active: int = 0

    def reply(self, question: str) -> Reply:
        return next((r for key, r in self.replies.items() if key in question.lower()), REFUSAL)

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[str | Answer]:
        with self._lock:
            self.calls.append((question, list(history)))
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            if "boom" in question.lower():
                raise self.failure
            if not question.strip():
                raise AssistantError("the question is empty: type a question about the article")
            reply = self.reply(question)
            words = reply.draft.split(" ")
            for i, word in enumerate(words):
                time.sleep(self.delay)
                yield word if i == 0 else " " + word
            yield reply.answer
        finally:
            with self._lock:
                self.active -= 1

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        return next(e for e in self.stream(question, history) if isinstance(e, Answer))

    def describe(self) -> dict[str, Any]:
        return {"llm": "fake", "model": "scripted-fake", "backend": "fake"}

    def warm(self) -> None:
        self.warmed += 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(bot: Any) -> Iterator[str]:
    """The chat app for ``bot`` served on a free loopback port; yields its URL."""
    from assistant.app.web import build_app, launch

    demo = build_app(bot)
    _, url, _ = launch(demo, port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()


def scripted_assistant(
    data_dir: Path, delay: float = 0.0, llm: Any = None, embedder: Any = None
) -> tuple[Any, Any]:
    """A real ``Assistant`` over the bundled article and its fake model: ``llm`` (default a scripted
    one, ``delay`` seconds a token), ``embedder`` (default hashed-word embeddings)."""
    from assistant import Assistant, Settings
    from assistant.corpus import Corpus
    from assistant.prompting import Prompts
    from tests.fakes import HashEmbedder
    from tests.fakes_llm import ScriptedChatModel

    settings = Settings.from_env({}, data_dir=str(data_dir))
    corpus = Corpus(settings, embedder=embedder or HashEmbedder())
    corpus.ensure_indexed()
    llm = llm or ScriptedChatModel(delay=delay)
    bot = Assistant(
        corpus.retriever, llm, Prompts.load(), lambda: {a.id: a for a in corpus.articles()}, settings, corpus
    )
    return bot, llm


class Recorder:
    """Wraps a bot and keeps every verified answer (and its raw draft), so tests can compare with them."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self.corpus = bot.corpus
        self.answers: list[Answer] = []
        self.drafts: list[str] = []

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[str | Answer]:
        draft = ""
        for event in self.bot.stream(question, history):
            if isinstance(event, Answer):
                self.answers.append(event)
                self.drafts.append(draft)
            else:
                draft += event
            yield event

    def describe(self) -> dict[str, Any]:
        return dict(self.bot.describe())

    def warm(self) -> None:
        self.bot.warm()
