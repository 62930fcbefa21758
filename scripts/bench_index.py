"""Benchmark the indexer here: cold and unchanged indexing, retrieval latency, a 2,000-chunk corpus.

    python scripts/bench_index.py [--json] [--repeat N] [--chroma-url URL | --with-server]
                                  [--synthetic-chunks N] [--hashed-vectors]

Embedded Chroma is always measured; a Chroma server too when given one (--chroma-url) or told to
start its own (--with-server, runs `chroma run` on a free loopback port). On a server the benchmark
writes to its own throwaway collections and deletes them afterwards. Figures are medians of
``--repeat`` runs; latencies are over 100 warm queries.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from index import (  # noqa: E402  (the environment above must be set before any model library loads)
    Article,
    Catalog,
    ChromaStore,
    Embedder,
    HybridRetriever,
    Indexer,
    LexicalIndex,
    MiniLMEmbedder,
    default_article_path,
    load_article,
    make_article,
)
from index.indexer import plan_records  # noqa: E402
from index.measures import expand_query  # noqa: E402
from index.retriever import fuse  # noqa: E402

QUESTIONS = [
    "What was the death toll?",
    "How many people were killed?",
    "How many people were injured?",
    "Who claimed responsibility for the bombings?",
    "Which media wing published the claim?",
    "How did Israel react?",
    "Who did Raisi blame?",
    "What trip did Raisi cancel?",
    "How were the bombs set off, according to Iranian media?",
    "Where did the explosions happen?",
    "When did the attack happen?",
    "Who was Qasem Soleimani?",
    "When was Soleimani killed?",
    "What was the Daesh statement called?",
    "Which explosion was deadlier?",
    "Has Iran responded to the claim?",
    "What did analysts think before the claim?",
    "Who were the targets of the bombers?",
    "What did Iran declare after the attack?",
    "Why is this the deadliest attack since 1979?",
]
PREFIXES = ["", "According to the article, ", "Quick question: ", "Tell me ", "In short, "]
WORDS = (
    "council budget river school hospital bridge harbour railway festival library election court police "
    "museum factory farm storm drought flood wildfire vaccine clinic tunnel airport stadium market "
    "bakery union strike protest treaty summit minister mayor senator judge engineer nurse teacher "
    "pilot farmer miner sailor scientist artist lottery charity theatre orchestra reservoir pipeline "
    "subway highway ferry canal orchard vineyard brewery quarry glacier volcano earthquake cyclone"
).split()


@dataclass
class Backend:
    name: str
    url: str | None


def percentile(values: Sequence[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chroma_server() -> Iterator[str]:
    """A `chroma run` server in a temporary directory, on a free loopback port."""
    import httpx

    with tempfile.TemporaryDirectory(prefix="bench-chroma-") as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        chroma = Path(sys.executable).with_name("chroma")
        cmd = [str(chroma), "run", "--path", tmp, "--host", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"error: `chroma run` did not start on port {port}")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


class Components:
    """The index in one data directory (and one collection), opened in this process."""

    def __init__(self, data_dir: Path, url: str | None, collection: str, embedder: Embedder) -> None:
        self.store = ChromaStore(data_dir, url, collection)
        self.catalog = Catalog(data_dir)
        self.lexical = LexicalIndex(data_dir / "lexical")
        self.embedder = embedder
        self.indexer = Indexer(self.store, embedder, self.catalog, self.lexical)
        self.retriever = HybridRetriever(
            store=self.store, lexical=self.lexical, embedder=embedder, catalog=self.catalog, k=5
        )

    def drop(self) -> None:
        """Delete the benchmark's collection from a server (embedded data lives in a temporary dir)."""
        if self.store.url:
            self.store._client().delete_collection(self.store.collection_name)


def child(args: argparse.Namespace) -> None:
    """One cold indexing run of the bundled article: what a fresh `assistant index` process does."""
    started = time.perf_counter()
    parts = Components(Path(args.data_dir), args.chroma_url, args.collection, MiniLMEmbedder())
    report = parts.indexer.index([load_article(default_article_path())])
    print(json.dumps(report.to_dict() | {"in_process_s": time.perf_counter() - started}))


def cold_run(data_dir: Path, backend: Backend, collection: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(data_dir), "--collection", collection]
    if backend.url:
        cmd += ["--chroma-url", backend.url]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"error: cold indexing run failed: {done.stderr.strip().splitlines()[-1:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "wall_s": wall,
        "index_s": report["seconds"],
        "embedded": report["embedded"],
        "chunks": report["chunks"],
    }


def latencies(parts: Components, queries: Sequence[str]) -> dict[str, float]:
    for query in queries[:5]:  # warm up
        parts.retriever.invoke(query)
    times = []
    for query in queries:
        started = time.perf_counter()
        parts.retriever.invoke(query)
        times.append((time.perf_counter() - started) * 1000)
    return {"queries": len(times), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}


def stages(parts: Components, queries: Sequence[str]) -> dict[str, float]:
    """Median milliseconds of each step of one retrieval, timed on its own: where the time goes."""
    times: dict[str, list[float]] = {k: [] for k in ("catalog", "expand", "embed", "chroma", "bm25", "fuse")}
    for query in queries:
        at = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal at
            now = time.perf_counter()
            times[name].append((now - at) * 1000)
            at = now

        revisions = list(parts.catalog.revisions().values())
        lap("catalog")
        expanded = expand_query(query)
        lap("expand")
        vector = parts.embedder.embed([expanded])[0]
        lap("embed")
        dense = parts.store.query(vector, 20, revisions)
        lap("chroma")
        sparse = parts.lexical.query(expanded, 20, revisions)
        lap("bm25")
        fuse([[r.id for r, _ in dense], [r.id for r, _ in sparse]], 5)
        lap("fuse")
    return {name: statistics.median(values) for name, values in times.items()}


class HashedEmbedder:
    """Stand-in vectors for the scale test (``--hashed-vectors``): a unit vector seeded by each text's hash,
    MiniLM's 384 dimensions and no meaning. Embedding 100,000 chunks with MiniLM takes ~16 min on 2 cores;
    what a query costs depends on how many vectors there are, not on what they mean. Queries are still
    embedded by MiniLM, so the embedding step is timed as it is."""

    name = "hashed-384"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(384)
            rows.append((v / np.linalg.norm(v)).tolist())
        return rows


def synthetic_corpus(min_chunks: int, seed: int = 7) -> list[Article]:
    """Articles of varied made-up news paragraphs, about one chunk each, until ``min_chunks``."""
    rng = random.Random(seed)
    articles: list[Article] = []
    total = 0
    while total < min_chunks:
        paragraphs = []
        for _ in range(50):
            sentences = []
            for _ in range(3):
                a, b, c, d = rng.sample(WORDS, 4)
                n = rng.randint(2, 9000)
                sentences.append(f"The {a} near the {b} reported {n} cases linked to the {c} and the {d}.")
            paragraphs.append(" ".join(sentences))
        article = make_article(
            f"Synthetic {len(articles)}\n\n" + "\n\n".join(paragraphs), f"synthetic-{len(articles)}"
        )
        articles.append(article)
        total += len(plan_records(article))
    return articles


def measure(
    backend: Backend, repeat: int, embedder: MiniLMEmbedder, tmp: Path, synthetic_chunks: int = 2000,
    hashed: bool = False,
) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    out: dict[str, Any] = {"backend": backend.name}

    firsts, agains = [], []
    for i in range(repeat):
        data_dir = tmp / f"{backend.name}-cold-{i}"
        collection = f"bench-{tag}-cold-{i}"
        firsts.append(cold_run(data_dir, backend, collection))
        agains.append(cold_run(data_dir, backend, collection))
    first = {k: statistics.median(r[k] for r in firsts) for k in firsts[0]}
    again = {k: statistics.median(r[k] for r in agains) for k in agains[0]}
    out["cold_first"] = first
    out["cold_unchanged"] = again
    out["cold_unchanged_ratio"] = {
        "wall": again["wall_s"] / first["wall_s"],
        "index": again["index_s"] / first["index_s"],
    }

    parts = Components(tmp / f"{backend.name}-cold-0", backend.url, f"bench-{tag}-cold-0", embedder)
    warm = [parts.indexer.index([load_article(default_article_path())]) for _ in range(max(repeat, 5))]
    out["warm_unchanged"] = {
        "index_s": statistics.median(r.seconds for r in warm),
        "embedded": max(r.embedded for r in warm),
    }
    queries = [prefix + q for prefix in PREFIXES for q in QUESTIONS]
    out["retrieval_bundled"] = latencies(parts, queries)
    out["retrieval_bundled"]["stages_ms"] = stages(parts, queries)

    big_dir, big_name = tmp / f"{backend.name}-synthetic", f"bench-{tag}-synthetic"
    big = Components(big_dir, backend.url, big_name, HashedEmbedder() if hashed else embedder)
    articles = synthetic_corpus(synthetic_chunks)
    started = time.perf_counter()
    report = big.indexer.index(articles)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    unchanged = big.indexer.index(articles)
    unchanged_s = time.perf_counter() - started
    if hashed:  # queries embedded by MiniLM, as a user's are
        big = Components(big_dir, backend.url, big_name, embedder)
    rng = random.Random(1)
    big_queries = [
        f"What did the {a} near the {b} report about the {c}?"
        for a, b, c in (rng.sample(WORDS, 3) for _ in range(100))
    ]
    out["synthetic"] = {
        "vectors": "hashed" if hashed else embedder.name,
        "articles": len(articles),
        "chunks": report.chunks,
        "index_s": seconds,
        "chunks_per_s": report.chunks / seconds,
        "unchanged_s": unchanged_s,
        "unchanged_embedded": unchanged.embedded,
        "retrieval": latencies(big, big_queries) | {"stages_ms": stages(big, big_queries)},
    }
    for p in (parts, big):
        p.drop()
    for i in range(1, repeat):
        Components(tmp, backend.url, f"bench-{tag}-cold-{i}", embedder).drop()
    return out


def split(stage_ms: dict[str, float]) -> str:
    return "steps (median ms): " + ", ".join(f"{k} {v:.1f}" for k, v in stage_ms.items())


def print_table(results: list[dict[str, Any]], info: dict[str, Any]) -> None:
    print(f"machine: {info['cpus']} CPUs, Python {info['python']}, repeat={info['repeat']} (medians)")
    for r in results:
        first, again, ratio = r["cold_first"], r["cold_unchanged"], r["cold_unchanged_ratio"]
        warm, ret, syn = r["warm_unchanged"], r["retrieval_bundled"], r["synthetic"]
        print(f"\n[{r['backend']}]")
        print(
            f"  bundled article, cold process: {first['wall_s']:.2f}s wall, "
            f"{first['index_s']:.2f}s indexing, {first['embedded']:.0f}/{first['chunks']:.0f} embedded"
        )
        print(
            f"  re-index unchanged, cold process: {again['wall_s']:.2f}s wall ({ratio['wall']:.2f}x), "
            f"{again['index_s']:.3f}s indexing ({ratio['index']:.3f}x), {again['embedded']:.0f} embedded"
        )
        print(f"  re-index unchanged, warm: {warm['index_s'] * 1000:.1f} ms, {warm['embedded']} embedded")
        print(
            f"  retrieval, bundled, {ret['queries']} queries: "
            f"p50 {ret['p50_ms']:.1f} ms, p95 {ret['p95_ms']:.1f} ms; {split(ret['stages_ms'])}"
        )
        sret = syn["retrieval"]
        print(
            f"  synthetic {syn['chunks']} chunks in {syn['articles']} articles ({syn['vectors']} vectors): "
            f"indexed in {syn['index_s']:.1f}s ({syn['chunks_per_s']:.0f} chunks/s); "
            f"unchanged re-index {syn['unchanged_s']:.2f}s ({syn['unchanged_embedded']} embedded); "
            f"retrieval p50 {sret['p50_ms']:.1f} ms, p95 {sret['p95_ms']:.1f} ms; {split(sret['stages_ms'])}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per measurement (default 3)")
    server = parser.add_mutually_exclusive_group()
    server.add_argument("--chroma-url", help="also measure this Chroma server (throwaway collections)")
    server.add_argument("--with-server", action="store_true", help="also measure a `chroma run` it starts")
    parser.add_argument("--synthetic-chunks", type=int, default=2000,
                        help="size of the synthetic corpus (default 2000; the issue's scale test: 100000)")
    parser.add_argument("--hashed-vectors", action="store_true",
                        help="index the synthetic corpus with hash-seeded stand-in vectors, not MiniLM (scale tests)")
    parser.add_argument("--child", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--collection", default="articles", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.data_dir = args.child
        child(args)
        return 0

    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "repeat": args.repeat}
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        results.append(
            measure(Backend("embedded", None), args.repeat, embedder, Path(tmp), args.synthetic_chunks,
                    args.hashed_vectors)
        )
        if args.chroma_url:
            results.append(measure(Backend("server", args.chroma_url), args.repeat, embedder, Path(tmp)))
        elif args.with_server:
            with chroma_server() as url:
                results.append(measure(Backend("server", url), args.repeat, embedder, Path(tmp)))
    if args.json:
        print(json.dumps({"machine": info, "results": results}, indent=1))
    else:
        print_table(results, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
