"""Which figures conflict (invented text, not any eval article): two accounts of one figure inside one
sentence ("X said six times, while Y said three") are each cited to their clause and recorded as a
conflict; figures of different things, and times of different events, are not."""

from __future__ import annotations

from assistant.grounding import ground
from assistant.sources import Source, select_sources
from index import make_article
from index.store import ChunkRecord

TEXT = """Depot inquiry hears of ignored warnings

The drivers' union said staff had raised the broken brakes with supervisors at least six times in a year, while the depot told the inquiry it had logged only three complaints.
Sales of tickets rose by 5 percent, while costs fell by 2 percent.
A crash at the depot killed 4 people and injured 11.
"""
ARTICLE = make_article(TEXT, "depot-inquiry")
ARTICLES = {ARTICLE.id: ARTICLE}
HIT = ChunkRecord(id="c1", article_id=ARTICLE.id, title=ARTICLE.title, revision=ARTICLE.revision, start=0,
                  end=len(TEXT), text=TEXT, sentences=())
SOURCES: list[Source] = [s for g in select_sources([HIT], ARTICLES, 10_000) for s in g.sources]
ALL = {(s.article_id, s.start) for s in SOURCES}


def n(fragment: str) -> int:
    (source,) = [s for s in SOURCES if fragment in s.text]
    return source.number


def test_two_reported_figures_in_one_sentence_are_each_cited_to_their_clause() -> None:
    draft = (f"The union said the brakes were raised at least six times, while the depot logged only three "
             f"complaints [{n('six times')}].")
    answer = ground("How many times were the broken brakes raised with supervisors?", draft, SOURCES, ARTICLES,
                    "The article does not say.", ALL)
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    assert any("six times" in q and "three" not in q for q in quotes), quotes
    assert any("three complaints" in q and "six" not in q for q in quotes), quotes
    (conflict,) = [c for c in answer.conflicts if c.kind == "value"]
    assert len(conflict.values) == 2
    for c in (*answer.citations, *conflict.citations):
        assert TEXT[c.start : c.end] == c.quote


def test_figures_of_different_things_or_unattributed_are_no_conflict() -> None:
    for question, draft in [
        ("How many people did the crash kill?", f"The crash killed 4 people and injured 11 [{n('crash')}]."),
        ("How much did ticket sales rise?", f"Ticket sales rose by 5 percent, while costs fell by 2 percent "
                                            f"[{n('Sales')}]."),
    ]:
        answer = ground(question, draft, SOURCES, ARTICLES, "The article does not say.", ALL)
        assert not answer.abstained and not answer.conflicts, answer
        assert len(answer.citations) == 1


def test_a_question_not_asking_for_a_number_keeps_the_whole_sentence() -> None:
    draft = (f"The union said the brakes were raised at least six times, while the depot logged only three "
             f"complaints [{n('six times')}].")
    answer = ground("What did the union say about the brakes?", draft, SOURCES, ARTICLES,
                    "The article does not say.", ALL)
    assert [c.quote for c in answer.citations] == [SOURCES[n("six times") - 1].text]


MATCH = """Rovers win late

Kell scored in the 12th minute. The visitors levelled in the 58th minute through Ames, who had come on only three minutes earlier.
"""
MATCH_ARTICLE = make_article(MATCH, "rovers-win")
MATCH_HIT = ChunkRecord(id="m1", article_id=MATCH_ARTICLE.id, title=MATCH_ARTICLE.title,
                        revision=MATCH_ARTICLE.revision, start=0, end=len(MATCH), text=MATCH, sentences=())
MATCH_SOURCES = [s for g in select_sources([MATCH_HIT], {MATCH_ARTICLE.id: MATCH_ARTICLE}, 10_000) for s in g.sources]


def test_times_of_different_events_are_no_conflict_for_a_question_not_asking_a_time() -> None:
    """"Who levelled?" is answered by a sentence with a minute in it; the other minutes of the match are
    other events, not different figures for one."""
    (scorer,) = [s for s in MATCH_SOURCES if "Ames" in s.text]
    answer = ground("Who levelled for the visitors?", f"Ames levelled in the 58th minute [{scorer.number}].",
                    MATCH_SOURCES, {MATCH_ARTICLE.id: MATCH_ARTICLE}, "The article does not say.",
                    {(s.article_id, s.start) for s in MATCH_SOURCES})
    assert not answer.abstained and not answer.conflicts, answer
    assert "different figures" not in answer.text
