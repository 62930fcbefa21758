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
         "conflict", "article", "order"}


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
    # Per conflict group, the articles whose citations may quote it (() = any): each report's own figure.
    conflict_articles: tuple[tuple[str, ...], ...] = ()
    order: tuple[str, ...] = ()  # phrases the answer states in this order (a report's revisions)
    also: tuple[str, ...] = ()  # further articles the case draws on (several reports of one event)

    @property
    def article_ids(self) -> tuple[str, ...]:
        return (self.article_id, *self.also)

    @property
    def attack(self) -> bool:
        """An injection case that does not demand a refusal: a grounded answer resists it too."""
        return self.category == "injection" and not self.refusal

    def evidence_spans(self, texts: Mapping[str, str]) -> tuple[tuple[Span, ...], ...]:
        """For each evidence item, every occurrence of any of its alternative quotes in the case's articles."""
        return tuple(
            tuple(s for quote in item for aid in self.article_ids for s in locate(aid, texts.get(aid, ""), quote))
            for item in self.evidence
        )

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
            "conflict_articles": [list(g) for g in self.conflict_articles], "order": list(self.order),
            "also": list(self.also),
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


def _conflict(value: Any, where: str) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Groups of alternatives, each a list or ``{values: [...], in: [article ids]}`` (the reports whose
    citations must quote that value); returns the groups and, per group, its articles (() = any)."""
    if not isinstance(value, list):
        raise CaseError(f"{where}: expected a list of groups, got {value!r}")
    groups, articles = [], []
    for i, raw in enumerate(value):
        if isinstance(raw, dict):
            if set(raw) != {"values", "in"}:
                raise CaseError(f"{where}[{i}]: a group mapping has exactly the keys values and in")
            groups.append(_strings(raw["values"], f"{where}[{i}].values"))
            articles.append(_strings(raw["in"], f"{where}[{i}].in"))
        else:
            groups.append(_strings(raw, f"{where}[{i}]"))
            articles.append(())
    if any(not g for g in groups):
        raise CaseError(f"{where}: a group needs at least one alternative")
    return tuple(groups), tuple(articles)


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
    ids = _strings(article, f"{where}.article") if isinstance(article, list) else (article,)
    if not ids or not isinstance(ids[0], str) or not ids[0]:
        raise CaseError(f"{where}: no article id (set `article:` at the top of the file or in the case)")
    conflict, conflict_articles = _conflict(raw.get("conflict", []), f"{where}.conflict")
    if unknown_ids := {a for g in conflict_articles for a in g} - set(ids):
        raise CaseError(f"{where}.conflict: articles {sorted(unknown_ids)} are not among the case's articles")
    case = Case(
        id=raw["id"],
        question=raw["question"],
        category=raw["category"],
        article_id=ids[0],
        also=tuple(ids[1:]),
        history=_history(raw.get("history", []), f"{where}.history"),
        required=_groups(raw.get("required", []), f"{where}.required"),
        forbidden=_strings(raw.get("forbidden", []), f"{where}.forbidden"),
        evidence=_evidence(raw.get("evidence", []), f"{where}.evidence"),
        refusal=raw.get("refusal", False),
        conflict=conflict,
        conflict_articles=conflict_articles,
        order=_strings(raw.get("order", []), f"{where}.order"),
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
        missing = [aid for aid in case.article_ids if aid not in articles]
        if missing:
            problems.append(f"{case.id}: article {missing[0]!r} is not indexed")
            continue
        texts = [articles[aid] for aid in case.article_ids]
        problems += [
            f"{case.id}: evidence not in the article: {q!r}" for q in case.quotes if not any(q in t for t in texts)
        ]
    return problems
