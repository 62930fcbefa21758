"""Grounding a draft: support checks, repairs, refusals, conflicts and verified quotes (pure, no model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer import Answer
from assistant.grounding import ground
from tests.article_fixtures import flood_sources, number_of, numbered

ARTICLE, SOURCES = flood_sources()
ARTICLES = {ARTICLE.id: ARTICLE}
REFUSAL = "The article does not say."
ALL = {(s.article_id, s.start) for s in SOURCES}


def n(fragment: str) -> int:
    return number_of(SOURCES, fragment)


def answer_for(question: str, draft: str, retrieved: set[tuple[str, int]] = ALL) -> Answer:
    return ground(question, draft, SOURCES, ARTICLES, REFUSAL, retrieved)


def assert_verified(answer: Answer) -> None:
    for c in answer.citations:
        assert ARTICLE.text[c.start : c.end] == c.quote
    for conflict in answer.conflicts:
        for c in conflict.citations:
            assert ARTICLE.text[c.start : c.end] == c.quote
    assert answer.abstained == (not answer.citations)


@dataclass(frozen=True)
class Case:
    name: str
    question: str
    draft: str
    abstained: bool
    cited: tuple[str, ...] = ()  # fragments of the sentences the answer must cite
    says: tuple[str, ...] = ()  # text the answer must contain
    not_says: tuple[str, ...] = ()


CASES = [
    Case("supported claim keeps its citation", "Who is the mayor?",
         f"The mayor is Dana Whitfield [{n('Dana Whitfield')}].", False, ("Dana Whitfield",), ("Dana Whitfield",)),
    Case("wrong number is re-cited to the sentence holding the fact", "When did the dam open?",
         f"The dam was completed in 1998 [{n('Hollis')}].", False, ("completed in 1998",), ("1998",)),
    Case("no markers: re-cited", "Who helped the rescue?",
         "Rescue teams from Hollis and Marlow helped evacuate residents.", False, ("Hollis",)),
    Case("invented name is dropped, leaving a refusal", "Who built the dam?",
         f"The dam was built by Acme Corporation [{n('completed in 1998')}].", True, (), (REFUSAL,), ("Acme",)),
    Case("invented number is dropped", "How many bridges closed?",
         f"Officials closed 7 bridges [{n('Northgate')}].", True, (), (REFUSAL,), ("7 bridges",)),
    Case("the model's refusal is a refusal", "Who won the 2022 World Cup?", REFUSAL, True, (), (REFUSAL,)),
    Case("markers alone quote the sentences chosen", "What did the weather office say?",
         f"[{n('weather office')}]", False, ("weather office",), ("declined to comment",)),
    Case("unknown source numbers are ignored", "Who is the mayor?",
         "The mayor is Dana Whitfield [99].", False, ("Dana Whitfield",)),
    Case("unsupported clause is cut, supported one kept", "What did the mayor do?",
         f"The mayor declared a state of emergency, and Dana Whitfield resigned from Parliament "
         f"[{n('Dana Whitfield')}].", False, ("Dana Whitfield",), ("state of emergency",), ("Parliament",)),
    Case("a difference of two years counts as supported", "How old was the dam at the flood?",
         f"The dam was completed in 1998 [{n('completed in 1998')}] and the flood came in 2021 "
         f"[{n('March 4')}], 23 years later.", False, ("completed in 1998", "March 4"), ("23",)),
    Case("a name from one sentence and a fact from another: two citations", "Who declared an emergency?",
         "Dana Whitfield declared a state of emergency in Riverton after the flash flood.", False,
         ("Dana Whitfield",)),
    Case("claiming agreement where a source states disagreement gives the disagreement instead",
         "Do they agree on the cause?", f"Residents and the water authority agree on the cause [{n('culvert')}].",
         False, ("blocked culvert", "new dam upstream"), ("differ",), ("agree",)),
    Case("a sentence about the sources says nothing", "Who is the mayor?",
         f"Sources [{n('Dana')}] and [{n('Hollis')}] provide this information.", True),
    Case("a count question is not answered by a figure for another measure", "How many people were arrested?",
         f"Rescue teams helped evacuate 300 residents [{n('Hollis')}].", True),
    Case("a count answered by a bare figure whose source names the measure", "How many people were injured?",
         f"40 [{n('40 were injured')}].", False, ("40 were injured",)),
    Case("a count answered off-topic is replaced by the figures the sources give", "How many people died?",
         f"The mayor closed the bridge [{n('Northgate')}].", False, ("killing 12 people", "at least 9 people died"),
         ("12", "9"), ("bridge",)),
    Case("a count of a thing is answered only by a figure for it", "How many residents did the teams help?",
         f"At least 9 people died [{n('9 people')}].", False, ("300 residents",), ("300",), ("9",)),
    Case("a count of a thing no sentence gives is refused", "How many bridges were closed?",
         f"The mayor closed the Northgate bridge [{n('Northgate')}].", True),
    Case("a count of a thing stated with its figure is kept", "How many residents did the teams help?",
         f"Teams from Hollis and Marlow helped evacuate 300 residents [{n('Hollis')}].", False, ("Hollis",),
         ("Teams from Hollis",)),
    Case("a cause its sources do not state is not supported", "Why did the mayor close the Northgate bridge?",
         f"The mayor closed the Northgate bridge because the dam was completed in 1998 "
         f"[{n('Northgate')}][{n('completed in 1998')}].", True),
    Case("a cause linking two sentences is not supported", "Why did the mayor close the Northgate bridge?",
         "The mayor closed the Northgate bridge because rescue teams from Hollis helped evacuate 300 residents.",
         True),
    Case("a cause its source states is kept", "What caused the flood, according to the water authority?",
         f"The water authority gave a blocked culvert as the cause [{n('culvert')}].", False, ("culvert",)),
    Case("empty draft is a refusal", "Who is the mayor?", "", True),
    Case("broken JSON is not a claim", "Who is the mayor?", '{"answer": "Acme", "sources": [', True, (), (),
         ("Acme",)),
    Case("a mixed draft keeps only what is supported", "Who helped?",
         f"Teams from Hollis and Marlow helped [{n('Hollis')}]. Soldiers from Ottawa came too [{n('Hollis')}].",
         False, ("Hollis",), ("Marlow",), ("Ottawa",)),
    Case("a question in the draft asserts nothing: only the answer after it stays",
         "Did the dam cause the flood?",
         f"Did the dam cause the flood? [{n('culvert')}]. Residents blamed the new dam upstream [{n('culvert')}].",
         False, ("culvert",), ("dam",), ("Did the dam", "?")),
    Case("a draft that only repeats the question is a refusal", "Was the dam completed in 1998?",
         f"Was the dam completed in 1998? [{n('completed in 1998')}]", True, (), (REFUSAL,)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_grounding(case: Case) -> None:
    answer = answer_for(case.question, case.draft)
    assert_verified(answer)
    assert answer.abstained is case.abstained, answer
    quotes = " ".join(c.quote for c in answer.citations)
    for fragment in case.cited:
        assert fragment in quotes, (fragment, answer)
    for text in case.says:
        assert text in answer.text, answer.text
    for text in case.not_says:
        assert text not in answer.text, answer.text
    if case.abstained:
        assert answer.text == REFUSAL and not answer.citations and not answer.conflicts


def test_a_disagreement_the_answer_quotes_whole_is_said_once_cited_clause_by_clause() -> None:
    answer = answer_for("Did the dam cause the flood?", f"Residents blamed the new dam upstream [{n('culvert')}].")
    assert_verified(answer)
    assert answer.text.count("Accounts of the cause differ") == 1, answer.text
    (conflict,) = answer.conflicts
    assert [c.quote for c in answer.citations] == [c.quote for c in conflict.citations]


def test_conflicting_death_tolls_are_both_reported_each_cited() -> None:
    answer = answer_for("How many people died?", f"At least 9 people died [{n('at least 9')}].")
    assert_verified(answer)
    (conflict,) = [c for c in answer.conflicts if c.kind == "value"]
    assert conflict.topic == "deaths"
    assert sorted(conflict.values) == ["at least 9 people died", "killing 12 people"]
    assert "12" in answer.text and "9" in answer.text
    for value, citation in zip(conflict.values, conflict.citations, strict=True):
        assert value in citation.quote


def test_a_question_about_something_else_gets_no_value_conflict() -> None:
    answer = answer_for("Who is the mayor?", f"The mayor is Dana Whitfield [{n('Dana Whitfield')}].")
    assert not answer.conflicts
    assert "different figures" not in answer.text


def test_different_accounts_are_each_cited() -> None:
    answer = answer_for("What caused the flood?", f"A blocked culvert caused it [{n('culvert')}].")
    assert_verified(answer)
    (conflict,) = [c for c in answer.conflicts if c.kind == "account"]
    quotes = [c.quote for c in conflict.citations]
    assert len(quotes) == 2
    assert any("culvert" in q for q in quotes) and any("dam upstream" in q for q in quotes)


def test_accounts_are_not_added_when_the_disagreement_was_not_retrieved() -> None:
    answer = answer_for("What caused the flood?", f"A blocked culvert caused it [{n('culvert')}].", set())
    assert not [c for c in answer.conflicts if c.kind == "account"]


def test_markers_are_numbered_by_first_use_and_index_citations() -> None:
    draft = f"Hollis sent teams [{n('Hollis')}]. The mayor is Dana Whitfield [{n('Dana Whitfield')}]."
    answer = answer_for("Who helped and who leads?", draft)
    assert answer.text.index("[1]") < answer.text.index("[2]")
    assert "Hollis" in answer.citations[0].quote and "Dana Whitfield" in answer.citations[1].quote


SENTENCE_TEXTS = [s.text for s in SOURCES]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SENTENCE_TEXTS + ["France won.", "It was 1,000 people.", "", "[", "Nobody knows"]),
            st.lists(st.integers(min_value=-2, max_value=12), max_size=3),
        ),
        max_size=4,
    ),
    st.sampled_from(["How many died?", "Who is the mayor?", "What caused it?", "Why?"]),
)
def test_every_answer_verifies_whatever_the_draft(parts: list[tuple[str, list[int]]], question: str) -> None:
    draft = " ".join(text + "".join(f" [{m}]" for m in marks) for text, marks in parts)
    answer = answer_for(question, draft)
    assert_verified(answer)
    assert "[0]" not in answer.text
    cited = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", answer.text)}
    assert cited == set(range(1, len(answer.citations) + 1))


def test_a_draft_talking_around_the_sentence_it_cites_is_replaced_by_its_quote() -> None:
    answer = answer_for(
        "What did the weather service say?",
        f"The national office commented on its forecasts [{n('weather office')}].",
    )
    assert answer.text == "The national weather office declined to comment on its forecasts [1]."
    assert_verified(answer)


def test_a_question_without_distinctive_terms_keeps_the_draft() -> None:
    draft = f"Rescue teams from Hollis and Marlow helped evacuate 300 residents [{n('Hollis')}]."
    answer = answer_for("What happened during the flood?", draft)
    assert not answer.abstained and "Hollis" in answer.text


def test_a_sentence_stating_a_distinctive_term_cites_a_sentence_holding_it() -> None:
    # supported by its citation on the whole, but "weather" (in one sentence only) is not in it
    answer = answer_for(
        "What did the weather office say?",
        f"Mayor Dana Whitfield declared a state of emergency in the weather [{n('Dana Whitfield')}].",
    )
    assert_verified(answer)
    assert any("added the sentence holding" in note for note in answer.notes), answer.notes
    assert [("Dana Whitfield" in c.quote, "weather office" in c.quote) for c in answer.citations] == [
        (True, False), (False, True)
    ]


MUSEUM = (
    "Museum closes for roof repairs\n\n"
    "The town museum in Dunmore will close for eight months while its roof is replaced.\n"
    "\"The roof has leaked for years,\" said Tomás Ferreira, who manages the museum.\n"
    "He said the paintings would be moved to a warehouse near the harbour until the work ends.\n"
)


def museum_answer(question: str, draft: str) -> tuple[Any, Any]:
    """The article and the grounded answer of a draft citing the sentence about the paintings as {said}."""
    article, sources = numbered(MUSEUM, "museum")
    said = number_of(sources, "He said the paintings")
    answer = ground(
        question, draft.format(said=said), sources, {article.id: article}, REFUSAL,
        {(s.article_id, s.start) for s in sources},
    )
    return article, answer


def test_a_claim_re_cited_for_a_name_keeps_the_sentence_it_cited_for_the_rest() -> None:
    # the draft cites the sentence saying what he said, which lacks his name: re-cited to the sentence
    # naming him alone, the answer's statement about the paintings would cite nothing that says it
    article, answer = museum_answer(
        "Who manages the museum?",
        "Tomás Ferreira, who manages the museum, said the paintings would be moved to a warehouse [{said}].",
    )
    quotes = [c.quote for c in answer.citations]
    assert any("Tomás Ferreira" in q for q in quotes), answer
    assert any("paintings" in q for q in quotes), answer
    for c in answer.citations:
        assert article.text[c.start : c.end] == c.quote


def test_a_claim_re_cited_to_a_sentence_stating_all_of_it_cites_that_one_alone() -> None:
    answer = answer_for("When was the dam completed?", f"The dam was completed in 1998 [{n('Hollis')}].")
    assert [c.quote for c in answer.citations] == ["The dam was completed in 1998 by the regional council."]


def test_a_claim_re_cited_to_a_sentence_stating_it_does_not_keep_its_own_for_a_word_of_wording() -> None:
    # the cited sentence shares only "work" with the claim; the sentence stating the closure holds the rest
    _, answer = museum_answer(
        "How long will the museum close?", "The town museum will close for eight months while work replaces its roof [{said}]."
    )
    assert [c.quote for c in answer.citations] == [
        "The town museum in Dunmore will close for eight months while its roof is replaced."
    ], answer


# -- passes ---------------------------------------------------------------------------------------------


def test_every_pass_can_be_switched_off_and_each_changes_something_it_owns() -> None:
    from assistant.grounding import PASSES, check_passes

    assert [name for name, _ in PASSES] == ["support", "counting", "asked", "kind", "premise", "conflicts"]
    assert check_passes(["asked"]) == {"asked"}
    with pytest.raises(ValueError, match="no grounding pass nope; passes: support"):
        check_passes(["nope"])
    # support: an invented name is dropped with it on, shown with it off
    draft = f"The dam was built by Acme Corporation [{n('completed in 1998')}]."
    assert ground("Who built the dam?", draft, SOURCES, ARTICLES, REFUSAL, ALL).abstained
    unchecked = ground("Who built the dam?", draft, SOURCES, ARTICLES, REFUSAL, ALL, without={"support", "kind"})
    assert not unchecked.abstained and "Acme" in unchecked.text
    # conflicts: the second death figure is added only with the pass on
    toll = f"At least 9 people died [{n('at least 9')}]."
    on = ground("How many people died?", toll, SOURCES, ARTICLES, REFUSAL, ALL)
    off = ground("How many people died?", toll, SOURCES, ARTICLES, REFUSAL, ALL, without={"conflicts"})
    assert on.conflicts and "12" in on.text
    assert not off.conflicts and "12" not in off.text


def test_the_eval_re_grounds_each_draft_without_each_pass(data_dir: Any) -> None:
    from evals.cases import load_cases
    from evals.runner import article_texts, evaluate_case
    from tests.fakes_web import scripted_assistant

    bot, llm = scripted_assistant(data_dir)
    (case,) = [c for c in load_cases() if c.id == "conflict-death-toll"]
    sources = bot._prepare({"question": case.question, "history": []}).sources
    (fatalities,) = [s.number for s in sources if "at least 84 fatalities" in s.text]
    llm.replies = [f"At least 84 fatalities were reported [{fatalities}]."]
    result = evaluate_case(bot, case, article_texts(bot.corpus, {case.article_id}), 5)
    assert set(result.ablations) == {"support", "counting", "asked", "kind", "premise", "conflicts"}
    with_all = {s.name: s.value for s in result.scores}
    without_conflicts = {s.name: s.value for s in result.ablations["conflicts"]}
    assert with_all["conflict_coverage"] == 1.0 and without_conflicts["conflict_coverage"] < 1.0


@pytest.mark.parametrize(("question", "claim", "nothing_new"), [
    ("What ideal thermodynamic cycle analyzes how engines work?", "This cycle is.", True),
    ("When will the inquest into the market deaths open?", "The inquest into the market deaths will open in.", True),
    ("What evidence did the group provide?", "No further evidence was provided.", False),  # a negation answers
    ("Will Corvane act as a supplier to carmakers?", "Corvane will act as a supplier to carmakers.", False),
    ("Which explosion was deadlier, the first or the second?", "The second explosion was deadlier.", False),
    ("When did the dam open?", "The dam opened in 1998.", False),
    ("Who is the mayor?", "The mayor is Dana Whitfield.", False),
    ("Write down the library's opening hours on Saturdays.", "The library is open from 10am to 4pm on Saturdays.",
     False),
])
def test_a_claim_only_repeating_a_wh_question_says_nothing(question: str, claim: str, nothing_new: bool) -> None:
    from assistant.grounding.support import says_nothing_new

    assert says_nothing_new(claim, question) is nothing_new


def test_a_fragment_repeating_the_question_is_not_an_answer() -> None:
    answer = answer_for("When did the dam open?", f"The dam opened in [{n('completed in 1998')}].")
    assert answer.abstained and any("says nothing" in note for note in answer.notes)


def test_a_change_s_size_given_as_its_level_quotes_the_sentence_with_both_figures() -> None:
    article, sources = numbered(
        "Brewery results\n\nThe brewery's profits fell to £1.1 million in the year to June, from £2.3 million a year "
        "earlier.\nThe Ashcombe Mill was sold to Harlow & Finch.\n",
        "brewery",
    )
    said = number_of(sources, "profits fell to")
    spans = {(s.article_id, s.start) for s in sources}
    answer = ground("By how much did profits fall?", f"The brewery's profits fell by £1.1 million [{said}].",
                    sources, {article.id: article}, REFUSAL, spans)
    assert [c.quote for c in answer.citations] == [sources[said - 1].text], answer
    assert "fell to £1.1 million" in answer.text and "fell by" not in answer.text, answer.text
    # another firm's profits: the sentence states no figure of Harlow & Finch, so nothing is quoted for it
    answer = ground("By how much did Harlow & Finch's profits fall?",
                    f"Harlow & Finch's profits fell by £1.1 million [{said}].",
                    sources, {article.id: article}, REFUSAL, spans)
    assert "fell by" not in answer.text and "fell to £1.1 million" not in answer.text, answer.text
