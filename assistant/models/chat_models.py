"""LangChain chat models over llama.cpp (in-process) and any OpenAI-compatible server.

Both stream tokens, are deterministic by default (temperature 0), bound their output (``max_tokens``
plus a repetition guard) and turn transport failures into ``ModelError``s naming ``ASSISTANT_LLM``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.base import LangSmithParams
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.errors import BackendUnavailable, ModelError
from assistant.models.prefix_cache import CORPUS
from assistant.models.weights import Weights
from assistant.models.weights import load as load_weights

__all__ = ["ChatLlamaCppLocal", "ChatOpenAICompatible", "RepetitionGuard", "to_openai_messages"]

log = logging.getLogger(__name__)

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}


def to_openai_messages(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class RepetitionGuard:
    """Stops generation that loops: the last ``window`` characters already occurred ``times`` times."""

    def __init__(self, window: int = 40, times: int = 3) -> None:
        self.window, self.times = window, times
        self.text = ""

    def feed(self, delta: str) -> bool:
        """Add a delta; True when the output has started repeating itself."""
        self.text += delta
        if len(self.text) < self.window * self.times:
            return False
        tail = self.text[-self.window :]
        return self.text.count(tail) >= self.times


class _ChatBase(BaseChatModel):
    """Fields and plumbing shared by both backends."""

    model_config = ConfigDict(populate_by_name=True)

    model: str = Field(default="local", alias="model_name")
    temperature: float = 0.0
    max_tokens: int = 320
    timeout: float = 120.0
    stop: list[str] | None = None
    max_retries: int = 1
    streaming: bool = False

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider=self._llm_type,
            ls_model_name=str(kwargs.get("model", self.model)),
            ls_model_type="chat",
            ls_temperature=kwargs.get("temperature", self.temperature),
            ls_max_tokens=kwargs.get("max_tokens", self.max_tokens),
        )
        if stop or self.stop:
            params["ls_stop"] = stop or self.stop
        return params

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[str]:
        raise NotImplementedError

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        guard = RepetitionGuard()
        for delta in self._deltas(messages, stop or self.stop, **kwargs):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk
            if guard.feed(delta):
                break
        if not guard.text:
            raise ModelError(f"{self._where()} returned no text; retry, or check the model in ASSISTANT_LLM")

    def _where(self) -> str:
        return f"the model {self.model}"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(c.message.content) for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


class ChatLlamaCppLocal(_ChatBase):
    """A GGUF model run in-process by llama-cpp-python, loaded on first use.

    Rope and context settings come from the GGUF itself (unlike langchain-community's ChatLlamaCpp,
    which overrides ``rope_freq_base``). Calls are serialised: one model, one generation at a time.
    The KV cache of the longest common prompt prefix is reused between calls.
    """

    model_path: str = ""
    n_ctx: int = 4096
    n_threads: int = 0
    seed: int = 0
    repeat_penalty: float = 1.05
    prefix_cache_dir: str | None = None
    cache_bytes: int = 2 * 2**30  # the prefix states kept on disk, least recently used deleted first
    _llama: Any = PrivateAttr(default=None)
    _prefix: Any = PrivateAttr(default=None)
    _open: int = PrivateAttr(default=0)  # the prefix tokens a prompt continuing its last message shares
    _lock: Any = PrivateAttr(default_factory=threading.Lock)
    _evicted: list[str] = PrivateAttr(default_factory=list)
    _formatter: Any = PrivateAttr(default=None)

    @property
    def evicted(self) -> list[str]:
        """State files this model deleted to keep the cache within ``cache_bytes``."""
        return self._evicted

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def preload(self) -> None:
        """Load the weights now rather than on the first question."""
        with self._lock:
            self.load()

    def load(self) -> Any:
        """Load the weights (once: taking a load ``weights.start`` began, if any); the caller must hold the
        lock."""
        if self._llama is None:
            self._llama = load_weights(self.weights())
        return self._llama

    def weights(self) -> Weights:
        """What this model's llama.cpp weights are loaded with."""
        return Weights(self.model_path, self.n_ctx, self.n_threads, self.seed)

    def warm(self, messages: list[BaseMessage], label: str = CORPUS) -> str:
        """Evaluate a prompt prefix so later calls sharing it start fast; keep its state to restore.

        With ``prefix_cache_dir`` the state is also saved to disk under ``label`` (what the prefix holds:
        an article id or window, or ``CORPUS``), and read back — in this process after a detour through another
        prefix, or in a new one — instead of evaluating the prefix again. Returns "cached" (in memory),
        "disk" or "computed".
        """
        from assistant.models import prefix_cache

        with self._lock:
            llama = self.load()
            tokens = self._tokens(llama, messages)
            if self._prefix is not None and np.array_equal(self._prefix.tokens[: len(tokens)], tokens):
                return "cached"
            self._fits(tokens, 1)
            self._open = self._open_length(llama, messages, tokens)
            path = None
            if self.prefix_cache_dir:
                key = prefix_cache.cache_key(self.model_path, self.n_ctx, tokens, label)
                path = Path(self.prefix_cache_dir) / key
                try:
                    state = prefix_cache.load(path)
                except prefix_cache.Corrupt as exc:
                    log.warning("prefix state %s was not whole (%s): deleted, computing it again", path, exc)
                    state = None
                if state is not None and np.array_equal(state.tokens, tokens) and prefix_cache.restore(llama, state):
                    self._prefix = state
                    return "disk"
            # From an empty context: continuing whatever prefix the live context shares would evaluate the
            # rest in other batches, and the state (so greedy drafts) would depend on what ran before.
            llama.n_tokens = 0
            llama.create_completion(tokens, max_tokens=1, temperature=0.0)
            self._prefix = prefix_cache.capture(llama)
            if path is not None:
                try:
                    self._evicted.extend(prefix_cache.save(path, self._prefix, self.cache_bytes))
                except OSError as exc:
                    log.warning("cannot save the prefix state in %s (%s): answers stay correct, "
                                "but a new process computes it again", self.prefix_cache_dir, exc)
            return "computed"

    def _fits(self, tokens: Sequence[int], room: int) -> None:
        if len(tokens) + room > self.n_ctx:
            raise ModelError(
                f"prompt of {len(tokens)} tokens exceeds the model context ({self.n_ctx}); "
                "lower ASSISTANT_PREFIX_CHARS, ASSISTANT_CONTEXT_CHARS or ASSISTANT_TOP_K"
            )

    def _tokens(self, llama: Any, messages: list[BaseMessage]) -> list[int]:
        prompt = self._format(llama, messages)
        return list(llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    def _open_length(self, llama: Any, messages: list[BaseMessage], tokens: list[int]) -> int:
        """The tokens of a prefix that a prompt continuing its last message keeps: all but the template's
        closing of that turn ("<|im_end|>", the assistant header)."""
        from assistant.models import prefix_cache

        *rest, last = messages
        if not isinstance(last.content, str):
            return len(tokens)
        longer = self._tokens(llama, [*rest, last.model_copy(update={"content": last.content + " x"})])
        return prefix_cache.common_prefix(tokens, longer)

    def _reuse_prefix(self, llama: Any, tokens: list[int]) -> None:
        """Start from the warmed prefix's state when ``tokens`` continue it: the rest of the prompt is then
        always evaluated from the same token, so a question gets the same answer whatever was asked before.
        (Continuing from the live context, which shares a few tokens more with some questions than with
        others, changed greedy drafts with the questions asked before.) When the live context grew from
        that state it is cut back to it, else the state is restored. A prompt that leaves the prefix earlier
        (a follow-up with history) restores it when it shares more with it than with the live context."""
        from assistant.models import prefix_cache

        if self._prefix is None:
            return
        state = self._prefix.tokens
        shared = prefix_cache.common_prefix(state, tokens)
        if 0 < self._open <= shared:
            if prefix_cache.common_prefix(llama.input_ids[: llama.n_tokens], state) >= self._open:
                llama.n_tokens = self._open  # generate() drops the KV cells after it
            else:
                prefix_cache.restore(llama, self._prefix)
        elif shared > prefix_cache.common_prefix(llama.input_ids[: llama.n_tokens], tokens) + 32:
            prefix_cache.restore(llama, self._prefix)

    def _format(self, llama: Any, messages: list[BaseMessage]) -> str:
        if self._formatter is None:  # compiling the template took 8 ms of each call
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            template = llama.metadata.get("tokenizer.chat_template")
            if not template:
                raise ModelError(f"{self.model_path} has no chat template; use an instruct GGUF")
            eos = llama.detokenize([llama.token_eos()]).decode("utf-8", "ignore")
            self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token="")
        return self._formatter(messages=to_openai_messages(messages)).prompt  # type: ignore[no-any-return]

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[str]:
        with self._lock:
            llama = self.load()
            tokens = self._tokens(llama, messages)
            self._fits(tokens, 16)
            self._reuse_prefix(llama, tokens)
            deadline = time.monotonic() + self.timeout
            stream = llama.create_completion(
                tokens,
                max_tokens=int(kwargs.get("max_tokens", self.max_tokens)),
                temperature=float(kwargs.get("temperature", self.temperature)),
                top_k=1 if self.temperature == 0 else 40,
                repeat_penalty=self.repeat_penalty,
                stop=(stop or []) + ["<|im_end|>", "<|endoftext|>"],
                stream=True,
            )
            for part in stream:
                delta = part["choices"][0]["text"]
                if delta:
                    yield delta
                if time.monotonic() > deadline:
                    break


class ChatOpenAICompatible(_ChatBase):
    """Any server speaking the OpenAI chat-completions API (vLLM, llama.cpp server, LM Studio, Ollama)."""

    base_url: str = "http://127.0.0.1:8080/v1"
    api_key: str | None = None

    @property
    def _llm_type(self) -> str:
        return "openai-compatible"

    def _where(self) -> str:
        return f"the model server at {self.base_url}"

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[str]:
        import httpx

        body: dict[str, Any] = {
            "model": kwargs.get("model", self.model),
            "messages": to_openai_messages(messages),
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stream": True,
        }
        if stop:
            body["stop"] = stop
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        url = self.base_url.rstrip("/") + "/chat/completions"
        for attempt in range(self.max_retries + 1):
            try:
                with httpx.stream("POST", url, json=body, headers=headers, timeout=self.timeout) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise ModelError(
                            f"{url} answered HTTP {response.status_code}: {response.text[:200]}; "
                            "check the model name in ASSISTANT_LLM"
                        )
                    if response.headers.get("content-type", "").startswith("application/json"):
                        response.read()  # a server that ignores "stream": one JSON body
                        yield from _body_deltas(response.text)
                    else:
                        yield from _sse_deltas(response.iter_lines())
                return
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt == self.max_retries:
                    raise BackendUnavailable(
                        f"cannot reach the model server at {self.base_url} ({type(exc).__name__}); "
                        "start it or change ASSISTANT_LLM"
                    ) from None
                time.sleep(0.5 * (attempt + 1))
            except httpx.HTTPError as exc:
                raise BackendUnavailable(
                    f"model server at {self.base_url} failed mid-answer ({type(exc).__name__}); "
                    "retry, or change ASSISTANT_LLM"
                ) from None


def _body_deltas(body: str) -> Iterator[str]:
    """The content of a non-streamed chat-completions body; nothing when it has none."""
    try:
        message = json.loads(body)["choices"][0]["message"]
        content = message.get("content")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return
    if isinstance(content, str) and content:
        yield content


def _sse_deltas(lines: Iterator[str]) -> Iterator[str]:
    """Content deltas from a server-sent-events stream; malformed events are skipped."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            choice = json.loads(data)["choices"][0]
            delta = (choice.get("delta") or {}).get("content") or (choice.get("message") or {}).get("content")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):  # not an object where one belongs
            continue
        if isinstance(delta, str) and delta:
            yield delta
