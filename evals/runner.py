"""The eval runner: ask every case, score it, aggregate, print a table, write a report, gate CI.

``python -m evals`` (or ``assistant eval``) exits 0 when every aggregate meets its threshold, 1 when
one does not (or a case raised), 2 when the eval could not run (bad case file, no model).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from assistant.answer import Answer
from evals.cases import DEFAULT_CASES, Case, CaseError, evidence_problems, load_cases
from evals.gate import DEFAULT_THRESHOLDS, Aggregate, ThresholdError, Thresholds, aggregate, load_thresholds
from evals.scorers import (
    Score,
    Span,
    citation_support,
    citation_validity,
    conflict_coverage,
    evidence_recall,
    fact_recall,
    forbidden_absent,
    refusal,
    retrieval_hit_at_k,
)

__all__ = ["Bot", "CaseResult", "Report", "score_answer", "evaluate_case", "article_texts", "run", "main"]


class Bot(Protocol):
    """What the runner needs of an assistant: ``ask``, ``describe`` and a ``corpus`` with a retriever
    (``retriever.search(query, k)``) and a catalog (``catalog.get(id).text``)."""

    corpus: Any

    def ask(self, question: str, history: Sequence[Any] = ()) -> Answer: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class CaseResult:
    """One case: the answer, its scores, how long it took, and the top retrieval hits."""

    case: Case
    answer: Answer
    scores: tuple[Score, ...]
    seconds: float
    hits: tuple[Span, ...] = ()
    error: str | None = None

    def failures(self, thresholds: Thresholds) -> list[Score]:
        """Applicable scores that miss their metric's threshold (an error counts as one)."""
        out = [s for s in self.scores if s.name == "error"]
        for s in self.scores:
            threshold = thresholds.get(s.name)
            if s.value is not None and threshold is not None and not threshold.passes(s.value):
                out.append(s)
        return out

    def to_dict(self, thresholds: Thresholds) -> dict[str, Any]:
        return {
            "id": self.case.id, "category": self.case.category, "question": self.case.question,
            "passed": not self.failures(thresholds), "error": self.error, "seconds": round(self.seconds, 3),
            "scores": {s.name: {"value": s.value, "reason": s.reason} for s in self.scores},
            "answer": self.answer.to_dict(),
            "hits": [[h.article_id, h.start, h.end] for h in self.hits],
            "case": self.case.to_dict(),
        }


@dataclass(frozen=True)
class Report:
    """Every case's result, the aggregates against the thresholds, and what was evaluated."""

    results: tuple[CaseResult, ...]
    aggregates: tuple[Aggregate, ...]
    thresholds: Thresholds
    description: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def errors(self) -> list[CaseResult]:
        return [r for r in self.results if r.error]

    @property
    def failed_metrics(self) -> list[Aggregate]:
        return [a for a in self.aggregates if a.passed is False]

    @property
    def passed(self) -> bool:
        return not self.failed_metrics and not self.errors

    def slowest(self, n: int = 5) -> list[CaseResult]:
        return sorted(self.results, key=lambda r: r.seconds, reverse=True)[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "assistant": dict(self.description),
            "thresholds": self.thresholds.to_dict(),
            "aggregates": [a.to_dict() for a in self.aggregates],
            "failed_metrics": [a.metric for a in self.failed_metrics],
            "cases": len(self.results),
            "failed_cases": [r.case.id for r in self.results if r.failures(self.thresholds)],
            "seconds": round(self.seconds, 3),
            "slowest": [{"id": r.case.id, "seconds": round(r.seconds, 3)} for r in self.slowest()],
            "results": [r.to_dict(self.thresholds) for r in self.results],
        }


def score_answer(
    case: Case, answer: Answer, articles: Mapping[str, str], hits: Sequence[Span], k: int
) -> tuple[Score, ...]:
    """Every scorer on one answer. Pure: the article texts and retrieval hits are passed in."""
    evidence = case.evidence_spans(articles.get(case.article_id, ""))
    return (
        fact_recall(answer.text, case.required),
        forbidden_absent(answer.text, case.forbidden),
        citation_validity(answer, articles),
        citation_support(answer),
        evidence_recall(answer, evidence),
        refusal(answer, case.refusal),
        conflict_coverage(answer, case.conflict),
        retrieval_hit_at_k(hits, evidence, k),
    )


def retrieval_query(case: Case) -> str:
    """A follow-up is retrieved together with the question before it ("when was *he* killed")."""
    return " ".join([t.question for t in case.history[-1:]] + [case.question])


def evaluate_case(bot: Bot, case: Case, articles: Mapping[str, str], k: int) -> CaseResult:
    """Ask one case (with its history), retrieve its top-k hits and score the answer."""
    started = time.perf_counter()
    try:
        answer = bot.ask(case.question, list(case.history))
    except Exception as exc:  # one broken case must not hide the others' results
        seconds = time.perf_counter() - started
        message = f"ask raised {type(exc).__name__}: {exc}"
        return CaseResult(case, Answer("", False), (Score("error", 0.0, message),), seconds, error=message)
    seconds = time.perf_counter() - started
    found = bot.corpus.retriever.search(retrieval_query(case), k)
    hits = tuple(Span(record.article_id, record.start, record.end) for record, _ in found)
    cited = {c.article_id for c in answer.citations} | {
        c.article_id for conflict in answer.conflicts for c in conflict.citations
    }
    texts = {**article_texts(bot.corpus, cited - set(articles)), **articles}
    return CaseResult(case, answer, score_answer(case, answer, texts, hits, k), seconds, hits)


def article_texts(corpus: Any, ids: Iterable[str]) -> dict[str, str]:
    """Stored text of each indexed article among ``ids``; ids that are not indexed are left out."""
    from index.errors import StoreError

    out = {}
    for article_id in ids:
        try:
            out[article_id] = corpus.catalog.get(article_id).text
        except (StoreError, KeyError):
            continue
    return out


def run(
    bot: Bot,
    cases: Sequence[Case],
    thresholds: Thresholds,
    on_result: Callable[[CaseResult], None] | None = None,
) -> Report:
    """Evaluate every case and aggregate the scores against the thresholds."""
    started = time.perf_counter()
    articles = article_texts(bot.corpus, {c.article_id for c in cases})
    results = []
    for case in cases:
        result = evaluate_case(bot, case, articles, thresholds.retrieval_k)
        results.append(result)
        if on_result:
            on_result(result)
    aggregates = aggregate((s for r in results for s in r.scores if s.name != "error"), thresholds)
    seconds = time.perf_counter() - started
    return Report(tuple(results), tuple(aggregates), thresholds, bot.describe(), seconds)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant eval",
        description="Answer the eval cases with the configured model and gate on the thresholds.",
    )
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES,
                        help="case file (default: evals/cases.yaml)")
    parser.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS,
                        help="thresholds file (default: evals/thresholds.yaml)")
    parser.add_argument("--out", type=Path, default=Path("artifacts/eval"),
                        help="where report.json and report.md go (default: artifacts/eval)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N cases")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID", help="only these case ids")
    return parser


def select(cases: Sequence[Case], only: Sequence[str] | None, limit: int | None) -> list[Case]:
    """The cases named by ``--only`` (all when None), then the first ``limit``."""
    chosen = list(cases)
    if only:
        unknown = sorted(set(only) - {c.id for c in cases})
        if unknown:
            raise CaseError(f"no case with id {', '.join(unknown)}; see the ids in the case file")
        chosen = [c for c in cases if c.id in set(only)]
    return chosen[:limit] if limit is not None else chosen


def main(argv: Sequence[str] | None = None, settings: Any = None) -> int:
    """Entry point of ``python -m evals`` and ``assistant eval``; ``settings`` defaults to the environment."""
    from evals.report import header, row, summary, write

    args = _parser().parse_args(argv)
    try:
        cases = select(load_cases(args.cases), args.only, args.limit)
        thresholds = load_thresholds(args.thresholds)
    except (CaseError, ThresholdError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2

    from assistant import Assistant, AssistantError
    from index.errors import IndexingError

    try:
        bot = Assistant.from_settings(settings)
        if hasattr(bot, "warm"):
            bot.warm()  # the first case is then timed like the rest: a user's chat is warm too
        problems = evidence_problems(cases, article_texts(bot.corpus, {c.article_id for c in cases}))
        if problems:
            raise CaseError("; ".join(problems))
        print(header(thresholds), flush=True)
        report = run(bot, cases, thresholds, on_result=lambda r: print(row(r, thresholds), flush=True))
    except (AssistantError, IndexingError, CaseError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    print(summary(report))
    json_path, md_path = write(report, args.out)
    print(f"wrote {json_path} and {md_path}")
    return 0 if report.passed else 1
