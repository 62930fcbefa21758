"""Several reports of one event: figures compared across reports, each cited to its own report, a
report's revision quoted in its own words, and the prompt reading every short report (pure, no model)."""

from __future__ import annotations

import pytest

from assistant.conflicts import figures_agree, quantities, value_conflicts
from assistant.grounding import ground
from assistant.sources import Source, select_sources
from evals.cases import CaseError, parse_cases
from evals.scorers import conflict_coverage, order_kept
from index import Article, split_sentences
from index.articles import make_article
from index.store import ChunkRecord

REFUSAL = "The article does not say."
EARLY = make_article(
    "---\ntitle: Blast at Ostrava depot\nsource: Wire\npublished: 2025-05-01\n---\n\n"
    "At least 9 people were killed and 20 injured when a blast hit the Ostrava tram depot on Tuesday. "
    "The mayor, Lena Varga, visited the Ostrava depot in the evening.",
    "early",
)
LATER = make_article(
    "---\ntitle: Ostrava depot toll revised\nsource: Courier\npublished: 2025-05-03\n---\n\n"
    "The number of people killed at the Ostrava tram depot was first put at 9, then revised to 7 on Thursday. "
    "Eleven people died, a hospital in Ostrava later said.",
    "later",
)
OTHER = make_article(
    "Flooding killed 40 people in the valley of Tern. The river rose two metres overnight.", "other"
)
ARTICLES = {a.id: a for a in (EARLY, LATER, OTHER)}


def sources_of(*articles: Article) -> list[Source]:
    out, number = [], 1
    for article in articles:
        for start, end in split_sentences(article.text):
            out.append(Source(number, article.id, start, end, article.text[start:end]))
            number += 1
    return out


def corpus_of(*articles: Article) -> tuple[dict[str, Article], list[Source]]:
    """The articles by id and all their sentences as numbered sources."""
    return {a.id: a for a in articles}, sources_of(*articles)


def source(text: str, article_id: str = "a") -> Source:
    return Source(1, article_id, 0, len(text), text)


def test_number_words_and_durations_are_figures() -> None:
    found = [(q.measure, q.value) for q in quantities(source("Eleven people died and twenty-nine were injured."))]
    assert found == [("deaths", "11"), ("injuries", "29")]
    gap = quantities(source("The second explosion came about ten minutes later."))
    assert [(q.measure, q.value) for q in gap] == [("minutes", "10")]
    assert quantities(source("The hall opened in 1891 and one of the stalls burned.")) == []


def test_a_revision_is_one_phrase_with_its_values_in_order() -> None:
    text = "The number of people killed was first put at 9, then revised to 7 on Thursday."
    found = quantities(source(text))
    assert [q.value for q in found] == ["9", "7"]
    assert all((q.start, q.end) == (0, len(text)) for q in found)


def test_bare_numbers_are_no_revision_when_a_sentence_names_two_measures() -> None:
    text = "Officials said 12 people were killed and 30 injured, and 5, 6 and 7 were detained."
    assert {q.value for q in quantities(source(text)) if q.measure == "deaths"} == {"12"}


def test_value_conflicts_keep_each_reports_first_mention_of_a_value() -> None:
    found = value_conflicts(sources_of(EARLY, LATER))["deaths"]
    assert [(q.source.article_id, q.value) for q in found] == [
        ("early", "9"), ("later", "9"), ("later", "7"), ("later", "11")
    ]


def test_every_reports_figure_is_given_and_cited_to_its_report() -> None:
    sources = sources_of(EARLY, LATER, OTHER)
    first = next(s for s in sources if s.text.startswith("At least 9"))
    answer = ground("How many people were killed at the Ostrava depot?",
                    f"At least 9 people were killed [{first.number}].", sources, ARTICLES, REFUSAL)
    (conflict,) = answer.conflicts
    assert {c.article_id for c in conflict.citations} == {"early", "later"}  # not the flood's 40
    assert "40" not in answer.text
    for value in ("9", "7", "Eleven"):
        assert value in answer.text
    for c in conflict.citations:
        assert ARTICLES[c.article_id].text[c.start : c.end] == c.quote
        assert c.title == ARTICLES[c.article_id].title
    assert answer.text.index("first put at 9, then revised to 7") < answer.text.index("Eleven people died")
    assert "The reports give different figures" in answer.text


def test_one_value_from_two_reports_is_stated_once_with_both_citations() -> None:
    a = make_article("At least 9 people were killed in the Ostrava depot blast.", "a")
    b = make_article("The Ostrava depot blast killed 9 people, the police said.", "b")
    c = make_article("Twelve people died in the Ostrava depot blast, the hospital said.", "c")
    articles, sources = corpus_of(a, b, c)
    answer = ground("How many people were killed in the Ostrava depot blast?",
                    "At least 9 people were killed [1].", sources, articles, REFUSAL)
    extra = answer.text[answer.text.index("different figures") :]
    assert extra.count("9 people") == 1 and "Twelve people died" in extra
    (conflict,) = answer.conflicts
    assert sorted(c.article_id for c in conflict.citations) == ["a", "b", "c"]


def test_a_nameless_question_compares_no_figures_of_unrelated_articles() -> None:
    sources = sources_of(EARLY, OTHER)
    first = next(s for s in sources if s.text.startswith("At least 9"))
    answer = ground("How many people were killed?", f"At least 9 people were killed [{first.number}].",
                    sources, {EARLY.id: EARLY, OTHER.id: OTHER}, REFUSAL)
    assert answer.conflicts == () and "40" not in answer.text


def _hit(article: Article, start: int, end: int) -> ChunkRecord:
    spans = tuple(s for s in split_sentences(article.text) if start <= s[0] < end)
    return ChunkRecord("c", article.id, article.title, article.revision, start, end, article.text[start:end], spans)


def test_short_hit_reports_are_read_whole_and_long_ones_in_chunks() -> None:
    long = make_article(" ".join(f"Sentence number {i} of a long report about Ostrava." for i in range(200)), "long")
    articles = {a.id: a for a in (EARLY, LATER, long)}
    hits = [_hit(long, 0, 120), _hit(EARLY, 0, 60), _hit(LATER, 0, 60)]
    grouped = {g.article_id: g for g in select_sources(hits, articles, 800)}
    assert len(grouped["early"].sources) == len(split_sentences(EARLY.text))
    assert len(grouped["later"].sources) == len(split_sentences(LATER.text))
    assert 0 < len(grouped["long"].sources) < 10
    assert grouped["later"].byline == "Courier, 2025-05-03"


def test_conflict_coverage_counts_a_value_only_from_its_own_report() -> None:
    answer = ground("How many people were killed at the Ostrava depot?", "At least 9 people were killed [1].",
                    sources_of(EARLY, LATER), ARTICLES, REFUSAL)
    assert conflict_coverage(answer, [["9"], ["7"]], [["early"], ["later"]]).value == 1.0
    wrong = conflict_coverage(answer, [["7"]], [["early"]])
    assert wrong.value == 0.0 and "from early" in wrong.reason


def test_order_kept() -> None:
    assert order_kept("first 14, then 12, then 11", ["14", "12", "11"]).value == 1.0
    assert order_kept("11 now; 14 at first", ["14", "11"]).value == 0.0
    assert order_kept("14 only", ["14", "12"]).reason == "'12' not stated"
    assert order_kept("anything", []).value is None


def test_cases_may_span_reports_and_pin_values_to_them() -> None:
    raw = {"id": "x", "question": "How many died?", "category": "conflict", "article": ["early", "later"],
           "required": [["9"]], "evidence": ["At least 9"],
           "conflict": [{"values": ["9"], "in": ["early"]}, ["7"]], "order": ["9", "7"]}
    (case,) = parse_cases({"cases": [raw]})
    assert case.article_ids == ("early", "later") and case.conflict == (("9",), ("7",))
    assert case.conflict_articles == (("early",), ()) and case.order == ("9", "7")
    assert case.evidence_spans({"later": LATER.text, "early": EARLY.text})[0][0].article_id == "early"
    with pytest.raises(CaseError, match="not among the case's articles"):
        parse_cases({"cases": [{**raw, "conflict": [{"values": ["9"], "in": ["elsewhere"]}]}]})


def test_a_corpus_over_the_retrieval_budget_is_still_one_prefix_when_it_fits_the_prefix_budget() -> None:
    long = make_article(" ".join(f"Sentence number {i} of a long report about Ostrava." for i in range(20)), "long")
    articles = {a.id: a for a in (EARLY, LATER, long)}
    total = sum(len(a.text) for a in articles.values())
    hits = [_hit(EARLY, 0, 60)]
    assert {g.article_id for g in select_sources(hits, articles, total - 1)} != set(articles)
    assert {g.article_id for g in select_sources(hits, articles, total - 1, total)} == set(articles)


@pytest.mark.parametrize(
    ("claim", "evidence", "agree"),
    [
        ("The youngest victim was 14 years old.", "At least 14 people were killed and 37 injured.", False),
        ("40 people were killed.", "More than 40 were hurt.", False),
        ("84 people died.", "There were at least 84 fatalities.", True),
        ("The blasts were 15 minutes apart.", "The second explosion, 15 minutes after the first.", True),
        ("The dam opened in 1998.", "The dam was completed in 1998.", True),  # a year is no count
        ("He served 14 years.", "Room 14 was closed.", True),  # the evidence's 14 counts nothing: not judged
    ],
)
def test_a_figure_keeps_what_it_counts(claim: str, evidence: str, agree: bool) -> None:
    assert figures_agree(claim, [evidence]) is agree


def test_a_count_of_a_group_needs_sources_that_count_that_group() -> None:
    sources = sources_of(EARLY)
    first = next(s for s in sources if s.text.startswith("At least 9"))
    draft = f"At least 20 people were injured [{first.number}]."
    articles = {EARLY.id: EARLY}
    assert ground("How many firefighters were injured at the Ostrava depot?", draft, sources, articles,
                  REFUSAL).abstained
    assert not ground("How many people were injured at the Ostrava depot?", draft, sources, articles,
                      REFUSAL).abstained


def test_each_reports_account_of_a_cause_is_given_with_its_own_citation() -> None:
    a = make_article("The Ostrava depot fire was caused by a gas leak, the fire chief said. Trams stopped.", "a")
    b = make_article("An electrical fault in a tram led to the Ostrava depot fire, engineers said later.", "b")
    c = make_article("Ostrava's mayor opened a new park. The park has a lake.", "c")
    articles, sources = corpus_of(a, b, c)
    answer = ground("What caused the Ostrava depot fire?", "A gas leak caused the fire [1].", sources, articles,
                    REFUSAL)
    (conflict,) = [x for x in answer.conflicts if x.kind == "account"]
    assert [c.article_id for c in conflict.citations] == ["a", "b"]
    assert "electrical fault" in answer.text and "park" not in answer.text
    plain = ground("Who said it was a gas leak?", "The fire chief said it was a gas leak [1].", sources, articles,
                   REFUSAL)
    assert not [x for x in plain.conflicts if x.kind == "account"]  # not a question about a cause


def test_an_account_cited_but_not_stated_is_stated() -> None:
    a = make_article("The Ostrava depot fire was caused by a gas leak, the fire chief said. Trams stopped.", "a")
    b = make_article("An electrical fault in a tram led to the Ostrava depot fire, engineers said later.", "b")
    articles, sources = corpus_of(a, b)
    answer = ground("What caused the Ostrava depot fire?", "An electrical fault caused the fire [3][1].", sources,
                    articles, REFUSAL)
    assert "gas leak" in answer.text



def test_a_disagreement_quoted_whole_is_said_once_when_reports_give_accounts_of_a_cause() -> None:
    a = make_article("Accounts of the cause of the Ostrava depot fire differ, with the fire chief blaming a gas leak "
                     "and the union blaming a faulty heater. Trams stopped.", "a")
    b = make_article("An electrical fault in a tram caused the Ostrava depot fire, engineers said later.", "b")
    articles, sources = corpus_of(a, b)
    retrieved = {(s.article_id, s.start) for s in sources}
    answer = ground("What caused the Ostrava depot fire?", "[1].", sources, articles, REFUSAL, retrieved)
    assert answer.text.count("gas leak") == 1, answer.text
    assert "electrical fault" in answer.text
    for c in answer.citations:
        assert articles[c.article_id].text[c.start : c.end] == c.quote
