"""The assistant's errors. Every message says what to do next and names the setting or command."""

from __future__ import annotations

__all__ = ["AssistantError", "ConfigError", "InputError", "ModelError", "BackendUnavailable"]


class AssistantError(Exception):
    """Base class: the CLI prints these as one line, the web chat as a message."""


class ConfigError(AssistantError):
    """A setting has a value that cannot work."""


class InputError(AssistantError):
    """The question cannot be answered as given (empty, too long)."""


class ModelError(AssistantError):
    """The language model is missing, corrupt or failed."""


class BackendUnavailable(ModelError):
    """A remote model server cannot be reached."""
