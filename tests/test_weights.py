"""Loading the weights on a thread of their own: handed to one caller, errors raised where they are taken,
and llama-cpp-python no longer pointing the process's output at /dev/null while it loads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from assistant.app import cli
from assistant.errors import ModelError
from assistant.models import llms, weights
from assistant.models.model_files import MODEL_NAME, assembled_model
from assistant.models.weights import Weights
from assistant.settings import Settings
from tests.fakes_llm import ScriptedChatModel

W = Weights("/models/a.gguf", 4096, 2)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Weights, str]]]:
    """``_build`` replaced: records what it loaded and on which thread, returns a fresh object."""
    calls: list[tuple[Weights, str]] = []

    def build(w: Weights) -> Any:
        calls.append((w, threading.current_thread().name))
        if "broken" in w.model_path:
            raise ModelError(f"cannot load the model at {w.model_path}")
        return object()

    monkeypatch.setattr(weights, "_build", build)
    yield calls
    weights._started.clear()


def test_a_started_load_runs_on_its_own_thread_and_is_taken_by_load(built: list[tuple[Weights, str]]) -> None:
    weights.start(W)
    weights.start(W)  # already under way: not loaded twice
    first = weights.load(W)
    assert built == [(W, "load-weights")]
    second = weights.load(W)  # handed to one caller only: the next one loads its own
    assert second is not first
    assert built[1] == (W, threading.current_thread().name)


def test_load_without_start_loads_now(built: list[tuple[Weights, str]]) -> None:
    weights.load(W)
    assert built == [(W, threading.current_thread().name)]


def test_other_weights_do_not_take_a_started_load(built: list[tuple[Weights, str]]) -> None:
    weights.start(W)
    other = W._replace(n_ctx=8192)
    weights.load(other)
    weights.load(W)
    assert [w for w, _ in built] == [W, other] or [w for w, _ in built] == [other, W]
    assert len(built) == 2


def test_an_error_in_a_started_load_is_raised_where_it_is_taken(built: list[tuple[Weights, str]]) -> None:
    broken = W._replace(model_path="/models/broken.gguf")
    weights.start(broken)
    with pytest.raises(ModelError, match="broken.gguf"):
        weights.load(broken)


def test_llama_cpp_no_longer_sends_the_process_output_to_dev_null(capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("llama_cpp")
    import llama_cpp.llama

    weights._quiet()
    # what the library wraps a model load in; another thread printing meanwhile writes to the same streams
    with llama_cpp.llama.suppress_stdout_stderr(disable=False):
        print("written while a model loads")
    assert "written while a model loads" in capfd.readouterr().out


def test_llama_cpp_log_goes_to_the_logger_warnings_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("llama_cpp")
    weights._quiet()
    forward = weights._quieted[0]
    with caplog.at_level(logging.DEBUG, logger="llama.cpp"):
        forward(3, b"load: control-looking token: 128247\n", None)  # GGML_LOG_LEVEL_WARN
        forward(4, b"failed to open model", None)  # ERROR
        forward(5, b" (continued)\n", None)  # CONT: the level before it
    levels = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "llama.cpp"]
    assert levels == [
        (logging.DEBUG, "load: control-looking token: 128247"),
        (logging.ERROR, "failed to open model"),
        (logging.ERROR, " (continued)"),
    ]


# -- what starts a load ---------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Weights]:
    calls: list[Weights] = []
    monkeypatch.setattr(weights, "start", calls.append)
    return calls


def test_start_loading_starts_what_build_llm_will_load(started: list[Weights], data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"not really a model")
    settings = Settings.from_env({}, data_dir=str(data_dir), llm=f"gguf:{path}", threads=2)
    llms.start_loading(settings)
    assert started == [llms.build_llm(settings).weights()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("spec", ["gguf:/no/such/model.gguf", "openai:m@http://127.0.0.1:9/v1", "ollama:m", "local"])
def test_start_loading_leaves_missing_and_remote_models_to_the_main_path(
    spec: str, started: list[Weights], data_dir: Path
) -> None:
    llms.start_loading(Settings.from_env({}, data_dir=str(data_dir), llm=spec))  # "local": not assembled here
    assert started == []


def test_the_default_model_is_started_only_once_assembled_and_unchanged(
    started: list[Weights], data_dir: Path
) -> None:
    models = data_dir / "models"
    models.mkdir(parents=True)
    target = models / MODEL_NAME
    target.write_bytes(b"gguf")
    assert assembled_model(models) is None  # never verified
    from assistant.models.model_files import MODEL_SHA256

    stat = target.stat()
    target.with_suffix(".verified").write_text(f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}")
    assert assembled_model(models) == target
    llms.start_loading(Settings.from_env({}, data_dir=str(data_dir), llm="local"))
    assert [w.model_path for w in started] == [str(target)]
    target.write_bytes(b"gguf, changed")
    assert assembled_model(models) is None


def test_from_settings_starts_loading_unless_given_a_model(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    calls: list[Settings] = []
    monkeypatch.setattr(llms, "start_loading", calls.append)
    settings = Settings.from_env({}, data_dir=str(data_dir), llm="openai:m@http://127.0.0.1:9/v1")
    Assistant.from_settings(settings, llm=ScriptedChatModel())
    assert calls == []
    Assistant.from_settings(settings)
    assert calls == [settings]


@pytest.mark.parametrize("command", [["ask", "Who claimed it?"], ["chat"], ["serve", "--port", "0"]])
def test_commands_that_answer_start_loading_the_weights(
    command: list[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    class Started(Exception):
        pass

    def start_loading(settings: Settings) -> None:
        raise Started

    monkeypatch.setattr(llms, "start_loading", start_loading)
    with pytest.raises(Started):
        cli.main(["--data-dir", str(data_dir), *command])
