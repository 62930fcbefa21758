"""Parsing drafts into claims with source numbers; recognising refusals."""

from __future__ import annotations

import pytest

from assistant.draft import Claim, is_refusal, parse_draft

PARSES = [
    ("It rained [2].", [Claim("It rained.", (2,))]),
    ("It rained [2][3]. The bridge closed [4, 5].", [Claim("It rained.", (2, 3)), Claim("The bridge closed.", (4, 5))]),
    ("It rained. [2]", [Claim("It rained.", (2,))]),
    ("[4]", [Claim("", (4,))]),
    ("It rained, as stated in sources [3], [4], and [5].", [Claim("It rained.", (3, 4, 5))]),
    ("According to sources [3] and [4].", [Claim("", (3, 4))]),
    ("Revenue grew by 37%, as quoted from [1][2].", [Claim("Revenue grew by 37%.", (1, 2))]),
    # a run of markers goes with its list punctuation, and the attribution before the facts with it
    ("According to sources [1], [2], and [3], 14 died.", [Claim("14 died.", (1, 2, 3))]),
    ("Some fled [1], others stayed [2] and hid [3].", [Claim("Some fled, others stayed and hid.", (1, 2, 3))]),
    ("It rained【2】.", [Claim("It rained.", (2,))]),
    ("It rained [2] [2].", [Claim("It rained.", (2,))]),
    ("No markers here.", [Claim("No markers here.", ())]),
    # a yes/no opening is a polarity no quote verifies: the facts after it are the claim
    ("Yes, the article states that it was the first dividend [3].", [Claim("It was the first dividend.", (3,))]),
    ("No, it was its first conviction [2].", [Claim("It was its first conviction.", (2,))]),
    # an attribution before a quotation: the quotation is the claim ('That "Boilers use pumps."' was left)
    ('The article states that "Boilers use pumps." [17]', [Claim('"Boilers use pumps."', (17,))]),
    ("Nobody died [2].", [Claim("Nobody died.", (2,))]),
    # a marker as the subject of a reporting verb stands for the article: not "states that it rained"
    ("[5] states that it rained.", [Claim("It rained.", (5,))]),
    ("Sources [2] and [3] say the bridge closed.", [Claim("The bridge closed.", (2, 3))]),
    ("[9] describes the storm as the worst in years.", [Claim("The article describes the storm as the worst in years.", (9,))]),
    ("[4] Rain fell all day.", [Claim("Rain fell all day.", (4,))]),
    # an inference linking two sentences is the model's: the claim after it stands alone
    ("Therefore, 105 more houses were destroyed [2].", [Claim("105 more houses were destroyed.", (2,))]),
    ("So the bridge closed [2].", [Claim("So the bridge closed.", (2,))]),
    # an attribution inside a sentence joins two statements, each checked on its own
    ("The town promised aid, with the article stating that the bridge closed [2].",
     [Claim("The town promised aid.", (2,)), Claim("The bridge closed.", (2,))]),
    ("It rained, and the text says that roads flooded [1][2].",
     [Claim("It rained.", (1, 2)), Claim("Roads flooded.", (1, 2))]),
    ("", []),
    ("   \n ", []),
]


@pytest.mark.parametrize(("draft", "claims"), PARSES)
def test_parse_draft(draft: str, claims: list[Claim]) -> None:
    assert parse_draft(draft) == claims


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("The article does not say.", True),
        ("The sources do not mention who built it.", True),
        ("This is not stated in the article.", True),
        ("There is no information about that.", True),
        ("I cannot answer that.", True),
        ("The weather office declined to comment.", False),
        ("Nobody said anything about the dam.", False),
        ("Officials did not say why [3].", True),
    ],
)
def test_is_refusal(text: str, refusal: bool) -> None:
    assert is_refusal(text) is refusal


def test_marker_leftovers_in_mid_sentence_parse_without_backtracking() -> None:
    """Source talk followed by many markers, not at the sentence's end, backtracked exponentially in a
    nested pattern (4 s at six markers, twice as long per marker more); 40 markers must parse at once."""
    import signal

    markers = ", ".join(f"[{n}]" for n in range(1, 41))
    draft = f"According to sources {markers}, and [41], at least 84 people died in the blasts [1]."

    def hung(*_: object) -> None:
        raise TimeoutError("parse_draft backtracked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        (claim,) = parse_draft(draft)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert claim.sources[:3] == (1, 2, 3) and len(claim.sources) == 41 and "84 people died" in claim.text


def test_markers_opening_a_sentence_parse_without_backtracking() -> None:
    """Markers as a sentence's subject ("[5] states that…") are read by one pattern; a first version with
    optional separators between optional spaces backtracked exponentially on a long spaced-out run of
    markers that no reporting verb follows (0.3 s at 20 markers, doubling with each more)."""
    import signal

    draft = "    ".join(f"[{n}]" for n in range(1, 41)) + "  Rain fell all day."

    def hung(*_: object) -> None:
        raise TimeoutError("parse_draft backtracked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        claims = parse_draft(draft)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert claims[-1].text == "Rain fell all day." and claims[-1].sources[:2] == (1, 2)
