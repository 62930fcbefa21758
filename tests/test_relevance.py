"""Distinctive terms: question terms few sentences hold, which an answer's sources must hold."""

from __future__ import annotations

from assistant.relevance import RARE, anchored, distinctive
from tests.article_fixtures import flood_sources

_, SOURCES = flood_sources()
SENTENCES = [s.text for s in SOURCES]


def cited(fragment: str) -> list[str]:
    return [s for s in SENTENCES if fragment in s]


def test_a_term_in_one_or_two_sentences_is_distinctive() -> None:
    assert RARE == 2
    assert "weather" in distinctive("What did the weather office say?", SENTENCES)
    assert len(cited("residents")) == 2
    assert "resid" in distinctive("What did the residents do?", SENTENCES)


def test_topic_words_and_absent_words_are_not() -> None:
    assert len(cited("lood")) > RARE
    assert distinctive("What did the flood do?", SENTENCES) == set()
    assert distinctive("Which volcano erupted?", SENTENCES) == set()


def test_general_verbs_are_not_distinctive() -> None:
    assert distinctive("Where did the flood take place?", SENTENCES) == set()


def test_a_question_counting_a_measure_has_the_measure_words() -> None:
    assert "die" in distinctive("What was the death toll?", SENTENCES)


def test_an_answer_from_a_sentence_with_a_distinctive_term_is_anchored() -> None:
    assert anchored("What did the weather office say?", cited("weather office"), SENTENCES)


def test_an_answer_from_a_sentence_sharing_only_the_topic_is_not() -> None:
    assert not anchored("What were the names of the flood victims?", cited("Hollis"), SENTENCES)
    assert not anchored("Which flood was worst?", cited("Hollis"), SENTENCES)
    assert not anchored("What did the weather office say?", cited("Hollis"), SENTENCES)


def test_a_comparative_and_its_superlative_are_one_term() -> None:
    """Snowball stems "deadlier" and "deadliest" apart: a question about a deadlier storm is anchored by the
    sentence calling one the deadliest."""
    sentences = [
        "It was the deadliest storm in the county since 1953.", "The storm closed the county's roads.",
        "The storm shut the county's schools.", "The county asked for help after the storm.",
    ]
    question = "Since when has there been no deadlier storm in the county?"
    assert anchored(question, [sentences[0]], sentences)
    assert not anchored(question, [sentences[1]], sentences)


def test_a_question_pointing_at_the_text_is_anchored_by_its_rarest_term() -> None:
    """"in the report" names the text, not what is asked; a question whose every term many sentences hold
    is anchored by a sentence holding the one the fewest hold, not by one holding none of them."""
    sentences = [
        "Riverton was hit by a flood, the town's council reported.", "The flood closed the council's roads.",
        "The flood shut the town's schools.", "The Riverton Council, also known as RC, asked for help.",
        "The Riverton Council met on Monday.", "The Riverton Council thanked the rescue teams.",
    ]
    question = "By what other name is the Riverton Council referred to in the report?"
    assert "report" not in distinctive(question, sentences)
    assert anchored(question, [sentences[3]], sentences)
    assert not anchored(question, [sentences[2]], sentences)
