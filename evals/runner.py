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
from evals.cases import Case, CaseError, evidence_problems, load_cases
from evals.gate import Aggregate, ThresholdError, Thresholds, aggregate, load_thresholds
from evals.scorers import (
    Score,
    Span,
    answer_accuracy,
    attack_resisted,
    citation_support,
    citation_validity,
    conflict_coverage,
    evidence_recall,
    fact_recall,
    forbidden_absent,
    order_kept,
    refusal,
    retrieval_hit_at_k,
)

__all__ = [
    "Bot", "CaseResult", "Report", "Plan", "score_answer", "evaluate_case", "article_texts", "run", "plan", "main",
    "ablation",
]


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
    # The same draft re-grounded with one grounding pass switched off: what each pass earns on this case.
    ablations: Mapping[str, tuple[Score, ...]] = field(default_factory=dict)

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
    evidence = case.evidence_spans(articles)
    return (
        answer_accuracy(answer, case.required, case.refusal),
        fact_recall(answer.text, case.required),
        forbidden_absent(answer.text, case.forbidden),
        (attack_resisted(answer, case.forbidden, articles) if case.attack
         else Score("attack_resisted", None, "no attack")),
        citation_validity(answer, articles),
        citation_support(answer),
        evidence_recall(answer, evidence),
        refusal(answer, None if case.attack else case.refusal),
        conflict_coverage(answer, case.conflict, case.conflict_articles),
        order_kept(answer.text, case.order),
        retrieval_hit_at_k(hits, evidence, k),
    )


def retrieval_query(case: Case) -> str:
    """A follow-up is retrieved together with the question before it ("when was *he* killed")."""
    return " ".join([t.question for t in case.history[-1:]] + [case.question])


def evaluate_case(bot: Bot, case: Case, articles: Mapping[str, str], k: int) -> CaseResult:
    """Ask one case (with its history), retrieve its top-k hits and score the answer."""
    started = time.perf_counter()
    if hasattr(bot, "last"):
        bot.last = None
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
    scores = score_answer(case, answer, texts, hits, k)
    return CaseResult(case, answer, scores, seconds, hits, ablations=_ablations(bot, case, texts, hits, k))


def _ablations(bot: Bot, case: Case, texts: Mapping[str, str], hits: Sequence[Span], k: int) -> dict[str, Any]:
    """Scores of the case's draft re-grounded without each pass (pure: no model call)."""
    if getattr(bot, "last", None) is None or not hasattr(bot, "regrounded"):
        return {}
    from assistant.grounding import PASSES

    base = frozenset(getattr(bot, "without", frozenset()))
    out = {}
    for name, _ in PASSES:
        if name not in base:
            alt = bot.regrounded(base | {name})
            if alt is None:
                return {}
            out[name] = score_answer(case, alt, texts, hits, k)
    return out


def ablation(report: Report) -> dict[str, list[Aggregate]]:
    """Per grounding pass, the aggregates with that pass switched off (same drafts, re-grounded)."""
    names = list(dict.fromkeys(name for r in report.results for name in r.ablations))
    return {
        name: aggregate((s for r in report.results for s in r.ablations.get(name, r.scores) if s.name != "error"),
                        report.thresholds)
        for name in names
    }


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
    articles = article_texts(bot.corpus, {a for c in cases for a in c.article_ids})
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
    from assistant.grounding import PASSES
    from evals.suites import CI_SUITES, SUITES

    parser = argparse.ArgumentParser(
        prog="assistant eval",
        description="Answer the eval tiers with the configured model, beside the naive baseline, and gate on "
        "each tier's thresholds.",
    )
    parser.add_argument("--suite", action="extend", nargs="+", choices=list(SUITES), metavar="NAME",
                        help=f"tiers to run: {', '.join(SUITES)} (default: {' '.join(CI_SUITES)})")
    parser.add_argument("--full", action="store_true",
                        help="every question of a sampled tier (squad2: all 986, injection: all 119) instead of "
                        "the CI sample")
    parser.add_argument("--per-article", type=int, metavar="N",
                        help="a sampled tier's fixed sample: N answerable and N unanswerable per article "
                        "(squad2 default: 2)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the naive top-k RAG baseline on the same questions")
    parser.add_argument("--baseline-limit", type=int, metavar="N",
                        help="the baseline answers a fixed, evenly spread sample of N cases per tier (default: all)")
    parser.add_argument("--without", action="extend", nargs="+", default=[], metavar="PASS",
                        help=f"switch grounding passes off: {', '.join(name for name, _ in PASSES)}")
    parser.add_argument("--cases", type=Path, help="case file for a single suite (default: the suite's own)")
    parser.add_argument("--thresholds", type=Path, help="thresholds file for a single suite")
    parser.add_argument("--out", type=Path, default=Path("artifacts/eval"),
                        help="where report.json and report.md go, one folder per tier (default: artifacts/eval)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N cases of each tier")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID", help="only these case ids")
    return parser


def select(cases: Sequence[Case], only: Sequence[str] | None, limit: int | None) -> list[Case]:
    """The cases named by ``--only`` (all when None), then the first ``limit``."""
    chosen = [c for c in cases if c.id in set(only)] if only else list(cases)
    return chosen[:limit] if limit is not None else chosen


@dataclass(frozen=True)
class Plan:
    """One tier to run: the suite, its chosen cases and thresholds."""

    suite: Any
    cases: tuple[Case, ...]
    thresholds: Thresholds


def plan(args: argparse.Namespace) -> list[Plan]:
    """The tiers and cases the arguments ask for; CaseError/ThresholdError name what is wrong."""
    from evals.suites import CI_SUITES, SQUAD_SAMPLE_PER_ARTICLE, get_suite

    names = list(dict.fromkeys(args.suite or CI_SUITES))
    if (args.cases or args.thresholds) and len(names) != 1:
        raise CaseError("--cases and --thresholds apply to one tier: name it with --suite")
    plans, known = [], set()
    for name in names:
        suite = get_suite(name)
        per_article = None if args.full else (args.per_article or SQUAD_SAMPLE_PER_ARTICLE)
        cases = load_cases(args.cases) if args.cases else suite.cases(per_article)
        known |= {c.id for c in cases}
        chosen = select(cases, args.only, args.limit)
        if chosen:
            plans.append(Plan(suite, tuple(chosen), load_thresholds(args.thresholds or suite.thresholds)))
    unknown = sorted(set(args.only or ()) - known)
    if unknown:
        raise CaseError(f"no case with id {', '.join(unknown)}; see the ids in the case files")
    return plans


Build = Callable[[Any, Any], Bot]


def build_assistant(shared: dict[str, Any]) -> Build:
    """Builds each tier's assistant over its own data dir (``<data dir>/evals/<tier>``), indexing exactly
    the tier's articles, with one model loaded once and shared between tiers."""

    def build(suite: Any, settings: Any) -> Bot:
        from assistant import Assistant
        from assistant.corpus import Corpus
        from assistant.settings import Settings
        from index.articles import slugify

        base = settings or Settings.from_env()
        tier = base.with_(data_dir=base.data_dir / "evals" / suite.name)
        corpus = Corpus(tier)
        paths = suite.articles()
        corpus.index_paths([str(p) for p in paths])
        for stale in set(corpus.catalog.ids()) - {slugify(p.stem) for p in paths}:
            corpus.indexer.remove(stale)
        bot = Assistant.from_settings(tier, llm=tier_model(shared.get("llm"), tier.data_dir))
        shared["llm"] = bot.llm
        return bot

    return build


def tier_model(llm: Any, data_dir: Path) -> Any:
    """The model shared between tiers, keeping this tier's prompt states in this tier's data dir (they went
    to the dir of the tier that loaded the model, so a tier's states were found or recomputed depending on
    which tiers ran before it)."""
    if llm is not None and getattr(llm, "prefix_cache_dir", None) is not None:
        llm.prefix_cache_dir = str(data_dir / "cache")
    return llm


def _evenly(cases: Sequence[Case], n: int) -> list[Case]:
    return [cases[i * len(cases) // n] for i in range(n)] if n > 0 else []


def spread(cases: Sequence[Case], limit: int | None) -> list[Case]:
    """At most ``limit`` cases (all when None), a fixed sample evenly spread over the list, with as many
    refusal cases as answerable ones where the tier has enough, so both rates are measured."""
    if limit is None or limit >= len(cases):
        return list(cases)
    refusals = [c for c in cases if c.refusal]
    answerable = [c for c in cases if not c.refusal]
    take = min(len(refusals), limit // 2)
    chosen = {c.id for c in _evenly(refusals, take) + _evenly(answerable, min(len(answerable), limit - take))}
    return [c for c in cases if c.id in chosen]


def evaluate_plan(
    item: Plan, bot: Bot, baseline: bool, out: Path, print_: Callable[[str], None] = print,
    baseline_limit: int | None = None,
) -> tuple[Report, Report | None]:
    """Run one tier with the assistant and, when asked, the naive baseline; write the tier's reports."""
    from evals.report import header, row, summary, write

    if hasattr(bot, "warm"):
        bot.warm()  # the first case is then timed like the rest: a user's chat is warm too
    problems = evidence_problems(item.cases, article_texts(bot.corpus, {a for c in item.cases for a in c.article_ids}))
    if problems:
        raise CaseError("; ".join(problems))
    print_(f"\n== {item.suite.name}: {item.suite.description} ({len(item.cases)} cases)")
    print_(header(item.thresholds))
    report = run(bot, item.cases, item.thresholds, on_result=lambda r: print_(row(r, item.thresholds)))
    print_(summary(report))
    naive = None
    sample = spread(item.cases, baseline_limit)
    if baseline and sample and hasattr(bot, "llm"):
        from evals.baseline import NaiveRAG

        print_(f"-- {item.suite.name}: naive top-k RAG on {len(sample)} of the {len(item.cases)} questions")
        naive = run(NaiveRAG(bot), sample, item.thresholds)
    write(report, out / item.suite.name, naive)
    return report, naive


def main(argv: Sequence[str] | None = None, settings: Any = None, build: Build | None = None) -> int:
    """Entry point of ``python -m evals`` and ``assistant eval``; ``settings`` defaults to the environment,
    ``build(suite, settings)`` makes each tier's assistant (tests pass fakes)."""
    from evals.report import tiers, write_tiers

    args = _parser().parse_args(argv)
    try:
        plans = plan(args)
    except (CaseError, ThresholdError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2

    from assistant import AssistantError
    from assistant.grounding import check_passes
    from index.errors import IndexingError

    try:
        without = check_passes(args.without)
    except ValueError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    build = build or build_assistant({})
    results: dict[str, tuple[Report, Report | None]] = {}
    try:
        for item in plans:
            bot = build(item.suite, settings)
            if without:
                bot.without = without  # type: ignore[attr-defined]
            results[item.suite.name] = evaluate_plan(
                item, bot, args.baseline, args.out, lambda s: print(s, flush=True), args.baseline_limit
            )
    except (AssistantError, IndexingError, CaseError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    print(tiers(results))
    json_path, md_path = write_tiers(results, args.out)
    print(f"wrote {json_path} and {md_path}")
    return 0 if all(report.passed for report, _ in results.values()) else 1
