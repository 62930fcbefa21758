"""Facts a sentence states, as comparable tokens: numbers and names. Pure functions."""

from __future__ import annotations

import re
from itertools import combinations

__all__ = ["STOPWORDS", "WORD", "numbers", "names", "content_words", "overlap", "facts", "derived", "supported"]

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}
# Capitalised words that are not names (sentence openers, titles, function words).
_COMMON = frozenset(
    """a an and are as at be but by can could did do does during for from had has have he her his how
    however i if in into is it its may might more most no not of on or our she so some than that the their
    them then there these they this those to under was we were what when where which while who why will
    with would yes you according also although after before both each either even first however instead
    many meanwhile neither other over since still such through thus until yet president minister officials
    official article source sources amid earlier later today yesterday monday tuesday wednesday thursday
    friday saturday sunday""".split()
)
_STOP = _COMMON | frozenset("people said says say about just only any all very much".split())
STOPWORDS = _STOP
WORD = _WORD


def numbers(text: str) -> set[str]:
    """Numbers in digits or small number words, normalised ("1,000" -> "1000", "two" -> "2")."""
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[w.lower()] for w in _WORD.findall(text) if w.lower() in _NUMBER_WORDS}
    return found


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s").strip("'-")
    return word[:5]


def names(text: str) -> set[str]:
    """Capitalised words that look like names, stemmed ("Israel's" and "Israeli" -> "israe")."""
    out = set()
    for word in _WORD.findall(text):
        if word[0].isupper() and word.lower().removesuffix("'s") not in _COMMON:
            out.add(_stem(word))
    return out


def facts(text: str) -> set[str]:
    """Numbers and names: what a cited span must contain for a sentence to count as supported."""
    return numbers(text) | names(text)


def content_words(text: str) -> set[str]:
    """Stemmed words of four or more letters, without stopwords."""
    return {_stem(w) for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _STOP}


def overlap(a: str, b: str) -> set[str]:
    return content_words(a) & content_words(b)


def derived(number: str, evidence_numbers: set[str]) -> bool:
    """Whether ``number`` is the sum of two evidence numbers, or the difference of two years in it
    ("45 years" from 1979 and 2024): arithmetic across sentences, not a number from nowhere."""
    try:
        target = float(number)
        values = sorted({float(n) for n in evidence_numbers})
    except ValueError:
        return False
    years = [v for v in values if 1000 <= v <= 2100]
    if any(b - a == target for a, b in combinations(years, 2)):
        return True
    return any(a + b == target for a, b in combinations(values, 2))


def supported(claim: str, evidence: str) -> tuple[bool, set[str]]:
    """Whether every fact of ``claim`` is in ``evidence``; also returns the missing facts."""
    have_numbers = numbers(evidence)
    have_words = {_stem(w) for w in _WORD.findall(evidence)}
    missing = {n for n in numbers(claim) if n not in have_numbers and not derived(n, have_numbers)}
    missing |= {n for n in names(claim) if n not in have_words}
    return not missing, missing
