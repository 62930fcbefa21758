"""Anchoring: an answer's sources must hold a term of the question that no other sentence holds."""

from __future__ import annotations

from assistant.relevance import anchored, anchors
from tests.article_fixtures import flood_sources

_, SOURCES = flood_sources()
SENTENCES = [s.text for s in SOURCES]


def cited(fragment: str) -> list[str]:
    return [s for s in SENTENCES if fragment in s]


def test_anchors_are_question_terms_found_in_one_sentence() -> None:
    assert "weath" in anchors("What did the weather office say?", SENTENCES)
    assert "flood" not in anchors("What did the flood do?", SENTENCES)  # in several sentences


def test_an_answer_from_the_sentence_with_the_distinctive_term_is_anchored() -> None:
    assert anchored("What did the weather office say?", cited("weather office"), SENTENCES)


def test_an_answer_from_a_sentence_sharing_only_the_topic_is_not() -> None:
    assert not anchored("What were the names of the flood victims?", cited("Hollis"), SENTENCES)
    assert not anchored("Which flood was worst?", cited("Hollis"), SENTENCES)
