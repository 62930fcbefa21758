"""LLM backends: the packaged local GGUF model, any GGUF file, OpenAI-compatible servers and Ollama,
chosen by a spec string through a small registry (``build_llm``) with lazy imports."""

from assistant.models.llms import build_llm

__all__ = ["build_llm"]
