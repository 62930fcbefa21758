"""Evals: the question set, pure scorers, thresholds and the runner that gates CI."""

from evals.cases import Case, CaseError, evidence_problems, load_cases
from evals.gate import Aggregate, Threshold, ThresholdError, Thresholds, aggregate, load_thresholds
from evals.runner import CaseResult, Report, evaluate_case, main, run, score_answer
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

__all__ = [
    "Aggregate",
    "Case",
    "CaseError",
    "CaseResult",
    "Report",
    "Score",
    "Span",
    "Threshold",
    "ThresholdError",
    "Thresholds",
    "aggregate",
    "citation_support",
    "citation_validity",
    "conflict_coverage",
    "evaluate_case",
    "evidence_problems",
    "evidence_recall",
    "fact_recall",
    "forbidden_absent",
    "load_cases",
    "load_thresholds",
    "main",
    "refusal",
    "retrieval_hit_at_k",
    "run",
    "score_answer",
]
