"""Asking a running ``assistant serve`` (its ``/ask`` API) instead of loading the model in this process.

A new process that loads the index and the model needs ~3 s before its first token; one that asks a
server that already holds them needs only ``gradio_client`` (~0.5 s) and the answer itself. The server
answers from its own data directory and settings.
"""

from __future__ import annotations

from assistant.answer import Answer
from assistant.errors import AssistantError, BackendUnavailable, InputError

__all__ = ["ask_server"]


def ask_server(url: str, question: str) -> Answer:
    """The verified answer that the ``assistant serve`` at ``url`` gives to ``question``."""
    import httpx
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    if not url.startswith(("http://", "https://")):
        raise InputError(f"--server {url!r} is not a URL; give the address `assistant serve` prints, e.g. "
                         "http://127.0.0.1:7860")
    try:
        client = Client(url, verbose=False)
        result = client.predict(question, [], api_name="/ask")
    except AppError as exc:  # the server's own one-line error (an empty question, a model failure, ...)
        raise AssistantError(f"the server at {url} answered: {exc}") from None
    except (httpx.HTTPError, OSError, ValueError) as exc:
        raise BackendUnavailable(
            f"cannot ask the assistant server at {url} ({type(exc).__name__}: {str(exc)[:120]}); start it "
            "with `assistant serve`, or leave out --server to answer in this process"
        ) from None
    try:
        return Answer.from_dict(result)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BackendUnavailable(
            f"the server at {url} did not send an answer; is it `assistant serve`?"
        ) from None
