"""The ``assistant`` command: index, ask, chat, serve, eval. Errors become one stderr line and exit 1."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from assistant.answer import Answer, Turn
from assistant.errors import AssistantError, InputError
from assistant.settings import Settings
from index.errors import IndexingError

__all__ = ["main"]


def _progress_bar(
    enabled: bool, desc: str = "embedding", unit: str = "chunk", least: int = 9
) -> Callable[[int, int], None] | None:
    if not enabled:
        return None
    from tqdm import tqdm

    bar: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if total < least:  # a handful of chunks: no bar
            return
        if not bar:
            bar.append(tqdm(total=total, unit=unit, desc=desc, file=sys.stderr))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return update


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.corpus import Corpus

    corpus = Corpus(settings)
    if args.remove and args.paths:
        raise IndexingError(f"--remove takes only an id; drop {' '.join(args.paths)} (index files in a separate call)")
    if args.remove:
        report = corpus.remove(args.remove)
    else:
        bar = _progress_bar(not args.json and sys.stderr.isatty())
        report = corpus.index_paths(args.paths, bar, article_id=args.id, replace=args.replace)
    states = _build_states(settings, args.warm and not args.remove, not args.json and sys.stderr.isatty())
    states["dropped"] = len(corpus.dropped)
    if args.json:
        print(json.dumps({**report.to_dict(), "states": states}))
    else:
        r = report
        ids = ", ".join(r.article_ids)
        what = f"removed {args.remove}" if args.remove else f"indexed {r.articles} article(s) as {ids}"
        print(
            f"{what}: {r.chunks} chunks ({r.added} added, {r.updated} updated, {r.deleted} deleted, "
            f"{r.skipped} unchanged), {r.embedded} embedded in {r.seconds:.2f}s -> {corpus.store.location}"
        )
        print(
            f"prompt states: {states['built']} built, {states['reused']} reused, {states['evicted']} evicted, "
            f"{states['dropped']} dropped; {states['files']} on disk, {states['bytes'] / 2**20:.0f} MiB"
        )
    return 0


def _build_states(settings: Settings, build: bool, bar: bool) -> dict[str, int]:
    """With ``build``, the model's KV state of every prompt prefix a question may read (each article, or
    the whole corpus when it fits ASSISTANT_PREFIX_CHARS), computed now instead of on first use."""
    from assistant.models.prefix_cache import usage

    counts: dict[str, int] = {}
    evicted: list[str] = []
    if build:
        from assistant.assistant import Assistant

        bot = Assistant.from_settings(settings)
        counts = bot.warm_articles(_progress_bar(bar, "prompt states", "article", 1))
        evicted = list(getattr(bot.llm, "evicted", []))
    files, size = usage(settings.data_dir / "cache")
    return {"built": counts.get("computed", 0), "reused": counts.get("disk", 0) + counts.get("cached", 0),
            "evicted": len(evicted), "files": files, "bytes": size}


# Characters a terminal acts on instead of showing: C0/C1 controls (ESC starts escape sequences that clear
# the screen or retitle the window), DEL, and bidirectional overrides that reorder what is shown.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to print to a terminal: control characters removed, newlines and tabs kept."""
    return _UNPRINTABLE.sub("", text)


def format_answer(answer: Answer) -> str:
    """The answer for a terminal: text, then numbered citations with their quotes and offsets. Article text
    is printed without control characters (``--json`` keeps them, escaped)."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        for n, c in enumerate(answer.citations, 1):
            title = f" ({c.title})" if c.title else ""
            lines.append(f"[{n}] {c.article_id}{title} {c.start}-{c.end}: \"{c.quote}\"")
    for conflict in answer.conflicts:
        values = "; ".join(conflict.values)
        lines.append(f"conflict ({conflict.kind}, {conflict.topic}): {values}")
    return printable("\n".join(lines))


def _assistant(settings: Settings) -> Any:
    from assistant.models.llms import start_loading

    start_loading(settings)  # the weights load while the rest is imported
    from assistant.assistant import Assistant

    bot = Assistant.from_settings(settings, _progress_bar(sys.stderr.isatty()))
    bot.warm()  # restores the prompt prefix from disk when it was computed before: a fast first answer
    return bot


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.question import clean_question

    clean_question(args.question, settings.max_question_chars)  # before the model loads: errors in < 1 s
    if args.server:
        from assistant.app.remote import ask_server

        served = ask_server(args.server, args.question)
        print(json.dumps(served.to_dict(), ensure_ascii=False) if args.json else format_answer(served))
        return 0
    bot = _assistant(settings)
    if args.json:
        print(json.dumps(bot.ask(args.question).to_dict(), ensure_ascii=False))
        return 0
    answer = None
    for event in bot.stream(args.question):
        if isinstance(event, Answer):
            answer = event
        elif sys.stderr.isatty():
            print(printable(event), end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print("\n", file=sys.stderr)
    assert answer is not None
    print(format_answer(answer))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    bot = _assistant(settings)
    print(printable(f"Ask about: {', '.join(a.title for a in bot.corpus.articles())}"), file=sys.stderr)
    print("Empty line or Ctrl-D to quit; /new starts a new conversation.", file=sys.stderr)
    history: list[Turn] = []
    while True:
        try:
            question = input("> ")
        except EOFError:
            return 0
        if not question.strip():
            return 0
        if question.strip() == "/new":
            history = []
            continue
        try:
            answer = bot.ask(question, history)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(format_answer(answer) + "\n")
        history.append(Turn(question, answer.text))


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.runner import main as run_evals

    return run_evals(args.eval_args, settings)


def cmd_logs(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer_log import AnswerLog, log_path

    log = AnswerLog(log_path(settings.data_dir))
    records = log.read(args.n)
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not records:
        state = "" if settings.log else " (ASSISTANT_LOG=0: logging is off)"
        print(f"no answers logged yet in {log.path}{state}", file=sys.stderr)
        return 0
    for record in records:
        answer = record.get("answer", {})
        timings = answer.get("timings", {})
        verdict = "abstained" if answer.get("abstained") else f"{len(answer.get('citations', []))} citation(s)"
        print(printable(f"{record.get('time', '?')}  {record.get('question', '')}"))
        print(printable(f"  -> {answer.get('text', '')}"))
        path = record.get("path", "?")
        if record.get("prefix_state"):
            path += f", prefix {record['prefix_state']}"
        if record.get("first_draft"):
            path += f" (after the {record['first_draft'].get('path', '?')} prefix's draft grounded to nothing)"
        notes = len(answer.get("notes", []))
        print(f"     {verdict}, {timings.get('total', 0):.1f}s, {notes} note(s); sources: {path}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.models.llms import start_loading

    start_loading(settings)  # the weights load while Gradio and the rest are imported
    from assistant.app.web import serve

    serve(settings, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Answers questions about news articles, with verified citations."
    )
    parser.add_argument("--data-dir", help="index location (default: ASSISTANT_DATA_DIR or a per-user dir)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index articles (default: the bundled article)")
    p.add_argument("paths", nargs="*", help="plain text or Markdown files")
    p.add_argument("--remove", metavar="ID", help="remove an indexed article by id")
    p.add_argument("--warm", action="store_true",
                   help="also build the model's prompt state of each article now (else on its first question)")
    p.add_argument("--id", metavar="NAME", help="the id of the one file given (default: its file name)")
    p.add_argument("--replace", action="store_true", help="let a file take over an id another file holds")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer one question with numbered, verified citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")
    p.add_argument("--server", metavar="URL",
                   help="ask a running `assistant serve` at URL (it answers from its own index and model) "
                   "instead of loading them here")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("eval", add_help=False, help="run the eval suite (see `assistant eval --help`)")
    p.add_argument("eval_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("logs", help="show the answer log (question, answer, timings, grounding notes)")
    p.add_argument("-n", type=int, default=20, metavar="N", help="the last N answers (default: 20)")
    p.add_argument("--json", action="store_true", help="one JSON record per line, with sources, draft and notes")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser("serve", help="run the web chat (builds the index on first start)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port to listen on (default: 7860)")
    p.set_defaults(func=cmd_serve)
    return parser


def _split_eval(argv: list[str]) -> tuple[list[str], list[str]]:
    """Everything after the ``eval`` command belongs to the eval runner's own parser."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] == "--data-dir" else 1
    if i < len(argv) and argv[i] == "eval":
        return argv[: i + 1], argv[i + 1 :]
    return argv, []


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    argv = list(sys.argv[1:] if argv is None else argv)
    head, tail = _split_eval(argv)
    args = build_parser().parse_args(head)
    if args.command == "eval":
        args.eval_args = tail
    try:
        settings = Settings.from_env(data_dir=args.data_dir)
        code = int(args.func(args, settings))
        sys.stdout.flush()  # here, not at exit: a reader that has gone away is met below
        return code
    except (AssistantError, IndexingError) as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`assistant logs --json | head -1`): stop quietly, as cat does, with the
        # status of a process ended by SIGPIPE. What is still buffered goes to /dev/null, not to a traceback
        # when Python flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
