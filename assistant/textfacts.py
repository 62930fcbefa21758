"""Facts a sentence states, as comparable tokens: numbers and names. Pure functions over index.text."""

from __future__ import annotations

import re
from itertools import combinations

from index import text
from index.text import STOPWORDS, WORD, fold, names, numbers, same_name, words

__all__ = [
    "STOPWORDS", "WORD", "numbers", "names", "content_words", "overlap", "facts", "derived", "supported",
]

# A number that is not in the evidence may still be computed from it, when the claim says it computed:
# a total of two figures, or the years between two dates.
_ARITHMETIC = re.compile(
    r"\b(total(?:l?ing)?|combined|altogether|in all|together|sum|overall|difference|apart|years?|ago|later)\b",
    re.IGNORECASE,
)


def facts(text: str) -> set[str]:
    """Numbers and names: what a cited span must contain for a sentence to count as supported."""
    return numbers(text) | names(text)


def content_words(value: str) -> set[str]:
    """Stems of the content words of four or more letters: what claims and sources are compared on."""
    return text.content_words(value, 4)


def overlap(a: str, b: str) -> set[str]:
    """Content stems the two texts share."""
    return content_words(a) & content_words(b)


def derived(number: str, evidence_numbers: set[str]) -> bool:
    """Whether ``number`` is the sum of two evidence numbers, or the difference of two years in it
    ("45 years" from 1979 and 2024): arithmetic across sentences, not a number from nowhere."""
    try:
        target = float(number)
        values = sorted({float(n) for n in evidence_numbers if "-" not in n})
    except ValueError:
        return False
    years = [v for v in values if 1000 <= v <= 2100]
    if any(b - a == target for a, b in combinations(years, 2)):
        return True
    return any(a + b == target for a, b in combinations(values, 2))


def supported(claim: str, evidence: str) -> tuple[bool, set[str]]:
    """Whether every fact of ``claim`` is in ``evidence``; also returns the missing facts.

    A number the evidence does not state passes only as arithmetic the claim says it did ("in total").
    A name passes when the evidence has the same word, or it with a people/adjective ending.
    """
    have_numbers = numbers(evidence)
    computes = bool(_ARITHMETIC.search(claim))
    missing = {
        n for n in numbers(claim) if n not in have_numbers and not (computes and derived(n, have_numbers))
    }
    have_words = {fold(w).removesuffix("'s").strip("'-") for w in words(evidence)}
    missing |= {n for n in names(claim) if not any(same_name(n, w) for w in have_words)}
    return not missing, missing
