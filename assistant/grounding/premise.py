"""Pass ``premise``: a why-question whose clause no source states ("Why did the single explosion …?"), or
that the sources negate ("Why did the firm appeal?" where it "would not appeal"), gets no answer repeating
the premise, and the sentence closest to the clause (a negating one first) is quoted instead. A question
stating a number that no article the answer cites states ("What was the Six Years War?") is not answered,
nor one naming in several words what no sentence names together ("South America" where the articles speak of
South Carolina and North America), nor a question asking what is not so ("Where are neutrophils rarely
found?") by sentences that negate nothing."""

from __future__ import annotations

from assistant.grounding.state import Grounding, Segment, Sentence, cite, text_of
from assistant.premise import Premise, check_premise, negated_premise, unjoined_names, unstated_numbers
from assistant.question import asked_part
from index.text import POLARITY

__all__ = ["premise"]


def _correct_premise(
    premise: Premise, sentences: list[Sentence], notes: list[str]
) -> list[Sentence]:
    """Drop sentences repeating words of the unstated premise that no source holds ("the single
    explosion"), then quote the sentence closest to the premise unless the answer cites one as close."""
    kept = []
    for sentence in sentences:
        text = text_of(sentence)
        if premise.repeated_in(text):
            notes.append(f"dropped: repeats the question's unstated premise: {text[:80]!r}")
        else:
            kept.append(sentence)
    cited = {(c.article_id, c.start) for s in kept for seg in s for c in seg.citations}
    source = premise.closest
    if source is not None and not cited & premise.nearest:
        notes.append(f"no source states {premise.clause!r}: quoted the closest sentence")
        lead = "The article does not state the question's premise; it says: "
        kept.append([Segment(f"{lead}“{source.text.rstrip('.')}”", (cite(source),))])
    return kept


def _given_but_unstated(question: str, texts: list[str], quotes: list[str]) -> str | None:
    """Why the question's premise is not the articles' (a number, a name, a negation it takes as given), or None."""
    if absent := unstated_numbers(question, texts):
        return f"the question's {', '.join(map(repr, absent))} is stated nowhere in the articles the answer cites"
    if unjoined := unjoined_names(question, texts):
        return (f"no sentence of the articles the answer cites names {', '.join(map(repr, unjoined))}, though "
                "each of its words is in them")
    negation = negated_premise(asked_part(question))
    if negation and not any(POLARITY.search(q) for q in quotes):
        return f"the question asks what is {negation!r} so, and no cited sentence says what is not"
    return None


def premise(state: Grounding) -> None:
    citations = [c for sentence in state.sentences for seg in sentence for c in seg.citations]
    texts = [a.text for aid, a in state.articles.items() if aid in {c.article_id for c in citations}]
    if state.sentences and (reason := _given_but_unstated(state.question, texts, [c.quote for c in citations])):
        state.notes.append(f"not answered: {reason}")
        state.sentences = []
        return
    found = check_premise(state.question, state.sources, state.retrieved)
    if found is not None:
        state.sentences = _correct_premise(found, state.sentences, state.notes)
