"""The SQuAD 2.0 tier: six Wikipedia articles from the SQuAD 2.0 dev set (``evals/squad2/``, CC BY-SA 4.0)
read into eval cases, and the seeded CI sample.

An answerable question is right when the answer states one of its gold answers (SQuAD-normalised); its
evidence is the sentence of the question's paragraph that holds the gold answer, so citing it is the
gold-cited rate. An impossible question is right when the assistant abstains.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.cases import Case, CaseError
from index import split_sentences
from index.articles import normalise, slugify

__all__ = ["SQUAD_DIR", "squad_articles", "load_squad", "sample"]

SQUAD_DIR = Path(__file__).with_name("squad2")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def squad_articles(root: Path = SQUAD_DIR) -> list[Path]:
    return sorted((root / "articles").glob("*.txt"))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the blocks after the title line, in order."""
    spans, at = [], 0
    for match in [*_PARAGRAPHS.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[at:end].strip():
            spans.append((at, end))
        at = match.end() if match else len(text)
    return spans[1:]  # the first block is the title


def _evidence(text: str, paragraph: tuple[int, int], answers: Sequence[str]) -> tuple[str, ...]:
    """The sentences of the paragraph that hold a gold answer (the whole paragraph when one spans two)."""
    start, end = paragraph
    body = text[start:end]
    out: list[str] = []
    for answer in answers:
        at = body.find(answer)
        if at < 0:
            continue
        for s, e in split_sentences(body):
            if s <= at and at + len(answer) <= e:
                out.append(body[s:e])
                break
        else:
            out.append(body.strip())
    return tuple(dict.fromkeys(out))


def _case(raw: Mapping[str, Any], texts: Mapping[str, str]) -> Case:
    article_id = slugify(raw["article"])
    text = texts.get(article_id)
    if text is None:
        raise CaseError(f"squad question {raw['id']}: no article {raw['article']!r} in {SQUAD_DIR}/articles")
    if raw["is_impossible"]:
        return Case(raw["id"], raw["question"], "unanswerable", article_id, refusal=True)
    paragraphs = _paragraphs(text)
    evidence = _evidence(text, paragraphs[raw["paragraph"]], raw["answers"])
    if not evidence:
        raise CaseError(f"squad question {raw['id']}: no gold answer found in paragraph {raw['paragraph']}")
    return Case(raw["id"], raw["question"], "fact", article_id,
                required=(tuple(raw["answers"]),), evidence=(evidence,))


def load_squad(root: Path = SQUAD_DIR) -> tuple[Case, ...]:
    """Every question of the subset as a case (986)."""
    texts = {slugify(p.stem): normalise(p.read_text(encoding="utf-8")) for p in squad_articles(root)}
    try:
        lines = (root / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        return tuple(_case(json.loads(line), texts) for line in lines if line.strip())
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise CaseError(f"cannot read the SQuAD 2.0 questions in {root}: {exc}") from None


def sample(cases: Sequence[Case], per_article: int, seed: int = 2026) -> tuple[Case, ...]:
    """A fixed sample: ``per_article`` answerable and as many impossible questions from each article."""
    rng = random.Random(seed)
    chosen: list[Case] = []
    for article_id in sorted({c.article_id for c in cases}):
        for refusal in (False, True):
            pool = [c for c in cases if c.article_id == article_id and c.refusal is refusal]
            chosen += rng.sample(pool, min(per_article, len(pool)))
    order = {c.id: i for i, c in enumerate(cases)}
    return tuple(sorted(chosen, key=lambda c: order[c.id]))
