"""Questions that try to give the assistant orders instead of asking about the article."""

from __future__ import annotations

import re

__all__ = ["is_injection"]

_OVERRIDE = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b[^.?!]{0,40}\b(instructions?|rules?|prompts?|guidelines?|"
    r"above|previous|prior|earlier|system)\b"
    r"|\b(system prompt|developer mode|jailbreak)\b|\bfrom now on\b"
    r"|\b(ignore|disregard|forget)\b[^.?!]{0,20}\b(article|text|sources?|context)\b"
    r"|\byou are now\b|\bpretend (to be|you are)\b|\bact as\b|\brole-?play\b"
    r"|\b(write|compose|generate|create)\b[^.?!]{0,30}\b(poem|limerick|haiku|song|story|essay|joke|code|script)\b",
    re.IGNORECASE,
)


_QUESTION = re.compile(
    r"^\s*(?:who|whom|whose|what|which|when|where|why|how|did|does|do|is|are|was|were|has|have|had|will|would|"
    r"can|could|should|may|might)\b.*\?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ADDRESSED = re.compile(r"\b(you|your|yourself|me|my)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")


def _asks_about_the_article(sentence: str) -> bool:
    """A question about what people in the article did ("Did the knights act as mercenaries?"), not one
    addressed to the assistant ("Can you act as a pirate?")."""
    return bool(_QUESTION.match(sentence)) and not _ADDRESSED.search(sentence)


def is_injection(question: str) -> bool:
    """True when a sentence of the question is an instruction to change the assistant's task."""
    return any(
        _OVERRIDE.search(sentence) and not _asks_about_the_article(sentence)
        for sentence in _SENTENCE.findall(question)
    )
