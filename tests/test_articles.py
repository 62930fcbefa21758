"""Loading articles: every bad input is an ArticleError that says what to do; the CLI prints one line."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.corpus import Corpus
from assistant.settings import Settings
from index import ArticleError, default_article_path, load_article
from index.articles import MAX_ARTICLE_BYTES, make_article
from tests.conftest import RunCli, free_port
from tests.fakes import HashEmbedder


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def oversized(tmp_path: Path) -> Path:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_ARTICLE_BYTES + 1)
    return path


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda tmp: tmp / "nope.txt", "no such file; check the path"),
    "directory": (lambda tmp: tmp, "is a directory"),
    "empty": (lambda tmp: write(tmp, "empty.txt", b""), "file is empty"),
    "blank": (lambda tmp: write(tmp, "blank.md", b" \n\r\n\t\n"), "file is empty"),
    "binary": (
        lambda tmp: write(tmp, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "contains NUL bytes",
    ),
    "latin-1": (
        lambda tmp: write(tmp, "latin.txt", "Caf\u00e9 cr\u00e8me".encode("latin-1")),
        "not valid UTF-8 (byte 3)",
    ),
    "too big": (oversized, "-byte limit; split it"),
}


@pytest.mark.parametrize(("make", "message"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_raise_article_error_naming_the_file(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_good_file_loads_with_normalised_text_and_stable_id(tmp_path: Path) -> None:
    path = write(tmp_path, "My Article (2024).md", b"\xef\xbb\xbf# Headline\r\n\r\nBody text.\r\n")
    article = load_article(path)
    assert (article.id, article.title, article.text) == (
        "my-article-2024",
        "Headline",
        "# Headline\n\nBody text.\n",
    )
    assert load_article(path).revision == article.revision
    assert load_article(default_article_path()).title.startswith("ISIS takes credit")


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``root`` with its mtime and content hash."""
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_one_error_line(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_cli_bad_path_fails_in_one_line_and_leaves_the_index_alone(
    cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    Corpus(Settings.from_env(), HashEmbedder()).index_paths([])
    before = snapshot(data_dir)
    assert any(name.startswith("chroma") for name in before)

    bad = tmp_path / "missing.txt"
    for args in ([str(bad)], [str(default_article_path()), str(bad)]):
        result = cli("index", *args)
        assert result.returncode == 1
        assert_one_error_line(result.stderr, "error: ")
        assert result.stdout == ""
    assert snapshot(data_dir) == before


@pytest.fixture
def unwritable_dir(tmp_path: Path) -> Path:
    """A data directory nobody can create files in (root ignores modes, so then a path under a file)."""
    if os.geteuid() == 0:
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        return blocker / "data"
    path = tmp_path / "read-only"
    path.mkdir(mode=0o500)
    return path / "data"


def test_cli_unwritable_data_dir_names_the_setting(cli: RunCli, unwritable_dir: Path) -> None:
    result = cli("index", env={"ASSISTANT_DATA_DIR": str(unwritable_dir)})
    assert result.returncode == 1
    assert_one_error_line(result.stderr, str(unwritable_dir), "ASSISTANT_DATA_DIR")


def test_cli_data_dir_under_a_regular_file(cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = cli("index", env={"ASSISTANT_DATA_DIR": str(tmp_path / "file" / "sub")})
    assert result.returncode == 1
    assert_one_error_line(result.stderr, "not writable", "ASSISTANT_DATA_DIR")


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}", "not a url"])
def test_cli_chroma_server_down_names_the_setting(cli: RunCli, url: str) -> None:
    url = url.format(port=free_port())
    result = cli("index", env={"ASSISTANT_CHROMA_URL": url})
    assert result.returncode == 1
    assert_one_error_line(result.stderr, "ASSISTANT_CHROMA_URL")


def test_front_matter_gives_title_outlet_and_date_and_leaves_the_text() -> None:
    fenced = make_article("---\ntitle: Flood in Dunmore\nsource: Valley Post\npublished: 2025-03-02\n---\n\nBody. More.", "a")
    assert (fenced.title, fenced.outlet, fenced.published, fenced.text) == (
        "Flood in Dunmore", "Valley Post", "2025-03-02", "Body. More."
    )
    bare = make_article("Source: Wire\nDate: 2025-03-03\n\nHeadline here\nBody.", "b")
    assert (bare.title, bare.outlet, bare.published, bare.text) == ("Headline here", "Wire", "2025-03-03", "Headline here\nBody.")


def test_text_that_only_looks_like_front_matter_is_kept() -> None:
    for text in ("Note: the council met.\nBody.", "---\nnot: a field\n---\nBody.", "Title: A\nBody without a blank line"):
        article = make_article(text, "c")
        assert article.text == text and article.outlet == article.published == ""
