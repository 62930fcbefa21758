"""Grounding: turn a draft into an Answer whose every sentence is supported by verified citations.

Steps, all pure: parse claims → check each claim's facts against its cited sources → repair
(re-cite, cut to supported clauses, or drop) → add conflicting figures/accounts the draft left out
→ verify every quote against the article text → number the citations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from assistant.answer import Answer, Citation, Conflict
from assistant.conflicts import (
    asked_measures,
    disagreement_clauses,
    quantities,
    quantities_in,
    stated_measures,
    value_conflicts,
)
from assistant.draft import Claim, is_refusal, parse_draft
from assistant.premise import Premise, check_premise
from assistant.relevance import distinctive, terms
from assistant.sources import Source
from assistant.textfacts import content_words, facts, numbers, overlap, supported
from index import Article
from index.measures import counted_words, gives_count

__all__ = ["ground", "Segment"]

_CLAUSE = re.compile(r"\s*(?:;|,|\bbut\b|\bwhile\b|\bwhereas\b)\s*")
_TOPICS = {"deaths": "the death toll", "injuries": "the number injured"}


@dataclass(frozen=True)
class Segment:
    """Text followed by the citations that support it."""

    text: str
    citations: tuple[Citation, ...]


Sentence = list[Segment]


def _cite(source: Source) -> Citation:
    return Citation(source.article_id, source.text, source.start, source.end)


def _span(article: Article, start: int, end: int) -> Citation:
    return Citation(article.id, article.text[start:end], start, end)


_AGREEMENT = re.compile(r"\b(agree[sd]?|agreement|same|consistent|identical|concur\w*)\b", re.IGNORECASE)
# A cause the sources do not state is a claim of its own: "X because Y" needs a causal link in its sources.
_CAUSAL = re.compile(
    r"\b(because|due to|owing to|as a result|result(?:s|ed|ing)? in|therefore|thus|hence|so that|in order to|"
    r"in (?:retaliation|response|revenge)|caus(?:e|es|ed|ing)|le(?:d|ads|ading) to|prompt(?:s|ed|ing)?|"
    r"to avenge|reason)\b",
    re.IGNORECASE,
)
_META = content_words("provide provides provided information mention mentions mentioned details article text")
MIN_COVERAGE = 0.5  # share of a claim's content words that its cited sentences must hold


def _is_supported(text: str, cited: Sequence[Source]) -> bool:
    """Its facts (numbers, names) are in the cited sentences, so are most of its words, it states a cause
    only where they state one, and it does not claim agreement where they state disagreement."""
    evidence = " ".join(s.text for s in cited)
    ok, _ = supported(text, evidence)
    if not ok:
        return False
    words = content_words(text) - _META
    if not words:  # "40." says a figure; "Yes." and "Sources 2 and 3 provide this information." say nothing
        return bool(facts(text))
    if len(words & content_words(evidence)) < MIN_COVERAGE * len(words):
        return False
    if _CAUSAL.search(text) and not _CAUSAL.search(evidence):
        return False
    return not (_AGREEMENT.search(text) and any(disagreement_clauses(s) is not None for s in cited))


def _repair(text: str, cited: list[Source], sources: Sequence[Source], notes: list[str]) -> Sentence | None:
    """A supported version of an unsupported claim, or None when nothing of it is supported."""
    candidates = [s for s in sources if _is_supported(text, [s]) and overlap(text, s.text)]
    if candidates:
        best = max(candidates, key=lambda s: (len(overlap(text, s.text)), -s.number))
        notes.append(f"re-cited: {text!r}")
        return [Segment(text, (_cite(best),))]
    # A sentence joining facts from two sources (a name from one, a statement from another); a cause
    # linking what two sentences say separately is the model's inference, not a fact of either.
    near = (
        []
        if _CAUSAL.search(text)
        else sorted((s for s in sources if overlap(text, s.text)), key=lambda s: -len(overlap(text, s.text)))[:5]
    )
    pairs = [sorted(p, key=lambda s: s.number) for p in combinations(near, 2) if _is_supported(text, list(p))]
    if pairs:
        notes.append(f"re-cited to two sources: {text!r}")
        return [Segment(text, tuple(_cite(s) for s in pairs[0]))]
    if cited:
        clauses = [c for c in _CLAUSE.split(text.rstrip(".")) if len(c.split()) >= 3]
        kept = [c for c in clauses if _is_supported(c, cited)]
        if kept and len(kept) < len(clauses):
            notes.append(f"cut to its supported part: {text!r}")
            return [Segment("; ".join(kept), tuple(_cite(s) for s in cited))]
    notes.append(f"dropped unsupported: {text!r}")
    return None


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
        cites = tuple(_span(articles[q.source.article_id], q.source.start, q.source.end) for q in found)
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
        cites = tuple(_span(article, a, b) for a, b in spans)
        conflicts.append(Conflict("account", source.text, tuple(c.quote for c in cites), cites))
        cited = {(c.start, c.end) for s in sentences for seg in s for c in seg.citations}
        if not all((c.start, c.end) in cited for c in cites):
            extra.append([Segment(source.text.rstrip("."), cites)])
    return conflicts, extra


def _counting_things(
    things: tuple[str, ...], sentences: list[Sentence], sources: Sequence[Source], notes: list[str]
) -> list[Sentence]:
    """For "how many explosions?", only sentences giving a figure for explosions; with none left, the
    sentences of the sources that give one are quoted, and with none of those the answer is a refusal."""
    kept = [s for s in sentences if gives_count(things, " ".join(seg.text for seg in s))]
    if kept or not sentences:
        return kept
    notes.append(f"dropped: gives no figure for {' '.join(things)}")
    quoted = [s for s in sources if gives_count(things, s.text)]
    for source in quoted:
        notes.append(f"quoted the figure the draft left out: {source.text[:80]!r}")
    return [[Segment(s.text.rstrip("."), (_cite(s),))] for s in quoted]


def _counting_what_was_asked(
    question: str, sentences: list[Sentence], sources: Sequence[Source], notes: list[str]
) -> list[Sentence]:
    """For "how many were arrested?", only sentences giving a figure for that measure: a quote about
    how many died does not answer it. When none is left, the figures the sources give for it are quoted
    (an extractive answer); with none, the answer is a refusal. Other questions keep every sentence."""
    asked = asked_measures(question)
    if not asked:
        things = counted_words(question)
        return _counting_things(things, sentences, sources, notes) if things else sentences
    kept = []
    for sentence in sentences:
        text = " ".join(seg.text for seg in sentence)
        said = numbers(text)
        cited = [c.quote for seg in sentence for c in seg.citations]
        figures = {q.measure for quote in cited for q in quantities_in(quote) if q.value in said}
        if stated_measures(text) & asked or figures & asked:
            kept.append(sentence)
        else:
            notes.append(f"dropped: gives no figure for {', '.join(sorted(asked))}: {text[:80]!r}")
    if not kept and sentences:
        firsts: dict[tuple[str, str], Source] = {}
        for source in sources:
            for q in quantities(source):
                if q.measure in asked:
                    firsts.setdefault((q.measure, q.value), source)
        for source in dict.fromkeys(firsts.values()):
            notes.append(f"quoted the figure the draft left out: {source.text[:80]!r}")
            kept.append([Segment(source.text.rstrip("."), (_cite(source),))])
    return kept


def _backed(sentence: Sentence, wanted: set[str], sources: Sequence[Source], notes: list[str]) -> Sentence:
    """A sentence stating a distinctive term of the question ("deadlier") cites a sentence holding it:
    when its citations do not, the source holding it that shares most with the sentence is added."""
    text = " ".join(seg.text for seg in sentence)
    said = wanted & terms(text)
    if not said or any(said & terms(c.quote) for seg in sentence for c in seg.citations):
        return sentence
    holders = [s for s in sources if said & terms(s.text) and _is_supported(text, [s])]
    holders = holders or [s for s in sources if said & terms(s.text)]
    best = max(holders, key=lambda s: (len(overlap(text, s.text)), -s.number))
    notes.append(f"added the sentence holding {', '.join(sorted(said))}: {best.text[:60]!r}")
    *rest, last = sentence
    return [*rest, Segment(last.text, (*last.citations, _cite(best)))]


def _about_what_was_asked(
    question: str, sentences: list[Sentence], sources: Sequence[Source], notes: list[str]
) -> list[Sentence]:
    """When the question has distinctive terms (see assistant.relevance) that the answer does not say but
    its cited sentences hold, the draft talked around what was asked ("Raisi blamed Israel" for "what did
    Israel's military say?"): those sentences are quoted instead of the draft's sentences citing them."""
    wanted = distinctive(question, [s.text for s in sources])
    if not wanted or not sentences:
        return sentences
    if any(wanted & terms(seg.text) for sentence in sentences for seg in sentence):
        return [_backed(sentence, wanted, sources, notes) for sentence in sentences]
    kept: list[Sentence] = []
    quoted = False
    for sentence in sentences:
        cited = [c for seg in sentence for c in seg.citations if wanted & terms(c.quote)]
        if cited:
            quoted = True
            kept.extend([Segment(c.quote.rstrip("."), (c,))] for c in cited)
        else:
            kept.append(sentence)
    if not quoted:  # worded differently (a synonym), or about something else: the support checks decide
        return sentences
    notes.append(f"quoted the cited sentences about {', '.join(sorted(wanted))}: the draft did not say it")
    return kept


def _correct_premise(
    premise: Premise, sentences: list[Sentence], notes: list[str]
) -> list[Sentence]:
    """Drop sentences repeating words of the unstated premise that no source holds ("the single
    explosion"), then quote the sentence closest to the premise unless the answer cites one as close."""
    kept = []
    for sentence in sentences:
        text = " ".join(seg.text for seg in sentence)
        if premise.repeated_in(text):
            notes.append(f"dropped: repeats the question's unstated premise: {text[:80]!r}")
        else:
            kept.append(sentence)
    cited = {(c.article_id, c.start) for s in kept for seg in s for c in seg.citations}
    source = premise.closest
    if source is not None and not cited & premise.nearest:
        notes.append(f"no source states {premise.clause!r}: quoted the closest sentence")
        lead = "The article does not state the question's premise; it says: "
        kept.append([Segment(f"{lead}“{source.text.rstrip('.')}”", (_cite(source),))])
    return kept


def ground(
    question: str,
    draft: str,
    sources: Sequence[Source],
    articles: Mapping[str, Article],
    refusal: str,
    retrieved: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
) -> Answer:
    """The verified answer for ``draft``. ``retrieved`` holds (article id, start) of sources in top hits."""
    by_number = {s.number: s for s in sources}
    notes: list[str] = []
    sentences: list[Sentence] = []
    disagreements = [s for s in sources if disagreement_clauses(s) is not None]
    contradicted: list[Source] = []
    for claim in _bounded(parse_draft(draft), notes):
        if is_refusal(claim.text):
            continue
        contradicting = [s for s in disagreements if len(overlap(claim.text, s.text)) >= 2]
        if _AGREEMENT.search(claim.text) and contradicting:
            notes.append(f"dropped: claims agreement where a source states disagreement: {claim.text!r}")
            contradicted += contradicting  # the disagreement is the answer: its accounts are added below
            continue
        unknown = [n for n in claim.sources if n not in by_number]
        if unknown:
            notes.append(f"ignored unknown source numbers {unknown}")
        cited = [by_number[n] for n in claim.sources if n in by_number]
        if not claim.text:  # the model gave only markers: quote the sentences it chose
            sentences.extend([Segment(s.text.rstrip("."), (_cite(s),))] for s in cited)
            continue
        if cited and _is_supported(claim.text, cited):
            sentences.append([Segment(claim.text.rstrip("."), tuple(_cite(s) for s in cited))])
        elif repaired := _repair(claim.text, cited, sources, notes):
            sentences.append(repaired)
    sentences = _counting_what_was_asked(question, sentences, sources, notes)
    sentences = _about_what_was_asked(question, sentences, sources, notes)
    premise = check_premise(question, sources, retrieved)
    if premise is not None:
        sentences = _correct_premise(premise, sentences, notes)
    conflicts: list[Conflict] = []
    if sentences or contradicted:
        values, value_extra = _value_conflicts(question, sentences, sources, articles)
        accounts, account_extra = _account_conflicts(
            question, sentences, sources, retrieved, articles, contradicted
        )
        conflicts = values + accounts
        sentences += value_extra + account_extra
    sentences = _verified(sentences, articles, notes)
    if not sentences:
        return Answer(text=refusal, abstained=True, notes=tuple(notes))
    text, citations = _render(sentences)
    return Answer(text=text, abstained=False, citations=citations, conflicts=tuple(conflicts), notes=tuple(notes))


MAX_CLAIMS = 8
MAX_CLAIM_CHARS = 600


def _looping(text: str) -> bool:
    """A sentence that is mostly one phrase over and over: output of a model stuck in a loop."""
    words = text.lower().split()
    return len(words) >= 12 and len(set(words)) < 0.3 * len(words)


def _bounded(claims: list[Claim], notes: list[str]) -> list[Claim]:
    """At most MAX_CLAIMS distinct claims of sane length: malformed output stays within bounds."""
    out: list[Claim] = []
    seen: set[str] = set()
    for claim in claims:
        if len(claim.text) > MAX_CLAIM_CHARS or _looping(claim.text):
            notes.append(f"dropped runaway output: {claim.text[:80]!r}…")
            continue
        if claim.text and claim.text in seen:
            continue
        seen.add(claim.text)
        out.append(claim)
    if len(out) > MAX_CLAIMS:
        notes.append(f"kept the first {MAX_CLAIMS} of {len(out)} sentences")
    return out[:MAX_CLAIMS]


def _verified(sentences: list[Sentence], articles: Mapping[str, Article], notes: list[str]) -> list[Sentence]:
    """Keep only citations whose quote is exactly the article text at their offsets."""
    out = []
    for sentence in sentences:
        segments = []
        for seg in sentence:
            good = []
            for c in seg.citations:
                article = articles.get(c.article_id)
                if article is not None and article.text[c.start : c.end] == c.quote and c.quote:
                    good.append(c)
                else:
                    notes.append(f"citation failed verification: {c.article_id}[{c.start}:{c.end}]")
            segments.append(Segment(seg.text, tuple(good)))
        if any(seg.citations for seg in segments):
            out.append(segments)
    return out


def _render(sentences: list[Sentence]) -> tuple[str, tuple[Citation, ...]]:
    """Text with markers numbered by first use, and the citations in that order."""
    order: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    parts = []
    for sentence in sentences:
        out = ""
        for seg in sentence:
            marks = ""
            for c in seg.citations:
                key = (c.article_id, c.start, c.end)
                if key not in order:
                    order[key] = len(citations) + 1
                    citations.append(c)
                marks += f"[{order[key]}]"
            text = seg.text.rstrip(" .") if seg is sentence[-1] else seg.text
            out += text + (f" {marks}" if marks else "")
        parts.append(out + ".")
    return " ".join(parts), tuple(citations)
