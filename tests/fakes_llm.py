"""A scripted chat model (like llm's ``MockModel``): queued replies, streamed token by token."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

__all__ = ["ReadingChatModel", "ScriptedChatModel", "tokens"]

_TOKEN = re.compile(r"\s*\S+")


def tokens(text: str) -> list[str]:
    """Word-sized pieces that join back to ``text`` (leading whitespace kept with each word)."""
    pieces = _TOKEN.findall(text)
    tail = text[sum(map(len, pieces)) :]
    return pieces + [tail] if tail else pieces


class ScriptedChatModel(BaseChatModel):
    """Answers each call with the next queued reply; an ``Exception`` in the queue is raised instead.

    When the queue is empty, ``default`` is the reply. ``delay`` seconds pass before each token.
    Every call's messages are kept in ``calls``.
    """

    replies: list[Any] = Field(default_factory=list)
    default: str = "The article does not say."
    delay: float = 0.0
    model: str = "scripted"
    _calls: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def calls(self) -> list[list[BaseMessage]]:
        return self._calls

    def _next(self, messages: list[BaseMessage]) -> str:
        with self._lock:
            self._calls.append(list(messages))
            reply = self.replies.pop(0) if self.replies else self.default
        if isinstance(reply, Exception):
            raise reply
        return str(reply)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for token in tokens(self._next(messages)):
            time.sleep(self.delay)
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])


_SOURCE_LINE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)
_QUESTION_LINE = re.compile(r"^Question: (.+)$", re.MULTILINE)
_WORDS = re.compile(r"\w{4,}")


class ReadingChatModel(ScriptedChatModel):
    """Answers from the prompt it is given, like an extractive reader: the numbered source sharing the
    most words (four letters or more) with the question, quoted with its ``[n]`` marker; the refusal
    when no source shares a word. Retrieval decides what it can quote, so it tests what was retrieved."""

    model: str = "reading"

    def _next(self, messages: list[BaseMessage]) -> str:
        with self._lock:
            self._calls.append(list(messages))
        prompt = "\n".join(str(m.content) for m in messages)
        asked = _QUESTION_LINE.findall(prompt)
        words = {w.lower() for w in _WORDS.findall(asked[-1] if asked else "")}
        scored = [
            (len(words & {w.lower() for w in _WORDS.findall(text)}), -int(n), n, text)
            for n, text in _SOURCE_LINE.findall(prompt)
        ]
        best = max(scored, default=None)
        if best is None or best[0] == 0:
            return self.default
        return f"{best[3].strip().rstrip('.!?')} [{best[2]}]."
