"""Bad inputs, each with its expected one-line message: the command exits 1, prints one stderr line that
says what to do, shows no traceback, and leaves the index as it was.

Every row runs ``assistant`` in-process on a copy of one indexed data directory (the bundled article), so
the suite takes seconds; rows that need a file or a busy port build it first.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.app.cli import main
from index.articles import MAX_ARTICLE_BYTES
from tests.conftest import free_port

pytestmark = pytest.mark.slow

BUNDLED_ID = "isis-soleimani-memorial-bombings"


@dataclass(frozen=True)
class Bad:
    """``argv`` (``{tmp}`` is the test's scratch dir, ``{port}`` a busy port, ``{free}`` a port nothing
    listens on) with ``env``, and the fragment its error line must hold."""

    argv: tuple[str, ...]
    message: str
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    prepare: Callable[[Path], None] | None = None


def _sparse(tmp: Path) -> None:
    with (tmp / "huge.txt").open("wb") as fh:  # costs no disk
        fh.truncate(MAX_ARTICLE_BYTES + 1)


def _corrupt_manifest(data: Path) -> None:
    (data / "articles" / "manifest.json").write_text("{not json", encoding="utf-8")


def _lose_text(data: Path) -> None:
    for path in (data / "articles").glob(f"{BUNDLED_ID}.*.txt"):
        path.unlink()


TEXT = b"A council report\n\nThe council met on Monday and approved the budget.\n"
ASK = ("ask", "Who claimed the attack?")

CASES: dict[str, Bad] = {
    # -- articles ---------------------------------------------------------------------------------------
    "missing file": Bad(("index", "{tmp}/nope.txt"), "no such file; check the path"),
    "directory": Bad(("index", "{tmp}"), "is a directory; pass the article files inside it"),
    "empty file": Bad(("index", "{tmp}/empty.txt"), "file is empty", files={"empty.txt": b""}),
    "blank file": Bad(("index", "{tmp}/blank.md"), "file is empty", files={"blank.md": b" \n\t\r\n"}),
    "binary file": Bad(("index", "{tmp}/x.txt"), "looks binary", files={"x.txt": b"\x89PNG\r\n\x1a\n\x00\x00"}),
    "not UTF-8": Bad(("index", "{tmp}/l.txt"), "not valid UTF-8", files={"l.txt": "Café".encode("latin-1")}),
    "over the size limit": Bad(("index", "{tmp}/huge.txt"), "-byte limit; split it", prepare=_sparse),
    "endless device": Bad(("index", "/dev/zero"), "-byte limit; split it"),
    "one good, one bad file": Bad(("index", "{tmp}/ok.txt", "{tmp}/nope.txt"), "nope.txt: no such file",
                                  files={"ok.txt": TEXT}),
    "two files, one id": Bad(("index", "{tmp}/a/report.txt", "{tmp}/b/report.md"), "would both be indexed as 'report'",
                             files={"a/report.txt": TEXT, "b/report.md": TEXT + b"More.\n"}),
    "id held by another file": Bad(("index", "{tmp}/" + BUNDLED_ID + ".txt"), "--replace",
                                   files={BUNDLED_ID + ".txt": TEXT}),
    "--id with two files": Bad(("index", "--id", "x", "{tmp}/a.txt", "{tmp}/b.txt"), "--id names one article",
                               files={"a.txt": TEXT, "b.txt": TEXT}),
    "remove an unknown id": Bad(("index", "--remove", "nope"), f"no indexed article 'nope'; indexed: {BUNDLED_ID}"),
    "remove with a stray file": Bad(("index", "--remove", BUNDLED_ID, "{tmp}/a.txt"), "--remove takes only an id",
                                    files={"a.txt": TEXT}),
    # -- questions --------------------------------------------------------------------------------------
    "empty question": Bad(("ask", ""), "the question is empty"),
    "blank question": Bad(("ask", " \n\t "), "the question is empty"),
    "control characters only": Bad(("ask", "\x00\x1b\x07"), "the question is empty"),
    "question too long": Bad(("ask", "why " * 600), "the limit is 2,000 (ASSISTANT_MAX_QUESTION_CHARS)"),
    # -- settings ---------------------------------------------------------------------------------------
    "top_k negative": Bad(ASK, "ASSISTANT_TOP_K=-5 is out of range: use 1 to 100", {"ASSISTANT_TOP_K": "-5"}),
    "top_k zero": Bad(ASK, "ASSISTANT_TOP_K=0 is out of range", {"ASSISTANT_TOP_K": "0"}),
    "top_k not a number": Bad(ASK, "ASSISTANT_TOP_K='six' is not a number", {"ASSISTANT_TOP_K": "six"}),
    "timeout nan": Bad(ASK, "ASSISTANT_TIMEOUT=nan is out of range", {"ASSISTANT_TIMEOUT": "nan"}),
    "max_tokens negative": Bad(ASK, "ASSISTANT_MAX_TOKENS=-1 is out of range", {"ASSISTANT_MAX_TOKENS": "-1"}),
    "threads negative": Bad(ASK, "ASSISTANT_THREADS=-3 is out of range", {"ASSISTANT_THREADS": "-3"}),
    "context too small": Bad(ASK, "ASSISTANT_CONTEXT_CHARS=10 is out of range", {"ASSISTANT_CONTEXT_CHARS": "10"}),
    "log not a switch": Bad(ASK, "ASSISTANT_LOG='maybe' is not a switch", {"ASSISTANT_LOG": "maybe"}),
    "unknown backend": Bad(ASK, "unknown backend; use one of local", {"ASSISTANT_LLM": "gpt5"}),
    "missing GGUF": Bad(ASK, "/no/model.gguf", {"ASSISTANT_LLM": "gguf:/no/model.gguf"}),
    "model server down": Bad(ASK, "cannot reach the model server at http://127.0.0.1:{free}/v1",
                             {"ASSISTANT_LLM": "openai:m@http://127.0.0.1:{free}/v1"}),
    "Chroma server down": Bad(ASK, "ASSISTANT_CHROMA_URL", {"ASSISTANT_CHROMA_URL": "http://127.0.0.1:{free}"}),
    "Chroma URL malformed": Bad(ASK, "ASSISTANT_CHROMA_URL", {"ASSISTANT_CHROMA_URL": "not a url"}),
    # -- the index on disk ------------------------------------------------------------------------------
    "corrupt manifest": Bad(ASK, "manifest.json is unreadable", prepare=None),
    "stored text lost": Bad(ASK, "run `assistant index` to repair", prepare=None),
    # -- the server and the other commands --------------------------------------------------------------
    "port busy": Bad(("serve", "--port", "{port}"), "is not free (Address already in use); pass another with --port"),
    "port out of range": Bad(("serve", "--port", "70000"), "pass 1 to 65535 with --port"),
    "host unknown": Bad(("serve", "--host", "no-such-host.invalid"), "pass a valid address with --host"),
    "data dir is a file": Bad(("--data-dir", "{tmp}/a.txt", "index"), "ASSISTANT_DATA_DIR", files={"a.txt": TEXT}),
}
# Rows whose data directory is damaged before the command runs.
DAMAGE: dict[str, Callable[[Path], None]] = {"corrupt manifest": _corrupt_manifest, "stored text lost": _lose_text}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the bundled article, indexed once by the real command."""
    path = tmp_path_factory.mktemp("indexed") / "data"
    os.environ["ASSISTANT_DATA_DIR"] = str(path)
    try:
        assert main(["index"]) == 0
    finally:
        del os.environ["ASSISTANT_DATA_DIR"]
    return path


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _state(data: Path) -> dict[str, bytes]:
    """The catalog and the lexical index byte for byte (Chroma rewrites its own bookkeeping on open)."""
    files = [p for part in ("articles", "lexical") for p in sorted((data / part).rglob("*")) if p.is_file()]
    return {str(p.relative_to(data)): p.read_bytes() for p in files}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_line_naming_the_way_out(
    name: str, indexed: Path, data_dir: Path, tmp_path: Path, busy_port: int,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    bad = CASES[name]
    shutil.copytree(indexed, data_dir)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for relative, data in bad.files.items():
        (scratch / relative).parent.mkdir(parents=True, exist_ok=True)
        (scratch / relative).write_bytes(data)
    if bad.prepare:
        bad.prepare(scratch)
    if name in DAMAGE:
        DAMAGE[name](data_dir)

    free = free_port()

    def fill(text: str) -> str:
        return text.replace("{tmp}", str(scratch)).replace("{port}", str(busy_port)).replace("{free}", str(free))

    for key, value in bad.env.items():
        monkeypatch.setenv(key, fill(value))
    before = _state(data_dir)
    code = main([fill(a) for a in bad.argv])
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert fill(bad.message) in lines[0]
    assert "Traceback" not in err
    assert _state(data_dir) == before, "a refused command changed the index"


def test_the_suite_covers_at_least_thirty_kinds() -> None:
    assert len(CASES) >= 30


def test_index_reports_the_ids_it_chose(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ids keep letters of any script readably, and the output says which id each file became."""
    (tmp_path / "报告.txt").write_bytes(TEXT)
    (tmp_path / "Émile's notes.md").write_bytes(TEXT + b"Notes.\n")
    assert main(["index", "--json", str(tmp_path / "报告.txt"), str(tmp_path / "Émile's notes.md")]) == 0
    assert json.loads(capsys.readouterr().out)["ids"] == ["报告", "emile-s-notes"]


def test_replace_and_id_are_the_ways_out_of_a_collision(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "My Article.txt", tmp_path / "b" / "my_article.md"
    first.write_bytes(TEXT)
    second.write_bytes(TEXT + b"A different report.\n")
    assert main(["index", str(first)]) == 0
    assert main(["index", str(second)]) == 1
    assert f"{second} would be indexed as 'my-article', which already holds {first}" in capsys.readouterr().err
    assert main(["index", "--id", "second", str(second)]) == 0
    assert main(["index", "--json", "--replace", str(second)]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(out)["ids"] == ["my-article"]
    moved = tmp_path / "moved.txt"
    shutil.copy(second, moved)
    assert main(["index", "--id", "my-article", str(moved)]) == 0  # the same text, moved: nothing is lost


@pytest.mark.parametrize("url", ["http://127.0.0.1:{free}", "not a url", "ftp://127.0.0.1:8000", "http://host:99999"])
def test_a_chroma_server_problem_is_reported_before_the_model_loads(
    url: str, indexed: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed URL fails the settings; a server that is down fails a TCP probe: both before any model
    loads, even when the index on disk is up to date (they had come after seconds of loading and warming it)."""
    import assistant.models.llms

    shutil.copytree(indexed, data_dir)
    def no_model(settings: object) -> None:
        raise AssertionError("the model was built before the Chroma server was checked")

    monkeypatch.setattr(assistant.models.llms, "build_llm", no_model)
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", url.replace("{free}", str(free_port())))
    assert main(list(ASK)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ASSISTANT_CHROMA_URL" in err[0], err
