"""Settings: read once from ASSISTANT_* variables, each checked at load with a one-line error."""

from __future__ import annotations

import pytest

from assistant import Settings
from assistant.errors import ConfigError


def test_log_setting_is_a_switch() -> None:
    assert Settings.from_env({"ASSISTANT_LOG": "0"}).log is False
    assert Settings.from_env({}).log is True
    with pytest.raises(ConfigError, match="ASSISTANT_LOG"):
        Settings.from_env({"ASSISTANT_LOG": "maybe"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("TOP_K", "0"), ("TOP_K", "-5"), ("TIMEOUT", "nan"), ("TIMEOUT", "inf"), ("MAX_TOKENS", "-1"),
     ("THREADS", "-3"), ("CONTEXT_CHARS", "10"), ("MAX_QUESTION_CHARS", "0")],
)
def test_out_of_range_settings_are_refused_naming_the_variable_and_range(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"ASSISTANT_{name}=.* is out of range: use \d+ to \d+"):
        Settings.from_env({f"ASSISTANT_{name}": value})


@pytest.mark.parametrize("url", ["not a url", "localhost:8000", "ftp://127.0.0.1:8000", "http://host:99999", "http://"])
def test_a_malformed_chroma_url_is_refused_at_load(url: str) -> None:
    with pytest.raises(ConfigError, match=r"ASSISTANT_CHROMA_URL=.* is not a URL like http://127.0.0.1:8000"):
        Settings.from_env({"ASSISTANT_CHROMA_URL": url})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "https://chroma.example.org", "http://[::1]:9000"])
def test_a_well_formed_chroma_url_is_kept(url: str) -> None:
    assert Settings.from_env({"ASSISTANT_CHROMA_URL": url}).chroma_url == url


def test_an_empty_question_is_refused_before_anything_loads(
    data_dir: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from assistant.app.cli import main

    started = time.perf_counter()
    assert main(["ask", "   "]) == 1
    assert time.perf_counter() - started < 1.0
    assert "the question is empty" in capsys.readouterr().err


def test_the_model_context_holds_the_longest_prompt_the_settings_allow() -> None:
    from assistant.models.llms import context_size

    assert context_size(Settings.from_env()) == 4096  # 8,000-character corpus prefix, 6,000 retrieved
    assert context_size(Settings.from_env(prefix_chars="12000")) == 8192
    assert context_size(Settings.from_env(context_chars="30000")) == 16384
