"""Pass ``kind``: an answer gives the kind of thing the question asks for, from its cited sentences.

"Who was the referee?" is not answered by a sentence naming nobody new, nor by one naming no referee;
"How much did they pay?" is not answered by "in the 90th minute"; "In which minute was he substituted?" is
not answered by "in the first half". The kind (assistant.question) must be stated by a sentence of the
answer and by the sentences it cites, beyond what the question itself says. When no sentence does, the
answer becomes a refusal. A sentence reporting that what was asked was not said or done ("She did not
say when he would return") stays; it must say what was asked, not only the question's names: "Iran has
yet to respond to the claim" does not answer "How much compensation did Iran promise?".
"""

from __future__ import annotations

import re

from assistant.grounding.state import Grounding, Sentence, text_of
from assistant.question import Question, analyse
from assistant.textfacts import abbreviated, content_words, figures_matched, held
from index.chunking import split_sentences
from index.measures import gives_count
from index.text import MONTHS, NEGATION, lower_initials, names, numbers, same_name, stem

__all__ = ["kind", "states_kind"]

_NONE = re.compile(r"\b(?:nobody|no one|none|zero|no)\b", re.I)
_CURRENCY = re.compile(
    r"[£$€¥₹]\s*(?P<a>\d[\d,.]*)|(?P<b>\d[\d,.]*)\s*(?:(?:million|billion|thousand|m|bn)\s+)?"
    r"(?:euros?|dollars?|pounds?|yen|francs?|rupees?|cents?|pence|usd|eur|gbp)\b",
    re.I,
)
_TIME = re.compile(
    r"\b(?:" + "|".join(MONTHS) + r"|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|morning|afternoon|evening|"
    r"night|ago|earlier|later|before|after|during|since|until|season|week|month|year|decade|century|half|"
    r"minute|hour|dawn|noon|midnight)s?\b",
    re.I,
)


# An age: "14 years old", "a 14-year-old", "aged 14", "at the age of 14", and newswire's "Dana Whitfield, 54,".
_AGE = re.compile(
    r"\b(?P<a>[\w-]+)[\s-]+(?i:years?)[\s-]+(?i:old)\b|\b(?i:aged)\s+(?P<b>[\w-]+)|\b(?i:age)\s+of\s+(?P<c>[\w-]+)"
    r"|\b[^\W\d_][\w'-]*,\s+(?P<d>\d{1,3}),"
)


# A span of time without a figure ("almost a month", "several centuries"); not a frequency ("once a year") nor
# an ordinal ("a second term": seconds count only in the plural).
_SPAN = re.compile(
    r"(?<!\bonce\s)(?<!\btwice\s)(?<!\btimes\s)\b(?:a|an|a\s+few|few|several|many|some)\s+"
    r"(?P<unit>seconds|(?:minute|hour|day|week|fortnight|month|year|decade)s?|century|centuries)\b",
    re.I,
)
_HOW_LONG = re.compile(r"\bhow\s+long\b", re.I)


def _spans(text: str) -> set[str]:
    return {m.group("unit").lower().replace("centuries", "century").rstrip("s") for m in _SPAN.finditer(text)}


_YEARS = re.compile(r"\b(?P<n>[\w-]+)\s+years?\b", re.I)  # "23 years later": an age the answer worked out


def _ages(text: str) -> set[str]:
    found = (m.group("a") or m.group("b") or m.group("c") or m.group("d") for m in _AGE.finditer(text))
    return set().union(set(), *(numbers(value) for value in found))


def _new_numbers(text: str, question: Question) -> set[str]:
    return numbers(text) - numbers(question.text)


_PERCENT = re.compile(r"(?P<n>[\w.,-]+)\s*(?:%|per\s*cent|percent)", re.I)


_CHANGE = re.compile(
    r"\b(?:increas(?:e|es|ed|ing)|ris(?:e|es|en|ing)|rose|fall(?:s|en|ing)?|fell|grow(?:s|n|ing)?|grew|"
    r"drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|climb(?:s|ed|ing)?|gain(?:s|ed|ing)?|jump(?:s|ed|ing)?|"
    r"surg(?:e|es|ed|ing)|plung(?:e|es|ed|ing)|soar(?:s|ed|ing)?|cut(?:s|ting)?|chang(?:e|es|ed|ing))\b", re.I,
)


def _money(text: str) -> set[str]:
    return {(m.group("a") or m.group("b")).replace(",", "").rstrip(".") for m in _CURRENCY.finditer(text)}


def states_kind(question: Question, said: str, quotes: str) -> bool:
    """Whether a sentence (``said``) and the sentences it cites (``quotes``) give what the question asks for."""
    if question.kind == "name":
        asked = names(question.text)
        new = {n for n in names(said) if not any(same_name(n, a) for a in asked)}
        if question.role:  # "Who was the referee…?": a name from a sentence that speaks of a referee
            quotes = " ".join(q for a, b in split_sentences(quotes)
                              if held({stem(question.role)}, content_words(q := quotes[a:b])))
            if not quotes:
                return False
        return any(same_name(n, q) for n in new for q in names(quotes)) or bool(new & abbreviated(said, quotes))
    if question.kind == "number":
        shared = _new_numbers(said, question) & numbers(quotes)
        spans = _spans(said) & _spans(quotes) if _HOW_LONG.search(question.text) else set()
        return bool(shared) or bool(spans) or bool(_NONE.search(said) and _NONE.search(quotes))
    if question.kind == "money":  # or, for a change, one in per cent: "How much did the price rise?" "By 2%."
        change = _CHANGE.search(question.text)
        percents = figures_matched(_PERCENT, said) & figures_matched(_PERCENT, quotes) if change else set()
        return bool(_new_numbers(said, question) & (_money(quotes) | percents))
    if question.kind == "age":  # an age the sentences state, or a number of years (support checked its sum)
        years = figures_matched(_YEARS, said)
        return bool(_ages(said) & _ages(quotes)) or bool(years - numbers(question.text))
    if question.kind == "date":
        return bool(_new_numbers(said, question) & numbers(quotes)) or bool(
            {m.lower() for m in _TIME.findall(said)} & {m.lower() for m in _TIME.findall(quotes)})
    if question.kind == "figure" and question.unit:
        unit = (question.unit,)
        return gives_count(unit, said, ordinals=True) and gives_count(unit, quotes, ordinals=True)
    return True


def _text(sentence: Sentence) -> tuple[str, str]:
    said = text_of(sentence)
    quotes = "\n".join(c.quote for seg in sentence for c in seg.citations)  # one quote a line: a headline too
    return said, quotes


def _asked_words(question: Question) -> set[str]:
    """The question's content words that are not its names: what a negative answer must speak of."""
    return content_words(lower_initials(question.text)) - content_words(" ".join(names(question.text)))


def kind(state: Grounding) -> None:
    question = analyse(state.question)
    if question.kind is None or not state.sentences:
        return
    texts = [_text(s) for s in state.sentences]
    if any(states_kind(question, said, quotes) for said, quotes in texts):
        return
    asked = _asked_words(question)
    kept = [s for s, (said, quotes) in zip(state.sentences, texts, strict=True)
            if NEGATION.search(said) and NEGATION.search(quotes) and held(asked, content_words(said))]
    dropped = len(state.sentences) - len(kept)
    state.notes.append(f"dropped {dropped} sentence(s): none gives the {question.kind} the question asks for")
    state.sentences = kept
