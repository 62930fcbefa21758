"""Benchmark answers here: latency and memory of the assistant against naive RAG on the same model.

    python scripts/bench_answer.py [--corpus bundled|long|squad2|synthetic] [--questions N] [--repeat R]
                                   [--order blocks|alternate] [--data-dir DIR] [--skip-restart] [--json PATH]

Corpora: ``bundled`` (the bundled article, 2,475 characters: one prefix for the whole corpus), ``long`` (one
12,000-character Wikipedia article, evals/squad2's Warsaw), ``squad2`` (its six articles indexed together:
one cached prefix per article), ``synthetic`` (40 generated council reports of ~2,000 characters).

Phases, all with the default local model and one data directory (a temporary one unless --data-dir):
  setup    a fresh process indexes the bundled article and assembles the model file (first start; not compared)
  (a) cold     a fresh process builds the assistant, runs warm() with no prefix cache on disk (the cache
               directory is deleted first) and answers one question
  (b) restart  a second fresh process on the same data directory: warm() reads the prefix state (a) saved
  ask          `assistant ask --json` in a fresh process on the same data directory: when its answer is printed
  naive        a fresh process answering the same question with naive RAG: the baseline for (a) and (b)
  serve        a fresh `assistant serve` on the same data directory: its "Ready" line, the port listening,
               and the first answer through the web API (gradio_client)
  (c) warm     one process, after ``bot.warm()``: N questions, answered by the assistant and by naive RAG
(c) begins with ``bot.warm_articles()``: every prefix state a question may read, built (or read from disk)
before the timed questions: its time and the bytes on disk are the cache build cost.
Naive RAG is a plain LCEL chain on the same loaded model: top-k retrieved chunks stuffed into a fresh
prompt (chunks, then the question) → the model → StrOutputParser. The chunks differ per question and come
before it, so llama.cpp can reuse little of its previous prompt; the assistant's prompt opens with the
same sources every time (the bundled article fits in ``prefix_chars``), so it reuses the warmed prefix.
In (c) the two run in separate blocks (assistant first) or alternately (--order alternate), same process.

First token is the first streamed text delta; answer is the verified ``Answer`` (assistant) or the end of
the stream (naive). (a), (b) and naive are timed from the spawn of their process (imports, loading the
embedder and the model included) and repeat --repeat times; (c) is timed from each call, retrieval
included. "Cold" means a new process: the model file stays in the OS page cache between phases. Peak RSS
is ``ru_maxrss``: each child reports its own; the parent's covers (c).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STARTED = time.monotonic()  # the child's stamps are CLOCK_MONOTONIC too: comparable across processes
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from typing import TYPE_CHECKING  # noqa: E402  (the environment above must be set first)

from assistant import Answer, Assistant, Settings  # noqa: E402
from assistant.models.prefix_cache import common_prefix, usage  # noqa: E402

if TYPE_CHECKING:  # the naive chain's LangChain imports wait for it: a child imports what a user's script would
    from langchain_core.documents import Document
    from langchain_core.runnables import Runnable

# Written for this benchmark (not the eval questions): facts, a number, a why, a paraphrase, one the
# article does not answer.
QUESTIONS = [
    "What happened near Soleimani's grave in January 2024?",
    "By what other name is ISIS known in the article?",
    "How many deaths does the subheading report?",
    "What did videos from the scene show?",
    "How did Iran's interior minister describe the explosions?",
    "Which country was President Raisi supposed to visit?",
    "Why were Daesh's figures doubted?",
    "What is the population of Kerman?",
    "Which anniversary were the mourners marking?",
    "What did the bombers allegedly detonate, according to the Daesh statement?",
    "Which group within the Revolutionary Guards did Soleimani lead?",
    "Whom does the Daesh statement call polytheists?",
]

ROOT = Path(__file__).resolve().parents[1]
SQUAD = ROOT / "evals" / "squad2"
CORPORA = ("bundled", "long", "squad2", "synthetic")


def synthetic_article(i: int) -> str:
    """A deterministic council report of about 2,000 characters (every fact differs between reports)."""
    paragraphs = [
        f"Council report {i}: district {i} budget and roads",
        f"The council of district {i} approved a budget of {100 + i} million on day {i % 28 + 1}. "
        f"Councillor {chr(65 + i % 26)}. Marlow said the vote was {20 + i % 9} to {i % 7}.",
        f"Residents of ward {i % 11} asked about road {i} and the school on street {i % 19}. "
        f"The school has {300 + 7 * i} pupils and {12 + i % 5} classrooms, the head teacher said.",
        f"The mayor said the bridge project {i} would finish in month {i % 12 + 1} and cost {3 + i % 4} million. "
        f"Work on the bridge began after floods in year {1990 + i} damaged the old one.",
        f"A library in district {i} will open on Saturdays from next spring, and the swimming pool on "
        f"street {i % 23} will close for repairs for {i % 6 + 2} weeks.",
        f"Police in district {i} reported {i % 13} burglaries last month, down from {i % 13 + 4} a year ago. "
        f"The chief constable credited new street lighting on {i % 5 + 2} roads.",
        f"The next council meeting of district {i} is on day {(i + 9) % 28 + 1}, when the parking plan will be "
        f"debated. Traders on the high street oppose charges of {i % 3 + 1} pounds an hour.",
    ]
    return "\n\n".join(paragraphs) + "\n"


def corpus_files(name: str, folder: Path) -> list[str]:
    """The files ``name`` indexes ([] for the bundled article), written under ``folder`` when generated."""
    if name == "bundled":
        return []
    if name == "long":
        return [str(SQUAD / "articles" / "warsaw.txt")]
    if name == "squad2":
        return sorted(str(p) for p in (SQUAD / "articles").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(40):
        path = folder / f"council-{i:02d}.txt"
        path.write_text(synthetic_article(i), encoding="utf-8")
        paths.append(str(path))
    return paths


def corpus_questions(name: str, n: int) -> list[str]:
    """``n`` questions for the corpus: answerable SQuAD questions taken round-robin over its articles;
    generated ones about the synthetic reports; the fixed list for the bundled article."""
    if name == "bundled":
        return [QUESTIONS[i % len(QUESTIONS)] for i in range(n)]
    if name == "synthetic":
        asked = ["How many pupils does the school in district {i} have?",
                 "When will the bridge project {i} finish?",
                 "What budget did the council of district {i} approve?"]
        return [asked[i % len(asked)].format(i=(7 * i) % 40) for i in range(n)]
    rows = [json.loads(line) for line in (SQUAD / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if not r["is_impossible"] and (name == "squad2" or r["article"] == "warsaw")]
    by_article: dict[str, list[str]] = {}
    for r in rows:
        by_article.setdefault(r["article"], []).append(r["question"])
    ordered = [q for group in zip(*by_article.values(), strict=False) for q in group]
    return [ordered[(i * 7) % len(ordered)] for i in range(n)]


NAIVE_SYSTEM = "Answer the question using only the context below.\n\nContext:\n{context}"


def naive_prompt() -> Any:
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([("system", NAIVE_SYSTEM), ("human", "{question}")])


@dataclass
class Sample:
    """One timed answer."""

    question: str
    started: float  # time.monotonic() at the call
    first_token_s: float | None
    total_s: float
    prompt_tokens: int
    reusable_tokens: int  # prompt tokens llama.cpp could take from its live or warmed KV state
    output_tokens: int
    abstained: bool | None  # the assistant's verdict; None for naive RAG
    text: str  # the streamed text: the assistant's draft before verification, or naive RAG's answer


def percentile(values: Sequence[float], q: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def format_docs(docs: list[Document]) -> str:
    return "\n\n".join(d.page_content for d in docs)


def naive_chain(bot: Assistant) -> Runnable[str, str]:
    """The baseline: retrieve top-k → prompt with the chunks, then the question → model → text."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.runnables import RunnableLambda, RunnablePassthrough

    retriever = bot.corpus.retriever
    return (
        {"context": retriever | RunnableLambda(format_docs), "question": RunnablePassthrough()}
        | naive_prompt()
        | bot.llm
        | StrOutputParser()
    )


def prompt_tokens(bot: Assistant, question: str, naive: bool) -> tuple[int, int]:
    """(prompt tokens, tokens reusable from the model's live or warmed KV state) for the next call."""
    llm: Any = bot.llm
    llama = llm.load()
    if naive:
        context = format_docs(bot.corpus.retriever.invoke(question))
        messages = naive_prompt().invoke({"context": context, "question": question}).to_messages()
    else:
        messages = bot._prepare({"question": question, "history": []}).messages
    tokens = llm._tokens(llama, messages)
    reusable = common_prefix(llama.input_ids[: llama.n_tokens], tokens)
    if llm._prefix is not None:
        reusable = max(reusable, common_prefix(llm._prefix.tokens, tokens))
    return len(tokens), reusable


def output_tokens(bot: Assistant, text: str) -> int:
    llm: Any = bot.llm
    return len(llm.load().tokenize(text.encode("utf-8"), add_bos=False, special=False)) if text else 0


def timed(events: Iterator[Any]) -> tuple[float, float | None, float, str, Answer | None]:
    """Drain a stream of text deltas (and maybe an Answer): (start, first delta, end, text, answer)."""
    started = time.monotonic()
    first: float | None = None
    parts: list[str] = []
    answer = None
    for event in events:
        if isinstance(event, Answer):
            answer = event
            break
        if event and first is None:
            first = time.monotonic()
        parts.append(event)
    return started, first, time.monotonic(), "".join(parts), answer


def ask(bot: Assistant, question: str, naive: Runnable[str, str] | None, count: bool = True) -> Sample:
    """Answer once with the assistant (``naive`` None) or the naive chain, and time it."""
    counted = prompt_tokens(bot, question, naive is not None) if count else (0, 0)
    events = naive.stream(question) if naive is not None else bot.stream(question)
    started, first, end, text, answer = timed(events)
    if naive is None and answer is None:
        raise SystemExit(f"error: the assistant's stream ended without an Answer for {question!r}")
    return Sample(
        question, started, None if first is None else first - started, end - started, *counted,
        output_tokens(bot, text), None if answer is None else answer.abstained, text,
    )


def warm(bot: Assistant) -> str:
    """``bot.warm()``; where the prefix state came from: "computed" (and saved), "disk" or "cached"."""
    return bot.warm() or "none"


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Fraction of all CPUs busy over ``seconds`` (Linux), to catch another job before timing."""
    def sample() -> list[int]:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]

    try:
        a = sample()
        time.sleep(seconds)
        b = sample()
    except (OSError, ValueError):
        return None
    delta = [y - x for x, y in zip(a, b, strict=True)]
    idle = delta[3] + (delta[4] if len(delta) > 4 else 0)  # idle + iowait
    return 1 - idle / sum(delta) if sum(delta) else None


def require_local(bot: Assistant) -> None:
    if getattr(bot.llm, "_llm_type", "") != "llama-cpp":
        raise SystemExit(
            f"error: this benchmark measures the in-process model; ASSISTANT_LLM={bot.settings.llm!r} "
            "is not one: unset it (or use gguf:PATH)"
        )


def index_corpus(name: str, data_dir: Path) -> None:
    """Index the corpus's files (the bundled article is indexed by ``Assistant.from_settings``)."""
    from assistant.corpus import Corpus

    files = corpus_files(name, data_dir / "sources")
    if files:
        Corpus(Settings.from_env(data_dir=data_dir)).index_paths(files)


def child(mode: str, data_dir: Path, question: str, corpus: str = "bundled") -> dict[str, Any]:
    """One fresh process: ``setup`` indexes the corpus and builds the assistant; ``system``/``naive`` also
    answer ``question``."""
    stamps = {"imported": time.monotonic()}
    if mode == "setup":
        index_corpus(corpus, data_dir)
    bot = Assistant.from_settings(Settings.from_env(data_dir=data_dir))
    require_local(bot)
    stamps["built"] = time.monotonic()
    out: dict[str, Any] = {"mode": mode}
    if mode == "system":
        out["prefix"] = warm(bot)
        stamps["warmed"] = time.monotonic()
    if mode != "setup":
        # The first call includes loading the weights (naive) and reading the index; no token counts,
        # which would load the model outside the timed call.
        sample = ask(bot, question, naive_chain(bot) if mode == "naive" else None, count=False)
        stamps["called"] = sample.started
        if sample.first_token_s is not None:
            stamps["first_token"] = sample.started + sample.first_token_s
        stamps["answer"] = sample.started + sample.total_s
        if mode == "system" and out["prefix"] == "none" and bot.last is not None:
            out["prefix"] = bot.last[1].prefix_state or "none"  # an article's state, read on the question
        out["output_tokens"] = sample.output_tokens
        out["abstained"] = sample.abstained
        out["text"] = sample.text
    out["stamps"] = stamps
    out["max_rss_mb"] = max_rss_mb()
    return out


def run_child(mode: str, data_dir: Path, question: str, corpus: str = "bundled") -> dict[str, Any]:
    """Spawn a child and turn its monotonic stamps into seconds since the spawn."""
    cmd = [sys.executable, __file__, "--child", mode, "--data-dir", str(data_dir), "--question", question,
           "--corpus", corpus]
    spawned = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    exited = time.monotonic()
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise SystemExit(f"error: the {mode} process exited with {done.returncode}: {tail}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["since_spawn_s"] = {k: v - spawned for k, v in report.pop("stamps").items()}
    report["since_spawn_s"]["exited"] = exited - spawned
    return report


def cli_phase(data_dir: Path, question: str) -> dict[str, float]:
    """``assistant ask --json`` in a fresh process (prefix state on disk): seconds from the spawn to its
    answer on stdout, and to its exit."""
    cmd = [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "ask", "--json", question]
    spawned = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    answered = time.monotonic() - spawned
    _, err = proc.communicate(timeout=600)
    if proc.returncode != 0 or not line.startswith("{"):
        raise SystemExit(f"error: assistant ask exited with {proc.returncode}: {err.strip().splitlines()[-3:]}")
    return {"answer": answered, "exited": time.monotonic() - spawned}


def restart_phases(data_dir: Path, question: str, repeat: int, corpus: str) -> list[dict[str, Any]]:
    runs = []
    for i in range(repeat):
        shutil.rmtree(data_dir / "cache", ignore_errors=True)
        cold = run_child("system", data_dir, question, corpus)
        restart = run_child("system", data_dir, question, corpus)
        cli = cli_phase(data_dir, question)
        naive = run_child("naive", data_dir, question, corpus)
        runs.append({"cold": cold, "restart": restart, "cli": cli, "naive": naive})
        print(
            f"  restart run {i + 1}/{repeat}: cold {cold['since_spawn_s']['answer']:.1f}s "
            f"({cold['prefix']}), restart {restart['since_spawn_s']['answer']:.1f}s ({restart['prefix']}), "
            f"assistant ask {cli['answer']:.1f}s, naive {naive['since_spawn_s']['answer']:.1f}s",
            file=sys.stderr,
        )
    return runs


def serve_phase(data_dir: Path, question: str) -> dict[str, float]:
    """A fresh ``assistant serve`` on the same data directory (prefix state on disk): seconds from the
    spawn to its "Ready" line, to the port answering, and to the first answer through the web API."""
    import socket

    from gradio_client import Client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "serve", "--port", str(port)]
    spawned = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    out: dict[str, float] = {}
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("Ready"):
                out["ready"] = time.monotonic() - spawned
                break
        else:
            raise SystemExit(f"error: assistant serve exited with {proc.wait()} before it was ready")
        while True:
            with socket.socket() as conn:
                if conn.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() - spawned > 300:
                raise SystemExit("error: assistant serve did not listen within 300 s")
            time.sleep(0.05)
        out["listening"] = time.monotonic() - spawned
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict(question, [], api_name="/ask")
        out["first_answer"] = time.monotonic() - spawned
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


def warm_phase(bot: Assistant, questions: Sequence[str], order: str) -> dict[str, list[Sample]]:
    naive = naive_chain(bot)
    system: list[Sample] = []
    baseline: list[Sample] = []
    if order == "alternate":
        for q in questions:
            system.append(ask(bot, q, None))
            baseline.append(ask(bot, q, naive))
    else:
        system = [ask(bot, q, None) for q in questions]
        baseline = [ask(bot, q, naive) for q in questions]
    return {"system": system, "naive": baseline}


STATS = ("median", "p90", "min", "max")


def summary(values: Sequence[float | None]) -> dict[str, float] | None:
    got = [v for v in values if v is not None]
    if not got:
        return None
    return dict(zip(STATS, (statistics.median(got), percentile(got, 90), min(got), max(got)), strict=True))


def machine(bot: Assistant) -> dict[str, Any]:
    import llama_cpp

    llm: Any = bot.llm
    cpu = platform.machine()  # not platform.processor(): it forks `uname -p` from this large process
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    model = Path(llm.model_path)
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "llama_cpp": llama_cpp.__version__,
        "threads": getattr(llm.load(), "n_threads", None),
        "model": model.name,
        "model_bytes": model.stat().st_size,
        "settings": bot.describe(),
    }


def fmt(value: float | None, unit: str = "s") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or not b else f"{a / b:.2f}x"


def print_report(result: dict[str, Any]) -> None:
    m = result["machine"]
    s = m["settings"]
    print(f"corpus: {result['corpus']}")
    print(
        f"machine: {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, llama-cpp-python {m['llama_cpp']}, "
        f"{m['threads']} threads"
    )
    busy = result["cpu_busy_before"]
    print(
        f"CPUs busy before the start: {'-' if busy is None else f'{busy:.0%}'}; load average "
        f"{result['load_before'][0]:.2f} before, {result['load_after'][0]:.2f} after"
    )
    print(
        f"model: {m['model']} ({m['model_bytes'] / 1e9:.2f} GB); top_k={s['top_k']}, "
        f"context_chars={s['context_chars']}, max_tokens={s['max_tokens']}"
    )
    if "setup" in result:
        setup = result["setup"]["since_spawn_s"]
        print(f"setup (first start: index + model file), one process: {setup['exited']:.1f}s")
    runs = result.get("restart", [])
    if runs:
        print(f"\nfresh processes, question {result['restart_question']!r}, {len(runs)} run(s), medians")
        print(f"  {'':34} {'first token':>12} {'answer':>9} {'warm()':>8} {'peak RSS':>10}  prefix")
        rows: dict[str, dict[str, float | None]] = {}
        labels = {"cold": "(a) cold, no prefix cache", "restart": "(b) restart, prefix cache on disk",
                  "naive": "naive RAG, cold process"}
        for key, label in labels.items():
            stamps = [r[key]["since_spawn_s"] for r in runs]
            med = {
                name: statistics.median(v) if (v := [st[name] for st in stamps if name in st]) else None
                for name in ("first_token", "answer")
            }
            warm = [st["warmed"] - st["built"] for st in stamps if "warmed" in st]
            med["warm"] = statistics.median(warm) if warm else None
            med["rss"] = statistics.median(r[key]["max_rss_mb"] for r in runs)
            rows[key] = med
            prefix = ",".join(sorted({r[key].get("prefix", "-") for r in runs}))
            print(
                f"  {label:34} {fmt(med['first_token']):>12} {fmt(med['answer']):>9} {fmt(med['warm']):>8} "
                f"{med['rss']:>7.0f} MB  {prefix}"
            )
        for num, den in (("restart", "cold"), ("restart", "naive"), ("cold", "naive")):
            print(
                f"  {'ratio ' + num + '/' + den:34} {ratio(rows[num]['first_token'], rows[den]['first_token']):>12} "
                f"{ratio(rows[num]['answer'], rows[den]['answer']):>9}"
            )
        if all("cli" in r for r in runs):
            answered = statistics.median(r["cli"]["answer"] for r in runs)
            exited = statistics.median(r["cli"]["exited"] for r in runs)
            print(
                f"  {'assistant ask --json, cache on disk':34} answer printed {answered:.2f}s, process exited "
                f"{exited:.2f}s after the spawn (median; {ratio(answered, rows['naive']['answer'])} of naive's answer)"
            )
    if "serve" in result:
        sv = result["serve"]
        print(
            f"  {'web server (assistant serve)':34} Ready {sv['ready']:.2f}s, listening {sv['listening']:.2f}s, "
            f"first answer through the web API {sv['first_answer']:.2f}s after the spawn"
        )
    warm = result["warm"]
    n = len(warm["system"])
    order = "alternately" if result["order"] == "alternate" else "in blocks, assistant first"
    built = result["in_process"]
    cache = result["cache"]
    states = ", ".join(f"{v} {k}" for k, v in sorted(cache["states"].items())) or "none"
    print(
        f"\none process: built in {built['build_s']:.1f}s, warm() {built['warm_s']:.1f}s ({built['prefix']}); "
        f"prefix states: {states} in {cache['build_s']:.1f}s, {cache['files']} on disk, "
        f"{cache['bytes'] / 2**20:.0f} MiB; then {n} questions each, same model, {order}"
    )
    print(
        f"  {'':11} {'first token: median':>20} {'p90':>7} {'min':>7} {'max':>7}  {'answer: median':>15} "
        f"{'p90':>7} {'min':>7} {'max':>7}  {'prompt tok':>10} {'reused':>7} {'out tok':>7}"
    )
    medians: dict[str, tuple[float | None, float | None]] = {}
    for key, label in (("system", "assistant"), ("naive", "naive RAG")):
        samples = warm[key]
        first = summary([x["first_token_s"] for x in samples]) or {}
        total = summary([x["total_s"] for x in samples]) or {}
        medians[key] = (first.get("median"), total.get("median"))
        cells = [fmt(first.get(k)) for k in STATS] + [fmt(total.get(k)) for k in STATS]
        tokens = [statistics.median(x[k] for x in samples) for k in ("prompt_tokens", "reusable_tokens")]
        tokens.append(statistics.median(x["output_tokens"] for x in samples))
        print(
            f"  {label:11} {cells[0]:>20} {cells[1]:>7} {cells[2]:>7} {cells[3]:>7}  {cells[4]:>15} {cells[5]:>7} "
            f"{cells[6]:>7} {cells[7]:>7}  {tokens[0]:>10.0f} {tokens[1]:>7.0f} {tokens[2]:>7.0f}"
        )
    (sf, st), (nf, nt) = medians["system"], medians["naive"]
    print(f"  {'ratio':11} {ratio(sf, nf):>20} {'':>23}  {ratio(st, nt):>15}   (assistant/naive, medians)")
    abstained = sum(bool(x["abstained"]) for x in warm["system"])
    print(f"  the assistant abstained on {abstained}/{n}; token counts are medians, output tokens of the draft")
    rss = result["rss_mb"]
    children = "" if rss["children"] is None else f"; largest child {rss['children']:.0f} MB (its own ru_maxrss)"
    print(f"\npeak RSS: this process {rss['self']:.0f} MB (index, embedder, model, both pipelines){children}")


def measure(args: argparse.Namespace, data_dir: Path, busy: float | None) -> dict[str, Any]:
    questions = corpus_questions(args.corpus, args.questions)
    result: dict[str, Any] = {
        "corpus": args.corpus, "order": args.order, "questions": questions, "cpu_busy_before": busy,
        "load_before": os.getloadavg(),
    }
    if not args.skip_restart:
        print("setup: indexing and assembling the model in a fresh process…", file=sys.stderr)
        result["setup"] = run_child("setup", data_dir, "", args.corpus)
        result["restart_question"] = questions[0]
        result["restart"] = restart_phases(data_dir, questions[0], args.repeat, args.corpus)
        print("a fresh web server on the same data directory…", file=sys.stderr)
        result["serve"] = serve_phase(data_dir, questions[0])
    else:
        index_corpus(args.corpus, data_dir)
    print(f"one process: building, warming, {len(questions)} questions × 2…", file=sys.stderr)
    started = time.monotonic()
    bot = Assistant.from_settings(Settings.from_env(data_dir=data_dir))
    require_local(bot)
    built = time.monotonic()
    prefix = warm(bot)
    warmed = time.monotonic()
    counts = bot.warm_articles()
    files, size = usage(data_dir / "cache")
    result["in_process"] = {"build_s": built - started, "warm_s": warmed - built, "prefix": prefix}
    result["cache"] = {"build_s": time.monotonic() - warmed, "states": counts, "files": files, "bytes": size}
    result["machine"] = machine(bot)
    samples = warm_phase(bot, questions, args.order)
    result["warm"] = {k: [asdict(x) for x in v] for k, v in samples.items()}
    children = [run[k]["max_rss_mb"] for run in result.get("restart", []) for k in run if "max_rss_mb" in run[k]]
    children += [result["setup"]["max_rss_mb"]] if "setup" in result else []
    result["rss_mb"] = {"self": max_rss_mb(), "children": max(children, default=None)}
    result["load_after"] = os.getloadavg()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", choices=CORPORA, default="bundled", help="what is indexed (default bundled)")
    parser.add_argument("--questions", type=int, default=10, help="questions in the warm phase (default 10)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the fresh-process phases (default 1)")
    parser.add_argument("--order", choices=["blocks", "alternate"], default="blocks",
                        help="warm phase: assistant block then naive block, or alternate per question")
    parser.add_argument("--data-dir", type=Path, help="data directory to use and keep (default: a temporary one)")
    parser.add_argument("--skip-restart", action="store_true", help="only the warm phase (a quick run)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every raw number to PATH")
    parser.add_argument("--child", choices=["setup", "system", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--question", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.data_dir, args.question, args.corpus)))
        return 0
    if args.questions < 1 or args.repeat < 1:
        parser.error("--questions and --repeat must be at least 1")

    busy = cpu_busy()
    if busy is not None and busy > 0.25:
        print(f"warning: the CPUs were {busy:.0%} busy before the start: timings will be noisy", file=sys.stderr)
    if args.data_dir:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        result = measure(args, args.data_dir, busy)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-answer-") as tmp:
            result = measure(args, Path(tmp), busy)
    result["stamps_note"] = "fresh-process times are seconds since the parent spawned the child"
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
        print(f"\nraw numbers: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
