"""Whether an answer is about what a question asks, judged by the question's distinctive terms.

A distinctive term is a content word or name of the question that only a few sentences of the article
hold (at most ``RARE``): the term a reader would search for ("airstrike", "Quds Force", "military"),
unlike the article's topic words, which most sentences share. Grounding uses them to quote the sentence
the draft talked around and to cite the sentence holding a term the draft states; an answer from the
focused second pass is kept only when it cites a sentence holding one (it is ``anchored``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.textfacts import STOPWORDS, WORD, names
from index.measures import expand_query
from index.text import stem

__all__ = ["RARE", "anchored", "distinctive", "terms"]

RARE = 2  # a question term held by at most this many sentences is distinctive
# Verbs too general to say what a question is about ("take place", "carry out", "make a claim").
_GENERAL = frozenset(
    """take takes taking took taken make makes making made give gives giving gave given come comes came
    happen happens happened carry carries carried place places goes went gone keep kept hold held know
    known tell told show shows showed shown call called become became want wanted
    """.split()
)
def _degree(word_stem: str) -> str:
    """A superlative's stem as its comparative's, which Snowball leaves apart: "deadliest" -> "deadlier"."""
    return word_stem[:-4] + "ier" if word_stem.endswith("iest") and len(word_stem) >= 7 else word_stem


def terms(text: str) -> set[str]:
    """Stemmed content words and names of a text ("deadliest" and "deadlier" one term)."""
    words = {
        _degree(stem(w)) for w in WORD.findall(text) if len(w) >= 4 and w.lower() not in STOPWORDS | _GENERAL
    }
    return words | names(text)


# The question pointing at the text itself ("in the report", "according to the article"): not what it asks about.
_THE_TEXT = re.compile(
    r"\b(?:in|from|by|of|according to)\s+(?:the|this)\s+(?:article|text|report|story|piece|passage|document)s?\b",
    re.IGNORECASE,
)


def _asked(question: str) -> set[str]:
    """The terms of a question, with the words of a measure it asks to count, without its pointers to the text."""
    return terms(expand_query(_THE_TEXT.sub(" ", question)))


def distinctive(question: str, sentences: Sequence[str], rare: int = RARE) -> set[str]:
    """Terms of the question (with the words of a measure it asks to count) held by 1 to ``rare`` sentences."""
    asked = _asked(question)
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(asked & terms(sentence))
    return {t for t in asked if 0 < counts[t] <= rare}


def anchored(question: str, cited: Iterable[str], sentences: Sequence[str]) -> bool:
    """True when some cited sentence holds a distinctive term of the question; for a question whose every
    term the article holds is held by many sentences ("By what other name is ISIS referred to?"), one of
    its terms held by the fewest."""
    wanted = distinctive(question, sentences)
    if not wanted:
        asked = _asked(question)
        counts = Counter(t for sentence in sentences for t in asked & terms(sentence))
        wanted = {t for t, n in counts.items() if n == min(counts.values())} if counts else set()
    return any(wanted & terms(c) for c in cited)
