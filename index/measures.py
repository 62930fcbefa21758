"""Counted measures in news (deaths, injuries, …): the words that name them, and questions that ask for them.

Shared by retrieval (a question asking "the death toll" should find "killed 103 people") and by conflict
detection in the answers (figures for one measure that disagree).
"""

from __future__ import annotations

import re

__all__ = ["MEASURES", "measure_of", "measures_in", "asked_measures", "expand_query"]

MEASURES: dict[str, frozenset[str]] = {
    "deaths": frozenset(
        "killed kill killing dead death deaths died die dying fatalities fatality lives toll slain".split()
    ),
    "injuries": frozenset("injured injuries injury wounded wounds hurt".split()),
    "arrests": frozenset("arrested arrests detained detentions".split()),
    "missing": frozenset("missing".split()),
    "displaced": frozenset("displaced evacuated homeless".split()),
}
_COUNT_CUE = re.compile(r"\bhow many\b|\bnumber of\b|\btoll\b|\bfigures?\b|\bcasualt|\bcount\b", re.I)


def measure_of(word: str) -> str | None:
    """The measure a word names ("fatalities" -> "deaths"), or None."""
    word = word.lower()
    for name, words in MEASURES.items():
        if word in words:
            return name
    return None


def measures_in(text: str) -> set[str]:
    """Measures whose words occur in a text ("died" -> deaths)."""
    return {m for w in re.findall(r"[A-Za-z]+", text) if (m := measure_of(w))}


def asked_measures(question: str) -> set[str]:
    """Measures a question asks to count ("How many died?", "the death toll"); none for "When was X killed?"."""
    return measures_in(question) if _COUNT_CUE.search(question) else set()


def expand_query(query: str) -> str:
    """The query plus the words of each measure it asks to count, so all phrasings of a figure match."""
    extra = [w for m in sorted(asked_measures(query)) for w in sorted(MEASURES[m]) if w not in query.lower()]
    return " ".join([query, *extra])
