"""Shared fixtures: every test runs isolated (own data directory, no ASSISTANT_* settings, offline)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from index import MiniLMEmbedder
from tests.fake_openai import FakeOpenAI, serving

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
}


def pytest_configure(config: pytest.Config) -> None:
    # Libraries read some of these once, at import, possibly before any fixture runs.
    os.environ.update(OFFLINE_ENV)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ASSISTANT_DATA_DIR, every other ASSISTANT_* variable cleared, hubs and telemetry off."""
    for name in list(os.environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)
    path = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(path))
    for name, value in OFFLINE_ENV.items():
        monkeypatch.setenv(name, value)
    return path


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The real embedding model, loaded once per session."""
    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])
    return embedder


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli() -> RunCli:
    """Runs the `assistant` command in a fresh process, in this test's environment."""

    def run(
        *args: str, env: dict[str, str] | None = None, timeout: float = 120, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            input=input,
        )

    return run


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A scripted OpenAI-compatible server on a free loopback port; its base URL is ``.url``."""
    with serving() as server:
        yield server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real `chroma run` server on a free loopback port, stopped after the session."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).with_name("chroma")
    with open(root / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **OFFLINE_ENV},
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {(root / 'server.log').read_text()}")
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"chroma run did not answer within 30 s: {(root / 'server.log').read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
