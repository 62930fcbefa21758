"""The web chat's corpus view: the indexed articles in a table, adding articles (uploaded files or pasted
text, with the CLI's checks) and removing them.

Adding and removing run under the concurrency id ``model``, so they wait for the answer being written
and no answer reads the index while it changes. A rejected article changes nothing: ``Corpus`` loads and
checks every file before it writes anything, and the page shows the reason as an alert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app.web_render import render_articles, render_header, render_notice
from assistant.errors import AssistantError
from index import Article
from index.errors import IndexingError

__all__ = ["CorpusView", "build_corpus_view", "header_html"]

log = logging.getLogger(__name__)

FAILED = "Sorry, the article could not be added or removed. The error was logged; please try again."
NOTHING = "Choose a .txt or .md file, or paste a text and give it a name, then press Add."
BOTH = "Add either files or pasted text, not both at once: clear one of them and press Add again."


def _indexed(bot: Any) -> list[Article]:
    try:
        return list(bot.corpus.articles())
    except Exception:  # noqa: BLE001 - the page must open even when the catalog cannot be read
        log.exception("listing the indexed articles failed")
        return []


def header_html(bot: Any, articles: Sequence[Article] | None = None) -> str:
    """The page header for ``bot``: its model and its articles (``articles`` when already read)."""
    info = bot.describe()
    titles = [a.title for a in (_indexed(bot) if articles is None else articles)]
    return render_header(str(info.get("model", "?")), str(info.get("backend", "?")), titles)


def _choices(articles: Sequence[Article]) -> list[tuple[str, str]]:
    """The remove control's choices: each article's title and id shown (as text), its id the value."""
    return [(f"{a.title} ({a.id})", a.id) for a in articles]


class CorpusView:
    """Event handlers of the corpus view for one bot (anything with a ``corpus`` like ``Corpus``)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def _shown(self, message: str, ok: bool) -> tuple[Any, ...]:
        """Table, remove choices, header and the message, all read again from the index."""
        articles = _indexed(self.bot)
        # after a change the choice is cleared; after a refusal it stays, to be corrected
        remove = gr.update(choices=_choices(articles), **({"value": None} if ok else {}))
        return render_articles(articles), remove, header_html(self.bot, articles), render_notice(message, ok)

    def _run(self, action: Callable[[], str]) -> tuple[tuple[Any, ...], bool]:
        try:
            return self._shown(action(), ok=True), True
        except (IndexingError, AssistantError) as exc:  # each says what to do
            return self._shown(str(exc), ok=False), False
        except Exception:  # noqa: BLE001 - the page shows a message, the log keeps the trace
            log.exception("changing the corpus failed")
            return self._shown(FAILED, ok=False), False

    def add(
        self,
        files: Sequence[str] | None,
        article_id: str,
        name: str,
        text: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects the event's tracker here
    ) -> tuple[Any, ...]:
        """Index uploaded files (``article_id``: the one file's id, optional) or pasted ``text`` as ``name``.

        Returns the table, the remove choices, the header, the message, and the inputs (cleared once added).
        """
        paths = [str(f) for f in files or []]
        pasted = bool((text or "").strip() or (name or "").strip())

        def embedded(done: int, total: int) -> None:
            progress((done, total), desc="Embedding the article", unit="chunks")

        def action() -> str:
            if paths and pasted:
                raise AssistantError(BOTH)
            if not paths and not pasted:
                raise AssistantError(NOTHING)
            progress(0, desc="Checking the article")
            if paths:
                origins = [f"upload:{Path(p).name}" for p in paths]  # not the upload's temporary path
                report = self.bot.corpus.index_paths(
                    paths, embedded, (article_id or "").strip() or None, origins=origins
                )
            else:
                report = self.bot.corpus.index_text(text or "", (name or "").strip(), embedded)
            chunks = f"{report.chunks} chunk{'s' if report.chunks != 1 else ''}"
            return f"Indexed {', '.join(report.article_ids)} ({chunks}, {report.embedded} embedded now)."

        shown, ok = self._run(action)
        cleared = (None, "", "", "") if ok else (gr.skip(),) * 4
        return (*shown, *cleared)

    def remove(self, article_id: str | None) -> tuple[Any, ...]:
        """Take ``article_id`` out of the index; returns the table, the remove choices, header and message."""

        def action() -> str:
            if not article_id:
                raise AssistantError("Choose the article to remove, then press Remove.")
            titles = {a.id: a.title for a in _indexed(self.bot)}
            self.bot.corpus.remove(article_id)  # an unknown id is an ArticleError listing the indexed ones
            return f"Removed “{titles.get(article_id, article_id)}” ({article_id}); answers no longer cite it."

        return self._run(action)[0]


def build_corpus_view(bot: Any, header: gr.HTML) -> None:
    """The "Articles" accordion, built inside the app's ``gr.Blocks``; ``header`` is refreshed on changes."""
    view = CorpusView(bot)
    articles = _indexed(bot)
    with gr.Accordion("Articles", open=False, elem_id="corpus"):
        table = gr.HTML(render_articles(articles), elem_id="articles-table")  # titles as text
        notice = gr.HTML("", elem_id="corpus-notice")
        with gr.Row():
            with gr.Column():
                files = gr.File(
                    label="Upload .txt or .md files", file_count="multiple", file_types=[".txt", ".md"],
                    type="filepath", elem_id="upload",
                )
                article_id = gr.Textbox(
                    label="Id (optional, one file only; default: the file name)", max_lines=1, elem_id="upload-id"
                )
            with gr.Column():
                name = gr.Textbox(label="Name of a pasted article (becomes its id)", max_lines=1, elem_id="paste-name")
                text = gr.Textbox(label="Pasted article text", lines=6, max_lines=12, elem_id="paste-text")
        add = gr.Button("Add", variant="primary", elem_id="add-article")
        with gr.Row():
            remove_id = gr.Dropdown(
                choices=_choices(articles), value=None, label="Article to remove", scale=4, elem_id="remove-id"
            )
            remove = gr.Button("Remove", variant="stop", scale=1, elem_id="remove-article")
    add.click(
        view.add, [files, article_id, name, text],
        [table, remove_id, header, notice, files, article_id, name, text],
        concurrency_id="model", concurrency_limit=1, api_visibility="private", show_progress="full",
    )
    remove.click(
        view.remove, [remove_id], [table, remove_id, header, notice],
        concurrency_id="model", concurrency_limit=1, api_visibility="private", show_progress="minimal",
    )
