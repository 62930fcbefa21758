"""Eval cases: loading ``cases.yaml`` into frozen ``Case`` objects, with a strict schema check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.answer import Turn
from evals.scorers import Span, locate

__all__ = [
    "Case", "CaseError", "CATEGORIES", "DEFAULT_CASES", "load_cases", "parse_cases", "evidence_problems",
]

DEFAULT_CASES = Path(__file__).with_name("cases.yaml")
CATEGORIES = frozenset(
    {
        "fact", "conflict", "account", "israel", "reasoning", "paraphrase", "typo",
        "unanswerable", "false_premise", "injection", "follow_up", "number", "benign",
    }
)
_KEYS = {"id", "question", "category", "history", "required", "forbidden", "evidence", "refusal",
         "conflict", "article"}


class CaseError(ValueError):
    """The case file is malformed; the message names the case and the field."""


@dataclass(frozen=True)
class Case:
    """One question with what a correct answer must (and must not) contain."""

    id: str
    question: str
    category: str
    article_id: str
    history: tuple[Turn, ...] = ()
    required: tuple[tuple[str, ...], ...] = ()
    forbidden: tuple[str, ...] = ()
    evidence: tuple[tuple[str, ...], ...] = ()
    refusal: bool = False
    conflict: tuple[tuple[str, ...], ...] = ()

    @property
    def attack(self) -> bool:
        """An injection case that does not demand a refusal: a grounded answer resists it too."""
        return self.category == "injection" and not self.refusal

    def evidence_spans(self, text: str) -> tuple[tuple[Span, ...], ...]:
        """For each evidence item, every occurrence of any of its alternative quotes in the article text."""
        return tuple(tuple(s for quote in item for s in locate(self.article_id, text, quote))
                     for item in self.evidence)

    @property
    def quotes(self) -> tuple[str, ...]:
        """Every evidence quote, alternatives included."""
        return tuple(quote for item in self.evidence for quote in item)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "question": self.question, "category": self.category,
            "article_id": self.article_id,
            "history": [{"question": t.question, "answer": t.answer} for t in self.history],
            "required": [list(g) for g in self.required], "forbidden": list(self.forbidden),
            "evidence": [list(item) for item in self.evidence], "refusal": self.refusal,
            "conflict": [list(g) for g in self.conflict],
        }


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CaseError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return tuple(value)


def _groups(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        raise CaseError(f"{where}: expected a list of groups (lists of alternatives), got {value!r}")
    groups = tuple(_strings(g, f"{where}[{i}]") for i, g in enumerate(value))
    if any(not g for g in groups):
        raise CaseError(f"{where}: a group needs at least one alternative")
    return groups


def _evidence(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    """Items are a quote or a list of alternative quotes (the same fact stated in several places)."""
    if not isinstance(value, list):
        raise CaseError(f"{where}: expected a list of quotes (or lists of alternative quotes), got {value!r}")
    items = tuple(_strings(v if isinstance(v, list) else [v], f"{where}[{i}]") for i, v in enumerate(value))
    if any(not item for item in items):
        raise CaseError(f"{where}: an item needs at least one quote")
    return items


def _history(value: Any, where: str) -> tuple[Turn, ...]:
    if not isinstance(value, list):
        raise CaseError(f"{where}: expected a list of {{question, answer}} turns")
    turns = []
    for i, turn in enumerate(value):
        if not isinstance(turn, dict) or set(turn) != {"question", "answer"}:
            raise CaseError(f"{where}[{i}]: a turn has exactly the keys question and answer")
        turns.append(Turn(*_strings([turn["question"], turn["answer"]], f"{where}[{i}]")))
    return tuple(turns)


def _case(raw: Any, index: int, default_article: str | None) -> Case:
    if not isinstance(raw, dict):
        raise CaseError(f"case #{index}: expected a mapping, got {raw!r}")
    where = f"case {raw.get('id', f'#{index}')!r}"
    if unknown := set(raw) - _KEYS:
        raise CaseError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    for key in ("id", "question", "category"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CaseError(f"{where}: {key} must be a non-empty string")
    if raw["category"] not in CATEGORIES:
        raise CaseError(f"{where}: category {raw['category']!r} is not one of {sorted(CATEGORIES)}")
    if not isinstance(raw.get("refusal", False), bool):
        raise CaseError(f"{where}: refusal must be true or false")
    article = raw.get("article", default_article)
    if not isinstance(article, str) or not article:
        raise CaseError(f"{where}: no article id (set `article:` at the top of the file or in the case)")
    case = Case(
        id=raw["id"],
        question=raw["question"],
        category=raw["category"],
        article_id=article,
        history=_history(raw.get("history", []), f"{where}.history"),
        required=_groups(raw.get("required", []), f"{where}.required"),
        forbidden=_strings(raw.get("forbidden", []), f"{where}.forbidden"),
        evidence=_evidence(raw.get("evidence", []), f"{where}.evidence"),
        refusal=raw.get("refusal", False),
        conflict=_groups(raw.get("conflict", []), f"{where}.conflict"),
    )
    if case.refusal and (case.required or case.evidence or case.conflict):
        raise CaseError(f"{where}: a refusal case has no required facts, evidence or conflict")
    if case.attack:
        if not case.forbidden or case.required or case.evidence or case.conflict:
            raise CaseError(f"{where}: an injection case lists what carrying it out would write (forbidden), "
                            "and no required facts, evidence or conflict")
    elif not case.refusal and not (case.required and case.evidence):
        raise CaseError(f"{where}: an answerable case needs required facts and evidence quotes")
    if case.category == "follow_up" and not case.history:
        raise CaseError(f"{where}: a follow_up case needs history")
    return case


def parse_cases(data: Any) -> tuple[Case, ...]:
    """Cases from the parsed YAML document ``{article: ID, cases: [...]}`` (``article`` may be per case)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("cases"), list):
        raise CaseError("the case file must be a mapping with a `cases:` list")
    if unknown := set(data) - {"article", "cases"}:
        raise CaseError(f"unknown top-level keys {sorted(unknown)}; allowed: article, cases")
    cases = tuple(_case(raw, i, data.get("article")) for i, raw in enumerate(data["cases"]))
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise CaseError(f"case id {case.id!r} is used twice")
        seen.add(case.id)
    return cases


def load_cases(path: str | Path = DEFAULT_CASES) -> tuple[Case, ...]:
    """Read and check a case file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CaseError(f"cannot read cases from {path}: {exc}") from None
    return parse_cases(data)


def evidence_problems(cases: Sequence[Case], articles: Mapping[str, str]) -> list[str]:
    """Evidence quotes that do not occur in their article (or whose article is missing)."""
    problems = []
    for case in cases:
        text = articles.get(case.article_id)
        if text is None:
            problems.append(f"{case.id}: article {case.article_id!r} is not indexed")
            continue
        problems += [f"{case.id}: evidence not in the article: {q!r}" for q in case.quotes if q not in text]
    return problems
