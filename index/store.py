"""The vector store: the only module that talks to Chroma (embedded or a server)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from index.chunking import Chunk
from index.errors import StoreError

__all__ = ["ChunkRecord", "ChromaStore", "chunk_id", "server_address"]

_PAGE = 1000


def server_address(url: str) -> tuple[str, int, bool]:
    """(host, port, TLS) of a Chroma server URL; StoreError for anything but http(s)://host[:port]."""
    parsed = urlparse(url)
    try:
        port = parsed.port
    except ValueError:
        port = -1
    if parsed.scheme not in ("http", "https") or not parsed.hostname or port == -1:
        raise StoreError(f"ASSISTANT_CHROMA_URL={url!r} is not a URL like http://127.0.0.1:8000")
    tls = parsed.scheme == "https"
    return parsed.hostname, port or (443 if tls else 8000), tls


def _unreachable(url: str, why: str) -> StoreError:
    return StoreError(
        f"cannot reach the Chroma server at ASSISTANT_CHROMA_URL={url} ({why}); "
        "start it with `chroma run --path DIR --port N` or unset ASSISTANT_CHROMA_URL"
    )


@dataclass(frozen=True)
class ChunkRecord:
    """A stored chunk: what retrieval returns. ``revision`` ties it to one version of its article."""

    id: str
    article_id: str
    title: str
    revision: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]

    def metadata(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "revision": self.revision,
            "start": self.start,
            "end": self.end,
            "sentences": json.dumps(self.sentences),
        }

    @classmethod
    def from_chroma(cls, id_: str, text: str, meta: dict[str, Any]) -> ChunkRecord:
        return cls(
            id=id_,
            article_id=str(meta["article_id"]),
            title=str(meta.get("title", "")),
            revision=str(meta["revision"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            text=text,
            sentences=tuple((int(a), int(b)) for a, b in json.loads(str(meta["sentences"]))),
        )


def chunk_id(chunk: Chunk, occurrence: int) -> str:
    """Deterministic id: article id + content hash (+ which repeat, for identical passages)."""
    suffix = f"-{occurrence}" if occurrence else ""
    return f"{chunk.article_id}:{chunk.content_hash}{suffix}"


class ChromaStore:
    """Chunks with their vectors in a Chroma collection; embedded by default, a server when a URL is given."""

    def __init__(self, data_dir: Path, url: str | None = None, collection: str = "articles") -> None:
        self.data_dir = data_dir
        self.url = url
        self.collection_name = collection
        self._collection: Any = None

    @property
    def location(self) -> str:
        return self.url or str(self.data_dir / "chroma")

    def _client(self) -> Any:
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        if self.url:
            host, port, tls = server_address(self.url)
            try:
                client = chromadb.HttpClient(host=host, port=port, ssl=tls, settings=settings)
                client.heartbeat()
            except Exception as exc:  # chromadb raises several types for a refused connection
                raise _unreachable(self.url, type(exc).__name__) from None
            return client
        path = self.data_dir / "chroma"
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise StoreError(
                f"data directory {self.data_dir} is not writable ({exc.strerror}); "
                "set ASSISTANT_DATA_DIR to a writable directory"
            ) from None
        return chromadb.PersistentClient(path=str(path), settings=settings)

    def probe(self, timeout: float = 3.0) -> None:
        """For a server: StoreError unless its address is well formed and accepts a connection. A TCP connect
        without importing chromadb, so a process finds out before loading a model for seconds; the
        client's heartbeat still runs when the store is first used."""
        if not self.url:
            return
        host, port, _ = server_address(self.url)
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            raise _unreachable(self.url, exc.strerror or type(exc).__name__) from None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self._client().get_or_create_collection(
                self.collection_name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._collection

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        """``collection.<method>(**kwargs)``; a Chroma server lost mid-session becomes a StoreError naming the
        setting, and the next call reconnects, so a long-running chat recovers when the server is back."""
        try:
            return getattr(self.collection, method)(**kwargs)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises several types for a lost connection
            if not self.url:
                raise
            self._collection = None
            raise StoreError(
                f"lost the Chroma server at ASSISTANT_CHROMA_URL={self.url} while {what} ({type(exc).__name__}); "
                "restart it (this session resumes when it is back) or unset ASSISTANT_CHROMA_URL"
            ) from None

    def records(self, article_id: str | None = None) -> list[ChunkRecord]:
        """All stored chunks (of one article when given), paged so big collections stay cheap."""
        where = {"article_id": article_id} if article_id else None
        out: list[ChunkRecord] = []
        offset = 0
        while True:
            got = self._call(
                "reading chunks", "get", where=where, include=["documents", "metadatas"], limit=_PAGE, offset=offset
            )
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                out.append(ChunkRecord.from_chroma(id_, text, meta))
            if len(got["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def add(self, records: Sequence[ChunkRecord], vectors: Sequence[Sequence[float]]) -> None:
        for i in range(0, len(records), _PAGE):
            batch = records[i : i + _PAGE]
            self._call(
                "storing chunks", "upsert",
                ids=[r.id for r in batch],
                embeddings=[list(v) for v in vectors[i : i + _PAGE]],
                documents=[r.text for r in batch],
                metadatas=[r.metadata() for r in batch],
            )

    def update_metadata(self, records: Sequence[ChunkRecord]) -> None:
        for i in range(0, len(records), _PAGE):
            batch = records[i : i + _PAGE]
            self._call("updating chunks", "update", ids=[r.id for r in batch], metadatas=[r.metadata() for r in batch])

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            self._call("deleting chunks", "delete", ids=ids[i : i + _PAGE])

    def query(
        self, vector: Sequence[float], k: int, revisions: Sequence[str]
    ) -> list[tuple[ChunkRecord, float]]:
        """Nearest chunks among the given article revisions, with cosine similarity.

        Searched unfiltered first: a collection normally holds only current revisions, and Chroma's
        ``$in`` filter over every revision cost 339 ms a query at 100,000 chunks in 1,961 articles (the
        search itself, 5 ms). Only when a hit belongs to another revision (stale chunks an interrupted
        run left, or a caller asking for some articles only) is the search repeated with the filter.
        """
        if not revisions:
            return []
        wanted = set(revisions)
        hits = self._search(vector, k, None)
        if all(record.revision in wanted for record, _ in hits):
            return hits
        return self._search(vector, k, {"revision": {"$in": list(revisions)}})

    def _search(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[tuple[ChunkRecord, float]]:
        got = self._call(
            "searching", "query",
            query_embeddings=[list(vector)], n_results=k, where=where, include=["documents", "metadatas", "distances"],
        )
        return [
            (ChunkRecord.from_chroma(id_, text, meta), 1.0 - float(dist))
            for id_, text, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]
