"""The lexical (BM25) index over stored chunks, persisted beside the Chroma data with bm25s."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from index.store import ChunkRecord
from index.text import STOPWORDS, stem

__all__ = ["LexicalIndex", "tokenize"]

# Bump when tokenize changes: an index built with other tokens is then rebuilt by the next run.
FORMAT = 5  # 5: irregular forms stem as their word ("sold" -> "sell")

_WORD = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lowercase stemmed words without stopwords, so "blasts" meets "blast" and "cancelled" "cancel"."""
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


class LexicalIndex:
    """BM25 over chunk texts, rebuilt from the store by indexing runs that change it, so it never drifts.

    ``meta.json`` records the article revisions (and tokenizer format) it was built for, which lets
    a run that changed nothing skip the rebuild safely.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._bm25: object | None = None
        self._records: list[ChunkRecord] = []
        self._loaded = False
        self._stamp: tuple[int, int] | None = None

    def rebuild(self, records: Sequence[ChunkRecord], revisions: Mapping[str, str]) -> None:
        """Replace the index on disk with one over ``records``, built for the article ``revisions``.

        The new index is written aside and swapped in by renames; a crash keeps the old one (see ``_path``).
        """
        import bm25s

        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        records = list(records)
        if records:
            bm25 = bm25s.BM25()
            bm25.index([tokenize(r.text) or ["\u2205"] for r in records], show_progress=False)
            bm25.save(str(tmp / "bm25"), show_progress=False)
        (tmp / "records.json").write_text(json.dumps([asdict(r) for r in records]), encoding="utf-8")
        meta = {"format": FORMAT, "revisions": dict(revisions)}
        (tmp / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        tmp.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        self._loaded = False

    def _path(self) -> Path:
        """The directory to read: after a crash between the two renames of ``rebuild``, the old index."""
        old = self.directory.with_name(self.directory.name + ".old")
        return old if not self.directory.exists() and old.exists() else self.directory

    def built_for(self) -> dict[str, str] | None:
        """The article revisions the index on disk covers; None when unknown or built with other tokens."""
        try:
            meta = json.loads((self.directory / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            return None
        return dict(meta.get("revisions", {}))

    def records(self) -> list[ChunkRecord]:
        """The chunks the index covers, in index order."""
        self._load()
        return list(self._records)

    def _disk_stamp(self) -> tuple[int, int] | None:
        """Identity of the index on disk: a rebuild by another process (``assistant index`` while
        ``assistant serve`` runs) writes a new ``meta.json``, so the next query loads the new index."""
        try:
            st = (self._path() / "meta.json").stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def _load(self) -> None:
        stamp = self._disk_stamp()
        if self._loaded and stamp == self._stamp:
            return
        import bm25s

        self._stamp = stamp
        self._bm25, self._records = None, []
        directory = self._path()
        path = directory / "records.json"
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._records = [
                ChunkRecord(**{**r, "sentences": tuple(tuple(s) for s in r["sentences"])}) for r in raw
            ]
            if self._records:
                self._bm25 = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
        self._loaded = True

    def query(self, text: str, k: int, revisions: Sequence[str]) -> list[tuple[ChunkRecord, float]]:
        """Best-scoring chunks among the given article revisions (stale entries are skipped)."""
        self._load()
        if self._bm25 is None or k <= 0:
            return []
        vocab = self._bm25.vocab_dict  # type: ignore[attr-defined]
        tokens = [t for t in tokenize(text) if t in vocab]
        if not tokens:
            return []
        wanted = set(revisions)
        n = len(self._records)
        # The top 2k first (ranking all 100,000 chunks of a large corpus cost ~10 ms); everything only when
        # stale chunks crowd current ones out of it.
        for limit in dict.fromkeys((min(n, 2 * k), n)):
            docs, scores = self._bm25.retrieve([tokens], k=limit, show_progress=False)  # type: ignore[attr-defined]
            out = []
            for i, score in zip(docs[0], scores[0], strict=True):
                record = self._records[int(i)]
                if score > 0 and record.revision in wanted:
                    out.append((record, float(score)))
                    if len(out) == k:
                        return out
            if limit == n or scores[0][-1] <= 0:
                break
        return out
