"""Chat-model backends chosen by a spec string: ``local``, ``gguf:PATH``, ``openai:MODEL@URL``, ``ollama:MODEL``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import ConfigError
from assistant.models import weights
from assistant.models.weights import Weights
from assistant.settings import Settings

if TYPE_CHECKING:  # LangChain's chat-model module takes half a second to import: only when a model is built
    from langchain_core.language_models import BaseChatModel

__all__ = ["build_llm", "start_loading", "BACKENDS"]


def context_size(settings: Settings) -> int:
    """The model context a prompt of these settings needs: the longest prompt text (about 3 characters a
    token), the answer and the instructions, rounded up to a power of two, at least 4,096 tokens."""
    need = max(settings.prefix_chars, settings.context_chars) // 3 + settings.max_tokens + 1024
    return max(4096, 1 << (need - 1).bit_length())


def _weights(path: Path, settings: Settings) -> Weights:
    return Weights(str(path), context_size(settings), settings.threads)


def _llama_cpp(name: str, path: Path, settings: Settings) -> BaseChatModel:
    from assistant.models.chat_models import ChatLlamaCppLocal

    w = _weights(path, settings)
    return ChatLlamaCppLocal(
        model_name=name, model_path=w.model_path, n_ctx=w.n_ctx, n_threads=w.n_threads, seed=w.seed,
        max_tokens=settings.max_tokens, timeout=settings.timeout, prefix_cache_dir=str(settings.data_dir / "cache"),
        cache_bytes=settings.cache_mb * 2**20,
    )


def _gguf_file(arg: str) -> Path:
    return Path(arg).expanduser()


def _local(arg: str, settings: Settings) -> BaseChatModel:
    from assistant.models.model_files import MODEL_NAME, assemble_default_model

    return _llama_cpp(MODEL_NAME, assemble_default_model(settings.data_dir / "models"), settings)


def _gguf(arg: str, settings: Settings) -> BaseChatModel:
    path = _gguf_file(arg)
    if not path.is_file():
        raise ConfigError(f"ASSISTANT_LLM=gguf:{arg}: no such file; give the path of a .gguf model")
    return _llama_cpp(path.name, path, settings)


def _openai(arg: str, settings: Settings) -> BaseChatModel:
    from assistant.models.chat_models import ChatOpenAICompatible

    model, sep, url = arg.partition("@")
    if not model or not sep or not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"ASSISTANT_LLM=openai:{arg} must look like openai:MODEL@http://host:port/v1"
        )
    return ChatOpenAICompatible(
        model_name=model, base_url=url, api_key=os.environ.get("ASSISTANT_API_KEY") or None,
        max_tokens=settings.max_tokens, timeout=settings.timeout,
    )


def _ollama(arg: str, settings: Settings) -> BaseChatModel:
    if not arg:
        raise ConfigError("ASSISTANT_LLM=ollama:MODEL needs a model name, e.g. ollama:qwen2.5:1.5b")
    host = os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434")
    if not host.startswith("http"):
        host = "http://" + host
    return _openai(f"{arg}@{host.rstrip('/')}/v1", settings)


BACKENDS: dict[str, Callable[[str, Settings], BaseChatModel]] = {
    "local": _local,
    "gguf": _gguf,
    "openai": _openai,
    "ollama": _ollama,
}


def build_llm(settings: Settings) -> BaseChatModel:
    """The chat model named by ``settings.llm``."""
    provider, _, arg = settings.llm.partition(":")
    if provider not in BACKENDS:
        raise ConfigError(
            f"ASSISTANT_LLM={settings.llm!r}: unknown backend; use one of local, gguf:PATH, "
            "openai:MODEL@URL, ollama:MODEL"
        )
    return BACKENDS[provider](arg, settings)


def start_loading(settings: Settings) -> None:
    """Begin loading the weights ``build_llm(settings)`` will use, on a thread (``weights.start``), so what a
    new process imports and opens meanwhile overlaps the load. Only a local model already on disk: a first
    start assembles it, and a missing file is reported, on the main path; remote backends load nothing."""
    provider, _, arg = settings.llm.partition(":")
    path: Path | None = None
    if provider == "local":
        from assistant.models.model_files import assembled_model

        path = assembled_model(settings.data_dir / "models")
    elif provider == "gguf" and (file := _gguf_file(arg)).is_file():
        path = file
    if path is not None:
        weights.start(_weights(path, settings))
