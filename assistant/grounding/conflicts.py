"""Pass ``conflicts``: different figures for the measure asked about, and different accounts of an event
related to the question or answer, are added to the answer, each value with its own citation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.answer import Citation, Conflict
from assistant.conflicts import (
    DURATIONS,
    MEASURES,
    Quantity,
    asked_measures,
    disagreement_clauses,
    measures_in,
    stated_measures,
    value_conflicts,
)
from assistant.grounding.state import Grounding, Segment, Sentence, cite, inside, span, text_of
from assistant.grounding.support import states_cause
from assistant.question import analyse
from assistant.sources import Source
from assistant.textfacts import content_words, names, numbers, overlap
from index import Article
from index.text import REPORTING, lower_initials, related_stems, same_name, stem

__all__ = ["conflicts"]

_TOPICS = {"deaths": "the death toll", "injuries": "the number injured", "seconds": "the time",
           "minutes": "the time", "hours": "the time"}
_WHY = re.compile(r"\s*why\b", re.IGNORECASE)
# Clauses set against each other inside one sentence, and words reporting who gives an account.
_CONTRAST = re.compile(r"\s*(?:;|,?\s*\b(?:while|whereas|but|however)\b,?)\s*", re.IGNORECASE)
_REPORTED = re.compile(REPORTING.pattern + r"|\baccording to\b|\brecords?\b", re.IGNORECASE)


def _about(question: str, article: Article) -> bool:
    """Whether an article that no draft sentence cites is about what the question asks: it holds every
    name the question gives and at least half (and two) of its other content words' stems. Its figures
    then count as another report's figures; an unrelated article's death toll is no figure for this event."""
    measure_words = {stem(w) for m in measures_in(question) for w in MEASURES[m]}
    asked = content_words(lower_initials(question)) - measure_words
    text = article.text
    have = content_words(text)
    if not all(any(same_name(n, m) for m in names(text)) for n in names(lower_initials(question))):
        return False
    shared = {w for w in asked if any(related_stems(w, h) for h in have)}
    return len(shared) >= max(2, (len(asked) + 1) // 2)


def _pool(question: str, cited: set[str], sources: Sequence[Source], articles: Mapping[str, Article]) -> list[Source]:
    """The sources whose figures and accounts are compared: the cited articles', and those of every other
    article in the prompt that is about the question (several reports of one event); all of them when
    nothing is cited."""
    if not cited:
        return list(sources)
    about = {aid for aid in {s.article_id for s in sources} - cited if _about(question, articles[aid])}
    return [s for s in sources if s.article_id in cited | about]


def _dated(article: Article) -> tuple[int, str]:
    """Sort key of a report: those with a date first, oldest first."""
    return (0 if article.published else 1, article.published)


def _date_order(found: list[Quantity], articles: Mapping[str, Article]) -> list[Quantity]:
    """Reports with a date first, oldest first; within a report, the text's order (a revision's order)."""
    rank = {aid: i for i, aid in enumerate(dict.fromkeys(q.source.article_id for q in found))}
    return sorted(found, key=lambda q: (*_dated(articles[q.source.article_id]), rank[q.source.article_id], q.start))


def _listing(lead: str, items: Sequence[tuple[str, Sequence[Citation]]]) -> Sentence:
    """One sentence quoting each item with its citations: ``lead: “a” [1], “b” [2] and “c” [3]``."""
    segments = []
    for i, (phrase, citations) in enumerate(items):
        joiner = f"{lead}: " if i == 0 else " and " if i == len(items) - 1 else ", "
        segments.append(Segment(f"{joiner}“{phrase}”", tuple(citations)))
    return segments


def _value_conflicts(
    question: str, sentences: list[Sentence], pool: Sequence[Source], articles: Mapping[str, Article]
) -> tuple[list[Conflict], list[Sentence]]:
    said = " ".join(seg.text for sentence in sentences for seg in sentence)
    conflicts, extra = [], []
    for measure, found in sorted(value_conflicts(pool).items()):
        if measure not in (asked_measures(question) or stated_measures(said)):
            continue
        if measure in DURATIONS:  # a duration is compared only where the question's words are
            if analyse(question).kind not in ("number", "date", "figure"):
                continue  # a minute in the answer to "who …?" says when something happened: other minutes
                # of the same text are other events, not other figures for one
            found = [q for q in found if overlap(question, q.source.text)]
            if len({q.value for q in found}) < 2:
                continue
        found = _date_order(found, articles)
        cites = tuple(span(articles[q.source.article_id], q.start, q.end) for q in found)
        phrases = tuple(c.quote for c in cites)
        conflicts.append(Conflict("value", measure, phrases, cites))
        cited_spans = {(c.start, c.end) for s in sentences for seg in s for c in seg.citations}
        if all(q.value in numbers(said) for q in found) and all((c.start, c.end) in cited_spans for c in cites):
            continue
        extra.append(_stated(measure, found, cites, len({q.source.article_id for q in found}) > 1))
    return conflicts, extra


def _stated(measure: str, found: list[Quantity], cites: tuple[Citation, ...], reports: bool) -> Sentence:
    """One sentence giving each value once: a phrase stating one value cites every report that gives
    that value; a revision (one phrase, several values) is quoted once, in its report's words."""
    groups: dict[object, tuple[str, list[Citation]]] = {}
    by_span: dict[tuple[str, int, int], list[str]] = {}
    for q, c in zip(found, cites, strict=True):
        by_span.setdefault((c.article_id, c.start, c.end), []).append(q.value)
    for q, c in zip(found, cites, strict=True):
        values = by_span[(c.article_id, c.start, c.end)]
        key: object = (c.article_id, c.start, c.end) if len(values) > 1 else q.value
        phrase, group = groups.setdefault(key, (c.quote, []))
        if c not in group:
            group.append(c)
    topic = _TOPICS.get(measure, f"the number {measure}")
    who = "The reports give" if reports else "The article gives"
    return _listing(f"{who} different figures for {topic}", list(groups.values()))

def _account_conflicts(
    question: str, sentences: list[Sentence], sources: Sequence[Source], retrieved: set[tuple[str, int]],
    articles: Mapping[str, Article], contradicted: Sequence[Source] = (),
) -> tuple[list[Conflict], list[Sentence]]:
    """Accounts that differ, from retrieved sources related to the question or answer, and always from
    the ``contradicted`` sources (a draft claimed their accounts agree). An answer sentence quoting such a
    source whole is re-cited clause by clause in place; otherwise the sentence is returned to be added."""
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
        if all((c.start, c.end) in cited for c in cites):
            continue
        plain = _plain(source.text)
        same = [i for i, s in enumerate(sentences) if _plain(text_of(s)) == plain]
        if same:  # the answer quotes the sentence whole: cite it clause by clause rather than say it twice
            others = tuple(c for seg in sentences[same[0]] for c in seg.citations if not inside(c, source))
            sentences[same[0]] = [Segment(source.text.rstrip("."), (*cites, *others))]
        else:
            extra.append([Segment(source.text.rstrip("."), cites)])
    return conflicts, extra


def _plain(text: str) -> str:
    """A sentence compared as the words it says: spacing and the closing full stop aside."""
    return " ".join(text.split()).rstrip(" .")


def _report_accounts(
    question: str, sentences: list[Sentence], pool: Sequence[Source], articles: Mapping[str, Article]
) -> tuple[list[Conflict], list[Sentence]]:
    """For a question asking for a cause ("What caused…?", "Why…?"), each report's account: in every
    article of ``pool`` (those the answer cites and those about the question), the sentence stating a cause
    that shares most words with the question. With accounts from two reports or more, those the answer
    does not cite are added, each cited to its own report."""
    if not (states_cause(question) or _WHY.match(question)):
        return [], []
    best: dict[str, tuple[int, Source]] = {}
    for source in pool:
        shared = len(overlap(question, source.text))
        if states_cause(source.text) and shared and shared > best.get(source.article_id, (0, source))[0]:
            best[source.article_id] = (shared, source)
    if len(best) < 2:
        return [], []
    accounts = sorted((s for _, s in best.values()), key=lambda s: (*_dated(articles[s.article_id]), s.number))
    cites = tuple(cite(s) for s in accounts)
    conflict = Conflict("account", question, tuple(c.quote for c in cites), cites)
    # Citing an account is not stating it: a sentence citing it must say words only that account has.
    asked = content_words(question)
    words = {s.number: content_words(s.text) - asked for s in accounts}

    def stated(account: Source) -> bool:
        own = words[account.number] - set().union(*(w for n, w in words.items() if n != account.number))
        said = " ".join(  # citing the account's sentence, or a clause of it
            seg.text for sentence in sentences for seg in sentence if any(inside(c, account) for c in seg.citations)
        )
        return len(content_words(said) & own) >= min(2, len(own))

    missing = [c for c, account in zip(cites, accounts, strict=True) if not stated(account)]
    if not missing:
        return [conflict], []
    return [conflict], [_listing("The reports give different accounts", [(c.quote.rstrip("."), (c,)) for c in missing])]


def _clauses(text: str) -> list[tuple[int, int]]:
    """Offsets (in ``text``) of the clauses a sentence sets against each other ("…, while …"; "…; …")."""
    out, start = [], 0
    for m in [*_CONTRAST.finditer(text), None]:
        end = m.start() if m else len(text.rstrip(" ."))
        if len(text[start:end].split()) >= 3:
            out.append((start, end))
        start = m.end() if m else start
    return out


def _contrasted_figures(
    question: str, sentences: list[Sentence], articles: Mapping[str, Article], covered: set[tuple[str, int, int]]
) -> list[Conflict]:
    """For a question asking how many, an answer sentence giving two figures from one cited sentence whose
    contrasted clauses each report one ("the union said six times, while the depot told the inquiry three"):
    two accounts of one figure. Each figure is cited to its own clause, and the pair is a conflict.
    Figures of different things ("killed 4 and injured 11") are not contrasted; contrasted figures that
    nobody reports ("sales rose 5%, while costs fell 2%") are not accounts."""
    if analyse(question).kind != "number":
        return []
    asked = numbers(question)
    found = []
    for sentence in sentences:
        said = numbers(text_of(sentence)) - asked
        for i, seg in enumerate(sentence):
            cites: list[Citation] = []
            for c in seg.citations:
                article = articles.get(c.article_id)
                clauses = [] if article is None or (c.article_id, c.start, c.end) in covered else [
                    (a, b) for a, b in _clauses(c.quote)
                    if _REPORTED.search(c.quote[a:b]) and len(numbers(c.quote[a:b]) & said) == 1
                ]
                values = [frozenset(numbers(c.quote[a:b]) & said) for a, b in clauses]
                if len(clauses) < 2 or len(set(values)) < len(values) or article is None:
                    cites.append(c)
                    continue
                parts = tuple(span(article, c.start + a, c.start + b) for a, b in clauses)
                found.append(Conflict("value", question, tuple(p.quote for p in parts), parts))
                cites.extend(parts)
            sentence[i] = Segment(seg.text, tuple(cites))
    return found


def conflicts(state: Grounding) -> None:
    if not state.sentences and not state.contradicted:
        return
    cited = {c.article_id for sentence in state.sentences for seg in sentence for c in seg.citations}
    pool = _pool(state.question, cited, state.sources, state.articles)
    values, value_extra = _value_conflicts(state.question, state.sentences, pool, state.articles)
    accounts, account_extra = _account_conflicts(  # from the articles about the question, as figures are
        state.question, state.sentences, pool, state.retrieved, state.articles, state.contradicted
    )
    reported, reported_extra = (
        _report_accounts(state.question, state.sentences, pool, state.articles) if cited else ([], [])
    )
    quoted = [c for conflict in values + accounts + reported for c in conflict.citations]
    covered = {(s.article_id, s.start, s.end) for s in state.sources  # sentences a conflict already quotes from
               if any(inside(c, s) for c in quoted)}
    contrasted = _contrasted_figures(state.question, state.sentences, state.articles, covered)
    state.conflicts = values + accounts + reported + contrasted
    state.sentences += value_extra + account_extra + reported_extra
