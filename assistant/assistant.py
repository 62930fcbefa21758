"""The ``Assistant`` facade: ask and stream grounded answers; the chain is a LangChain Runnable."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from langchain_core.documents import Document
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answer import Answer, Turn
from assistant.answer_log import AnswerLog, log_path
from assistant.draft import is_question, is_refusal, parse_draft
from assistant.grounding import ground
from assistant.models.prefix_cache import CORPUS
from assistant.prompting import Prompts
from assistant.question import asked_part, clean_question
from assistant.relevance import anchored
from assistant.settings import Settings
from assistant.sources import (
    Prefix,
    Source,
    choose_prefix,
    corpus_prefix,
    focus,
    own_prefix,
    prefixes,
    read_spans,
    select_sources,
)
from index import Article, split_sentences
from index.directives import is_directive
from index.store import ChunkRecord

if TYPE_CHECKING:  # half a second of imports: loaded with the chat model and the retriever, while weights load
    from langchain_core.language_models import BaseChatModel
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.runnables import Runnable

__all__ = ["Assistant", "clean_question", "as_turns"]

HISTORY_TURNS = 3

_log = logging.getLogger(__name__)


def as_turns(history: Sequence[Turn | Mapping[str, str]] | None) -> list[Turn]:
    """Accept Turns or {"question", "answer"} dicts; keep the last few turns, without citation markers
    (they number earlier answers' citations, not this prompt's sources)."""
    turns = []
    for item in history or ():
        turn = item if isinstance(item, Turn) else Turn(str(item.get("question", "")), str(item.get("answer", "")))
        answer = re.sub(r"\s*\[\d+\]", "", turn.answer)[:600]
        turns.append(Turn(turn.question[:600], answer))
    return turns[-HISTORY_TURNS:]


def _hit(doc: Document) -> ChunkRecord:
    meta = doc.metadata
    start, end = int(meta["start"]), int(meta["end"])
    sentences = meta.get("sentences")
    spans = (
        tuple(tuple(s) for s in json.loads(sentences))
        if sentences
        else tuple((start + a, start + b) for a, b in split_sentences(doc.page_content))
    )
    return ChunkRecord(
        id=str(doc.id or ""), article_id=str(meta["article_id"]), title=str(meta.get("title", "")),
        revision="", start=start, end=end, text=doc.page_content, sentences=spans,  # type: ignore[arg-type]
    )


def _read_articles(sources: Sequence[Source]) -> set[str]:
    return {s.article_id for s in sources}


class Hit(Protocol):
    """Where a retrieved chunk lies: a stored ``ChunkRecord``, or a logged one."""

    @property
    def article_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def in_top_hits(sources: Sequence[Source], hits: Sequence[Hit], top: int = 4) -> set[tuple[str, int]]:
    """(article id, start) of the sources inside the ``top`` best hits."""
    return {
        (s.article_id, s.start)
        for s in sources
        for h in hits[:top]
        if h.article_id == s.article_id and h.start <= s.start < h.end
    }


def ground_draft(
    question: str,
    text: str,
    focused: bool,
    sources: Sequence[Source],
    articles: Mapping[str, Article],
    refusal: str,
    retrieved: set[tuple[str, int]],
    without: frozenset[str] = frozenset(),
) -> Answer:
    """A draft grounded in its sources; one from the focused second pass is kept only when it cites a sentence
    holding a distinctive term of the question (``anchored``). Pure: the eval and scripts/regrade.py re-ground
    logged drafts with it."""
    answer = ground(question, text, sources, articles, refusal, retrieved, without)
    if focused and not answer.abstained:
        if not anchored(question, [c.quote for c in answer.citations], [s.text for s in sources]):
            note = "second-pass answer dropped: its sources share no distinctive term with the question"
            answer = Answer(refusal, True, notes=(*answer.notes, note))
    return answer


def hinted(prefix: Prefix | None, related_chars: int) -> bool:
    """Whether the question names the sentences of the top hits: when the prompt is a prefix of one article
    holding more than twice their text. Measured: on squad2 a whole 12,000-character article answered 0.50
    of answerable questions without the hint, 0.67 with it; the bundled article 0.96 with it, 0.92
    without. Across several articles it led the model to give one article's figure for another's subject
    (news tier 0.84 → 0.74), so a corpus of several articles gets none."""
    return (
        prefix is not None and len({aid for aid, _, _ in prefix.spans}) == 1 and prefix.chars > 2 * related_chars
    )


@dataclass(frozen=True)
class Draft:
    """The model's final draft and when its first token came."""

    text: str
    first_token: float | None
    focused: bool = False  # written by the second, focused pass
    asked: str | None = None  # the question a framing request holds, when the draft answers it alone
    prefix_state: str | None = None  # where the prefix's KV state came from: cached, disk, computed (None: not used)
    first: Drafted | None = None  # the cached prefix's draft that grounded to nothing, when this one replaced it


@dataclass
class Prepared:
    question: str
    history: list[Turn]
    hits: list[ChunkRecord]
    sources: list[Source]
    retrieved: set[tuple[str, int]]  # (article id, start) of the sources inside the top hits
    articles: dict[str, Article]
    messages: list[BaseMessage]
    started: float
    retrieved_at: float
    withheld: tuple[tuple[str, int, int], ...] = ()  # (article id, start, end): orders to an AI, not sources
    prefix: Prefix | None = None  # the cached prompt prefix the sources are (the corpus, an article or a window)
    related: tuple[int, ...] = ()  # the source numbers the question turn names as most related

    @property
    def path(self) -> str:
        """How the sources were chosen: "corpus" or "article" (read whole, from a cached prefix), "retrieved"."""
        return "retrieved" if self.prefix is None else "corpus" if self.prefix.label == CORPUS else "article"


Drafted = tuple[Prepared, Draft]  # a draft and the sources it was written from


class Assistant:
    """Answers questions about the indexed articles with verified citations.

    Collaborators are passed in (tests pass fakes): a LangChain retriever whose documents carry
    ``article_id``/``start``/``end`` metadata, a chat model, the prompts, and a function giving the
    indexed articles by id.
    """

    def __init__(
        self,
        retriever: BaseRetriever,
        llm: BaseChatModel,
        prompts: Prompts,
        articles: Callable[[], Mapping[str, Article]],
        settings: Settings | None = None,
        corpus: Any = None,
        log: AnswerLog | None = None,
    ) -> None:
        self.retriever, self.llm, self.prompts = retriever, llm, prompts
        self._articles = articles
        self.settings = settings or Settings.from_env()
        self.corpus = corpus
        self.log = log
        self.without: frozenset[str] = frozenset()  # grounding passes switched off (evals' ablations)
        self.last: tuple[Prepared, Draft] | None = None  # the latest answer's inputs to grounding
        # the latest grounding, (prepared, draft, without, answer): a draft is grounded to decide whether to ask
        # again (``_reframed``, ``_events``) and then to finish it, the same pure computation each time
        self._latest: tuple[Prepared, Draft, frozenset[str], Answer] | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        progress: Callable[[int, int], None] | None = None,
        llm: BaseChatModel | None = None,
    ) -> Assistant:
        """The real assistant: index (built on first use), packaged model or configured backend.

        ``llm`` reuses an already loaded model (the eval's tiers share one) instead of building one. Otherwise
        a local model's weights begin loading first, on a thread, while the index opens.
        """
        from assistant.models.llms import build_llm, start_loading

        settings = settings or Settings.from_env()
        if llm is None:
            start_loading(settings)
        from assistant.corpus import Corpus

        corpus = Corpus(settings)
        corpus.store.probe()  # a Chroma server that is down is reported before the model loads
        corpus.ensure_indexed(progress)
        llm = llm or build_llm(settings)
        cache: dict[str, Any] = {}

        def articles() -> Mapping[str, Article]:
            revisions = corpus.catalog.revisions()
            if cache.get("revisions") != revisions:
                cache["articles"] = {a.id: a for a in corpus.articles()}
                cache["revisions"] = revisions
            return cache["articles"]  # type: ignore[no-any-return]

        log = AnswerLog(log_path(settings.data_dir)) if settings.log else None
        return cls(corpus.retriever, llm, Prompts.load(), articles, settings, corpus, log)

    # -- the pipeline -------------------------------------------------------------------------

    def _prepare(self, inputs: Mapping[str, Any]) -> Prepared:
        started = time.perf_counter()
        question = clean_question(inputs["question"], self.settings.max_question_chars)
        history = as_turns(inputs.get("history"))
        query = " ".join([t.question for t in history[-1:]] + [question])
        hits = [_hit(d) for d in self.retriever.invoke(query, k=self.settings.top_k)]
        articles = dict(self._articles())
        s = self.settings
        prefix = choose_prefix(hits, articles, s.context_chars, s.prefix_chars)
        return self._read(question, history, hits, articles, prefix, started, time.perf_counter())

    def _read(
        self, question: str, history: list[Turn], hits: list[ChunkRecord], articles: dict[str, Article],
        prefix: Prefix | None, started: float, retrieved_at: float,
    ) -> Prepared:
        """The sources and messages for the question: the cached prefix's text, or (None) the retrieved text."""
        grouped = (
            read_spans(articles, prefix.spans) if prefix
            else select_sources(hits, articles, self.settings.context_chars)
        )
        sources = [x for group in grouped for x in group.sources]
        retrieved = in_top_hits(sources, hits)
        related = [x.number for x in sources if (x.article_id, x.start) in retrieved]
        if not hinted(prefix, sum(x.end - x.start for x in sources if x.number in related)):
            related = []
        messages: list[BaseMessage] = [
            SystemMessage(self.prompts.render_system(grouped)),
            HumanMessage(self.prompts.render_question(question, history, related)),
        ]
        withheld = tuple((g.article_id, start, end) for g in grouped for start, end in g.withheld)
        return Prepared(
            question, history, hits, sources, retrieved, articles, messages, started,
            retrieved_at, withheld, prefix, tuple(related),
        )

    def _drafts(self, prepared: Prepared) -> Iterator[str | Draft]:
        """Text deltas, then the Draft to ground.

        A question written as an order to override the assistant's instructions (the same signs as a
        planted sentence in an article, ``index.directives``; none of the 1,145 ordinary eval questions
        shows one) is refused without asking the model; any other question reaches the model, and what it
        writes must pass grounding. When the model refuses but
        a few sources plausibly hold the answer, it is asked again with only those sources and no
        refusal to fall back on: small models refuse answerable questions in long contexts far more
        often than they invent facts, and the support and anchor checks catch what they invent.
        """
        if is_directive(prepared.question):
            yield Draft(self.prompts.refusal, None)
            return
        state = self._restore_prefix(prepared.messages[0], prepared.prefix)
        first_token: list[float] = []
        text = yield from self._stream_text(prepared.messages, first_token)
        claims = [c for c in parse_draft(text) if not is_question(c.text)]
        refused = not claims or all(is_refusal(c.text) for c in claims)
        focused = focus(prepared.question, prepared.sources, prepared.retrieved) if refused else []
        if not focused or not self.prompts.focused:
            yield Draft(text, next(iter(first_token), None), prefix_state=state)
            return
        yield "\n"
        prompt = self.prompts.render_focused(
            prepared.question, prepared.history, sorted(focused, key=lambda s: s.number)
        )
        text = yield from self._stream_text([HumanMessage(prompt)], first_token)
        yield Draft(text, next(iter(first_token), None), focused=True, prefix_state=state)

    def _reframed(self, prepared: Prepared, draft: Draft) -> Iterator[str | Draft]:
        """The draft, or — when it grounds to nothing and the question is a request framing a question of its
        own ("Pretend you are a journalist: in which year …?") — a draft for that question alone. A role or a
        format the frame asks for can lead a small model off its sources (uncited paraphrase, refusal);
        the frame is kept on the first try, since it may name what the question refers to ("Ignore the old
        library: how many books does the new one hold?")."""
        asked = asked_part(prepared.question)
        framed = asked != prepared.question and not is_directive(prepared.question)  # an override is never asked
        if not framed or not self.grounded(prepared, draft).abstained:
            yield draft
            return
        yield "\n"
        self._restore_prefix(prepared.messages[0], prepared.prefix)
        turn = HumanMessage(self.prompts.render_question(asked, prepared.history, prepared.related))
        first_token: list[float] = []
        text = yield from self._stream_text([prepared.messages[0], turn], first_token)
        yield replace(draft, text=text, focused=False, asked=asked)

    def _restore_prefix(self, system: BaseMessage, prefix: Prefix | None) -> str | None:
        """Put the model in the KV state after this system prompt and the question turn's fixed opening
        (restored, read from disk, or computed and saved on first use) so that only the question is
        evaluated; None when the sources are not a cached prefix or the backend keeps no state.

        The opening is the hinted one when the prefix is one article (most of its questions name their
        related sources); a question that opens otherwise shares the sources and evaluates the rest."""
        warm = getattr(self.llm, "warm", None)
        if prefix is None or warm is None:
            return None
        head = self.prompts.question_head(hinted(prefix, 0))
        return str(warm([system, HumanMessage(head)], prefix.label))

    def _stream_text(self, messages: list[BaseMessage], first_token: list[float]) -> Generator[str, None, str]:
        """Yield the model's deltas; return the whole text. Records when the first token came."""
        parts: list[str] = []
        for chunk in self.llm.stream(messages):
            delta = str(chunk.content)
            if delta:
                if not first_token:
                    first_token.append(time.perf_counter())
                parts.append(delta)
                yield delta
        return "".join(parts)

    def grounded(self, prepared: Prepared, draft: Draft, without: frozenset[str] = frozenset()) -> Answer:
        """The draft grounded in the prepared sources (pure: the eval re-grounds drafts with passes off)."""
        latest = self._latest
        if latest is not None and latest[0] is prepared and latest[1] is draft and latest[2] == without:
            return latest[3]
        answer = ground_draft(
            prepared.question, draft.text, draft.focused, prepared.sources, prepared.articles, self.prompts.refusal,
            prepared.retrieved, without,
        )
        self._latest = (prepared, draft, without, answer)
        return answer

    def regrounded(self, without: frozenset[str]) -> Answer | None:
        """The latest answer's drafts grounded again without the ``without`` passes, as the answer was made:
        the cached prefix's draft, and the retrieved text's when that grounds to nothing (pure; the eval's
        ablations). None before the first answer."""
        if self.last is None:
            return None
        prepared, draft = self.last
        if draft.first is not None:
            answer = self.grounded(*draft.first, without)
            if not answer.abstained:
                return answer
        return self.grounded(prepared, draft, without)

    def _finish(self, prepared: Prepared, draft: Draft) -> Answer:
        answer = self.grounded(prepared, draft, self.without)
        self.last = (prepared, draft)
        now = time.perf_counter()
        timings = {"retrieve": prepared.retrieved_at - prepared.started, "total": now - prepared.started}
        first_token = draft.first[1].first_token if draft.first is not None else None
        first_token = first_token if first_token is not None else draft.first_token
        if first_token is not None:
            timings["first_token"] = first_token - prepared.started
        notes = answer.notes
        if draft.first is not None:
            notes = (*notes, f"drafted again from the retrieved text: the draft from the {draft.first[0].path} "
                             "prefix grounded to nothing")
        if draft.asked:
            notes = (*notes, f"answered the question the request frames, {draft.asked!r}: the first draft "
                             "grounded to nothing")
        if prepared.withheld:
            notes = (*notes, f"{len(prepared.withheld)} sentence(s) written as orders to an AI were not used as "
                             "sources: " + "; ".join(repr(prepared.articles[a].text[s:e][:80])
                                                     for a, s, e in prepared.withheld))
        final = Answer(answer.text, answer.abstained, answer.citations, answer.conflicts, timings, notes)
        if self.log is not None:
            self.log.append(self._record(prepared, draft, final))
        return final

    def _record(self, prepared: Prepared, draft: Draft, answer: Answer) -> dict[str, Any]:
        """What the answer log keeps of one answer: enough to replay and tune the grounding rules."""
        return {
            "question": prepared.question,
            "history": len(prepared.history),
            "llm": self.settings.llm,
            "model": str(getattr(self.llm, "model", type(self.llm).__name__)),
            "hits": [[h.article_id, h.start, h.end] for h in prepared.hits],
            "withheld": [list(w) for w in prepared.withheld],
            **self._attempt(prepared, draft),  # path, sources, draft, focused
            "prefix_state": draft.prefix_state if draft.first is None else draft.first[1].prefix_state,
            "first_draft": None if draft.first is None else self._attempt(*draft.first),
            "asked": draft.asked,
            "answer": answer.to_dict(),
        }

    def _drafted(self, prepared: Prepared) -> Generator[str, None, Draft]:
        """Yield text deltas; return the Draft to ground (see ``_drafts`` and ``_reframed``)."""
        for event in self._drafts(prepared):
            if not isinstance(event, Draft):
                yield event
                continue
            for step in self._reframed(prepared, event):
                if isinstance(step, Draft):
                    return step
                yield step
        raise AssertionError("_drafts yields a Draft last")

    @staticmethod
    def _attempt(prepared: Prepared, draft: Draft) -> dict[str, Any]:
        """A draft as the answer log keeps it: enough to ground it again."""
        return {
            "path": prepared.path,
            "sources": [[s.number, s.article_id, s.start, s.end] for s in prepared.sources],
            "draft": draft.text,
            "focused": draft.focused,
        }

    def _events(self, prepared: Prepared) -> Iterator[str | Drafted]:
        """Text deltas, then the sources and the Draft to ground.

        A draft read from the cached prefix of a corpus of several articles that grounds to nothing is
        drafted again from the question's retrieved text (the hit articles whole while they fit, the hit
        chunks of the rest) when that reads fewer articles: a small model answers a question about one
        article worse beside the sentences of others (the injection tier's neighbouring-article answers).
        One article (or a window of one) is not read again: on squad2 the retrieved chunks answered three
        unanswerable questions that its window had refused, and gained none. When the retrieved text is one
        article whole, it is read from that article's own prefix, as in a corpus too large for one: its state
        is kept, so the next such question evaluates only itself. See README, "How an answer is made".
        """
        draft = yield from self._drafted(prepared)
        if prepared.prefix is None or is_directive(prepared.question) or not self.grounded(prepared, draft).abstained:
            yield prepared, draft
            return
        retrieved = self._read(
            prepared.question, prepared.history, prepared.hits, prepared.articles, None, prepared.started,
            prepared.retrieved_at,
        )
        if len(_read_articles(retrieved.sources)) >= len(_read_articles(prepared.sources)):
            yield prepared, draft
            return
        own = own_prefix(retrieved.sources, prepared.articles, self.settings.context_chars)
        if own is not None:  # one article whole: from its own prefix, whose state is kept for its next question
            retrieved = self._read(
                prepared.question, prepared.history, prepared.hits, prepared.articles, own, prepared.started,
                prepared.retrieved_at,
            )
        yield "\n"
        redrafted = yield from self._drafted(retrieved)
        yield retrieved, replace(redrafted, first=(prepared, draft))

    def _generate(self, prepared: Prepared) -> Drafted:
        return next(d for d in self._events(prepared) if isinstance(d, tuple))

    def chain(self) -> Runnable[dict[str, Any], Answer]:
        """The LCEL chain: {"question", "history"} → retrieve → prompt → LLM → ground → Answer."""
        from langchain_core.runnables import RunnableLambda, RunnablePassthrough

        return (
            RunnablePassthrough.assign(prepared=RunnableLambda(self._prepare))
            | RunnablePassthrough.assign(drafted=itemgetter("prepared") | RunnableLambda(self._generate))
            | RunnableLambda(lambda x: self._finish(*x["drafted"]))
        )

    def ask(self, question: str, history: Sequence[Turn | Mapping[str, str]] = ()) -> Answer:
        """Answer one question; ``history`` holds earlier turns for follow-ups."""
        answer: Answer | None = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self, question: str, history: Sequence[Turn | Mapping[str, str]] = ()
    ) -> Iterator[str | Answer]:
        """Yield the draft's text deltas as the model writes, then the verified ``Answer``."""
        prepared = self._prepare({"question": question, "history": history})
        for event in self._events(prepared):
            if isinstance(event, tuple):
                yield self._finish(*event)
            else:
                yield event

    def warm(self) -> str | None:
        """Pre-compute the model's KV cache for the prompt prefix every question shares: the whole corpus,
        when it fits ``prefix_chars``; meanwhile, on another thread, open what retrieval reads (the
        embedder, the store, the lexical index: much of the model's loading runs in C with the GIL
        released, so the two overlap — a fresh process's first token came 0.3-0.5 s sooner).

        Returns how the local model got it ("computed", "disk", "cached"); None for other backends, and
        when questions read one article (or window) each: each one's state is built on its first
        question, or ahead of time by ``warm_articles``.
        """
        opener = getattr(self.retriever, "open", None)
        with ThreadPoolExecutor(max_workers=1) as pool:
            opened = pool.submit(opener) if opener is not None else None
            outcome = self._warm_model()
            if opened is not None and opened.exception() is not None:
                # only a head start: the first question meets the same error and reports it
                _log.warning("could not open the index ahead of the first question: %s", opened.exception())
        return outcome

    def _warm_model(self) -> str | None:
        articles = dict(self._articles())
        whole = corpus_prefix(articles, self.settings.prefix_chars)
        if whole is None:
            preload = getattr(self.llm, "preload", None)
            if preload is not None:
                preload()  # the weights, at least: a server is ready when it says so
            return None
        return self._restore_prefix(self._system(articles, whole), whole)

    def warm_articles(self, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Build (or find) the KV state of every prefix a question may read: the whole corpus when it fits
        ``prefix_chars``, else each article (or window of a long one). Counts of "computed", "disk", "cached"."""
        articles = dict(self._articles())
        plan = prefixes(articles, self.settings.context_chars, self.settings.prefix_chars)
        counts: dict[str, int] = {}
        for done, prefix in enumerate(plan):
            if progress:
                progress(done, len(plan))
            outcome = self._restore_prefix(self._system(articles, prefix), prefix)
            if outcome is not None:
                counts[outcome] = counts.get(outcome, 0) + 1
        if progress:
            progress(len(plan), len(plan))
        return counts

    def _system(self, articles: Mapping[str, Article], prefix: Prefix) -> BaseMessage:
        return SystemMessage(self.prompts.render_system(read_spans(articles, prefix.spans)))

    def describe(self) -> dict[str, Any]:
        """The model and settings in use, for the UI and eval reports."""
        s = self.settings
        return {
            "llm": s.llm,
            "model": getattr(self.llm, "model", type(self.llm).__name__),
            "backend": getattr(self.llm, "_llm_type", "?"),
            "top_k": s.top_k,
            "context_chars": s.context_chars,
            "prefix_chars": s.prefix_chars,
            "max_tokens": s.max_tokens,
            "chroma": s.chroma_url or "embedded",
        }
