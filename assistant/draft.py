"""Parsing the model's draft into claims: sentences with the source numbers they cite. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import split_sentences

__all__ = ["Claim", "parse_draft", "is_refusal", "is_question"]

_MARKERS = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]|【(\d+)】")
# A run of markers with the list punctuation between them ("[3], [4], and [5]") goes as one: removing
# the markers alone left "According to sources,,, and, 14 died" in answers. Each repetition must end
# in a marker, and "and" starts with a letter where the separators cannot: one way to match, linear.
_MARKER_RUN = re.compile(r"(?:[\s,;]*(?:\band\s+)?(?:" + _MARKERS.pattern + "))+", re.IGNORECASE)
_REFUSAL = re.compile(
    r"\b(does not|doesn't|do not|did not|didn't) (say|mention|state|specify|provide|contain|include)\b"
    r"|\bnot (mentioned|stated|specified|provided|in the (article|sources?))\b"
    r"|\bno (information|mention)\b|\bcannot (answer|help)\b|\bunable to\b",
    re.IGNORECASE,
)


# "as stated in sources [3], [4], and [5]": the markers carry this; without them it reads as noise.
# The leftovers of removed markers (", , and ,") are matched by one alternation whose branches start
# differently, so a long run that is not followed by the end backtracks linearly: the nested
# ``(?:[\s,]*(?:and)?[\s,]*)*`` it replaces took 4 s on a draft citing six sources ("According to sources
# [4], [5], ..., and [13], at least 84...") and doubled with each further source.
_LEFTOVERS = r"(?:[\s,]|\band\b)*"
_SOURCE_TALK = re.compile(
    r"[\s,]*\b(?:as )?(?:stated|mentioned|reported|noted|shown|given|described) in (?:the )?sources?"
    + _LEFTOVERS + r"(?=[.;]|$)"
    r"|[\s,]*\baccording to (?:the )?sources?" + _LEFTOVERS + r"(?=[.;]|$)"
    r"|[\s,]*\b(?:as )?(?:quoted|cited|taken) (?:from|in)(?: (?:the )?(?:sources?|article))?"
    + _LEFTOVERS + r"(?=[.;]|$)",
    re.IGNORECASE,
)


_ATTRIBUTION = re.compile(
    r"\s*(?:(?:the|this) (?:article|text|sources?)|it) (?:states?|says?|mentions?|reports?|notes?|indicates?)"
    r"(?: that)?[,:]?\s+(?=[\w\"“‘])"
    r"|\s*according to (?:(?:the|this) )?(?:article|text|sources?),\s*(?=[\w\"“‘])",
    re.IGNORECASE,
)


# A marker written as the subject of a reporting verb ("[5] states that x", "Sources [2] and [3] describe x"):
# removing the marker alone left "states that x" as the answer. It stands for the article.
_MARKER_SUBJECT = re.compile(  # each repetition ends in a marker, as in _MARKER_RUN: one way to match
    r"\s*(?:(?i:(?:the\s+)?sources?)\s*)?(?:[\s,;]*(?:(?i:and)\s+)?(?:" + _MARKERS.pattern + r"))+\s+(?=[a-z])"
)


# "Yes," or "No," opening a sentence: a polarity no quote can verify. The facts after it answer the question.
_POLARITY = re.compile(r"\s*(?:yes|no)\s*[,;:]\s*(?=\w)", re.IGNORECASE)
# "Therefore," opening a sentence links it to the one before: the model's inference, which no quote states
# ("Therefore, 284 - 84 = 200 more were injured"). The claim after it is checked on its own.
_CONNECTIVE = re.compile(
    r"\s*(?:therefore|thus|hence|so|consequently|accordingly|as a result|in conclusion)\s*,\s*(?=\w)", re.IGNORECASE
)


# An attribution inside a sentence joins two statements: "Iran promised compensation, with the article stating
# that Iran has yet to respond". What comes before it is the model's own; each part is checked on its own.
_INNER_ATTRIBUTION = re.compile(
    r"[,;]?\s+(?:(?:and|with|while|but|as)\s+)?(?:the|this) (?:article|text|sources?) "
    r"(?:states?|stating|says?|saying|mentions?|mentioning|notes?|noting|reports?|reporting|adds?|adding)"
    r"(?: that)?[,:]?\s+(?=\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Claim:
    """A sentence of the draft without its markers, and the source numbers it cites."""

    text: str
    sources: tuple[int, ...]


def _strip(text: str) -> str:
    if subject := _MARKER_SUBJECT.match(text):
        text = "The article " + text[subject.end() :]
    text = _MARKER_RUN.sub("", text)
    text = _SOURCE_TALK.sub("", text)
    for opening_pattern in (_POLARITY, _CONNECTIVE, _ATTRIBUTION):  # "Yes, the article states that x" -> "X"
        if opening := opening_pattern.match(text):
            rest = text[opening.end() :]
            text = rest[:1].upper() + rest[1:]
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def parse_draft(draft: str) -> list[Claim]:
    """Split a draft into claims; markers standing alone after a sentence attach to that sentence."""
    claims: list[Claim] = []
    for start, end in split_sentences(draft):
        sentence = draft[start:end]
        numbers = tuple(
            int(n) for m in _MARKERS.finditer(sentence) for n in re.split(r"\s*[,;]\s*", m.group(1) or m.group(2))
        )
        text = _strip(sentence)
        if not re.search(r"\w", text) and claims and numbers:
            previous = claims[-1]
            claims[-1] = Claim(previous.text, tuple(dict.fromkeys(previous.sources + numbers)))
            continue
        if not re.search(r"\w", text) and not numbers:
            continue
        cited = tuple(dict.fromkeys(numbers))
        parts = [p.strip() for p in _INNER_ATTRIBUTION.split(text)] if re.search(r"\w", text) else []
        for part in [p for p in parts if p] or [""]:
            ended = part if not part or part.rstrip("\"'”’").endswith((".", "!", "?", "？")) else part + "."
            claims.append(Claim(ended[:1].upper() + ended[1:], cited))
    return claims


def is_refusal(text: str) -> bool:
    """Whether a claim says the article does not answer."""
    return bool(_REFUSAL.search(text))


def is_question(text: str) -> bool:
    """Whether a claim is a question (often the user's, echoed): it asserts nothing a source could back."""
    return text.rstrip().endswith(("?", "？"))
