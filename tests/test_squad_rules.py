"""scripts/squad_rules.py: squad2's questions grounded with drafts quoting their gold or plausible sentence."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from index import load_article
from tests.article_fixtures import FLOOD_TEXT

_SPEC = importlib.util.spec_from_file_location("squad_rules", Path(__file__).parents[1] / "scripts" / "squad_rules.py")
assert _SPEC and _SPEC.loader
squad_rules = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(squad_rules)


def test_every_sentence_is_a_numbered_source_at_its_offsets(tmp_path: Path) -> None:
    path = tmp_path / "flood.txt"
    path.write_text(FLOOD_TEXT, encoding="utf-8")
    article = load_article(path)
    sources = squad_rules.sources_of(article)
    assert [s.number for s in sources] == list(range(1, len(sources) + 1))
    assert all(article.text[s.start : s.end] == s.text for s in sources)
    assert any(s.text.startswith("The dam was completed in 1998") for s in sources)


def test_a_reason_is_the_note_without_what_it_quotes() -> None:
    note = "not answered: the question's '1995', '28' is stated nowhere in the articles the answer cites"
    assert squad_rules._reason(note) == "not answered: the question's …, … is stated nowhere in the articles the answer cites"
    assert squad_rules._reason("dropped 2 sentence(s): none gives the name") == (
        "dropped … sentence(s): none gives the name")
