"""Pass ``conflicts``: different figures for the measure asked about, and different accounts of an event
related to the question or answer, are added to the answer, each value with its own citation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answer import Conflict
from assistant.conflicts import asked_measures, disagreement_clauses, stated_measures, value_conflicts
from assistant.grounding.state import Grounding, Segment, Sentence, span
from assistant.sources import Source
from assistant.textfacts import numbers, overlap
from index import Article

__all__ = ["conflicts"]

_TOPICS = {"deaths": "the death toll", "injuries": "the number injured"}

def _value_conflicts(
    question: str, sentences: list[Sentence], sources: Sequence[Source], articles: Mapping[str, Article]
) -> tuple[list[Conflict], list[Sentence]]:
    said = " ".join(seg.text for sentence in sentences for seg in sentence)
    cited_articles = {c.article_id for s in sentences for seg in s for c in seg.citations}
    pool = [s for s in sources if not cited_articles or s.article_id in cited_articles]
    conflicts, extra = [], []
    for measure, found in sorted(value_conflicts(pool).items()):
        if measure not in (asked_measures(question) or stated_measures(said)):
            continue
        cites = tuple(span(articles[q.source.article_id], q.source.start, q.source.end) for q in found)
        phrases = tuple(articles[q.source.article_id].text[q.start : q.end] for q in found)
        conflicts.append(Conflict("value", measure, phrases, cites))
        cited_spans = {(c.start, c.end) for s in sentences for seg in s for c in seg.citations}
        if all(q.value in numbers(said) for q in found) and all((c.start, c.end) in cited_spans for c in cites):
            continue
        topic = _TOPICS.get(measure, measure)
        segments = [Segment(f"The article gives different figures for {topic}: “{phrases[0]}”", (cites[0],))]
        for i in range(1, len(found)):
            joiner = " and " if i == len(found) - 1 else ", "
            segments.append(Segment(f"{joiner}“{phrases[i]}”", (cites[i],)))
        extra.append(segments)
    return conflicts, extra

def _account_conflicts(
    question: str, sentences: list[Sentence], sources: Sequence[Source], retrieved: set[tuple[str, int]],
    articles: Mapping[str, Article], contradicted: Sequence[Source] = (),
) -> tuple[list[Conflict], list[Sentence]]:
    """Accounts that differ, from retrieved sources related to the question or answer, and always from
    the ``contradicted`` sources (a draft claimed their accounts agree)."""
    said = question + " " + " ".join(seg.text for sentence in sentences for seg in sentence)
    conflicts, extra = [], []
    for source in sources:
        spans = disagreement_clauses(source)
        forced = source in contradicted
        if spans is None or ((source.article_id, source.start) not in retrieved and not forced):
            continue
        article = articles[source.article_id]
        # Relate to the accounts themselves, not to the opening that names who disagrees.
        accounts = [article.text[spans[0][0] : spans[0][1]].split(",")[-1]]
        accounts += [article.text[a:b] for a, b in spans[1:]]
        if not overlap(said, " ".join(accounts)) and not forced:
            continue
        cites = tuple(span(article, a, b) for a, b in spans)
        conflicts.append(Conflict("account", source.text, tuple(c.quote for c in cites), cites))
        cited = {(c.start, c.end) for s in sentences for seg in s for c in seg.citations}
        if not all((c.start, c.end) in cited for c in cites):
            extra.append([Segment(source.text.rstrip("."), cites)])
    return conflicts, extra


def conflicts(state: Grounding) -> None:
    if not state.sentences and not state.contradicted:
        return
    values, value_extra = _value_conflicts(state.question, state.sentences, state.sources, state.articles)
    accounts, account_extra = _account_conflicts(
        state.question, state.sentences, state.sources, state.retrieved, state.articles, state.contradicted
    )
    state.conflicts = values + accounts
    state.sentences += value_extra + account_extra
