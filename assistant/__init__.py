"""A question-answering assistant over news articles, with verified character-offset citations."""

from assistant.answer import Answer, Citation, Conflict, Turn
from assistant.assistant import Assistant
from assistant.errors import AssistantError, BackendUnavailable, ConfigError, InputError, ModelError
from assistant.settings import Settings

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
