"""The web chat (Gradio): streamed drafts, verified answers with clickable citations, the cited sources.

``build_app(bot)`` takes anything with the ``Assistant`` interface (``stream``, ``describe``, ``warm``,
``corpus``: a ``Corpus``, which the "Articles" view lists, adds to and removes from), so tests pass
fakes; ``serve(settings)`` builds the real assistant and runs the app.
One model answers everyone: answers queue (one at a time) under the concurrency id ``model``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, TextIO

import gradio as gr

from assistant.answer import Answer, Turn
from assistant.app.web_corpus import build_corpus_view, header_html
from assistant.app.web_render import (
    CSS,
    HEAD,
    all_citations,
    render_answer,
    render_draft,
    render_error,
    render_question,
    render_sources,
    render_waiting,
    strip_markers,
)
from assistant.errors import AssistantError, ConfigError
from assistant.settings import Settings
from index import Article
from index.errors import IndexingError

__all__ = ["EXAMPLES", "Chat", "Exchange", "build_app", "launch", "load_bot", "serve"]

log = logging.getLogger(__name__)

EXAMPLES = [
    "How many people were killed in the bombings?",
    "Who claimed responsibility for the attack?",
    "How were the bombs detonated?",
    "When did the explosions happen?",
]
FAILED = "Sorry, something went wrong while answering. The error was logged; please try again."
# System fonts only: the default theme would fetch web fonts, and the chat must work offline.
THEME = gr.themes.Default(
    font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
)


class Bot(Protocol):
    corpus: Any

    def stream(self, question: str, history: Sequence[Turn]) -> Iterator[str | Answer]: ...

    def describe(self) -> Mapping[str, Any]: ...

    def warm(self) -> None: ...


@dataclass(frozen=True)
class Exchange:
    """One question of a session and what the chat shows for it; ``answer`` is None until verified."""

    question: str
    html: str
    answer: Answer | None = None


def _messages(exchanges: Sequence[Exchange]) -> list[dict[str, str]]:
    out = []
    for e in exchanges:
        out.append({"role": "user", "content": render_question(e.question)})
        out.append({"role": "assistant", "content": e.html})
    return out


def _history(exchanges: Sequence[Exchange]) -> list[Turn]:
    return [Turn(e.question, strip_markers(e.answer.text)) for e in exchanges if e.answer is not None]


def _articles(bot: Bot, answers: Sequence[Answer | None]) -> dict[str, Article]:
    """The cited articles, as stored now; a citation whose article changed since is not highlighted."""
    out: dict[str, Article] = {}
    for answer in answers:
        for c in all_citations(answer) if answer else ():
            if c.article_id not in out:
                try:
                    out[c.article_id] = bot.corpus.catalog.get(c.article_id)
                except Exception:  # noqa: BLE001 - a missing article must not break the chat
                    log.warning("cited article %r is not in the catalog", c.article_id)
    return out


def _sources_html(bot: Bot, exchanges: Sequence[Exchange]) -> str:
    answers = [e.answer for e in exchanges]
    return render_sources(answers, _articles(bot, answers))


class Chat:
    """The chat's event handlers for one bot; the session's state is the list of its ``Exchange``s."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def submit(self, question: str, exchanges: list[Exchange]) -> tuple[Any, ...]:
        """Show the question at once, waiting for its turn; lock the input until it is answered."""
        exchanges = [*exchanges, Exchange(question or "", render_waiting())]
        locked = gr.update(interactive=False)
        return gr.update(value="", interactive=False), locked, exchanges, _messages(exchanges)

    def respond(self, exchanges: list[Exchange]) -> Iterator[tuple[Any, ...]]:
        """Stream the draft into the last exchange, then show the verified answer and its sources."""
        if not exchanges:  # the conversation was reset before its turn came
            return
        *done, current = exchanges

        def show(html: str, answer: Answer | None = None) -> list[Exchange]:
            return [*done, replace(current, html=html, answer=answer)]

        draft, shown = "", render_draft("")
        try:
            yield gr.skip(), _messages(show(shown)), gr.skip()
            for event in self.bot.stream(current.question, _history(done)):
                if isinstance(event, Answer):
                    final = show(render_answer(event, len(done)), event)
                    yield final, _messages(final), _sources_html(self.bot, final)
                    return
                draft += event
                html = render_draft(draft)
                if html != shown:  # a marker being written changes nothing on screen
                    shown = html
                    yield gr.skip(), _messages(show(html)), gr.skip()
            raise AssistantError("the model finished without an answer; please try again")
        except (AssistantError, IndexingError) as exc:  # each names what to do (a setting, a command)
            failed = show(render_error(str(exc)))
        except Exception:  # noqa: BLE001 - the chat shows a message, the log keeps the trace
            log.exception("answering %r failed", current.question)
            failed = show(render_error(FAILED))
        yield failed, _messages(failed), _sources_html(self.bot, failed)

    @staticmethod
    def unlock() -> tuple[Any, ...]:
        return gr.update(interactive=True), gr.update(interactive=True)

    @staticmethod
    def reset() -> tuple[Any, ...]:
        """A new conversation: no history, no sources, the input unlocked."""
        unlocked = gr.update(interactive=True)
        return [], [], render_sources([], {}), gr.update(value="", interactive=True), unlocked

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """Answer ``question``, given earlier turns as {"question", "answer"} dicts; the Answer as JSON."""
        turns = _turns(history)
        try:
            answer = next(e for e in self.bot.stream(question, turns) if isinstance(e, Answer))
        except (AssistantError, IndexingError) as exc:
            raise gr.Error(str(exc)) from None
        except Exception:  # noqa: BLE001 - the client gets a message, the log keeps the trace
            log.exception("answering %r failed", question)
            raise gr.Error(FAILED) from None
        return answer.to_dict()


def _turns(history: Any) -> list[Turn]:
    """``/ask``'s history as turns; anything but a list of {"question", "answer"} strings is a clear error."""
    if history is None:
        return []
    shape = 'history must be a list of {"question": "...", "answer": "..."} objects'
    if not isinstance(history, list):
        raise gr.Error(f"{shape}, got {type(history).__name__}")
    turns = []
    for i, item in enumerate(history):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("question", "answer")):
            raise gr.Error(f"{shape}; item {i} is {str(item)[:80]!r}")
        turns.append(Turn(item["question"], strip_markers(item["answer"])))
    return turns


def build_app(bot: Bot, examples: Sequence[str] = EXAMPLES) -> gr.Blocks:
    """The chat app for ``bot``, queued so that one answer is generated at a time.

    The chat and the ``/ask`` API endpoint share the concurrency id ``model``: one answer at a time.
    """
    chat = Chat(bot)
    with gr.Blocks(title="News article assistant") as demo:
        header = gr.HTML(header_html(bot), elem_id="header")  # article titles are plain text, never Markdown
        exchanges = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat", elem_id="chat", height=520, buttons=["copy"], feedback_options=None,
                    placeholder="Ask a question about the article.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False, placeholder="Ask about the article…", scale=5, elem_id="question",
                        max_length=4000, submit_btn=False,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                new = gr.Button("New conversation", size="sm", elem_id="new-conversation")
                gr.Examples([[q] for q in examples], inputs=[question], label="Example questions")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(render_sources([], {}), elem_id="sources-panel")
        build_corpus_view(bot, header)  # the indexed articles; adding and removing them

        events = [question.submit, send.click]
        started = gr.on(
            events, chat.submit, [question, exchanges], [question, send, exchanges, chatbot],
            concurrency_limit=None, api_visibility="private", show_progress="hidden",
        )
        answering = started.then(
            chat.respond, [exchanges], [exchanges, chatbot, sources],
            concurrency_id="model", concurrency_limit=1, api_visibility="private", show_progress="minimal",
        )
        answering.then(
            chat.unlock, None, [question, send],
            concurrency_limit=None, api_visibility="private", show_progress="hidden",
        )
        gr.on(
            [new.click, chatbot.clear], chat.reset, None, [exchanges, chatbot, sources, question, send],
            cancels=[answering], concurrency_limit=None, api_visibility="private", show_progress="hidden",
        )
        gr.api(chat.ask, api_name="ask", concurrency_id="model", concurrency_limit=1)
    demo.queue(default_concurrency_limit=1)
    return demo


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int | None = 7860, **kwargs: Any) -> Any:
    """Start the app with the chat's CSS and script; ``kwargs`` go to ``gr.Blocks.launch``."""
    options: dict[str, Any] = dict(
        server_name=host, server_port=port, css=CSS, head=HEAD, theme=THEME,
        ssr_mode=False, pwa=False, mcp_server=False, show_error=False,
    )
    return demo.launch(**{**options, **kwargs})


def _printer(out: TextIO) -> Callable[[int, int], None]:
    shown: list[int] = []

    def progress(done: int, total: int) -> None:
        step = total // 10 or 1
        if done >= total or not shown or done - shown[-1] >= step:
            shown.append(done)
            print(f"  indexing: {done}/{total} chunks embedded", file=out, flush=True)

    return progress


def load_bot(settings: Settings, out: TextIO = sys.stderr) -> Any:
    """The real assistant: index the bundled article on a first start, load and warm the model."""
    from assistant.assistant import Assistant

    began = time.perf_counter()
    print(
        f"Opening the index and the model in {settings.data_dir} (both prepared on a first start)…",
        file=out, flush=True,
    )
    bot = Assistant.from_settings(settings, _printer(out))
    print("Loading and warming up the model…", file=out, flush=True)
    bot.warm()
    print(f"Ready in {time.perf_counter() - began:.1f}s.", file=out, flush=True)
    return bot


def check_port(host: str, port: int) -> None:
    """Fail at once, naming --port, when ``host:port`` cannot be bound (before the model loads, not after)."""
    import socket

    if not 0 < port < 65536:
        raise ConfigError(f"port {port} is out of range; pass 1 to 65535 with --port")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host!r} ({exc.strerror}); pass a valid address with --host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(
                f"port {port} on {host} is not free ({exc.strerror}); pass another with --port"
            ) from None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Build the assistant and serve the chat until interrupted (the port is checked first)."""
    check_port(host, port)
    launch(build_app(load_bot(settings)), host, port)
