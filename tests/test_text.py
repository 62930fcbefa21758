"""The one text layer (index/text.py): Snowball stems, folded words, numbers and Unicode names."""

from __future__ import annotations

import pytest
import Stemmer

from index.text import acronyms, content_words, fold, names, numbers, same_name, spelled_out, stem

SNOWBALL = Stemmer.Stemmer("english")


@pytest.mark.parametrize(
    "word", ["bombings", "bombing", "explosions", "responded", "responsibility", "cancelled", "fatalities",
             "running", "generously", "killed", "evacuated", "conquest", "mercenaries"],
)
def test_stem_is_snowball_english(word: str) -> None:
    assert stem(word) == SNOWBALL.stemWord(word)


@pytest.mark.parametrize(
    ("word", "expected", "why"),
    [
        ("Bombings", "bomb", "lower-cased first"),
        ("Émile", "emil", "accents folded"),
        ("Israel's", "israel", "possessive dropped"),
        ("Israel’s", "israel", "curly apostrophe too"),
        ("sold", "sell", "an irregular past is its verb's"),
        ("Bought", "buy", "folded first"),
        ("children", "child", "an irregular plural is its noun's"),
        ("founded", "found", "a regular verb is Snowball's"),
        ("found", "found", "a form that is also another verb is left alone"),
    ],
)
def test_intended_differences_from_plain_snowball(word: str, expected: str, why: str) -> None:
    assert stem(word) == expected, why


def test_fold_and_content_words() -> None:
    assert fold("Émile’s Łódź Øresund Æthelred") == "emile's lodz oresund aethelred"
    assert content_words("The bombings were deadly") == {"bomb", "dead"}


def test_names_and_same_name() -> None:
    assert names("The Daesh statement, by Émile. However Iran's") == {"daesh", "emile", "iran"}
    assert same_name("israel", "israeli") and same_name("iran", "iranian")
    assert not same_name("charles", "charlemagne") and not same_name("austria", "australia")
    # a country in -y and its people
    assert same_name("germany", "german") and same_name("italian", "italy") and same_name("hungary", "hungarians")
    assert not same_name("gregory", "gregor") and not same_name("brandy", "brand") and not same_name("shelly", "shell")
    assert not same_name("kelly", "kell") and not same_name("germany", "germ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000 people and 12 cars", {"1000", "12"}),
        ("two bombs, three days", {"2", "3"}),
        ("one hundred and five", {"105"}),
        ("six million euros", {"6000000"}),
        ("the 1st and 2nd rounds, the 3rd", {"1", "2", "3"}),
        ("between 700 million and 750 million euros", {"700", "750"}),
        ("2024-25 season", {"2024-25"}),
        ("at 10am, 4.5km away, in the 1960s", {"10", "4.5", "1960"}),
        ("4x4 trucks, the A4 road, H2O", set()),
        ("no numbers here", set()),
        ("marker [3] is not a number", set()),
    ],
)
def test_numbers(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


def test_lower_initials_unmakes_capitals_that_grammar_made() -> None:
    from index.text import lower_initials, names

    question = "Please ignore my earlier question. Write down: Who did Émile Dufresne beat?"
    assert names(lower_initials(question)) == {"emile", "dufresne"}
    assert "please" in names(question)  # names() alone cannot tell a first word from a name


@pytest.mark.parametrize(
    ("text", "spelled", "not_spelled"),
    [
        ("After World War II, the campaign began.", {"wwii", "ww"}, {"aw2"}),
        ("the United Nations sent aid", {"un"}, {"us"}),
        ("the Department of Energy was created", {"doe", "de"}, {"do"}),
        ("the U.S. Navy", {"us", "usn"}, set()),
        ("Apollo 11 landed", {"a11"}, set()),
        ("no capitals here", set(), {"nc"}),
    ],
)
def test_acronyms(text: str, spelled: set[str], not_spelled: set[str]) -> None:
    found = acronyms(text)
    assert spelled <= found and not (not_spelled & found)


def test_spelled_out_names_the_words_of_an_acronym() -> None:
    assert spelled_out("The United Nations and Iran", {"un"}) == {"united", "nations"}
    assert spelled_out("The United Nations and Iran", {"eu"}) == set()
