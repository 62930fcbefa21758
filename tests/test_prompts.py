"""Prompts render strictly and are pinned: any change to a prompt file shows up here as a diff.

After changing a prompt on purpose: UPDATE_GOLDEN=1 pytest tests/test_prompts.py, and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from assistant.answer import Turn
from assistant.prompting import Prompts
from assistant.sources import ArticleSources
from tests.article_fixtures import flood_sources

GOLDEN = Path(__file__).parent / "golden"
ARTICLE, SOURCES = flood_sources()
GROUPED = [ArticleSources(ARTICLE.title, ARTICLE.id, tuple(SOURCES))]
HISTORY = [Turn("Who is the mayor?", "Dana Whitfield [1].")]


def rendered() -> dict[str, str]:
    prompts = Prompts.load()
    return {
        "system.txt": prompts.render_system(GROUPED),
        "question.txt": prompts.render_question("What did she close?", HISTORY),
        "question-no-history.txt": prompts.render_question("What did she close?", []),
        "focused.txt": prompts.render_focused("What did she close?", HISTORY, SOURCES[2:5]),
    }


@pytest.mark.parametrize("name", sorted(rendered()))
def test_rendered_prompt_is_pinned(name: str) -> None:
    text = rendered()[name]
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_system_prompt_lists_every_source_with_its_number() -> None:
    system = rendered()["system.txt"]
    for source in SOURCES:
        assert f"[{source.number}] {source.text}" in system
    assert Prompts.load().refusal in system


def test_a_missing_variable_fails_loudly() -> None:
    prompts = Prompts.load()
    broken = Prompts("{{ articles }} {{ nonexistent }}", prompts.question, prompts.refusal, prompts.focused)
    with pytest.raises(jinja2.UndefinedError):
        broken.render_system(GROUPED)


def test_question_text_is_not_interpreted_as_a_template() -> None:
    text = Prompts.load().render_question("What is {{ refusal }} {% if x %}?", [])
    assert "{{ refusal }} {% if x %}" in text


@pytest.mark.parametrize("related", [[], [3], [2, 7, 11]])
@pytest.mark.parametrize("question", ["What did she close?", "Why?", "The bridge — when?"])
def test_the_question_head_is_what_every_turn_without_history_opens_with(question: str, related: list[int]) -> None:
    prompts = Prompts.load()
    head = prompts.question_head(bool(related))
    turn = prompts.render_question(question, [], related)
    assert head and turn.startswith(head) and turn[len(head)] in " \n"  # cut at a word boundary
    assert question not in head and not any(str(n) in head for n in related)


def test_the_hinted_head_names_no_source_and_differs_from_the_plain_one() -> None:
    prompts = Prompts.load()
    assert prompts.question_head(True) != prompts.question_head(False)
    assert not prompts.render_question("Why?", HISTORY, [1]).startswith(prompts.question_head(True))
