"""A question-answering assistant over news articles, with verified character-offset citations.

``Assistant`` is imported on first use (PEP 562), so that commands which fail fast (an empty question, a
bad setting) do not first load LangChain.
"""

from typing import TYPE_CHECKING, Any

from assistant.answer import Answer, Citation, Conflict, Turn
from assistant.errors import AssistantError, BackendUnavailable, ConfigError, InputError, ModelError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.assistant import Assistant

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "BackendUnavailable",
    "Citation",
    "ConfigError",
    "Conflict",
    "InputError",
    "ModelError",
    "Settings",
    "Turn",
]


def __getattr__(name: str) -> Any:
    if name == "Assistant":
        from assistant.assistant import Assistant

        return Assistant
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
