"""False premises: a why-question presupposes its clause ("Why did Israel claim responsibility?" takes it
as given that Israel claimed it). When no source sentence states that clause, the answer must not
repeat it, and it quotes the sentence closest to the clause: what the article says instead. A clause
whose words every stating sentence negates ("Why did the firm appeal?" where the firm "would not
appeal", "has no plans to step down") is contradicted: the answer quotes the negating sentence.

Pure functions over the numbered sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.sources import Source
from assistant.textfacts import STOPWORDS, WORD, content_words, names, supported
from index import split_sentences
from index.text import MONTHS, NEGATION, POLARITY, lower_initials, numbers, related_stems, stem

__all__ = ["Premise", "presupposition", "check_premise", "unstated_numbers", "negated_premise", "unjoined_names"]

_WHY = re.compile(
    r"^\s*why\s+(?:did|does|do|was|were|is|are|has|have|had|would|will)\s+(?P<clause>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
MIN_STATED = 0.5  # share of the clause's content words a sentence must hold to state it
NEGATION_REACH = 4  # a negation applies to the clause when one of the next words is a word of the clause
_WH = frozenset("why how when what where whether if who which".split())


@dataclass(frozen=True)
class Premise:
    """A presupposition no source states: its words found in no source, and the closest sentence."""

    clause: str
    absent: frozenset[str]  # words of the clause that no source holds in any form
    closest: Source | None
    nearest: frozenset[tuple[str, int]] = frozenset()  # (article id, start) of every source as close
    negated: bool = False  # the sentences holding most of the clause negate it, none states it plainly

    def repeated_in(self, text: str) -> bool:
        """Whether a text uses one of the absent words, in any form (the same stem), or states a negated
        clause without negating it."""
        if self.negated and _states(self.clause, text) and not negates(self.clause, text):
            return True
        said = {stem(w) for w in WORD.findall(text)}
        return any(related_stems(stem(w), s) for w in self.absent for s in said)


def presupposition(question: str) -> str | None:
    """The clause a why-question takes as given, or None for other questions."""
    match = _WHY.match(question)
    return match.group("clause") if match else None


def _states(clause: str, sentence: str) -> bool:
    ok, _ = supported(clause, sentence)  # its names and numbers
    words = content_words(clause)
    return ok and len(words & content_words(sentence)) >= MIN_STATED * len(words)


def negated_words(clause: str, sentence: str) -> set[str]:
    """The clause's stems that the sentence negates ("would not appeal", "no plans to step down"), none
    when the clause has a negation itself; a negating word of the clause ("declined to comment" for "Why
    did he decline to comment?") negates nothing, nor does one before a wh-word ("did not say why she
    closed it" negates the saying)."""
    if NEGATION.search(clause):
        return set()
    words = content_words(clause)
    negated: set[str] = set()
    for match in NEGATION.finditer(sentence):
        if any(related_stems(stem(w), c) for w in WORD.findall(match.group()) for c in words):
            continue
        for w in WORD.findall(sentence[match.end() :])[:NEGATION_REACH]:
            if w.lower() in _WH:
                break
            negated |= {c for c in words if related_stems(stem(w), c)}
    return negated


def negates(clause: str, sentence: str) -> bool:
    """Whether the sentence negates a word of the clause (see ``negated_words``)."""
    return bool(negated_words(clause, sentence))


def _contradicted(clause: str, sources: Sequence[Source]) -> Source | None:
    """A sentence holding most of the clause's words and negating some ("she had no plans to step down" for
    "Why is Noémie Laurent stepping down?"), when no other sentence holding most of them holds a negated
    word without a negation (the premise then holds somewhere: "The club sold the stadium in 2023")."""
    words = content_words(clause)
    held = {s.number: content_words(s.text) for s in sources}
    near = [s for s in sources if len(words & held[s.number]) >= MIN_STATED * len(words)]
    negated = {s.number: negated_words(clause, s.text) for s in near}
    plainly = {w for s in near for w in held[s.number] - negated[s.number]}  # held without a negation
    for source in near:
        if negated[source.number] and not any(related_stems(w, h) for h in plainly for w in negated[source.number]):
            return source
    return None


def check_premise(
    question: str, sources: Sequence[Source], retrieved: set[tuple[str, int]] = frozenset()  # type: ignore[assignment]
) -> Premise | None:
    """The unstated premise of a why-question, or None when the question has none or a source states it."""
    clause = presupposition(question)
    if clause is None or not sources:
        return None
    held = set().union(*(content_words(s.text) for s in sources))
    absent = frozenset(
        w.lower() for w in WORD.findall(clause)
        if w[0].islower() and w.lower() not in STOPWORDS and len(w) >= 4
        and not any(related_stems(stem(w), h) for h in held)
    )
    if not absent:
        contradicting = _contradicted(clause, sources)
        if contradicting is not None:
            key = frozenset({(contradicting.article_id, contradicting.start)})
            return Premise(clause, absent, contradicting, key, negated=True)
        if any(_states(clause, s.text) for s in sources):
            return None
    plain = {stem(w) for w in WORD.findall(clause) if w[0].islower()} & content_words(clause)
    named = names(clause)

    def closeness(s: Source) -> tuple[int, bool, int]:
        held = content_words(s.text)
        shared = sum(any(related_stems(p, h) for h in held) for p in plain) + len(named & names(s.text))
        return shared, (s.article_id, s.start) in retrieved, -s.number

    scored = [(closeness(s), s) for s in sources]
    most = max(key[0] for key, _ in scored)
    if not most:
        return Premise(clause, absent, None)
    # a sentence negating the clause ("would not appeal") answers it, when it is nearly as close as any
    ranked = [((most - key[0] <= 1 and negates(clause, s.text), *key), s) for key, s in scored]
    top, best = max(ranked, key=lambda x: x[0])
    nearest = frozenset((s.article_id, s.start) for key, s in ranked if key[:2] == top[:2])
    return Premise(clause, absent, best, nearest)


# A number the question states is a premise too ("What was the Six Years War?", "Who scored in the 90th
# minute?"): when no article states it, no sentence answers about it. Not a number the question compares with
# ("Were more than 50 people hurt?"), nor one counting what it asks for ("What are three kinds of …?", "Name
# two …"): an answer need not state those. Nor one: "one" and "first" are as often a pronoun or an adverb as
# a count ("Which one …?", "the first name").
_NUMBER_TOKEN = re.compile(  # a figure or a word; digits inside a code ("X.25", "10BASE5", "base64") are none
    r"(?<![\w.])\d[\d,.]*(?:[-–]\d+)?(?:[^\W\d_]{1,3})?(?![\w]|\.\w)|\b[^\W\d_]+(?:-[^\W\d_]+)*\b"
)
_COMPARED = re.compile(
    r"\b(?:than|over|under|above|below|beyond|least|most|up to|nearly|almost|about|around|roughly|approximately"
    r"|exceed(?:s|ed|ing)?)\s*$",
    re.IGNORECASE,
)
_COUNTS_ASKED = re.compile(
    r"^\W*(?:what|which|who|name|list|give|identify|mention)\b(?:\s+(?:are|were|is|was|the|me|of))*\s*$",
    re.IGNORECASE,
)


_NEXT_WORD = re.compile(r"^\s+([^\W\d_][\w'’]*)")
_LAST_WORD = re.compile(r"\S\s+([^\W\d_][\w'’]*)\s+$")  # not the question's first word ("In 1990, …")
_WORD_TOKEN = re.compile(r"[^\W_][\w'’.,-]*")


def _name_word(question: str, match: re.Match[str]) -> str | None:
    """The capitalised word a number is written with as part of a name: "Years" of "the Six Years War",
    "Article" of "Article 20", "November" of "November 28"; None for a number on its own."""
    token = match.group()
    if token[0].isupper() and (after := _NEXT_WORD.match(question[match.end():])) and after.group(1)[0].isupper():
        return after.group(1)
    before = _LAST_WORD.search(question[: match.start()])
    if token[0].isdigit() and before and before.group(1)[0].isupper():
        return before.group(1)
    return None


def _premised_numbers(question: str) -> list[tuple[str, set[str], str | None]]:
    """The numbers a question takes as given: (as written, values, the name word it is written with),
    besides compared, counted and one."""
    found = []
    for match in _NUMBER_TOKEN.finditer(question):
        values = numbers(match.group()) - {"1"}
        if not values:
            continue
        before, token = question[: match.start()], match.group().rstrip(",.")
        counted = _COUNTS_ASKED.match(before) and not token[0].isupper()  # "the Nine Years War" is a name
        if not (_COMPARED.search(before) or counted):
            found.append((token, values, _name_word(question, match)))
    return found


def _stated_with(values: set[str], word: str, text: str) -> bool:
    """Whether the text writes one of the values next to the capitalised ``word`` ("Seven Years' War" states
    7 with "Years", not 6: a sentence saying "for six years" elsewhere does not state "the Six Years War"). A
    month may have its day between it and the year: "January 3, 2024" states "January 2024"."""
    tokens = [t.rstrip(".,") for t in _WORD_TOKEN.findall(text)]
    wanted = stem(word)
    after = 2 if word.lower() in MONTHS else 1
    return any(
        token[:1].isupper() and stem(token) == wanted
        and any(numbers(t) & values for t in (*tokens[max(i - 1, 0) : i], *tokens[i + 1 : i + 1 + after]))
        for i, token in enumerate(tokens)
    )


def unstated_numbers(question: str, texts: Iterable[str]) -> list[str]:
    """The numbers the question takes as given (as written) that none of the texts states; a number written as
    part of a name must be stated with that name's word."""
    premised = _premised_numbers(question)
    if not premised:
        return []
    texts = list(texts)
    stated = set().union(*(numbers(t) for t in texts))
    return [
        token for token, values, name in premised
        if not values & stated or name is not None and not any(_stated_with(values, name, t) for t in texts)
    ]


# A question asking what is not, or seldom, so ("Which barrier does not protect …?", "Where are neutrophils
# rarely found?") takes that as given too: a sentence saying what is so does not answer it. Not "no" before a
# comparative ("Since when has there been no deadlier attack?" asks for a superlative: "the deadliest since").
_NO_COMPARED = re.compile(r"\bno\s+(?:more|less|fewer|[^\W\d_]+er)\b", re.IGNORECASE)
# "non-combustion", "non-profit": a prefix making a word of its own, not a negation of what is asked.
_NON_PREFIX = re.compile(r"\bnon-(?=\w)", re.IGNORECASE)


def negated_premise(question: str) -> str | None:
    """The word by which the question asks what is not (or seldom) so, or None."""
    match = POLARITY.search(_NON_PREFIX.sub(" ", _NO_COMPARED.sub(" ", question)))
    return match.group().strip() if match else None


# A name the question writes in several words ("South America", "the New Briton") is a premise too: when each of
# its words is in the articles but no sentence holds them together, the question has joined words of other
# names ("South Carolina", "North America") into one the articles never use. A question written in title case
# has no names to read this way.
_TITLE_CASE = 0.6  # share of capitalised words above which a question is in title case


def _name_runs(question: str) -> list[list[str]]:
    """Runs of two or more capitalised words in the question, its first word aside."""
    runs: list[list[str]] = [[]]
    tokens = WORD.findall(lower_initials(question))
    if sum(t[0].isupper() for t in tokens) > _TITLE_CASE * len(tokens):
        return []
    for token in tokens:
        if token[0].isupper():
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]


def unjoined_names(question: str, texts: Iterable[str]) -> list[str]:
    """The question's several-word names whose words the texts hold, but no sentence of them together."""
    runs = _name_runs(question)
    if not runs:
        return []
    texts = list(texts)
    sentences = [{stem(w) for w in WORD.findall(t[a:b])} for t in texts for a, b in split_sentences(t)]
    held = set().union(set(), *sentences)
    unjoined = []
    for run in runs:
        keys = {stem(w) for w in run}
        one_word = stem("".join(run))  # "Apple Talk" for "AppleTalk" is the name, misspelt
        if keys <= held and one_word not in held and not any(keys <= sentence for sentence in sentences):
            unjoined.append(" ".join(run))
    return unjoined
