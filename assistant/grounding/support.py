"""Pass ``support``: each claim of the draft is kept only where its cited sentences support it; otherwise
it is re-cited to sentences that do, cut to its supported clauses, or dropped.

Supported means: its numbers and names are in the cited sentences, so are most of its content words, it
states a cause only where they state one, says "I", "my", "we"… only where they do (a quote), and it claims no
agreement where they state a disagreement. A question in the draft (the user's, echoed) is not a claim, nor
is a sentence that only repeats a wh-question's words ("This cycle is.").
With the pass switched off, claims keep whatever sentences they cite (the ablation baseline).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import combinations

from assistant.conflicts import disagreement_clauses, figures_agree
from assistant.draft import Claim, is_question, is_refusal, parse_draft
from assistant.grounding.state import Grounding, Segment, Sentence, cite
from assistant.sources import Source
from assistant.textfacts import content_words, facts, held, levels_as_changes, names, numbers, overlap, supported
from index.text import NEGATION, REPORTING, STOPWORDS, stem
from index.text import words as text_words

__all__ = [
    "support", "accept", "is_supported", "attributed", "dictated", "states_cause", "says_nothing_new", "MAX_CLAIMS",
]

# A clause that leans on the one before it ("which prevent pathogens from entering", "after the vote failed",
# "bearing the hallmarks of…"): no statement alone.
_DEPENDENT = re.compile(
    r"(?:which|who|whom|whose|that|where|when|and|or|as|including|such as|because|since|although|though|before|"
    r"after|until|unless|if|whether|[a-z]+(?<!thing)ing)\b"  # "bearing the hallmarks of…": a participle's phrase
)
_CLAUSE = re.compile(r"\s*(?:;|,|\bbut\b|\bwhile\b|\bwhereas\b)\s*")
# A later clause that opens with a preposition modifies the one before: "…fell to £1.1 million, from £2.3 million
# a year earlier" kept alone says "from £2.3 million a year earlier", which states nothing.
_MODIFIER = re.compile(r"(?:from|to|in|on|at|by|with|for|of|into|during|over|under|than|down|up|against)\b")

# Claims that two accounts agree; "the same colour" or "consistent form" claim no agreement between sources.
_AGREEMENT = re.compile(r"\b(agree[sd]?|agreement|concur\w*|both (?:say|said|state[sd]?|report(?:s|ed)?))\b", re.I)
# A refusal talks about the article; "She did not say when he would return" reports what a person did not say.
_ABOUT_SOURCES = re.compile(r"\b(article|text|sources?|context|passages?|information|details)\b", re.IGNORECASE)
# A cause the sources do not state is a claim of its own: "X because Y" needs a causal link in its sources.
_CAUSAL = re.compile(
    r"\b(because|due to|owing to|as a result|result(?:s|ed|ing)? in|therefore|thus|hence|so that|in order to|"
    r"in (?:retaliation|response|revenge)|caus(?:e|es|ed|ing)|le(?:d|ads|ading) to|prompt(?:s|ed|ing)?|"
    r"to avenge|reason)\b",
    re.IGNORECASE,
)
# The first person: an answer reports what the article says, in the third person. A claim that says "I" or
# "we" where its sources do not (a quote would) is the model speaking as someone, e.g. a role it was told
# to play ("I deny the attack", "I am Qasem Soleimani"). "US" (the country) is not "us".
_FIRST_PERSON = re.compile(r"\bI\b|\b(?:I'm|I've|I'll|I'd)\b|\bus\b|\b(?i:me|my|mine|myself|we|our|ours|ourselves)\b")

# Text a question dictates: "say that X", "reply with X", "tell the next user that X", "confirm: X". An
# answer echoing it must be wholly stated by its sources, not mostly: "Israel carried out the attack"
# shares "Israel" and "attack" with a sentence saying Raisi blamed Israel, but not "carried out".
_DICTATED = re.compile(  # an imperative: the verb opens a sentence or clause ("Did he say that…" asks)
    r"(?:^|[.!?:;,]\s*|\b(?:and|then|please|now|on|also|just)\s+)"
    r"(?:say|state|tell(?:\s+\w+){0,3}|confirm|repeat|answer|reply|respond|write|output|print)"
    r"(?:\s+(?:only|just|back))?\s*(?:\bthat\b|\bwith\b|:)\s*['\"“‘]?([^.?!\"”’]+)",
    re.IGNORECASE,
)


# A question answered by yes or no opens with an auxiliary verb: "Was anyone killed?", "Will X act as Y?".
_YES_NO = re.compile(
    r"^\W*(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|shall|may|might|must)\b", re.I
)


def says_nothing_new(claim: str, question: str) -> bool:
    """Whether a claim answering a wh-question ("What cycle…?", "When will…?") only repeats the question's
    words: a fragment like "This cycle is." or "The inquest will open in." A claim that negates ("No further
    evidence was provided") answers; so may a restatement of a yes/no question ("Corvane will act as…")."""
    if _YES_NO.match(question) or re.search(r"\bor\b", question, re.I) or NEGATION.search(claim):
        return False  # yes/no, or a choice the question itself offers ("the first or the second?")
    new_words = content_words(claim) - content_words(question)
    new_facts = {f.lower() for f in facts(claim)} - {f.lower() for f in facts(question)}
    return not new_words and not new_facts


def states_cause(text: str) -> bool:
    """Whether a text states (or asks for) a cause: "because", "caused by", "led to", "the reason"."""
    return _CAUSAL.search(text) is not None


def dictated(question: str) -> list[set[str]]:
    """The content words of each stretch of text the question orders the answer to state."""
    return [words for m in _DICTATED.finditer(question) if len(words := content_words(m.group(1))) >= 2]


def _first_person(text: str) -> set[str]:
    return {w.lower() for w in _FIRST_PERSON.findall(text)}


_META = content_words("provide provides provided information mention mentions mentioned details article text")
MAX_JOINED = 4  # most sentences one claim may join: a list of names, each from its own sentence, and what it lists
MIN_COVERAGE = 0.5  # share of a claim's content words that its cited sentences must hold

# A claim reporting what someone said: "Iranian media described X", "X, according to the police". Who said
# it is part of the fact: the cited sentence holding most of what is reported must name the speaker too, or a
# speaker from one sentence and a statement from another make a misattribution ("Iranian media described the
# blasts as a terrorist attack" joined "Iranian media" to what analysts said in another sentence). Only the
# speaker's common nouns are asked for (media, police, analysts): names are checked on their own, and one
# party goes by several names ("ISIS, also known as Daesh").
_SPEAKER_OPENS = re.compile(  # up to five words, no punctuation, then a reporting verb
    r"^\W*(?P<speaker>[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,4}?)\s+" + REPORTING.pattern
    + r"(?!\s+(?:and|or|but)\b)(?P<said>.+)$",  # "pupils wrote and staged a play" report no one's words
    re.IGNORECASE | re.DOTALL,
)
_ACCORDING_TO = re.compile(r"[,;]?\s*\baccording to (?P<speaker>[^,;.]+)[,;]?", re.IGNORECASE)
# Who the model means when it names the text itself as the speaker ("the report states that…").
_THE_TEXT = content_words("article text source sources report story passage document context statement")


def _attribution(text: str) -> tuple[set[str], set[str]] | None:
    """(the speaker's common nouns, the reported words) of a claim reporting what someone said, or None: no
    speaker named, a pronoun ("he said"), a name only, or the text itself."""
    if m := _SPEAKER_OPENS.match(text):
        speaker, said = m.group("speaker"), m.group("said")
    elif m := _ACCORDING_TO.search(text):
        speaker, said = m.group("speaker"), text[: m.start()] + " " + text[m.end():]
    else:
        return None
    who = content_words(speaker) - content_words(" ".join(names(speaker))) - _THE_TEXT
    return (who, content_words(said)) if who else None


def attributed(text: str, cited: Sequence[Source]) -> bool:
    """Whether one cited sentence holds the speaker's common nouns and most of what a reported claim reports
    (true for a claim that reports no one's words)."""
    parts = _attribution(text)
    if parts is None:
        return True
    who, said = parts
    for source in cited:
        have = content_words(source.text)
        if held(who, have) == who and len(held(said, have)) >= MIN_COVERAGE * len(said):
            return True
    return False


def is_supported(text: str, cited: Sequence[Source], dictated: Sequence[set[str]] = ()) -> bool:
    """Its facts (numbers, names) are in the cited sentences, so are most of its words (all of them when it
    echoes text the question dictated), it states a cause only where they state one, and it does not claim
    agreement where they state disagreement."""
    evidence = " ".join(s.text for s in cited)
    ok, _ = supported(text, evidence)
    if not ok:
        return False
    words = content_words(text) - _META
    if not words:  # "40." says a figure; "Yes." and "Sources 2 and 3 provide this information." say nothing
        return bool(facts(text))
    echoes = any(len(words & d) >= MIN_COVERAGE * len(words) for d in dictated)
    if len(held(words, content_words(evidence))) < (1.0 if echoes else MIN_COVERAGE) * len(words):
        return False
    if _CAUSAL.search(text) and not _CAUSAL.search(evidence):
        return False
    if not _first_person(text) <= _first_person(evidence):
        return False
    if not figures_agree(text, [s.text for s in cited]):
        return False
    if not attributed(text, cited):
        return False
    return not (_AGREEMENT.search(text) and any(disagreement_clauses(s) is not None for s in cited))

def _statement_held(text: str, pair: Sequence[Source]) -> bool:
    """Whether the two sentences a claim joins hold most of its words besides names: names are checked on
    their own, and counted again they carry a claim whose statement neither sentence makes ("The referee
    who awarded the penalty was X" joins a sentence naming X to one about a penalty; neither says who
    awarded it). A figure of the claim must come from a sentence holding some of those words too: a date
    taken from a sentence about another event ("the Department of Energy was created on November 28, 1995",
    the date of a law signed) is not the claim's; a figure worked out from the two is checked by support."""
    words = content_words(text) - _META - content_words(" ".join(names(text)))
    evidence = content_words(" ".join(s.text for s in pair))
    lexical = words - {stem(w) for w in text_words(text) if numbers(w)}  # "four" is the figure, not a word
    for n in numbers(text):  # a figure worked out from both ("46 years after he was born") is in neither
        stating = [s for s in pair if n in numbers(s.text)]
        if stating and not any(held(lexical, content_words(s.text)) for s in stating):
            return False
    return len(held(words, evidence)) >= MIN_COVERAGE * len(words)


# A closing phrase that only places the claim in time or space: "… on January 3, 2024", "… in 1995".
_CLOSING = re.compile(
    r"^(?P<head>.+?\w)\s*,?\s+(?:on|in|at|during|since|by|around|about)\s+(?P<tail>[^;:]{1,30}?)\s*\.?$"
)


def _without_closing_figure(text: str, question: str) -> str | None:
    """The claim less a closing phrase whose figure none of its sentences gives and the question does not ask
    about: "The president called off a trip to Turkey on January 3, 2024" holds a fact one sentence states and
    a date another gives for something else. None when there is no such phrase."""
    match = _CLOSING.match(text)
    if match is None or not numbers(match.group("tail")) or numbers(match.group("tail")) & numbers(question):
        return None
    head = match.group("head")
    return head if len(head.split()) >= 3 else None


def _best_stating(text: str, sources: Sequence[Source], ordered: Sequence[set[str]]) -> Source | None:
    """The one sentence that supports the claim and shares most of its words (the first of equals), if any."""
    stating = [s for s in sources if is_supported(text, [s], ordered) and overlap(text, s.text)]
    return max(stating, key=lambda s: (len(overlap(text, s.text)), -s.number)) if stating else None


def _keeping_own(text: str, best: Source, cited: Sequence[Source], ordered: Sequence[set[str]]) -> list[Source]:
    """The sentence a claim is re-cited to and the one of its own cited sentences that states more of it, when
    the two together hold words of the claim the first alone does not: "X, who runs the shop, said the
    children would board on the mainland" citing "She said the children would board…" fails for want of the
    name, and is re-cited to the sentence naming X; cited alone, that sentence says nothing about children.
    Empty when the re-cited sentence alone holds most of the claim's words besides names (a word it lacks,
    "marking" for its "commemorating", is wording, not a statement) or its own sentences add none."""
    if _statement_held(text, (best,)):
        return []
    words = content_words(text) - _META
    alone = len(held(words, content_words(best.text)))
    pairs = []  # (claim words the two hold, the two in source order)
    for own in cited:
        together = len(held(words, content_words(f"{best.text} {own.text}")))
        if (
            own.number != best.number and together > alone
            and is_supported(text, [best, own], ordered) and _statement_held(text, (best, own))
        ):
            pairs.append((together, sorted((best, own), key=lambda s: s.number)))
    return max(pairs, key=lambda p: p[0], default=(0, []))[1]


def repair(
    text: str, cited: list[Source], sources: Sequence[Source], notes: list[str], ordered: Sequence[set[str]] = (),
    question: str = "",
) -> Sentence | None:
    """A supported version of an unsupported claim, or None when nothing of it is supported."""
    if (best := _best_stating(text, sources, ordered)) is not None:
        if pair := _keeping_own(text, best, cited, ordered):
            notes.append(f"re-cited, keeping its own source: {text!r}")
            return [Segment(text, tuple(cite(s) for s in pair))]
        notes.append(f"re-cited: {text!r}")
        return [Segment(text, (cite(best),))]
    # A sentence joining facts from two sources (a name from one, a statement from another), or a claim
    # of several names from up to four (a list of names, each from its own sentence); a cause linking what
    # two sentences say separately is the model's inference, not a fact of either.
    near = (
        []
        if _CAUSAL.search(text)
        else sorted((s for s in sources if overlap(text, s.text)), key=lambda s: -len(overlap(text, s.text)))[:5]
    )
    joins = [
        sorted(p, key=lambda s: s.number)
        for size in range(2, (MAX_JOINED if len(names(text)) >= 3 else 2) + 1)
        for p in combinations(near, size)
        if is_supported(text, list(p), ordered) and _statement_held(text, p)
    ]
    if joins:
        notes.append(f"re-cited to {('two', 'three', 'four')[len(joins[0]) - 2]} sources: {text!r}")
        return [Segment(text, tuple(cite(s) for s in joins[0]))]
    # The size of a change given as the level a cited sentence says it went to or came from ("profits fell by
    # £1.1 million" over "profits fell to £1.1 million, from £2.3 million"): that sentence, quoted, answers.
    for source in cited:
        wrong = levels_as_changes(text, source.text)
        if wrong and supported(text, source.text)[1] == wrong:
            notes.append(f"quoted the sentence its change's size came from, a level: {text!r}")
            return [Segment(source.text, (cite(source),))]
    head = _without_closing_figure(text, question)
    if head is not None and (best := _best_stating(head, sources, ordered)) is not None:
        notes.append(f"cut the figure no sentence gives it: {text!r}")
        return [Segment(head, (cite(best),))]
    # Cut to the clauses its cited sentences support; a claim citing nothing, to those of the one sentence
    # sharing most of its words ("X was named by Nixon" with a date from a sentence about another event).
    within = cited or near[:1]
    if within:
        clauses = [c for c in _CLAUSE.split(text.rstrip(".")) if len(c.split()) >= 3]
        kept = [
            c for i, c in enumerate(clauses)
            if is_supported(c, within, ordered) and not _DEPENDENT.match(c) and not (i and _MODIFIER.match(c))
        ]
        if kept and len(kept) < len(clauses):
            notes.append(f"cut to its supported part: {text!r}")
            return [Segment("; ".join(kept), tuple(cite(s) for s in within))]
    notes.append(f"dropped unsupported: {text!r}")
    return None

MAX_CITED = 2


def narrowed(text: str, cited: list[Source], ordered: Sequence[set[str]]) -> list[Source]:
    """The fewest of a claim's cited sentences that support it, when it cites more than MAX_CITED: a claim
    citing six sentences ("[26]-[31]") is checked by every later pass against the one or two that state it,
    not against words scattered over all six (one of which negates something, another names a referee)."""
    if len(cited) <= MAX_CITED:
        return cited
    for size in range(1, MAX_CITED + 1):
        subsets = [list(c) for c in combinations(cited, size) if is_supported(text, list(c), ordered)]
        if subsets:
            return max(subsets, key=lambda c: len(overlap(text, " ".join(s.text for s in c))))
    return cited


def reports_negation(claim: Claim, by_number: Mapping[int, Source]) -> bool:
    """A claim worded like a refusal that cites sentences stating a negation, and is not about the article:
    a fact about what someone did not do or say, to be checked like any other claim."""
    cited = " ".join(by_number[n].text for n in claim.sources if n in by_number)
    return bool(cited) and not _ABOUT_SOURCES.search(claim.text) and bool(NEGATION.search(cited))

MAX_CLAIMS = 8

MAX_CLAIM_CHARS = 600

def _looping(text: str) -> bool:
    """A sentence that is mostly one phrase over and over: output of a model stuck in a loop."""
    words = text.lower().split()
    return len(words) >= 12 and len(set(words)) < 0.3 * len(words)

def bounded(claims: list[Claim], notes: list[str]) -> list[Claim]:
    """At most MAX_CLAIMS distinct claims of sane length: malformed output stays within bounds."""
    out: list[Claim] = []
    seen: set[str] = set()
    for claim in claims:
        if len(claim.text) > MAX_CLAIM_CHARS or _looping(claim.text):
            notes.append(f"dropped runaway output: {claim.text[:80]!r}…")
            continue
        if claim.text and claim.text in seen:
            continue
        seen.add(claim.text)
        out.append(claim)
    if len(out) > MAX_CLAIMS:
        notes.append(f"kept the first {MAX_CLAIMS} of {len(out)} sentences")
    return out[:MAX_CLAIMS]


def _claims(state: Grounding) -> list[tuple[Claim, list[Source]]]:
    """The draft's claims that are not refusals, with the known sources each cites."""
    by_number = state.by_number
    out = []
    for claim in bounded(parse_draft(state.draft), state.notes):
        if is_refusal(claim.text) and not reports_negation(claim, by_number):
            continue
        if is_question(claim.text):
            state.notes.append(f"dropped a question, not a claim: {claim.text!r}")
            continue
        unknown = [n for n in claim.sources if n not in by_number]
        if unknown:
            state.notes.append(f"ignored unknown source numbers {unknown}")
        out.append((claim, [by_number[n] for n in claim.sources if n in by_number]))
    return out


def in_other_language(text: str) -> bool:
    """Whether a text of three or more lower-case words has no English function word ("Combien de personnes
    ont été blessées ?"): its words cannot be found in English sentences, only its figures and names."""
    lower = [w.lower() for w in text_words(text) if w[0].islower()]
    return len(lower) >= 3 and not any(w in STOPWORDS for w in lower)


def _stating_facts(text: str, cited: list[Source], sources: Sequence[Source]) -> list[Source]:
    """For a claim in the question's other language: a sentence giving all its figures and names, one it
    cites if any does."""
    if not facts(text):
        return []
    for group in (cited, sources):
        stating = [s for s in group if supported(text, s.text)[0]]
        if stating:
            return stating[:1]
    return []


def support(state: Grounding) -> None:
    ordered = dictated(state.question)
    other_language = in_other_language(state.question)
    disagreements = [s for s in state.sources if disagreement_clauses(s) is not None]
    for claim, cited in _claims(state):
        contradicting = [s for s in disagreements if len(overlap(claim.text, s.text)) >= 2]
        if _AGREEMENT.search(claim.text) and contradicting:
            state.notes.append(f"dropped: claims agreement where a source states disagreement: {claim.text!r}")
            state.contradicted += contradicting  # the disagreement is the answer: its accounts are added later
            continue
        if not claim.text:  # the model gave only markers: quote the sentences it chose
            state.sentences.extend([Segment(s.text.rstrip("."), (cite(s),))] for s in cited)
            continue
        if says_nothing_new(claim.text, state.question):
            state.notes.append(f"dropped: says nothing the question does not: {claim.text!r}")
            continue
        if other_language and in_other_language(claim.text):
            if stating := _stating_facts(claim.text, cited, state.sources):
                state.sentences.append([Segment(claim.text.rstrip("."), tuple(cite(s) for s in stating))])
            else:
                state.notes.append(f"dropped: no sentence gives its figures and names: {claim.text!r}")
        elif cited and is_supported(claim.text, cited, ordered):
            cited = narrowed(claim.text, cited, ordered)
            state.sentences.append([Segment(claim.text.rstrip("."), tuple(cite(s) for s in cited))])
        elif repaired := repair(claim.text, cited, state.sources, state.notes, ordered, state.question):
            state.sentences.append(repaired)


def accept(state: Grounding) -> None:
    """Without the support pass: every claim with the sentences it cites, unchecked."""
    for claim, cited in _claims(state):
        if cited:
            text = claim.text.rstrip(".") or cited[0].text.rstrip(".")
            state.sentences.append([Segment(text, tuple(cite(s) for s in cited))])
