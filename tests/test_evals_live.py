"""Every eval case answered by the real assistant (the configured model), held to the gate's thresholds.

Slow: builds the index and loads the model once per session. ``python -m evals`` runs the same cases
and gates on the aggregates; here each case is a test, so a failure names the case and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from evals.cases import Case, evidence_problems, load_cases
from evals.gate import load_thresholds
from evals.runner import article_texts, evaluate_case

pytestmark = [pytest.mark.eval, pytest.mark.slow]

CASES = load_cases()
THRESHOLDS = load_thresholds()


@pytest.fixture(scope="session")
def live_bot(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real assistant over its own index, built once for the session."""
    from assistant import Assistant
    from assistant.settings import Settings

    data_dir = tmp_path_factory.mktemp("eval-live") / "data"
    return Assistant.from_settings(Settings.from_env(data_dir=data_dir))


@pytest.fixture(scope="session")
def live_articles(live_bot: Any) -> Mapping[str, str]:
    texts = article_texts(live_bot.corpus, {c.article_id for c in CASES})
    problems = evidence_problems(CASES, texts)
    assert not problems, problems
    return texts


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(case: Case, live_bot: Any, live_articles: Mapping[str, str]) -> None:
    result = evaluate_case(live_bot, case, live_articles, THRESHOLDS.retrieval_k)
    failures = result.failures(THRESHOLDS)
    cited = "; ".join(f"[{i}] {c.quote!r}" for i, c in enumerate(result.answer.citations, 1))
    assert not failures, (
        f"{case.id}: {case.question!r} -> {result.answer.text!r} (abstained={result.answer.abstained}; "
        f"cited {cited or 'nothing'})\n"
        + "\n".join(f"  {s.name} = {s.value}: {s.reason}" for s in failures)
    )
