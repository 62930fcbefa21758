"""scripts/regrade.py: logged drafts grounded again with the current code; only changed answers are listed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from index import default_article_path, load_article

_SPEC = importlib.util.spec_from_file_location("regrade", Path(__file__).parents[1] / "scripts" / "regrade.py")
assert _SPEC and _SPEC.loader
regrade = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(regrade)


def _entry(question: str, draft: str, logged_text: str) -> dict[str, object]:
    article = load_article(default_article_path())
    start = article.text.index("Iran declared a day of mourning")
    end = article.text.index(".", start) + 1
    return {
        "question": question, "asked": None, "focused": False, "draft": draft,
        "sources": [[1, article.id, start, end]], "hits": [[article.id, start, end]],
        "answer": {"text": logged_text, "abstained": logged_text == regrade.REFUSAL},
    }


def test_only_answers_the_current_rules_change_are_listed(tmp_path: Path) -> None:
    logs = tmp_path / "data" / "evals" / "bundled" / "logs"
    logs.mkdir(parents=True)
    same = _entry("What did Iran declare?", "Iran declared a day of mourning [1].",
                  "Iran declared a day of mourning [1].")
    changed = _entry("Who won the World Cup?", "France won the World Cup [1].", "France won the World Cup [1].")
    (logs / "answers.jsonl").write_text("\n".join(json.dumps(e) for e in (same, changed)) + "\n", encoding="utf-8")
    report = tmp_path / "out" / "bundled"
    report.mkdir(parents=True)
    results = [
        {"id": "same", "question": same["question"], "scores": {"answer_accuracy": {"value": 1.0}}},
        {"id": "changed", "question": changed["question"], "scores": {"refusal_accuracy": {"value": 0.0}}},
    ]
    (report / "report.json").write_text(json.dumps({"results": results}), encoding="utf-8")

    found = list(regrade.changes(tmp_path / "data", tmp_path / "out", "bundled"))

    assert [(case["id"], old) for case, old, _ in found] == [("changed", "France won the World Cup [1].")]
    assert found[0][2].abstained


def test_an_answer_drafted_again_is_regrounded_from_its_first_draft_first() -> None:
    article = load_article(default_article_path())
    articles = {article.id: article}
    fallback = _entry("What did Iran declare?", "Iran declared a day of mourning [1].", "")
    assert not regrade.regrounded(fallback, articles).abstained
    holds = {**fallback, "draft": "Nothing [1].",
             "first_draft": {"path": "corpus", "draft": "Iran declared a day of mourning [1].", "focused": False,
                             "sources": fallback["sources"]}}
    assert "mourning" in regrade.regrounded(holds, articles).text  # the first draft holds: it is the answer
    empty = {**fallback, "first_draft": {**holds["first_draft"], "draft": "France won the World Cup [1]."}}  # type: ignore[dict-item]
    assert regrade.regrounded(empty, articles).text == regrade.regrounded(fallback, articles).text
