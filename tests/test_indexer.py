"""Incremental indexing: only changed chunks are embedded, the store and the lexical index stay in step."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import pytest_socket

from assistant.corpus import Corpus
from assistant.settings import Settings
from index import (
    Article,
    ArticleError,
    Embedder,
    LexicalIndex,
    MiniLMEmbedder,
    default_article_path,
    load_article,
    make_article,
)
from index.indexer import plan_records
from tests.conftest import RunCli
from tests.fakes import CountingEmbedder, HashEmbedder

BUNDLED = load_article(default_article_path())
EDITED_FROM = "However, no further evidence was provided"
EDITED_TO = "However, Daesh offered no further evidence"


def edited(article: Article) -> Article:
    """The article with one paragraph reworded and one paragraph inserted near the top."""
    assert EDITED_FROM in article.text
    text = article.text.replace(EDITED_FROM, EDITED_TO)
    text = text.replace(
        "\n\nThe claim was made", "\n\nA new paragraph appears here. It says little.\n\nThe claim was made"
    )
    return make_article(text, article.id)


def synthetic(article_id: str, paragraphs: int) -> Article:
    """A deterministic article of about one chunk per paragraph."""
    body = "\n\n".join(
        f"Report {i}: the council of district {i % 37} approved budget item {i} on day {i % 28}. "
        f"Residents of ward {i % 11} asked about road {i % 53} and the school on street {i % 19}. "
        f"The mayor said project {i} would finish in month {i % 12 + 1}."
        for i in range(paragraphs)
    )
    return make_article(f"Synthetic council reports {article_id}\n\n{body}", article_id)


def corpus_with(embedder: Embedder) -> Corpus:
    return Corpus(Settings.from_env(), embedder)


def assert_in_sync(corpus: Corpus) -> None:
    """Store, catalog and lexical index agree: exactly the planned chunks of the current revisions."""
    articles = corpus.catalog.articles()
    planned = {r for a in articles for r in plan_records(a)}
    stored = set(corpus.store.records())
    assert stored == planned, f"store has {len(stored - planned)} extra, lacks {len(planned - stored)}"
    on_disk = LexicalIndex(corpus.lexical.directory)
    assert set(on_disk.records()) == planned
    assert on_disk.built_for() == corpus.catalog.revisions()
    texts = {a.id: a.text for a in articles}
    for record in stored:
        assert texts[record.article_id][record.start : record.end] == record.text


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder(HashEmbedder())


def test_reindexing_unchanged_text_embeds_and_rebuilds_nothing(counting: CountingEmbedder) -> None:
    corpus = corpus_with(counting)
    first = corpus.indexer.index([BUNDLED])
    assert (first.chunks, first.added, first.embedded) == (12, 12, 12)
    assert_in_sync(corpus)
    meta = corpus.lexical.directory / "meta.json"
    built = meta.stat().st_mtime_ns
    counting.reset()

    again = corpus_with(counting).indexer.index([load_article(default_article_path())])
    assert again.to_dict() | {"seconds": 0} == {
        "articles": 1,
        "chunks": 12,
        "added": 0,
        "updated": 0,
        "deleted": 0,
        "skipped": 12,
        "embedded": 0,
        "ids": ["isis-soleimani-memorial-bombings"],
        "seconds": 0,
    }
    assert counting.texts == []
    assert meta.stat().st_mtime_ns == built, "the lexical index was rebuilt for nothing"
    assert_in_sync(corpus)


def test_editing_a_paragraph_embeds_only_changed_chunks(counting: CountingEmbedder) -> None:
    corpus = corpus_with(counting)
    corpus.indexer.index([BUNDLED])
    counting.reset()

    new = edited(BUNDLED)
    old_records, new_records = plan_records(BUNDLED), plan_records(new)
    old_by_id = {r.id: r for r in old_records}
    changed = {r.text for r in new_records if r.id not in old_by_id}
    assert len(changed) == 2  # the reworded paragraph and the inserted one
    moved = [r for r in new_records if r.id in old_by_id and old_by_id[r.id] != r]
    assert moved, "the inserted paragraph should shift later chunks"

    report = corpus.indexer.index([new])
    assert set(counting.texts) == changed and len(counting.texts) == 2
    assert (report.added, report.embedded, report.deleted) == (2, 2, 1)
    assert report.updated == len(moved)
    assert report.chunks == report.added + report.updated + report.skipped == len(new_records)
    assert_in_sync(corpus)
    hits = corpus.retriever.invoke("Daesh offered no further evidence")
    assert EDITED_TO in hits[0].page_content
    assert all(EDITED_FROM not in h.page_content for h in hits)


def test_removing_an_article_drops_its_chunks_everywhere(counting: CountingEmbedder) -> None:
    corpus = corpus_with(counting)
    other = synthetic("council", 5)
    corpus.indexer.index([BUNDLED, other])
    assert corpus.catalog.ids() == sorted([BUNDLED.id, other.id])

    report = corpus.indexer.remove(other.id)
    assert report.deleted == len(plan_records(other)) == 6
    assert corpus.catalog.ids() == [BUNDLED.id]
    assert_in_sync(corpus)
    assert all(h.metadata["article_id"] == BUNDLED.id for h in corpus.retriever.invoke("council budget item"))


def test_indexing_one_article_keeps_the_others(counting: CountingEmbedder) -> None:
    corpus = corpus_with(counting)
    corpus.indexer.index([BUNDLED])
    corpus.indexer.index([synthetic("council", 3)])
    assert corpus.catalog.ids() == sorted([BUNDLED.id, "council"])
    assert_in_sync(corpus)


def test_articles_sharing_an_id_are_refused_before_any_write(
    counting: CountingEmbedder, data_dir: Path
) -> None:
    corpus = corpus_with(counting)
    with pytest.raises(ArticleError, match="several articles have the id 'same'.*rename"):
        corpus.indexer.index([make_article("One text.", "same"), make_article("Another text.", "same")])
    assert counting.texts == []
    assert corpus.catalog.ids() == []


def test_a_lost_or_outdated_lexical_index_is_rebuilt_by_an_unchanged_run(counting: CountingEmbedder) -> None:
    corpus = corpus_with(counting)
    corpus.indexer.index([BUNDLED])
    meta = corpus.lexical.directory / "meta.json"

    meta.write_text(json.dumps({"format": 1, "revisions": corpus.catalog.revisions()}))  # older tokenizer
    corpus.indexer.index([BUNDLED])
    assert json.loads(meta.read_text())["format"] != 1
    assert_in_sync(corpus)

    shutil.rmtree(corpus.lexical.directory)
    report = corpus.indexer.index([BUNDLED])
    assert report.embedded == 0
    assert_in_sync(corpus)


def test_a_running_process_sees_articles_another_process_indexed(counting: CountingEmbedder) -> None:
    serving = corpus_with(counting)
    serving.indexer.index([BUNDLED])
    assert serving.lexical.query("budget item council", 3, [BUNDLED.revision]) == []
    council = synthetic("council", 3)
    corpus_with(counting).indexer.index([council])  # `assistant index` in another shell
    hits = serving.lexical.query("budget item council", 3, [council.revision])
    assert hits and {r.article_id for r, _ in hits} == {"council"}
    corpus_with(counting).indexer.remove("council")
    assert serving.lexical.query("budget item council", 3, [council.revision]) == []


def test_queries_use_the_old_lexical_index_if_a_swap_was_cut_short(counting: CountingEmbedder) -> None:
    corpus = corpus_with(counting)
    corpus.indexer.index([BUNDLED])
    lexical = corpus.lexical.directory
    lexical.rename(lexical.with_name(lexical.name + ".old"))  # killed between rebuild's two renames
    fresh = corpus_with(counting)
    assert fresh.lexical.query("Al-Furqan media wing", 3, [BUNDLED.revision])
    fresh.indexer.index([BUNDLED])
    assert lexical.exists() and not lexical.with_name(lexical.name + ".old").exists()
    assert_in_sync(fresh)


# --- the real embedding model -----------------------------------------------------------------------


@pytest.mark.slow
def test_cli_json_twice_embeds_nothing_the_second_time(cli: RunCli) -> None:
    first = cli("index", "--json")
    assert first.returncode == 0, first.stderr
    second = cli("index", "--json")
    assert second.returncode == 0, second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert (one["added"], one["embedded"]) == (one["chunks"], one["chunks"]) and one["chunks"] > 0
    assert (two["added"], two["embedded"], two["updated"], two["deleted"]) == (0, 0, 0, 0)
    assert two["skipped"] == one["chunks"]


@pytest.mark.slow
def test_cli_warm_builds_the_prompt_state_once_and_reports_it(cli: RunCli) -> None:
    first = cli("index", "--warm", "--json")
    assert first.returncode == 0, first.stderr
    second = cli("index", "--warm", "--json")
    assert second.returncode == 0, second.stderr
    one, two = json.loads(first.stdout)["states"], json.loads(second.stdout)["states"]
    assert (one["built"], one["reused"], one["files"]) == (1, 0, 1) and one["bytes"] > 1_000_000
    assert (two["built"], two["reused"], two["files"], two["bytes"]) == (0, 1, 1, one["bytes"])
    assert json.loads(cli("index", "--json").stdout)["states"] | {"bytes": 0} == {
        "built": 0, "reused": 0, "evicted": 0, "dropped": 0, "files": 1, "bytes": 0}


@pytest.mark.slow
def test_real_model_indexes_with_the_network_blocked(
    monkeypatch: pytest.MonkeyPatch, socket_disabled: None
) -> None:
    """No hub, no telemetry: nothing even tries to open an internet socket (swallowed attempts count too)."""
    attempts: list[str] = []
    original = pytest_socket.SocketBlockedError.__init__

    def record(self: Exception, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        attempts.append(str(self))

    monkeypatch.setattr(pytest_socket.SocketBlockedError, "__init__", record)
    monkeypatch.delenv("HF_HUB_OFFLINE")  # the package path alone must keep the model off the hub
    corpus = corpus_with(MiniLMEmbedder())  # a fresh model: loaded while the network is blocked
    report = corpus.index_paths([])
    assert report.embedded == report.chunks > 0
    assert "Turkey" in corpus.retriever.invoke("What trip did Raisi cancel?")[0].page_content
    assert attempts == []


CRASHING_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from assistant.corpus import Corpus
    from assistant.settings import Settings

    kill_at, paths = sys.argv[1], sys.argv[2:]
    corpus = Corpus(Settings.from_env())

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if kill_at == "after-add":  # the last article's chunks are stored, its manifest entry is not
        add, calls = corpus.store.add, []
        def add_then_die(records, vectors):
            add(records, vectors)
            calls.append(1)
            if len(calls) == len(paths):
                die()
        corpus.store.add = add_then_die
    elif kill_at == "before-delete":  # the last article's manifest entry switched, its stale chunks stored
        delete, deletes = corpus.store.delete, []
        def die_on_last_delete(ids):
            deletes.append(1)
            if len(deletes) == len(paths):
                die()
            delete(ids)
        corpus.store.delete = die_on_last_delete
    elif kill_at == "before-lexical":  # everything but the lexical index
        corpus.lexical.rebuild = die

    def progress(done, total):
        print(f"embedded {done}/{total}", flush=True)

    corpus.index_paths(paths, progress, replace=True)  # the edited article replaces the bundled one
    print("finished", flush=True)
    """
)


@pytest.fixture(scope="module")
def indexed_template(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Path:
    """A data directory holding the bundled article, indexed with the real model; copy it, don't write it."""
    path = tmp_path_factory.mktemp("template") / "data"
    Corpus(Settings(data_dir=path), minilm).index_paths([])
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", ["embedding", "after-add", "before-delete", "before-lexical"])
def test_a_killed_run_leaves_a_working_index_that_the_next_run_repairs(
    kill_at: str, indexed_template: Path, data_dir: Path, tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    shutil.copytree(indexed_template, data_dir)
    # The edited article goes last: the injected crashes then hit the article with stale chunks.
    articles = [synthetic("council", 400 if kill_at == "embedding" else 20), edited(BUNDLED)]
    paths = []
    for article in articles:
        paths.append(str(tmp_path / f"{article.id}.txt"))
        Path(paths[-1]).write_text(article.text, encoding="utf-8")
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_RUN)

    proc = subprocess.Popen(
        [sys.executable, str(script), kill_at, *paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if kill_at == "embedding" and line.startswith("embedded"):
                done, total = map(int, line.split()[1].split("/"))
                assert done < total
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""

    # The interrupted index still answers, and every hit is exact in its article's current text.
    corpus = corpus_with(minilm)
    hits = corpus.retriever.invoke("What trip did Raisi cancel?")
    assert any("cancelled a planned trip to Turkey" in h.page_content for h in hits)
    for hit in hits:
        article = corpus.catalog.get(hit.metadata["article_id"])
        assert article.text[hit.metadata["start"] : hit.metadata["end"]] == hit.page_content

    # The next run repairs it, embedding only what never reached the store.
    report = corpus.indexer.index(articles)
    assert report.chunks == report.added + report.updated + report.skipped
    assert report.embedded == report.added
    if kill_at != "embedding":
        assert report.embedded == 0, "chunks stored before the crash were embedded again"
    assert_in_sync(corpus)
    again = corpus_with(minilm).indexer.index(articles)
    assert (again.added, again.updated, again.deleted, again.embedded) == (0, 0, 0, 0)
    assert os.path.exists(corpus.lexical.directory / "meta.json")


def test_cached_prompt_states_follow_their_article(counting: CountingEmbedder, tmp_path: Path) -> None:
    """Editing an article drops its state (and the corpus's); unchanged, it is kept; removed, deleted."""
    from assistant.models.prefix_cache import CORPUS, PrefixState, label_of, save

    def put(label: str) -> None:
        save(corpus.states_dir / f"{label_of(label)}--1.state", PrefixState(np.arange(3, dtype=np.intc), b"kv"))

    def states() -> list[str]:
        return sorted(p.name.split("--")[0] for p in corpus.states_dir.glob("*.state"))

    council = tmp_path / "council.txt"
    council.write_text(synthetic("council", 3).text)
    corpus = corpus_with(counting)
    corpus.index_paths([str(default_article_path()), str(council)])
    for label in (BUNDLED.id, "council", CORPUS):
        put(label)

    corpus.index_paths([str(council)])  # unchanged: every state stays
    assert states() == sorted([BUNDLED.id, "council", label_of(CORPUS)])

    council.write_text(synthetic("council", 4).text)
    corpus.index_paths([str(council)])
    assert states() == [BUNDLED.id]
    assert sorted(corpus.dropped) == sorted([f"{label_of(CORPUS)}--1.state", "council--1.state"])

    corpus.remove(BUNDLED.id)
    assert states() == []


def test_stale_lexical_entries_never_crowd_out_current_ones(tmp_path: Path) -> None:
    """The lexical index ranks its top 2k first; current chunks below a crowd of stale ones still come back."""
    import dataclasses

    from index.store import ChunkRecord

    current = ChunkRecord("c", "a", "", "new", 0, 19, "council budget vote", ((0, 19),))
    stale = [dataclasses.replace(current, id=f"s{i}", revision="old", text="council budget council budget")
             for i in range(10)]
    lexical = LexicalIndex(tmp_path / "lexical")
    lexical.rebuild([*stale, current], {"a": "new"})
    assert [r.id for r, _ in lexical.query("council budget", 2, ["new"])] == ["c"]
    assert len(lexical.query("council budget", 2, ["old"])) == 2
    assert lexical.query("council budget", 0, ["new"]) == []
