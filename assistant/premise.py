"""False premises: a why-question presupposes its clause ("Why did Israel claim responsibility?" takes it
as given that Israel claimed it). When no source sentence states that clause, the answer must not
repeat it, and it quotes the sentence closest to the clause: what the article says instead.

Pure functions over the numbered sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.sources import Source
from assistant.textfacts import STOPWORDS, WORD, content_words, names, supported
from index.text import related_stems, stem

__all__ = ["Premise", "presupposition", "check_premise"]

_WHY = re.compile(
    r"^\s*why\s+(?:did|does|do|was|were|is|are|has|have|had|would|will)\s+(?P<clause>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
MIN_STATED = 0.5  # share of the clause's content words a sentence must hold to state it


@dataclass(frozen=True)
class Premise:
    """A presupposition no source states: its words found in no source, and the closest sentence."""

    clause: str
    absent: frozenset[str]  # words of the clause that no source holds in any form
    closest: Source | None
    nearest: frozenset[tuple[str, int]] = frozenset()  # (article id, start) of every source as close

    def repeated_in(self, text: str) -> bool:
        """Whether a text uses one of the absent words, in any form (the same stem)."""
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
    if not absent and any(_states(clause, s.text) for s in sources):
        return None
    plain = {stem(w) for w in WORD.findall(clause) if w[0].islower()} & content_words(clause)
    named = names(clause)

    def closeness(s: Source) -> tuple[int, bool, int]:
        held = content_words(s.text)
        shared = sum(any(related_stems(p, h) for h in held) for p in plain) + len(named & names(s.text))
        return shared, (s.article_id, s.start) in retrieved, -s.number

    scored = [(closeness(s), s) for s in sources]
    (top, *_), best = max(scored, key=lambda x: x[0])
    if not top:
        return Premise(clause, absent, None)
    nearest = frozenset((s.article_id, s.start) for key, s in scored if key[0] == top)
    return Premise(clause, absent, best, nearest)
