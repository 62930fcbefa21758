"""What a question asks for, read once from its wording: the kind of answer it wants.

The kind is read from the interrogative, not from any article: "who" wants a person or group (a name),
"when" or "what year" a date, "how many" or "how long" a number, "how much … pay" or "what price" an
amount of money, "in which minute" a figure for minutes, "how old" an age. Questions of other forms ("what", "why",
yes/no) want no particular kind, and nothing is checked for them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.errors import InputError

__all__ = ["Question", "analyse", "asked_part", "clean_question", "KINDS"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_question(question: str, max_chars: int) -> str:
    """The question without control characters; InputError when empty or too long."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    question = unicodedata.normalize("NFC", _CONTROL.sub(" ", question)).strip()
    if not question:
        raise InputError("the question is empty: type a question about the article")
    if len(question) > max_chars:
        raise InputError(
            f"the question is {len(question):,} characters; the limit is {max_chars:,} "
            "(ASSISTANT_MAX_QUESTION_CHARS): ask something shorter"
        )
    return question


# A request framing a question: "Pretend you are a journalist: in which year …?", "Act as X for me: what …?".
# The frame is a clause ending in a colon; what follows is a question of its own (ends with "?").
_FRAMED = re.compile(r"^(?P<frame>[^?:\"“”]{3,}?):\s+(?P<asked>[^:]{8,}\?)\s*$")


def asked_part(question: str) -> str:
    """The question a request frames ("Act as a translator for me: what other name …?" asks "What other
    name …?"); the question itself when it is not framed."""
    framed = _FRAMED.match(question)
    if framed is None or len(framed.group("asked").split()) < 3:
        return question
    asked = framed.group("asked").strip()
    return asked[0].upper() + asked[1:]


KINDS = ("name", "date", "number", "money", "figure", "age")

_WHO = re.compile(r"^\s*(?:and\s+|so\s+|then\s+)?(?:who|whom)\b|\bwhat (?:is|was|were|are) the names?\b", re.I)
# "When did…?", "When exactly was…?", "When, exactly, did…?", "When in 1990 did…?" ask for a time;
# "When a pathogen is eaten, it is trapped in what vesicle?"
# opens with a clause (no auxiliary after "when") and asks something else.
_WHEN = re.compile(
    r"^\s*(?:and\s+|so\s+|then\s+)?when(?:\s*,[^,?]{1,25},|\s+in\s+\w+)?\s+(?:[^\W\d_]+ly\s+)?"
    r"(?:(?:is|was|are|were|do|does|did|has|have|had|will|would|can|could|should|shall|may|might|must)(?:n't|n’t)?"
    r"|won't|won’t)\b|^\s*when(?:'s|’s)\b|^\s*when\W*$"
    r"|\b(?:what|which)\s+(?:year|date|day|month|decade|century)\b",
    re.I,
)
_HOW_MANY = re.compile(
    r"\bhow\s+(?:many|long|old|far|often|big|large|tall|high)\b|\bwhat\s+(?:number|percentage|share)\b", re.I
)
_HOW_MUCH = re.compile(r"\bhow much\b", re.I)
_AGE = re.compile(
    r"\bhow\s+old\b|\bat\s+what\s+age\b|\bwhat\s+(?:was|is|were|are)\s+(?:the\s+)?(?:[^\W\d_]+(?:'s)?\s+){0,3}ages?\b",
    re.I,
)
_MONEY_WORDS = re.compile(
    r"\b(?:pay|paid|pays|cost|costs|costing|spend|spent|price|priced|fine|fined|fee|fees|salary|wage|wages|"
    r"worth|earn|earned|earns|charge|charged|sell|sold|buy|bought|raise|raised|revenue|profit|loss)\b", re.I,
)
_WHAT_MONEY = re.compile(r"\bwhat\s+(?:was|is|were|are)\s+(?:the\s+)?(?:\w+(?:'s)?\s+){0,3}"
                         r"(?:price|cost|fee|fine|salary|value)\b", re.I)
# "Who was the referee who…", "What is the name of the owner's lawyer?": the role whose holder is asked for.
_ROLE = re.compile(
    r"\b(?:(?:who|whom)\s+(?:is|was|are|were)|what\s+(?:is|was|are|were)\s+the\s+names?\s+of)\s+(?:the|a|an)\s+"
    r"(?:[^\W\d_]+(?:'s)?\s+){0,3}?(?P<role>[^\W\d_]+)(?=\s+(?:who|whom|that|which|of|in|for|at|on|during|with|"
    r"from|behind|the)\b|\s*\?)",
    re.I,
)
# "In which minute", "what round": a figure for that unit, not just any number in the sentence.
_WHICH_UNIT = re.compile(r"\b(?:which|what)\s+(minute|hour|round|lap|stage|week|quarter|half|inning)\b", re.I)


@dataclass(frozen=True)
class Question:
    """A question and the kind of answer it asks for (one of KINDS, or None), with the unit a figure
    must be given for when the kind is "figure", and the role whose holder a "who" question asks for."""

    text: str
    kind: str | None = None
    unit: str | None = None
    role: str | None = None


def analyse(text: str) -> Question:
    """Read the kind of answer a question wants from its wording."""
    if unit := _WHICH_UNIT.search(text):
        return Question(text, "figure", unit.group(1).lower())
    if _AGE.search(text):
        return Question(text, "age")
    by_how_much = re.search(r"\bby how much\b", text, re.I)  # a change: "by a third" answers it
    if _WHAT_MONEY.search(text) or (_HOW_MUCH.search(text) and _MONEY_WORDS.search(text) and not by_how_much):
        return Question(text, "money")
    if _HOW_MANY.search(text) or _HOW_MUCH.search(text):
        return Question(text, "number")
    if _WHEN.search(text):
        return Question(text, "date")
    if _WHO.search(text):
        role = _ROLE.search(text)
        word = role.group("role").lower() if role else None
        # "Who were the police questioning?": a participle is what was done, not a role
        return Question(text, "name", role=None if word is None or word.endswith("ing") and len(word) > 4 else word)
    return Question(text)
