"""Whether cited sentences are about what a question asks: the check on answers the model was pushed to.

A sentence is anchored to a question when it holds a content word of the question that no other
sentence of the article holds: the distinctive term a reader would search for. Answers drawn from
sentences that only share common words with the question (the article's topic) are not trusted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.textfacts import STOPWORDS, WORD, names

_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "ies", "ied", "ity", "ed", "es", "er", "ly", "s")


def stem(word: str) -> str:
    """A stem precise enough to tell "responded" from "responsibility" yet join "bombs" and "bombers"."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:7]


def terms(text: str) -> set[str]:
    """Stemmed content words and names of a text."""
    words = {stem(w) for w in WORD.findall(text) if len(w) >= 4 and w.lower() not in STOPWORDS}
    return words | names(text)

__all__ = ["anchors", "anchored", "stem", "terms"]


def anchors(question: str, sentences: Sequence[str]) -> set[str]:
    """Question terms (content words and names) that occur in exactly one of ``sentences``."""
    asked = terms(question)
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(asked & terms(sentence))
    return {t for t in asked if counts[t] == 1}


def anchored(question: str, cited: Iterable[str], sentences: Sequence[str]) -> bool:
    """True when some cited sentence holds a term of the question found in no other sentence."""
    unique = anchors(question, sentences)
    return any(unique & terms(c) for c in cited)
