"""Rendering an eval report: the console table, the summary, report.json and report.md."""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evals.gate import Aggregate, Thresholds, aggregate
from evals.runner import CaseResult, Report, ablation

__all__ = ["header", "row", "summary", "markdown", "write", "tiers", "write_tiers", "TIER_METRICS"]

_SHORT = {
    "answer_accuracy": "answer", "fact_recall": "fact", "forbidden_absent": "forbid", "attack_resisted": "resist",
    "citation_validity": "valid",
    "citation_support": "support", "evidence_recall": "evid", "refusal_accuracy": "refuse",
    "false_refusal_rate": "falseref", "conflict_coverage": "conflict", "order_kept": "order",
}
_ID, _CATEGORY = 36, 13


def _columns(thresholds: Thresholds) -> list[tuple[str, str]]:
    k = thresholds.retrieval_k
    return [*_SHORT.items(), (f"retrieval_hit_at_{k}", f"hit@{k}")]


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def header(thresholds: Thresholds) -> str:
    """Column titles of the per-case table."""
    cols = " ".join(f"{short:>8}" for _, short in _columns(thresholds))
    return f"{'case':<{_ID}} {'category':<{_CATEGORY}} {'ok':<4} {'secs':>6} {cols}"


def row(result: CaseResult, thresholds: Thresholds) -> str:
    """One case's line, followed by an indented line per failing score with its reason."""
    scores = {s.name: s.value for s in result.scores}
    failures = result.failures(thresholds)
    cols = " ".join(f"{_value(scores.get(name)):>8}" for name, _ in _columns(thresholds))
    line = (f"{result.case.id[:_ID]:<{_ID}} {result.case.category:<{_CATEGORY}} "
            f"{'FAIL' if failures else 'ok':<4} {result.seconds:>6.1f} {cols}")
    return "\n".join([line, *(f"    ✗ {s.name}: {s.reason}" for s in failures)])


# What the ablation table shows: the metrics a grounding pass can move.
ABLATION_METRICS = ("answer_accuracy", "refusal_accuracy", "false_refusal_rate", "attack_resisted", "citation_support",
                    "evidence_recall", "conflict_coverage")


def ablation_table(report: Report) -> list[list[str]]:
    """Rows: each grounding pass, and each metric with that pass off as "value (change)"; header first."""
    table = ablation(report)
    if not table:
        return []
    on = {a.metric: a.value for a in report.aggregates}
    rows = [["without", *(_SHORT.get(m, m) for m in ABLATION_METRICS)]]
    for name, aggregates in table.items():
        off = {a.metric: a.value for a in aggregates}
        cells = [name]
        for metric in ABLATION_METRICS:
            value, base = off.get(metric), on.get(metric)
            delta = "" if value is None or base is None else f" ({value - base:+.2f})"
            cells.append(_value(value) + delta)
        rows.append(cells)
    return rows


def _ablation_lines(report: Report) -> list[str]:
    rows = ablation_table(report)
    if not rows:
        return []
    return ["", "Ablation (the same drafts re-grounded with one pass off; change from all passes on):", *_aligned(rows)]


def summary(report: Report) -> str:
    """The aggregates with pass/fail against the thresholds, the slowest cases and the verdict."""
    lines = ["", f"{'metric':<22} {'value':>6} {'cases':>6}  threshold  result"]
    for a in report.aggregates:
        verdict = {True: "pass", False: "FAIL", None: "n/a" if a.threshold else "not gated"}[a.passed]
        bound = str(a.threshold or "")
        lines.append(f"{a.metric:<22} {_value(a.value):>6} {a.cases:>6}  {bound:<9}  {verdict}")
    lines += _ablation_lines(report)
    for r in report.errors:
        lines.append(f"error in {r.case.id}: {r.error}")
    slow = ", ".join(f"{r.case.id} {r.seconds:.1f}s" for r in report.slowest(3))
    failed = sum(1 for r in report.results if r.failures(report.thresholds))
    lines.append(f"{len(report.results)} cases, {failed} failing, {report.seconds:.1f}s; slowest: {slow}")
    if report.passed:
        lines.append("PASSED")
    else:
        why = [f"{a.metric} {_value(a.value)} (needs {a.threshold})" for a in report.failed_metrics]
        why += [f"{len(report.errors)} case(s) raised"] if report.errors else []
        lines.append("FAILED: " + "; ".join(why))
    return "\n".join(lines)


def _quote(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def _failure(result: CaseResult, report: Report) -> list[str]:
    case, answer = result.case, result.answer
    lines = [f"### {case.id} ({case.category})", "", f"**Question:** {case.question}", ""]
    for turn in case.history:
        lines += [f"> earlier: {turn.question} — {turn.answer}", ""]
    status = "abstained" if answer.abstained else "answered"
    lines += [f"**Answer** ({status}, {result.seconds:.1f}s): {answer.text or '(empty)'}", ""]
    lines += ["| failed | value | reason |", "|---|---|---|"]
    failures = result.failures(report.thresholds)
    lines += [f"| {s.name} | {_value(s.value)} | {_quote(s.reason)} |" for s in failures]
    lines += ["", "| expected evidence | cited quotes |", "|---|---|"]
    expected = [" or ".join(f"“{q}”" for q in item) for item in case.evidence]
    expected = expected or (["(a refusal)"] if case.refusal else [])
    cited = [f"[{i}] {c.start}:{c.end} “{c.quote}”" for i, c in enumerate(answer.citations, 1)]
    for i in range(max(len(expected), len(cited), 1)):
        left = expected[i] if i < len(expected) else ""
        lines.append(f"| {_quote(left)} | {_quote(cited[i]) if i < len(cited) else ''} |")
    if case.required:
        lines += ["", "Required: " + "; ".join(" or ".join(g) for g in case.required)]
    if answer.notes:
        lines += ["", "Notes: " + "; ".join(answer.notes)]
    return [*lines, ""]


def median_seconds(report: Report) -> float | None:
    return statistics.median(r.seconds for r in report.results) if report.results else None


def _aligned(rows: list[list[str]]) -> list[str]:
    """A console table: each column padded to its widest cell."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]


def _markdown_table(rows: list[list[str]]) -> list[str]:
    """A Markdown table; the first row is the header."""
    head, *body = rows
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *("| " + " | ".join(r) + " |" for r in body)]


def markdown(report: Report, naive: Report | None = None) -> str:
    """report.md: the verdict, the aggregates (beside the naive baseline's), and every failing case."""
    verdict = "PASSED" if report.passed else "FAILED"
    lines = [f"# Eval report: {verdict}", "", "Assistant: " + ", ".join(
        f"{k}={v}" for k, v in report.description.items()), "",
        f"{len(report.results)} cases in {report.seconds:.1f}s.", "",
        "| metric | value | naive RAG | cases | threshold | result |", "|---|---|---|---|---|---|"]
    baseline = {a.metric: a.value for a in naive.aggregates} if naive else {}
    for a in report.aggregates:
        result = {True: "pass", False: "**FAIL**", None: "n/a"}[a.passed]
        lines.append(f"| {a.metric} | {_value(a.value)} | {_value(baseline.get(a.metric))} | {a.cases} | "
                     f"{a.threshold or ''} | {result} |")
    rows = ablation_table(report)
    if rows:
        lines += ["", "## Ablation", "", "The same drafts re-grounded with one pass switched off "
                  "(change from all passes on in brackets).", "", *_markdown_table(rows)]
    lines += ["", "Slowest: " + ", ".join(f"{r.case.id} ({r.seconds:.1f}s)" for r in report.slowest()), ""]
    failing = [r for r in report.results if r.failures(report.thresholds)]
    lines += [f"## Failing cases ({len(failing)})", ""]
    for failed in failing:
        lines += _failure(failed, report)
    if not failing:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def same_questions(report: Report, naive: Report) -> list[Aggregate]:
    """The assistant's aggregates over the questions the baseline answered (all, or the CI's sample)."""
    ids = {r.case.id for r in naive.results}
    return aggregate((s for r in report.results if r.case.id in ids for s in r.scores if s.name != "error"),
                     report.thresholds)


def _baseline_dict(naive: Report | None) -> dict[str, Any] | None:
    if naive is None:
        return None
    return {
        "cases": len(naive.results),
        "aggregates": [a.to_dict() for a in naive.aggregates if a.metric in TIER_METRICS],
        "median_seconds": median_seconds(naive),
        "answers": [{"id": r.case.id, "text": r.answer.text, "abstained": r.answer.abstained} for r in naive.results],
    }


def write(report: Report, out_dir: Path, naive: Report | None = None) -> tuple[Path, Path]:
    """Write report.json and report.md into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    data = {**report.to_dict(), "median_seconds": median_seconds(report), "baseline": _baseline_dict(naive)}
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report, naive), encoding="utf-8")
    return json_path, md_path


# The metrics the tiers table shows side by side, with the naive baseline where it has a value.
TIER_METRICS = ("answer_accuracy", "fact_recall", "refusal_accuracy", "false_refusal_rate", "forbidden_absent",
                "attack_resisted",
                "citation_validity", "evidence_recall", "conflict_coverage", "order_kept")


def _tier_rows(results: Mapping[str, tuple[Report, Report | None]]) -> list[list[str]]:
    rows = []
    for name, (report, naive) in results.items():
        ours = {a.metric: a for a in report.aggregates}
        theirs = {a.metric: a.value for a in naive.aggregates} if naive else {}
        same = {a.metric: a.value for a in same_questions(report, naive)} if naive else {}
        cells = [name, str(len(report.results)), "PASSED" if report.passed else "FAILED"]
        for metric in TIER_METRICS:
            a = ours.get(metric)
            cell = _value(a.value if a else None)
            if metric in theirs and metric not in ("citation_validity", "evidence_recall"):
                cell += f" ({_value(same.get(metric))}/{_value(theirs[metric])})"
            cells.append(cell)
        base = f" ({_value(median_seconds(naive))})" if naive else ""
        cells.append(_value(median_seconds(report)) + base)
        rows.append(cells)
    return rows


_TIER_HEAD = ["tier", "cases", "gate", *(_SHORT.get(m, m) for m in TIER_METRICS), "median s"]


def tiers(results: Mapping[str, tuple[Report, Report | None]]) -> str:
    """The console table of every tier side by side; the naive baseline's value in brackets."""
    lines = ["", "Tiers. In brackets: the assistant / naive top-k RAG, on the questions the baseline answered "
             "(all, or a fixed sample with --baseline-limit):", *_aligned([_TIER_HEAD, *_tier_rows(results)])]
    verdict = all(report.passed for report, _ in results.values())
    lines.append("PASSED" if verdict else "FAILED: " + ", ".join(
        name for name, (report, _) in results.items() if not report.passed))
    return "\n".join(lines)


def write_tiers(results: Mapping[str, tuple[Report, Report | None]], out_dir: Path) -> tuple[Path, Path]:
    """report.json (every tier's aggregates and baseline) and report.md (the tiers table) in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "passed": all(report.passed for report, _ in results.values()),
        "tiers": {
            name: {
                "passed": report.passed, "cases": len(report.results), "seconds": round(report.seconds, 3),
                "median_seconds": median_seconds(report),
                "aggregates": [a.to_dict() for a in report.aggregates],
                "failed_cases": [r.case.id for r in report.results if r.failures(report.thresholds)],
                "baseline": _baseline_dict(naive),
                "assistant_on_baseline_cases": [a.to_dict() for a in same_questions(report, naive)] if naive else None,
                "ablation": {p: [a.to_dict() for a in aggs] for p, aggs in ablation(report).items()},
            }
            for name, (report, naive) in results.items()
        },
    }
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = ["# Eval tiers: " + ("PASSED" if data["passed"] else "FAILED"), "",
          "Each cell: the assistant on every case; in brackets, the assistant / naive top-k RAG (same model) on the "
          "questions the baseline answered (all, or a fixed sample with --baseline-limit).", "",
          *_markdown_table([_TIER_HEAD, *_tier_rows(results)])]
    for name, (report, _) in results.items():
        rows = ablation_table(report)
        if rows:
            md += ["", f"## Ablation: {name}", "", *_markdown_table(rows)]
    md += ["", "Per-tier reports: " + ", ".join(f"[{n}]({n}/report.md)" for n in results), ""]
    md_path.write_text("\n".join(md), encoding="utf-8")
    return json_path, md_path
