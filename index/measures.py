"""Counted measures in news (deaths, injuries, …): the words that name them, and questions that ask for them.

Shared by retrieval (a question asking "the death toll" should find "killed 103 people") and by conflict
detection in the answers (figures for one measure that disagree).
"""

from __future__ import annotations

import re

from index.text import numbers, thing_stem

__all__ = [
    "MEASURES", "measure_of", "measures_in", "asked_measures", "counted_words", "counted_group", "gives_count",
    "counts_given", "expand_query",
]

MEASURES: dict[str, frozenset[str]] = {
    "deaths": frozenset(
        "killed kill killing dead death deaths died die dying fatalities fatality lives toll slain".split()
    ),
    "injuries": frozenset("injured injuries injury wounded wounds hurt hospitalised hospitalized treated".split()),
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


# "How many more bombs…?" counts bombs: a comparative after "how many" is not the counted thing.
_HOW_MANY = re.compile(
    r"\bhow many\s+(?:(?:more|fewer|less|additional|extra|other)\s+)?([a-z][\w'-]*)(?:\s+([a-z][\w'-]*))?", re.I
)
# Words after "how many" that do not name a counted thing: durations (computed, not counted in the text),
# "people" (counted by a measure: killed, injured, …), and the verbs and prepositions that end the phrase.
_NOT_THINGS = frozenset(
    """people persons times years months weeks days hours minutes were was did do does are is have has had
    will would could can in of at on from there""".split()
)
_COUNTS = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twin|both|single|"
    r"dozens?|hundreds?|thousands?)\b",
    re.I,
)
# Ordinals place a thing ("the 12th minute") rather than count it: a figure for "which minute", not "how many".
_ORDINALS = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final)\b", re.I
)


def counted_words(question: str) -> tuple[str, ...]:
    """The words naming what a "how many" question counts when it is not a measure ("How many suicide
    bombers …?" -> ("suicide", "bombers")); () for measures, durations and other questions."""
    if asked_measures(question):
        return ()
    match = _HOW_MANY.search(question)
    if not match or match.group(1).lower() in _NOT_THINGS:
        return ()
    second = match.group(2)
    return (match.group(1).lower(),) + ((second.lower(),) if second and second.lower() not in _NOT_THINGS else ())


def counted_group(question: str) -> tuple[str, ...]:
    """For a question counting a measure, the words naming whom it counts ("How many firefighters were
    injured?" -> ("firefighters",)); () for "how many people", "how many were", and for short words
    (typed shorthand such as "ppl" names nobody in particular)."""
    if not asked_measures(question):
        return ()
    match = _HOW_MANY.search(question)
    if not match:
        return ()
    out = []
    for word in (match.group(1), match.group(2)):
        if not word or word.lower() in _NOT_THINGS or measure_of(word):
            break
        if len(word) >= 4:
            out.append(word.lower())
    return tuple(out)


_TOKEN = re.compile(r"\d[\d,.]*\d|[\w'-]+")  # "1,000" one token


def gives_count(words: tuple[str, ...], text: str, ordinals: bool = False) -> bool:
    """Whether the text gives a figure for the counted thing: a number at most three words before one of
    its words, matched on their stems ("two explosions", "twin blasts" for "blasts")."""
    tokens = _TOKEN.findall(text.lower())
    wanted = {thing_stem(w) for w in words}
    for i, token in enumerate(tokens):
        before = tokens[max(0, i - 3) : i]
        if thing_stem(token) in wanted and any(
            _COUNTS.fullmatch(t) or (ordinals and _ORDINALS.fullmatch(t)) for t in before
        ):
            return True
    return False


_MULTIPLIER = re.compile(r"(?:hundred|thousand|million|billion|dozen)s?")

# Count words with a value of their own; "dozens", "hundreds" and "thousands" give none (a vague figure).
_COUNT_VALUES = {"twin": "2", "both": "2", "single": "1"}


def counts_given(words: tuple[str, ...], text: str) -> set[str] | None:
    """The figures a text gives for the counted thing ("four crank rotations" -> {"4"} for ("crank",
    "rotations")), as ``numbers`` writes them; None when a figure for it is vague ("dozens of rotations"),
    so no figure can be said to differ from it."""
    tokens = _TOKEN.findall(text.lower())
    wanted = {thing_stem(w) for w in words}
    found: set[str] = set()
    for i, token in enumerate(tokens):
        if thing_stem(token) not in wanted:
            continue
        start = max(0, i - 3)
        at = [k for k in range(start, i) if _COUNTS.fullmatch(tokens[k])]
        if not at:
            continue
        # The figure nearest the thing ("In 2019 two goals" -> two), written in one or more words ("two
        # thousand"), and the part counted of it ("three of the 40 soldiers" -> three and 40).
        first = at[-1]
        while first > start and _COUNTS.fullmatch(tokens[first - 1]) and not (  # "2019, 300": two figures
            tokens[first - 1][0].isdigit() and not _MULTIPLIER.fullmatch(tokens[first])
        ):
            first -= 1
        counts = tokens[first:i]
        if first >= 3 and tokens[first - 1] in ("the", "these", "those") and tokens[first - 2] == "of":
            if _COUNTS.fullmatch(tokens[first - 3]):
                counts = [tokens[first - 3], *counts]
        values = numbers(" ".join(counts)) | {_COUNT_VALUES[t] for t in counts if t in _COUNT_VALUES}
        if not values:
            return None
        found |= values
    return found


def expand_query(query: str) -> str:
    """The query plus the words of each measure it asks to count, so all phrasings of a figure match."""
    extra = [w for m in sorted(asked_measures(query)) for w in sorted(MEASURES[m]) if w not in query.lower()]
    return " ".join([query, *extra])
