"""What a question asks to count, and whether a text gives a figure for it (pure)."""

from __future__ import annotations

import pytest

from index.measures import asked_measures, counted_words, counts_given, gives_count


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("How many explosions were there?", ("explosions",)),
        ("How many suicide bombers did they say carried it out?", ("suicide", "bombers")),
        ("how many injurys were there", ("injurys",)),  # a typo of a measure is still a counted thing
        ("How many people were killed?", ()),  # a measure: counted by the measures' lexicon
        ("How many years passed between the two events?", ()),  # a duration, computed
        ("How many were wounded?", ()),
        ("Who counted the votes?", ()),
        ("How many more goals did City score?", ("goals",)),  # a comparative is not the counted thing
        ("How many fewer trains were cancelled?", ("trains",)),
    ],
)
def test_counted_words(question: str, words: tuple[str, ...]) -> None:
    assert counted_words(question) == words


def test_a_measure_question_is_not_a_thing_question() -> None:
    assert asked_measures("How many people were killed?") == {"deaths"}


@pytest.mark.parametrize(
    ("words", "text", "gives"),
    [
        (("explosions",), "the interior minister described the two explosions", True),
        (("blasts",), "ISIS claimed it after twin blasts that killed 103 people", True),
        (("injurys",), "at least 84 fatalities and 284 injuries", True),
        (("explosions",), "at least 84 fatalities and 284 injuries in the explosions", False),
        (("explosions",), "two of the officials said the explosions were loud", False),  # four words before
        (("bombers",), "The Daesh statement identified the bombers", False),
    ],
)
def test_gives_count(words: tuple[str, ...], text: str, gives: bool) -> None:
    assert gives_count(words, text) is gives


@pytest.mark.parametrize(
    ("words", "text", "given"),
    [
        (("crank", "rotations"), "There are four crank rotations in an engine cycle.", {"4"}),
        (("crank", "rotations"), "The cycle occupies one rotation of the crank; it comprises four events.", {"1"}),
        (("explosions",), "twin explosions rocked the square", {"2"}),
        (("explosions",), "two thousand explosions", {"2000"}),
        (("explosions",), "dozens of explosions", None),  # vague: no figure can differ from it
        (("explosions",), "the explosions were loud", set()),
        (("soldiers",), "Three of the 40 soldiers were killed.", {"3", "40"}),  # the part counted, and the whole
        (("goals",), "In 2019 two goals were disallowed.", {"2"}),  # the year is not the count
        (("people",), "In 2019, 1,000 people moved.", {"1000"}),
    ],
)
def test_counts_given(words: tuple[str, ...], text: str, given: set[str] | None) -> None:
    assert counts_given(words, text) == given


def test_people_treated_in_hospital_are_a_count_of_the_injured() -> None:
    """"Twenty-nine people were treated in hospital" is a report's figure for the injured, as "hospitalised" is."""
    from assistant.conflicts import quantities_in

    for text in ("Twenty-nine people were treated in hospital.", "Twenty-nine people were hospitalised."):
        assert [(q.measure, q.value) for q in quantities_in(text)] == [("injuries", "29")], text
    assert asked_measures("How many people were treated in hospital?") == {"injuries"}
