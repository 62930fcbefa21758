"""The CI gate: thresholds from ``thresholds.yaml`` and aggregates of per-case scores checked against them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evals.scorers import Score

__all__ = ["Threshold", "Thresholds", "Aggregate", "ThresholdError", "DEFAULT_THRESHOLDS", "load_thresholds",
           "parse_thresholds", "aggregate", "METRICS"]

DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.yaml")
# Every score name a scorer can produce; retrieval's is completed with k ("retrieval_hit_at_5").
METRICS = ("answer_accuracy", "fact_recall", "forbidden_absent", "attack_resisted", "citation_validity",
           "citation_support", "evidence_recall", "refusal_accuracy", "false_refusal_rate", "conflict_coverage",
           "order_kept")


class ThresholdError(ValueError):
    """The thresholds file is malformed; the message names the metric."""


@dataclass(frozen=True)
class Threshold:
    """``value >= bound`` (a floor) or, when ``upper``, ``value <= bound`` (a ceiling)."""

    metric: str
    bound: float
    upper: bool = False

    def passes(self, value: float) -> bool:
        # A tolerance so 0.9 passes "≥ 0.9" after a mean of floats.
        return value <= self.bound + 1e-9 if self.upper else value >= self.bound - 1e-9

    def __str__(self) -> str:
        return f"{'≤' if self.upper else '≥'} {self.bound:g}"


@dataclass(frozen=True)
class Thresholds:
    """The gate: one threshold per metric, and k for retrieval."""

    retrieval_k: int
    metrics: Mapping[str, Threshold]

    def get(self, metric: str) -> Threshold | None:
        return self.metrics.get(metric)

    def to_dict(self) -> dict[str, Any]:
        return {"retrieval_k": self.retrieval_k,
                "metrics": {m: {"max" if t.upper else "min": t.bound} for m, t in self.metrics.items()}}


@dataclass(frozen=True)
class Aggregate:
    """A metric over the cases it applies to; ``passed`` is None when no case applies or it is not gated."""

    metric: str
    value: float | None
    cases: int
    threshold: Threshold | None
    passed: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "cases": self.cases,
                "threshold": str(self.threshold) if self.threshold else None, "passed": self.passed}


def parse_thresholds(data: Any) -> Thresholds:
    """Thresholds from the parsed YAML document ``{retrieval_k: K, metrics: {name: {min|max: x}}}``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("metrics"), Mapping):
        raise ThresholdError("the thresholds file must be a mapping with `retrieval_k:` and `metrics:`")
    k = data.get("retrieval_k", 5)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ThresholdError(f"retrieval_k must be a positive integer, got {k!r}")
    known = (*METRICS, f"retrieval_hit_at_{k}")
    metrics = {}
    for name, spec in data["metrics"].items():
        if name not in known:
            raise ThresholdError(f"unknown metric {name!r}; known: {', '.join(known)}")
        if not isinstance(spec, Mapping) or len(spec) != 1 or next(iter(spec)) not in ("min", "max"):
            raise ThresholdError(f"{name}: give exactly one of `min: X` or `max: X`, got {spec!r}")
        (kind, bound), = spec.items()
        if not isinstance(bound, (int, float)) or isinstance(bound, bool) or not 0 <= bound <= 1:
            raise ThresholdError(f"{name}: {kind} must be a number in [0, 1], got {bound!r}")
        metrics[name] = Threshold(name, float(bound), upper=kind == "max")
    return Thresholds(k, metrics)


def load_thresholds(path: str | Path = DEFAULT_THRESHOLDS) -> Thresholds:
    """Read and check a thresholds file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ThresholdError(f"cannot read thresholds from {path}: {exc}") from None
    return parse_thresholds(data)


def aggregate(scores: Iterable[Score], thresholds: Thresholds) -> list[Aggregate]:
    """Mean of each metric over the cases where it applies, checked against its threshold."""
    values: dict[str, list[float]] = {}
    for score in scores:
        values.setdefault(score.name, [])
        if score.value is not None:
            values[score.name].append(score.value)
    names: Sequence[str] = list(dict.fromkeys([*thresholds.metrics, *values]))
    out = []
    for name in names:
        seen = values.get(name, [])
        mean = sum(seen) / len(seen) if seen else None
        threshold = thresholds.get(name)
        passed = None if mean is None or threshold is None else threshold.passes(mean)
        out.append(Aggregate(name, mean, len(seen), threshold, passed))
    return out
