"""Whether cited sentences are about what a question asks: the check on answers the model was pushed to.

A sentence is anchored to a question when it holds a content word of the question that no other
sentence of the article holds: the distinctive term a reader would search for. Answers drawn from
sentences that only share common words with the question (the article's topic) are not trusted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.textfacts import content_words, names

__all__ = ["anchors", "anchored"]


def anchors(question: str, sentences: Sequence[str]) -> set[str]:
    """Question terms (content words and names) that occur in exactly one of ``sentences``."""
    terms = content_words(question) | names(question)
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(terms & (content_words(sentence) | names(sentence)))
    return {t for t in terms if counts[t] == 1}


def anchored(question: str, cited: Iterable[str], sentences: Sequence[str]) -> bool:
    """True when some cited sentence holds a term of the question found in no other sentence."""
    unique = anchors(question, sentences)
    return any(unique & (content_words(c) | names(c)) for c in cited)
