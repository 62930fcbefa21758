"""Re-ground the drafts an eval run logged with the grounding code as it is now, and list what changed.

    python scripts/regrade.py DATA_DIR REPORT_DIR [SUITE ...]

``DATA_DIR`` is the data directory the eval ran with (``<data dir>/evals/<tier>/logs/answers.jsonl`` holds each
answer's question, sources and draft); ``REPORT_DIR`` is its ``--out`` folder (``<tier>/report.json`` says which
case each question is and how it scored). Every logged draft is grounded again, with no model, in seconds:
a rule change is measured on hundreds of answers before a 20-minute eval run. Each changed answer is printed
with its case's label (an unanswerable question, or the answer's accuracy) and the old and new text; the last
line counts answers that became refusals and refusals that became answers.

Limits: a draft the model would have written differently is not redrafted: a change that makes a first
draft ground to nothing would, in a live run, ask the focused second pass or draft again from the retrieved
text, which this cannot.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.answer import Answer  # noqa: E402
from assistant.assistant import ground_draft, in_top_hits  # noqa: E402
from assistant.prompting import Prompts  # noqa: E402
from assistant.sources import Source  # noqa: E402
from evals.scorers import Span  # noqa: E402
from evals.suites import CI_SUITES, get_suite  # noqa: E402
from index import Article, load_article  # noqa: E402

REFUSAL = Prompts.load().refusal


def regrounded(entry: dict[str, Any], articles: dict[str, Article]) -> Answer:
    """One logged answer grounded again, as the assistant grounds a draft: its sources rebuilt from the
    articles, its draft and question (the whole request, as asked) unchanged. An answer drafted again from
    the retrieved text is first grounded from its cached prefix's draft, as it was made."""
    first = entry.get("first_draft")
    if first:
        answer = _grounded({**entry, **first}, articles)
        if not answer.abstained:
            return answer
    return _grounded(entry, articles)


def _grounded(entry: dict[str, Any], articles: dict[str, Article]) -> Answer:
    sources = [Source(n, a, start, end, articles[a].text[start:end]) for n, a, start, end in entry["sources"]]
    retrieved = in_top_hits(sources, [Span(a, start, end) for a, start, end in entry["hits"]])
    return ground_draft(entry["question"], entry["draft"], entry["focused"], sources, articles, REFUSAL, retrieved)


def label(case: dict[str, Any]) -> str:
    scores = case["scores"]
    if scores.get("refusal_accuracy", {}).get("value") is not None:
        return "unanswerable"
    return f"answer accuracy {scores.get('answer_accuracy', {}).get('value')}"


def changes(data_dir: Path, report_dir: Path, suite: str) -> Iterator[tuple[dict[str, Any], str, Answer]]:
    """(case, old answer text, new answer) for each logged answer whose text changes."""
    articles = {a.id: a for a in (load_article(p) for p in get_suite(suite).articles())}
    report = json.loads((report_dir / suite / "report.json").read_text(encoding="utf-8"))
    cases = {c["question"]: c for c in report["results"]}
    log = data_dir / "evals" / suite / "logs" / "answers.jsonl"
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        case = cases.get(entry["question"])
        if case is None:
            continue
        answer = regrounded(entry, articles)
        if answer.text != entry["answer"]["text"]:
            yield case, entry["answer"]["text"], answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("report_dir", type=Path)
    parser.add_argument("suites", nargs="*", default=list(CI_SUITES))
    args = parser.parse_args(argv)
    refused = answered = total = 0
    for suite in args.suites:
        if not (args.report_dir / suite / "report.json").exists():
            continue
        for case, old, new in changes(args.data_dir, args.report_dir, suite):
            total += 1
            was_refusal = old == REFUSAL
            refused += new.abstained and not was_refusal
            answered += was_refusal and not new.abstained
            print(f"--- {suite} {case['id']} ({label(case)}): {case['question']}")
            print(f"    was: {old}")
            print(f"    now: {new.text}")
    print(f"{total} answers changed: {refused} became refusals, {answered} refusals became answers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
