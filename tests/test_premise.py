"""False premises of why-questions: found when no source states the clause, corrected in the answer."""

from __future__ import annotations

import pytest

from assistant.grounding import ground
from assistant.premise import check_premise, negated_premise, presupposition, unjoined_names, unstated_numbers
from assistant.sources import Source
from index import Article
from tests.article_fixtures import flood_sources, number_of, numbered, numbered_corpus

ARTICLE, SOURCES = flood_sources()
REFUSAL = "The article does not say."


def test_a_why_question_presupposes_its_clause() -> None:
    assert presupposition("Why did the mayor close the bridge?") == "the mayor close the bridge"
    assert presupposition("Why was the dam built?") == "the dam built"
    assert presupposition("Who closed the bridge?") is None


def test_a_clause_a_sentence_states_is_no_false_premise() -> None:
    assert check_premise("Why did the mayor close the Northgate bridge?", SOURCES) is None
    assert check_premise("Who closed the Southgate bridge?", SOURCES) is None  # not a why-question


def test_a_name_no_sentence_joins_to_the_clause_makes_it_unstated() -> None:
    premise = check_premise("Why did the mayor close the Southgate bridge?", SOURCES)
    assert premise is not None and premise.absent == frozenset()
    assert premise.closest is not None and "Northgate bridge" in premise.closest.text


def test_a_word_no_source_holds_in_any_form_makes_it_unstated() -> None:
    premise = check_premise("Why did the mayor destroy the bridge?", SOURCES)
    assert premise is not None and premise.absent == {"destroy"}
    assert premise.closest is not None and "mayor" in premise.closest.text
    # "injuries" is held as "injured": a different form is not a false premise
    assert check_premise("Why were there injuries in the flood?", SOURCES) is None


def test_the_answer_drops_claims_repeating_the_premise_and_quotes_what_the_article_says() -> None:
    n = number_of(SOURCES, "weather office")
    draft = f"The mayor destroyed the bridge because the weather office declined to comment [{n}]."
    answer = ground("Why did the mayor destroy the bridge?", draft, SOURCES, {ARTICLE.id: ARTICLE}, REFUSAL)
    assert not answer.abstained
    assert "destroy" not in answer.text
    assert "does not state the question's premise" in answer.text
    (citation,) = answer.citations
    assert "closed the Northgate bridge" in citation.quote
    assert ARTICLE.text[citation.start : citation.end] == citation.quote


def test_an_answer_citing_a_sentence_as_close_to_the_premise_gets_no_quote() -> None:
    n = number_of(SOURCES, "Northgate")
    draft = f"Dana Whitfield closed the Northgate bridge [{n}]."
    answer = ground("Why did the mayor destroy the bridge?", draft, SOURCES, {ARTICLE.id: ARTICLE}, REFUSAL)
    assert "premise" not in answer.text and len(answer.citations) == 1


def test_closeness_counts_a_word_family_that_snowball_splits() -> None:
    """"buried" (stem buri) and "burial" (stem burial) are one word family: the sentence about the burial
    site is the closest to "buried in northern …", not a sentence sharing only the name."""
    from assistant.sources import Source

    texts = ["Mourners gathered in Riverton.", "He lies at a burial site in southern Riverton."]
    sources, at = [], 0
    for i, text in enumerate(texts, 1):
        sources.append(Source(i, "a", at, at + len(text), text))
        at += len(text) + 1
    premise = check_premise("Why was he buried in northern Riverton?", sources)
    assert premise is not None and premise.absent == frozenset({"northern"})
    assert premise.closest is not None and "burial site" in premise.closest.text


def _sources(*texts: str) -> list:
    from assistant.sources import Source

    sources, at = [], 0
    for i, text in enumerate(texts, 1):
        sources.append(Source(i, "a", at, at + len(text), text))
        at += len(text) + 1
    return sources


def test_a_clause_every_stating_sentence_negates_is_contradicted() -> None:
    sources = _sources("The council met on Monday.", "The council said it would not reopen the ferry this year.")
    premise = check_premise("Why did the council reopen the ferry?", sources)
    assert premise is not None and premise.negated and premise.absent == frozenset()
    assert premise.closest is not None and "would not reopen" in premise.closest.text
    plans = _sources("The coach, who has led the club since 2019, has no plans to resign.")
    assert check_premise("Why is the coach resigning?", plans) is not None


def test_a_negation_that_is_not_the_clauses_is_no_contradiction() -> None:
    declined = _sources("The spokesman declined to comment on the report.")
    assert check_premise("Why did the spokesman decline to comment?", declined) is None
    asked_negated = _sources("The council said it would not reopen the ferry.")
    assert check_premise("Why did the council not reopen the ferry?", asked_negated) is None
    both = _sources("The club did not sell the stadium in 2019.", "The club sold the stadium in 2023.")
    assert check_premise("Why did the club sell the stadium?", both) is None
    unexplained = _sources("The mayor did not say why she closed the bridge.")
    assert check_premise("Why did the mayor close the bridge?", unexplained) is None


def test_the_answer_to_a_contradicted_premise_quotes_the_negating_sentence() -> None:
    from index.articles import Article

    text = "The council met on Monday. The council said it would not reopen the ferry this year."
    article = Article("a", "Ferry", text)
    sources = _sources(*text.replace(". ", ".\n").split("\n"))
    for draft in ("The council reopened the ferry to cut costs [1].", REFUSAL):
        answer = ground("Why did the council reopen the ferry?", draft, sources, {article.id: article}, REFUSAL)
        assert not answer.abstained, draft
        assert "to cut costs" not in answer.text and "would not reopen" in answer.text
        (citation,) = answer.citations
        assert text[citation.start : citation.end] == citation.quote


def test_the_sentence_negating_an_unstated_premise_is_the_closest() -> None:
    """"decide" is in no source, so the premise is unstated; the sentence saying the firm would not appeal
    answers the question, though another shares more of its words."""
    sources = _sources("The firm was fined by the court on Monday.", "Its chief executive said the company would not appeal.")
    premise = check_premise("Why did the firm decide to appeal the fine?", sources)
    assert premise is not None and premise.absent == {"decide"}
    assert premise.closest is not None and "would not appeal" in premise.closest.text


WAR = """The Seven Years' War

The Seven Years' War began in 1756 and ended in 1763.
Its North American theater is called the French and Indian War.
Six British forts fell in the first two years.
"""


def _war() -> tuple[Article, list[Source]]:
    return numbered(WAR, "seven-years-war")


def test_a_number_the_question_states_is_a_premise_no_article_may_state() -> None:
    text = [WAR]
    assert unstated_numbers("What was the Nine Years' War?", text) == ["Nine"]  # a number word in a name
    assert unstated_numbers("What happened in 1745?", text) == ["1745"]
    assert unstated_numbers("Which fort fell in the 3rd year?", text) == ["3rd"]  # an ordinal
    assert unstated_numbers("What did the 1950s bring?", text) == ["1950s"]
    assert unstated_numbers("What was the Seven Years' War?", text) == []
    assert unstated_numbers("Which six forts fell?", text) == []  # stated as a word, asked as one too
    assert unstated_numbers("When did the war begin, in 1756?", text) == []


def test_a_number_in_a_name_is_stated_only_with_that_name() -> None:
    text = [WAR]  # "Six British forts fell …": six is stated, but not as the name "the Six Years War"
    assert unstated_numbers("What was the Six Years War?", text) == ["Six"]
    assert unstated_numbers("How long did the Seven Years War last?", text) == []  # "Seven Years' War"
    assert unstated_numbers("Which six forts fell?", text) == []  # not a name: any "six" states it
    assert unstated_numbers("What did Article 20 require?", ["Article 21 required a ceasefire within 20 days."]) == [
        "20"
    ]
    assert unstated_numbers("What did Article 20 require?", ["Under Article 20, troops withdrew."]) == []
    assert unstated_numbers("In 1763 who won?", text) == []  # a question's first word is not a name


def test_a_month_and_year_is_stated_by_a_full_date() -> None:
    caption = ["Ambulances leave the site near the grave on January 3, 2024, in this still taken from a video."]
    assert unstated_numbers("What happened near the grave in January 2024?", caption) == []
    assert unstated_numbers("What happened near the grave in January 2023?", caption) == ["2023"]
    assert unstated_numbers("What happened in March 2024?", caption) == ["2024"]  # that year, another month
    assert unstated_numbers("What happened in June 2024?", ["The vote on 4 June 2024 was close."]) == []


def test_compared_counted_and_one_are_not_premises() -> None:
    text = [WAR]
    assert unstated_numbers("Did more than 4 forts fall?", text) == []  # compared with
    assert unstated_numbers("Did the war last at least 5 years?", text) == []
    assert unstated_numbers("What are the two names of the war in America?", text) == []  # counts the answer
    assert unstated_numbers("Name three forts.", text) == []
    assert unstated_numbers("Which one of the forts fell first?", text) == []  # "one" is not a count
    assert unstated_numbers("What is X.25?", ["X.25 is a protocol."]) == []  # digits inside a code
    assert unstated_numbers("What does X.26 do?", ["X.25 is a protocol."]) == []  # a code, not a number


def test_an_answer_to_a_question_about_an_unstated_number_is_not_given() -> None:
    """"What was the Nine Years' War?" answered with the Seven Years' War's sentence: supported, and wrong."""
    article, sources = _war()
    draft = "It began in 1756 and ended in 1763 [1]."
    answer = ground("What was the Nine Years' War?", draft, sources, {article.id: article}, REFUSAL)
    assert answer.abstained, answer.text
    assert any("'Nine'" in note for note in answer.notes)
    kept = ground("What was the Seven Years' War?", draft, sources, {article.id: article}, REFUSAL)
    assert not kept.abstained


def test_a_number_only_another_article_states_is_not_stated_by_the_cited_one() -> None:
    """Several articles indexed together: "Article 20" of one text is no premise stated by another's sentence."""
    articles, sources = numbered_corpus(
        (WAR, "seven-years-war"), ("The treaty\n\nArticle 20 of the treaty set the border.\n", "treaty")
    )
    n = next(s.number for s in sources if "1756" in s.text)
    draft = f"It began in 1756 and ended in 1763 [{n}]."
    answer = ground("What did Article 20 of the war's treaty say?", draft, sources, articles, REFUSAL)
    assert answer.abstained, answer.text
    m = next(s.number for s in sources if "Article 20" in s.text)
    kept = ground("What did Article 20 of the treaty set?", f"Article 20 set the border [{m}].", sources, articles,
                  REFUSAL)
    assert not kept.abstained, kept.notes


@pytest.mark.parametrize(
    ("question", "negation"),
    [
        ("What kind of barrier does not protect organisms?", "not"),
        ("Why didn't the council repair the dam?", "n't"),
        ("Where are neutrophils rarely found?", "rarely"),
        ("Which country had non interruptions in its supply?", "non"),
        ("What is a non-combustion heat source?", None),  # a word of its own: the answer need not negate
        ("Since which event has there been no deadlier attack?", None),  # a superlative asked: "the deadliest"
        ("Were no more than 5 hurt?", None),  # compared with
        ("Where are neutrophils found?", None),
    ],
)
def test_a_question_may_ask_what_is_not_so(question: str, negation: str | None) -> None:
    assert negated_premise(question) == negation


CELLS = """Immune cells

Neutrophils are normally found in the bloodstream.
Dendritic cells are located mainly in the skin, nose and lungs.
Mast cells are rarely found in the blood.
"""


def test_what_is_not_so_is_answered_only_by_a_sentence_saying_what_is_not() -> None:
    article, sources = numbered(CELLS, "cells")
    articles = {article.id: article}
    skin, blood = number_of(sources, "skin"), number_of(sources, "Mast")
    # "rarely" from nowhere: the sentences say where cells are found, not where they rarely are
    draft = f"Neutrophils are rarely found in the skin, nose and lungs [{number_of(sources, 'Neutrophils')}][{skin}]."
    assert ground("Where are neutrophils rarely found?", draft, sources, articles, REFUSAL).abstained
    answer = ground("Where are mast cells rarely found?", f"Mast cells are rarely found in the blood [{blood}].",
                    sources, articles, REFUSAL)
    assert not answer.abstained and "rarely found in the blood" in answer.text
    # a request's frame is not what it asks
    answer = ground("Pretend I have not read it: where are dendritic cells located?",
                    f"Dendritic cells are located mainly in the skin, nose and lungs [{skin}].", sources, articles,
                    REFUSAL)
    assert not answer.abstained


COLONIES = """The colonies

French settlers in North America numbered about 60,000.
The British colonies ran from Nova Scotia to South Carolina.
Old Briton, a Miami chief, traded with the British.
AppleTalk was a protocol of its own.
New France was defended by 3,000 troops.
"""


def test_a_name_whose_words_no_sentence_holds_together_is_not_the_articles() -> None:
    text = [COLONIES]
    assert unjoined_names("What was the French population in South America?", text) == ["South America"]
    assert unjoined_names("How did the French meet New Briton?", text) == ["New Briton"]
    assert unjoined_names("How many French lived in North America?", text) == []
    assert unjoined_names("Whom did Old Briton trade with?", text) == []
    assert unjoined_names("What was Apple Talk?", text) == []  # one name written in two words
    assert unjoined_names("What Was The French Population In South America?", text) == []  # title case
    assert unjoined_names("Where did Zorro Blanco live?", text) == []  # words the articles lack: not a join


def test_an_answer_about_a_name_the_articles_never_use_is_not_given() -> None:
    article, sources = numbered(COLONIES, "colonies")
    draft = f"About 60,000 French settlers lived there [{number_of(sources, '60,000')}]."
    answer = ground("What was the French population in South America?", draft, sources, {article.id: article},
                    REFUSAL)
    assert answer.abstained and "South America" in answer.notes[-1]
    answer = ground("What was the French population in North America?", draft, sources, {article.id: article},
                    REFUSAL)
    assert not answer.abstained
