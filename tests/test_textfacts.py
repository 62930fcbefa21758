"""Facts a sentence states (numbers, names) and whether evidence supports them."""

from __future__ import annotations

import pytest

from assistant.textfacts import derived, names, numbers, supported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000 people and 12 cars", {"1000", "12"}),
        ("two bombs, three days", {"2", "3"}),
        ("version 3.5 on March 4", {"3.5", "4"}),
        ("no numbers", set()),
        ("a1b2", set()),
    ],
)
def test_numbers(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


def test_names_skip_sentence_openers_and_match_possessives() -> None:
    assert names("The mayor met Dana Whitfield in Riverton.") == {"dana", "whitfield", "riverton"}
    assert names("Israel's military") == names("Israel")


@pytest.mark.parametrize(
    ("claim", "evidence", "ok"),
    [
        ("The dam opened in 1998.", "The dam was completed in 1998.", True),
        ("The dam opened in 1997.", "The dam was completed in 1998.", False),
        ("Acme built the dam.", "The council built the dam.", False),
        ("Whitfield's order", "Dana Whitfield declared", True),
        ("It lasted 23 years.", "built in 1998; the flood came in 2021", True),  # difference of years
        ("49 were hurt or killed in all.", "9 died and 40 were injured", True),  # a sum the claim says it made
        ("49 were hurt or killed.", "9 died and 40 were injured", False),  # a sum it does not say it made
        ("It lasted 24 years.", "built in 1998; the flood came in 2021", False),
        ("5 died.", "1,000 people and 12 cars", False),
        ("The first known reference dates from 430 BC.", "The earliest known reference dates from 430 BC.", True),
        ("The first 2 references date from 430 BC.", "The earliest known reference dates from 430 BC.", False),
        ("The first known reference dates from 430 BC.", "A known reference dates from 430 BC.", False),
        ("It was first built in 1900.", "It was initially built in 1900.", True),
        ("Smith scored the first goal.", "Smith scored a goal that was initially ruled offside.", False),
        ("The UK sent troops.", "Troops from Uganda, Kenya and Ethiopia were sent.", False),  # no run across commas
        # a name of two words is stated only with its words together; other names may stand between them
        ("The Berlin Senate rejected it.", "The Berlin mayor praised the Hamburg Senate, which rejected it.", False),
        ("The Hamburg Senate rejected it.", "The Berlin mayor praised the Hamburg Senate, which rejected it.", True),
        ("Mayor Weber resigned.", "Hamburg Mayor Anke Weber resigned.", True),
        ("Later Weber resigned.", "Weber resigned later.", True),  # a sentence's first word, capitalised by grammar
        ("In March Weber resigned.", "Weber resigned in March.", True),  # a month is no part of a name
        ("Weber's Senate rejected it.", "The Senate rejected what Weber proposed.", True),  # a possessive ends a name
    ],
)
def test_supported(claim: str, evidence: str, ok: bool) -> None:
    assert supported(claim, evidence)[0] is ok


def test_derived_differences_only_between_years_or_where_asked() -> None:
    assert derived("45", {"1979", "2024"})
    assert not derived("7", {"12", "5"})  # 12 - 5, but these are not years
    assert derived("7", {"12", "5"}, differences=True)  # "fell by 7"
    assert derived("17", {"12", "5"})  # a sum
    assert not derived("abc", {"1"})


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("The crowd fell by 1,400 over the season.", True),  # 5,200 - 3,800
        ("The club saw a drop of 1,400 fans a game.", True),
        ("The crowd fell by 1,500 over the season.", False),  # no two figures differ by 1,500
        ("The crowd was 1,400 over the season.", False),  # a difference, but the claim does not say it measured one
        ("The club sold 9,000 tickets in total.", True),  # a sum it says it made
    ],
)
def test_a_change_or_gap_between_two_figures_is_arithmetic_on_them(claim: str, ok: bool) -> None:
    evidence = "The club drew 5,200 fans a game last season and 3,800 this season."
    assert supported(claim, evidence)[0] is ok


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("Profits fell by £1.2 million.", True),  # 2.3 - 1.1, in decimals
        ("Profits fell to £1.1 million from £2.3 million.", True),
        ("Profits fell by £1.1 million.", False),  # where they fell to, not by how much
        ("Profits were down by £2.3 million.", False),  # where they came from
        ("Profits fell by £1.3 million.", False),
        ("Sales grew by 4%.", True),
        ("Sales grew by £19.6 million.", False),
        ("Prices were cut by up to 10%.", True),  # "up to" is a size
    ],
)
def test_the_size_of_a_change_is_not_the_level_it_went_to_or_came_from(claim: str, ok: bool) -> None:
    evidence = (
        "Profits fell to £1.1 million in the year to June, from £2.3 million a year earlier. "
        "Sales grew 4% to £19.6 million. Prices were cut by up to 10% in July."
    )
    assert supported(claim, evidence)[0] is ok, supported(claim, evidence)
