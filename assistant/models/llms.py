"""Chat-model backends chosen by a spec string: ``local``, ``gguf:PATH``, ``openai:MODEL@URL``, ``ollama:MODEL``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from assistant.errors import ConfigError
from assistant.settings import Settings

__all__ = ["build_llm", "BACKENDS"]


def context_size(settings: Settings) -> int:
    """The model context a prompt of these settings needs: the longest prompt text (about 3 characters a
    token), the answer and the instructions, rounded up to a power of two, at least 4,096 tokens."""
    need = max(settings.prefix_chars, settings.context_chars) // 3 + settings.max_tokens + 1024
    return max(4096, 1 << (need - 1).bit_length())


def _local(arg: str, settings: Settings) -> BaseChatModel:
    from assistant.models.chat_models import ChatLlamaCppLocal
    from assistant.models.model_files import MODEL_NAME, assemble_default_model

    path = assemble_default_model(settings.data_dir / "models")
    return ChatLlamaCppLocal(
        model_name=MODEL_NAME, model_path=str(path), max_tokens=settings.max_tokens, n_threads=settings.threads,
        timeout=settings.timeout, prefix_cache_dir=str(settings.data_dir / "cache"),
        cache_bytes=settings.cache_mb * 2**20, n_ctx=context_size(settings),
    )


def _gguf(arg: str, settings: Settings) -> BaseChatModel:
    from assistant.models.chat_models import ChatLlamaCppLocal

    path = Path(arg).expanduser()
    if not path.is_file():
        raise ConfigError(f"ASSISTANT_LLM=gguf:{arg}: no such file; give the path of a .gguf model")
    return ChatLlamaCppLocal(
        model_name=path.name, model_path=str(path), max_tokens=settings.max_tokens, n_threads=settings.threads,
        timeout=settings.timeout, prefix_cache_dir=str(settings.data_dir / "cache"),
        cache_bytes=settings.cache_mb * 2**20, n_ctx=context_size(settings),
    )


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
