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


def is_injection(question: str) -> bool:
    """True when the question contains an instruction to change the assistant's task."""
    return bool(_OVERRIDE.search(question))
