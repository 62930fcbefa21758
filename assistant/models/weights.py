"""GGUF weights loaded by llama.cpp: once per model, and optionally begun on a thread of their own.

Loading the default model takes about a second (mapping the file, repacking its matrices); importing
LangChain, the index and the embedder takes about as long again. ``start`` begins the load first, so a new
process does the two at once (llama.cpp runs in C with the GIL released); ``load`` with the same
arguments takes what ``start`` began, else loads now. Each started load is handed to one caller only: a
llama.cpp context must not be shared by two chat models, which lock it separately.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import Future
from typing import Any, NamedTuple

from assistant.errors import ModelError

__all__ = ["Weights", "start", "load"]

log = logging.getLogger("llama.cpp")


class Weights(NamedTuple):
    """What a llama.cpp model is loaded with (and what a started load is matched on)."""

    model_path: str
    n_ctx: int
    n_threads: int = 0  # 0: one per CPU, at most 4
    seed: int = 0

    def threads(self) -> int:
        return self.n_threads or max(1, min(4, os.cpu_count() or 1))


_started: dict[Weights, Future[Any]] = {}
_guard = threading.Lock()


_quieted: list[Any] = []  # the log callback handed to llama.cpp, kept alive here


class _Unredirected(contextlib.nullcontext[None]):
    def __init__(self, disable: bool = True) -> None:
        super().__init__()


def _quiet() -> None:
    """Send llama.cpp's log to the "llama.cpp" logger (its errors at ERROR, the rest at DEBUG), and stop
    llama-cpp-python pointing the process's stdout and stderr at /dev/null while a model loads.

    That redirect swaps the file descriptors and ``sys.stdout``/``sys.stderr`` of the whole process, so
    whatever another thread printed during a load was lost (a child process's one line of output, 2 runs in
    8, once loads began on a thread). It was there to hide llama.cpp's log, which this callback does; the
    library's own callback reads ggml's log levels off by one and printed warnings as errors.
    """
    if _quieted:
        return
    import ctypes

    import llama_cpp
    import llama_cpp._internals
    import llama_cpp.llama

    error, cont = 4, 5  # enum ggml_log_level: NONE, DEBUG, INFO, WARN, ERROR, CONT
    last = [logging.DEBUG]

    @llama_cpp.llama_log_callback  # type: ignore[misc]
    def forward(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        if level != cont:
            last[0] = logging.ERROR if level == error else logging.DEBUG
        message = text.decode("utf-8", "replace").rstrip()
        if message:
            log.log(last[0], "%s", message)

    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))
    for module in (llama_cpp.llama, llama_cpp._internals):
        setattr(module, "suppress_stdout_stderr", _Unredirected)  # noqa: B010  (a library internal, on purpose)
    _quieted.append(forward)


def _build(weights: Weights) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ModelError("llama-cpp-python is not installed; run `make install`") from None
    with _guard:
        _quiet()
    if not weights.model_path:
        raise ModelError("no GGUF path given; set ASSISTANT_LLM=local or gguf:/path/to/model.gguf")
    threads = weights.threads()
    try:
        return Llama(
            model_path=weights.model_path,
            n_ctx=weights.n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=512,
            seed=weights.seed,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelError(
            f"cannot load the model at {weights.model_path} ({exc}); check ASSISTANT_LLM "
            "points at a valid GGUF file"
        ) from None


def start(weights: Weights) -> None:
    """Begin loading ``weights`` on a thread, unless a load of them is already under way."""
    with _guard:
        if weights in _started:
            return
        future: Future[Any] = Future()
        _started[weights] = future

    def run() -> None:
        try:
            future.set_result(_build(weights))
        except BaseException as exc:  # handed to the caller of load(), which raises it
            future.set_exception(exc)

    # not a daemon: a process exiting mid-load waits for it (under a second); exiting while llama.cpp was still
    # loading sometimes lost the output the process had written
    threading.Thread(target=run, name="load-weights").start()


def load(weights: Weights) -> Any:
    """The ``llama_cpp.Llama`` for ``weights``: the one ``start`` began (waiting for it), else loaded now.
    Raises ``ModelError`` when the file cannot be loaded."""
    with _guard:
        future = _started.pop(weights, None)
    if future is not None:
        return future.result()
    return _build(weights)
