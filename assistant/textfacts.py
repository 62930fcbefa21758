"""Facts a sentence states, as comparable tokens: numbers and names. Pure functions over index.text."""

from __future__ import annotations

import re
from itertools import combinations
from math import isclose

from index import text
from index.text import (
    STOPWORDS,
    WORD,
    acronyms,
    fold,
    name_key,
    name_phrases,
    names,
    numbers,
    phrase_held,
    same_name,
    spelled_out,
    words,
)

__all__ = [
    "STOPWORDS", "WORD", "numbers", "names", "content_words", "overlap", "facts", "derived", "supported",
    "strip_worked", "held", "abbreviated", "figures_matched", "split_names", "levels_as_changes",
]

# A number that is not in the evidence may still be computed from it, when the claim says it computed:
# a total of two figures, or the years between two dates.
_ARITHMETIC = re.compile(
    r"\b(total(?:l?ing)?|combined|altogether|in all|together|sum|overall|difference|apart|years?|ago|later)\b",
    re.IGNORECASE,
)
# A claim that says it measured a change or a gap between two figures: "fell by 34,000" (from 95,000 to
# 61,000), "a margin of 12". Only these make a difference of two figures that are not years a fact.
_CHANGED = (
    r"(?:fell|fallen|dropped|declined|decreased|shrank|shrunk|rose|risen|grew|grown|increased|climbed|gained|cut|"
    r"reduced|lower|higher)"
)
_COMPARES = re.compile(
    rf"\b(?:{_CHANGED} by|(?:difference|gap|margin|increase|decrease|drop|fall|rise) of)\b", re.IGNORECASE
)

# A change's size and the level it reached: "profits fell by £1.1 million" is not stated by "profits fell to
# £1.1 million, from £2.3 million", whose figures are where they went to and came from ("by up to 10%" is a size).
_FIGURE = r"(?:about|around|nearly|almost|some|just|over|under|more than|less than|up to)?\s*[£$€¥]?\d[\d,.]*"
_CHANGE_BY = re.compile(rf"\b(?:{_CHANGED}|up|down) by\s+" + _FIGURE, re.IGNORECASE)
_LEVEL = re.compile(r"(?<!\bup )\b(?:to|from)\s+" + _FIGURE, re.IGNORECASE)

# "First" also means earliest: "the earliest known reference" states "the first known reference", and "was
# initially built" "was first built" (the same word follows); "its initial offering" does not state "its first profit".
_FIRST = re.compile(r"\bfirst\b", re.IGNORECASE)
_FIRST_OF = re.compile(r"\bfirst\s+(\w+)", re.IGNORECASE)
_EARLIEST_OF = re.compile(r"\b(?:earliest|initial|initially|originally)\s+(\w+)", re.IGNORECASE)


def _says_first(claim: str, evidence: str) -> bool:
    """Whether the evidence says the claim's "first X" as "the earliest X" or "initially X"."""
    said = {fold(w) for w in _EARLIEST_OF.findall(evidence)}
    return any(fold(w) in said for w in _FIRST_OF.findall(claim))


def figures_matched(pattern: re.Pattern[str], text: str) -> set[str]:
    """The numbers stated by the group ``n`` of each match of ``pattern`` ("24 hours" -> {"24"})."""
    return set().union(set(), *(numbers(m.group("n")) for m in pattern.finditer(text)))


def facts(text: str) -> set[str]:
    """Numbers and names: what a cited span must contain for a sentence to count as supported."""
    return numbers(text) | names(text)


def content_words(value: str) -> set[str]:
    """Stems of the content words of four or more letters: what claims and sources are compared on."""
    return text.content_words(value, 4)


def held(words: set[str], evidence: set[str]) -> set[str]:
    """The stems among ``words`` that ``evidence`` holds, or holds a stem of the same family of ("injur" from
    "injured" and "injuri" from "injuries": Snowball splits some families)."""
    return {w for w in words if w in evidence or any(text.related_stems(w, e) for e in evidence)}


def overlap(a: str, b: str) -> set[str]:
    """Content stems of ``a`` that ``b`` shares (see ``held``)."""
    return held(content_words(a), content_words(b))


def derived(number: str, evidence_numbers: set[str], differences: bool = False) -> bool:
    """Whether ``number`` is the sum of two evidence numbers, or the difference of two years in it
    ("45 years" from 1979 and 2024), or with ``differences`` of any two ("fell by 34,000"): arithmetic across
    sentences, not a number from nowhere."""
    try:
        target = float(number)
        values = sorted({float(n) for n in evidence_numbers if "-" not in n})
    except ValueError:
        return False
    years = [v for v in values if 1000 <= v <= 2100]
    if any(isclose(b - a, target) for a, b in combinations(values if differences else years, 2)):
        return True
    return any(isclose(a + b, target) for a, b in combinations(values, 2))  # 2.3 - 1.1 is 1.2, in decimals


# Arithmetic written out in the claim: "284 - 84 = 200".
_EQUATION = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*([-−–+×*/])\s*(\d[\d,]*(?:\.\d+)?)\s*=\s*(\d[\d,]*(?:\.\d+)?)(?![\w])"
)
_OPERATIONS = {
    "-": lambda a, b: a - b, "−": lambda a, b: a - b, "–": lambda a, b: a - b, "+": lambda a, b: a + b,
    "×": lambda a, b: a * b, "*": lambda a, b: a * b, "/": lambda a, b: a / b if b else float("nan"),
}


def strip_worked(claim: str, have_numbers: set[str]) -> str:
    """The claim without the equations it writes out whose operands the evidence states and whose result
    is right ("284 - 84 = 200" over a sentence stating 284 and 84): their result is computed, not invented.
    A wrong result, or an operand from nowhere, stays in the claim to be checked like any number."""

    def check(m: re.Match[str]) -> str:
        a, op, b, result = (m.group(i).replace(",", "") for i in (1, 2, 3, 4))
        if a in have_numbers and b in have_numbers and abs(_OPERATIONS[op](float(a), float(b)) - float(result)) < 1e-9:
            return " "
        return m.group(0)

    return _EQUATION.sub(check, claim)


def supported(claim: str, evidence: str) -> tuple[bool, set[str]]:
    """Whether every fact of ``claim`` is in ``evidence``; also returns the missing facts.

    A number the evidence does not state passes only as arithmetic the claim says it did ("in total"), or
    as the right result of an equation it writes out on the evidence's numbers ("284 - 84 = 200").
    A name passes when the evidence has the same word, or it with a people/adjective ending.
    """
    have_numbers = numbers(evidence)
    claim = strip_worked(claim, have_numbers)
    compares = bool(_COMPARES.search(claim))
    computes = compares or bool(_ARITHMETIC.search(claim))
    missing = {
        n for n in numbers(claim) if n not in have_numbers and not (computes and derived(n, have_numbers, compares))
    }
    if "1" in missing and _says_first(claim, evidence) and "1" not in numbers(_FIRST.sub(" ", claim)):
        missing.discard("1")  # "the first known reference" for "the earliest known reference"
    have_words = {name_key(w) for w in words(evidence)}
    missing |= levels_as_changes(claim, evidence)
    missing |= {n for n in names(claim) if not any(same_name(n, w) for w in have_words)}
    missing |= split_names(claim, evidence, have_words)
    if missing and not missing & numbers(claim):
        missing -= abbreviated(claim, evidence)
    return not missing, missing


def levels_as_changes(claim: str, evidence: str) -> set[str]:
    """The figures the claim gives as the size of a change ("fell by 1.1") that the evidence gives only as
    where a change went to or came from ("fell to 1.1, from 2.3")."""
    sizes = {n for m in _CHANGE_BY.finditer(claim) for n in numbers(m.group())}
    if not sizes:
        return set()
    return (sizes & numbers(evidence)) - numbers(_LEVEL.sub(" ", evidence))


def split_names(claim: str, evidence: str, have_words: set[str]) -> set[str]:
    """The claim's names of several words whose words the evidence has, but not together ("German Ghetto"
    over "German troops" and "the Warsaw Ghetto"). A sentence's first word may be capitalised by grammar
    alone, so a run it opens is judged without it."""
    split = set()
    for phrase, opens in name_phrases(claim):
        if opens:
            phrase = phrase[1:]
        if len(phrase) < 2 or not all(any(same_name(n, w) for w in have_words) for n in phrase):
            continue  # a missing word is reported on its own
        if not phrase_held(phrase, evidence):
            split.add(" ".join(phrase))
    return split


def abbreviated(claim: str, evidence: str) -> set[str]:
    """The claim's names the evidence states in the other form: an acronym it spells out ("WWII" for "World
    War II"), or a name spelled out where it has the acronym ("the United Nations" for "the UN")."""
    written_short = {fold(w) for w in words(claim) if len(w) >= 2 and w.isupper()}
    evidence_short = {fold(w) for w in words(evidence) if len(w) >= 2 and w.isupper()}
    return (written_short & acronyms(evidence)) | (spelled_out(claim, evidence_short) if evidence_short else set())
