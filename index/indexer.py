"""Incremental, idempotent indexing: embed only new chunks, fix moved ones, delete stale ones.

Order of writes, so a run killed at any point leaves an index that still answers and that the
next run repairs: (1) stage the new text, (2) add new chunks, (3) switch the manifest, (4) delete
stale chunks, (5) rebuild the lexical index, recording the manifest revisions it was built for.
Queries only see chunks of the manifest's revisions. A run that adds, updates and deletes nothing
skips (5) only when the lexical index records exactly the manifest's current revisions, so a run
killed before (5) finished is still repaired by the next one.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from index.articles import Article
from index.catalog import Catalog
from index.chunking import chunk_text
from index.embeddings import Embedder
from index.errors import ArticleError
from index.lexical import LexicalIndex
from index.store import ChromaStore, ChunkRecord, chunk_id

__all__ = ["IndexReport", "Indexer", "plan_records"]

Progress = Callable[[int, int], None]


@dataclass
class IndexReport:
    """What an indexing run did; ``to_dict`` is the ``assistant index --json`` output."""

    articles: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    embedded: int = 0
    seconds: float = 0.0
    article_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["ids"] = data.pop("article_ids")
        data["seconds"] = round(self.seconds, 3)
        return data


def plan_records(article: Article, max_chars: int = 400) -> list[ChunkRecord]:
    """The chunk records an article should have in the store."""
    seen: Counter[str] = Counter()
    records = []
    for chunk in chunk_text(article.id, article.text, max_chars):
        occurrence = seen[chunk.content_hash]
        seen[chunk.content_hash] += 1
        records.append(
            ChunkRecord(
                id=chunk_id(chunk, occurrence),
                article_id=article.id,
                title=article.title,
                revision=article.revision,
                start=chunk.start,
                end=chunk.end,
                text=chunk.text,
                sentences=chunk.sentences,
            )
        )
    return records


class Indexer:
    """Keeps the store, the catalog and the lexical index in step with a set of articles."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        catalog: Catalog,
        lexical: LexicalIndex,
        max_chars: int = 400,
    ) -> None:
        self.store, self.embedder, self.catalog, self.lexical = store, embedder, catalog, lexical
        self.max_chars = max_chars

    def index(self, articles: Sequence[Article], progress: Progress | None = None) -> IndexReport:
        started = time.perf_counter()
        repeated = sorted(id_ for id_, n in Counter(a.id for a in articles).items() if n > 1)
        if repeated:  # the last would silently win and the others' chunks linger in the store
            sources = list(dict.fromkeys(a.source for a in articles if a.id == repeated[0] and a.source))
            if len(sources) >= 2:
                raise ArticleError(
                    f"{sources[0]} and {sources[1]} would both be indexed as {repeated[0]!r}; "
                    "index one of them with --id NAME"
                )
            raise ArticleError(
                f"several articles have the id {repeated[0]!r} (ids come from file names); rename all but one"
            )
        report = IndexReport(articles=len(articles), article_ids=[a.id for a in articles])
        plans = []
        to_embed: list[ChunkRecord] = []
        for article in articles:
            wanted = plan_records(article, self.max_chars)
            existing = {r.id: r for r in self.store.records(article.id)}
            new = [r for r in wanted if r.id not in existing]
            moved = [r for r in wanted if r.id in existing and existing[r.id] != r]
            wanted_ids = {r.id for r in wanted}  # once, not per stored chunk: articles can have thousands
            stale = [i for i in existing if i not in wanted_ids]
            plans.append((article, new, moved, stale))
            to_embed.extend(new)
            report.chunks += len(wanted)
            report.added += len(new)
            report.updated += len(moved)
            report.deleted += len(stale)
            report.skipped += len(wanted) - len(new) - len(moved)
        vectors = self._embed(to_embed, progress)
        report.embedded = len(vectors)
        by_id = dict(zip((r.id for r in to_embed), vectors, strict=True))
        for article, new, moved, stale in plans:
            self.catalog.stage(article)
            self.store.add(new, [by_id[r.id] for r in new])
            self.store.update_metadata(moved)
            self.catalog.commit(article)
            self.store.delete(stale)
        changed = report.added or report.updated or report.deleted
        if changed or self.lexical.built_for() != self.catalog.revisions():
            self.rebuild_lexical()
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, article_id: str) -> IndexReport:
        started = time.perf_counter()
        stale = [r.id for r in self.store.records(article_id)]
        self.catalog.remove(article_id)
        self.store.delete(stale)
        self.rebuild_lexical()
        return IndexReport(deleted=len(stale), seconds=time.perf_counter() - started)

    def rebuild_lexical(self) -> None:
        current = self.catalog.revisions()
        records = [r for r in self.store.records() if current.get(r.article_id) == r.revision]
        self.lexical.rebuild(records, current)

    def _embed(self, records: Sequence[ChunkRecord], progress: Progress | None) -> list[list[float]]:
        vectors: list[list[float]] = []
        batch = 64
        for i in range(0, len(records), batch):
            vectors.extend(self.embedder.embed([r.text for r in records[i : i + batch]]))
            if progress:
                progress(len(vectors), len(records))
        return vectors
