"""Rendering an eval report: the console table, the summary, report.json and report.md."""

from __future__ import annotations

import json
from pathlib import Path

from evals.gate import Thresholds
from evals.runner import CaseResult, Report

__all__ = ["header", "row", "summary", "markdown", "write"]

_SHORT = {
    "fact_recall": "fact", "forbidden_absent": "forbid", "citation_validity": "valid",
    "citation_support": "support", "evidence_recall": "evid", "refusal_accuracy": "refuse",
    "false_refusal_rate": "falseref", "conflict_coverage": "conflict",
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


def summary(report: Report) -> str:
    """The aggregates with pass/fail against the thresholds, the slowest cases and the verdict."""
    lines = ["", f"{'metric':<22} {'value':>6} {'cases':>6}  threshold  result"]
    for a in report.aggregates:
        verdict = {True: "pass", False: "FAIL", None: "n/a" if a.threshold else "not gated"}[a.passed]
        bound = str(a.threshold or "")
        lines.append(f"{a.metric:<22} {_value(a.value):>6} {a.cases:>6}  {bound:<9}  {verdict}")
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


def markdown(report: Report) -> str:
    """report.md: the verdict, the aggregates, and every failing case beside its evidence."""
    verdict = "PASSED" if report.passed else "FAILED"
    lines = [f"# Eval report: {verdict}", "", "Assistant: " + ", ".join(
        f"{k}={v}" for k, v in report.description.items()), "",
        f"{len(report.results)} cases in {report.seconds:.1f}s.", "",
        "| metric | value | cases | threshold | result |", "|---|---|---|---|---|"]
    for a in report.aggregates:
        result = {True: "pass", False: "**FAIL**", None: "n/a"}[a.passed]
        lines.append(f"| {a.metric} | {_value(a.value)} | {a.cases} | {a.threshold or ''} | {result} |")
    lines += ["", "Slowest: " + ", ".join(f"{r.case.id} ({r.seconds:.1f}s)" for r in report.slowest()), ""]
    failing = [r for r in report.results if r.failures(report.thresholds)]
    lines += [f"## Failing cases ({len(failing)})", ""]
    for failed in failing:
        lines += _failure(failed, report)
    if not failing:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def write(report: Report, out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path
