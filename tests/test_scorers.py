"""The eval scorers, table-driven: each with answers that must pass and answers that must fail."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.answer import Answer, Citation, Conflict
from evals.scorers import (
    Score,
    Span,
    citation_support,
    citation_validity,
    conflict_coverage,
    contains,
    evidence_recall,
    fact_recall,
    forbidden_absent,
    locate,
    normalise,
    refusal,
    retrieval_hit_at_k,
    sentences,
)

ART = "art"
TEXT = (
    "Twin blasts killed 103 people in southern Iran. "  # 0..47
    "The body says at least 84 fatalities and 284 injuries. "  # 48..103
    "Israel's military declined to comment. "  # 104..142
    "It was the deadliest attack since the 1979 revolution, on January 3, 2024. "
    "A U.S. official spoke. Twin blasts killed 103 people."
)


def cite(quote: str, occurrence: int = 0, article_id: str = ART) -> Citation:
    """A citation with offsets taken from the test article (built here, so offsets are right)."""
    span = locate(article_id, TEXT, quote)[occurrence]
    return Citation(article_id, quote, span.start, span.end)


def answer(text: str, *quotes: str, abstained: bool = False) -> Answer:
    return Answer(text, abstained, tuple(cite(q) for q in quotes))


@dataclass(frozen=True)
class Expect:
    value: float | None
    reason: str = ""  # a fragment the reason must contain


def check(score: Score, expect: Expect) -> None:
    if expect.value is None:
        assert score.value is None, score
    else:
        assert score.value == pytest.approx(expect.value), score
    assert expect.reason in score.reason, score


# -- text helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("84 people died", "84", True),
        ("284 injuries", "84", False),
        ("845 people", "84", False),
        ("84.5 percent", "84", False),
        ("at least 84.", "84", True),
        ("1,000 people", "1000", True),
        ("1000 people", "1,000", True),
        ("Israel's military Declined to Comment [1].", "declined to comment", True),
        ("declined to [1] comment", "declined to comment", True),
        ("Israeli officials", "israel", True),
        ("it’s “quoted”", "it's \"quoted\"", True),
        ("two suicide bombers", "suicide bomb", True),
        ("Sayfullah", "fullah", False),
        ("", "x", False),
        ("anything", "", False),
        ("print(x)", "print(", True),
    ],
)
def test_contains(text: str, phrase: str, found: bool) -> None:
    assert contains(text, phrase) is found


def test_normalise_drops_markers_and_folds() -> None:
    assert normalise("  The  TOLL: 1,234 [1][2]\u00a0dead—“x” ") == 'the toll: 1234 dead-"x"'


def test_locate_finds_every_occurrence() -> None:
    spans = locate(ART, TEXT, "Twin blasts killed 103 people")
    assert len(spans) == 2
    assert all(TEXT[s.start : s.end] == "Twin blasts killed 103 people" for s in spans)
    assert locate(ART, TEXT, "not there") == ()
    assert locate(ART, "aaa", "aa") == (Span(ART, 0, 2), Span(ART, 1, 3))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One [1]. Two [2].", ["One [1].", "Two [2]."]),
        ("One. [1] Two [2].", ["One. [1]", "Two [2]."]),
        ("A U.S. official spoke [1].", ["A U.S. official spoke [1]."]),
        ("Killed 3.5 people [1]", ["Killed 3.5 people [1]"]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


# -- fact_recall, forbidden_absent ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "required", "expect"),
    [
        ("ISIS claimed it [1].", [["isis", "daesh"]], Expect(1.0, "all 1")),
        ("Daesh claimed it.", [["isis", "daesh"]], Expect(1.0)),
        ("It killed 103 and at least 84 [1][2].", [["103"], ["84"]], Expect(1.0)),
        ("It killed 103 people [1].", [["103"], ["84"]], Expect(0.5, "missing 1/2 facts: '84'")),
        ("It injured 284.", [["84"]], Expect(0.0, "'84'")),
        ("France.", [["declined to comment", "no comment"]],
         Expect(0.0, "'declined to comment' or 'no comment'")),
        ("Anything", [], Expect(None, "no required facts")),
    ],
)
def test_fact_recall(text: str, required: list[list[str]], expect: Expect) -> None:
    check(fact_recall(text, required), expect)


@pytest.mark.parametrize(
    ("text", "forbidden", "expect"),
    [
        ("The article does not say.", ["argentina", "messi"], Expect(1.0, "no forbidden")),
        ("Argentina won, led by Messi.", ["argentina", "messi"], Expect(0.0, "'argentina', 'messi'")),
        ("There once was a bomb in Iran", ["there once was"], Expect(0.0, "there once was")),
        ("Tehrani", ["tehran"], Expect(0.0)),
        ("Iran", [], Expect(None)),
    ],
)
def test_forbidden_absent(text: str, forbidden: list[str], expect: Expect) -> None:
    check(forbidden_absent(text, forbidden), expect)


# -- citation_validity ------------------------------------------------------------------------------------

GOOD = cite("at least 84 fatalities")
SHIFTED = Citation(ART, GOOD.quote, GOOD.start + 1, GOOD.end + 1)


@pytest.mark.parametrize(
    ("ans", "expect"),
    [
        (Answer("x [1][2].", False, (GOOD, cite("Twin blasts killed 103 people", 1))), Expect(1.0, "all 2")),
        (Answer("x [1].", False, (SHIFTED,)), Expect(0.0, "does not match the article at")),
        (Answer("x [1].", False, (Citation("other", GOOD.quote, GOOD.start, GOOD.end),)),
         Expect(0.0, "unknown")),
        (Answer("x [1].", False, (Citation(ART, "x", 10_000, 10_001),)), Expect(0.0, "does not match")),
        (Answer("x [1].", False, (Citation(ART, "", 5, 5),)), Expect(0.0, "does not match")),
        (Answer("x [1].", False, (GOOD, SHIFTED)), Expect(0.0, "1/2 invalid")),
        (Answer("x [1].", False, (GOOD,), (Conflict("value", "deaths", ("84",), (SHIFTED,)),)), Expect(0.0)),
        (Answer("The article does not say.", True), Expect(None, "no citations")),
    ],
)
def test_citation_validity(ans: Answer, expect: Expect) -> None:
    check(citation_validity(ans, {ART: TEXT}), expect)


# -- citation_support -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ans", "expect"),
    [
        (answer("The blasts killed 103 people [1].", "Twin blasts killed 103 people"), Expect(1.0)),
        (answer("The blasts killed 103 people [1].", "at least 84 fatalities"), Expect(0.0, "['103']")),
        (answer("Israel's military declined to comment [1].", "Israel's military declined to comment"),
         Expect(1.0)),
        (answer("Iran's military declined to comment [1].", "Israel's military declined to comment"),
         Expect(0.0, "['Iran']")),
        (answer("A US official spoke [1].", "A U.S. official spoke"), Expect(1.0)),
        (answer("45 years passed since 1979 [1][2].", "the 1979 revolution", "January 3, 2024"), Expect(1.0)),
        (answer("46 years passed since 1979 [1][2].", "the 1979 revolution", "January 3, 2024"),
         Expect(0.0, "['46']")),
        (answer("It killed 103 [3].", "Twin blasts killed 103 people"), Expect(0.0, "cites [3]")),
        (answer("It killed 103 people.", "Twin blasts killed 103 people"), Expect(0.0, "without a citation")),
        (answer("France.", ), Expect(0.0, "without a citation")),
        (answer("103 died [1]. Then Daesh spoke [1].", "Twin blasts killed 103 people"),
         Expect(0.5, "['Daesh']")),
        (answer("Twin blasts killed people. [1] At least 84 died [2].", "Twin blasts killed 103 people",
                "at least 84 fatalities"), Expect(1.0)),
        (answer("The article does not say.", abstained=True), Expect(None, "abstained")),
        (answer("it was sad [1].", "Twin blasts killed 103 people"), Expect(1.0)),
        (answer("it was sad."), Expect(None, "no sentence states")),
    ],
)
def test_citation_support(ans: Answer, expect: Expect) -> None:
    check(citation_support(ans), expect)


@pytest.mark.parametrize(
    ("text", "quote", "expect"),
    [
        ("41 workers were evacuated [1].", "Forty-one workers were evacuated.", Expect(1.0)),
        ("About 2,000 people work there [1].", "It employs about two thousand people.", Expect(1.0)),
        ("42 workers were evacuated [1].", "Forty-one workers were evacuated.", Expect(0.0, "['42']")),
    ],
)
def test_a_number_the_quote_writes_in_words_supports_the_digits(text: str, quote: str, expect: Expect) -> None:
    check(citation_support(Answer(text, False, (Citation("other", quote, 0, len(quote)),))), expect)


# -- evidence_recall ------------------------------------------------------------------------------------

EVIDENCE = (locate(ART, TEXT, "at least 84 fatalities"), locate(ART, TEXT, "killed 103 people"))


@pytest.mark.parametrize(
    ("ans", "evidence", "expect"),
    [
        (answer("x [1].", "84 fatalities and 284"), EVIDENCE, Expect(1.0, "cites evidence")),
        (answer("x [1].", "Twin blasts killed 103 people", ), EVIDENCE, Expect(1.0)),
        (Answer("x [1].", False, (cite("Twin blasts killed 103 people", 1),)), EVIDENCE, Expect(1.0)),
        (answer("x [1].", "Israel's military declined to comment"), EVIDENCE, Expect(0.0, "overlaps")),
        (Answer("x [1].", False, (Citation("other", "at", GOOD.start, GOOD.end),)), EVIDENCE, Expect(0.0)),
        (answer("ISIS did it, killing 103."), EVIDENCE, Expect(0.0, "no citations")),
        (Answer("x", False, (), (Conflict("value", "d", ("84",), (GOOD,)),)), EVIDENCE, Expect(1.0)),
        (answer("x [1].", "at least 84 fatalities"), (), Expect(None)),
    ],
)
def test_evidence_recall(ans: Answer, evidence: tuple[tuple[Span, ...], ...], expect: Expect) -> None:
    check(evidence_recall(ans, evidence), expect)


# -- refusal ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ans", "expected", "name", "expect"),
    [
        (answer("The article does not say.", abstained=True), True, "refusal_accuracy", Expect(1.0)),
        (answer("Argentina won."), True, "refusal_accuracy", Expect(0.0, "answered instead of refusing")),
        (answer("No.", "at least 84 fatalities", abstained=True), True, "refusal_accuracy",
         Expect(0.0, "cited 1")),
        (answer("The article does not say.", abstained=True), False, "false_refusal_rate",
         Expect(1.0, "refused an answerable")),
        (answer("ISIS [1].", "Twin blasts killed 103 people"), False, "false_refusal_rate", Expect(0.0)),
    ],
)
def test_refusal(ans: Answer, expected: bool, name: str, expect: Expect) -> None:
    score = refusal(ans, expected)
    assert score.name == name
    check(score, expect)


# -- conflict_coverage ------------------------------------------------------------------------------------

TOLL = [["103"], ["84"]]


@pytest.mark.parametrize(
    ("ans", "expect"),
    [
        (answer("103 [1] or at least 84 [2].", "killed 103 people", "at least 84 fatalities"),
         Expect(1.0, "all 2")),
        (answer("It killed 103 [1].", "killed 103 people"), Expect(0.5, "'84' not stated")),
        (answer("103 or 84 [1].", "killed 103 people"), Expect(0.5, "'84' stated but no citation quotes it")),
        (answer("103 or 84 [1].", "103 people in southern Iran. The body says at least 84"),
         Expect(0.5, "shares its only citation")),
        # The first citation quotes both values: it must go to 84 so 103 can keep the second.
        (answer("103 or 84 [1][2].", "103 people in southern Iran. The body says at least 84",
                "killed 103 people"), Expect(1.0)),
        (Answer("103 and 84.", False, (), (Conflict("value", "deaths", ("103", "84"),
                                                     (cite("killed 103 people"), GOOD)),)), Expect(1.0)),
        (answer("France."), Expect(0.0, "'103' not stated; '84' not stated")),
    ],
)
def test_conflict_coverage(ans: Answer, expect: Expect) -> None:
    check(conflict_coverage(ans, TOLL), expect)


def test_conflict_coverage_not_applicable_without_groups() -> None:
    check(conflict_coverage(answer("103"), []), Expect(None, "no conflict expected"))


# -- retrieval_hit_at_k -----------------------------------------------------------------------------------

EV = (Span(ART, 50, 60),)


@pytest.mark.parametrize(
    ("hits", "evidence", "k", "expect"),
    [
        ([Span(ART, 40, 70)], [EV], 5, Expect(1.0, "all 1")),
        ([Span(ART, 40, 55), Span(ART, 55, 70)], [EV], 5, Expect(1.0)),  # two adjacent chunks
        ([Span(ART, 55, 70), Span(ART, 40, 55)], [EV], 5, Expect(1.0)),  # in any order
        ([Span(ART, 40, 55)], [EV], 5, Expect(0.0, "1/1 evidence quotes not in top 5: 50:60")),
        ([Span(ART, 0, 10)] * 5 + [Span(ART, 40, 70)], [EV], 5, Expect(0.0)),  # found only at rank 6
        ([Span("other", 40, 70)], [EV], 5, Expect(0.0)),
        ([Span(ART, 100, 200)], [(Span(ART, 0, 5), Span(ART, 120, 125))], 5, Expect(1.0)),  # 2nd occurrence
        ([Span(ART, 40, 70)], [EV, (Span(ART, 80, 90),)], 5, Expect(0.5)),
        ([Span(ART, 40, 70)], [()], 5, Expect(0.0, "not in the article")),
        ([Span(ART, 40, 70)], [], 5, Expect(None)),
    ],
)
def test_retrieval_hit_at_k(
    hits: list[Span], evidence: list[tuple[Span, ...]], k: int, expect: Expect
) -> None:
    score = retrieval_hit_at_k(hits, evidence, k)
    assert score.name == f"retrieval_hit_at_{k}"
    check(score, expect)
