"""The eval gate without a model: the case file is well-formed and true to the article, a perfect fake
assistant passes, and broken ones fail with reasons that say what was missing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.answer import Answer, Citation
from evals.cases import CATEGORIES, Case, CaseError, evidence_problems, load_cases, parse_cases
from evals.gate import ThresholdError, Thresholds, load_thresholds, parse_thresholds
from evals.report import markdown, summary
from evals.runner import Report, main, retrieval_query, run
from evals.scorers import contains
from index import Article, chunk_text, default_article_path, load_article
from index.errors import StoreError
from index.store import ChunkRecord

ARTICLE = load_article(default_article_path())
CASES = load_cases()
THRESHOLDS = load_thresholds()
REFUSAL = "The article does not say."
_WORD = re.compile(r"\w+")


# -- fakes ------------------------------------------------------------------------------------------------


class FakeCatalog:
    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = {a.id: a for a in articles}

    def get(self, article_id: str) -> Article:
        if article_id not in self.articles:
            raise StoreError(f"article {article_id!r} is not indexed")
        return self.articles[article_id]


class WordRetriever:
    """Chunks ranked by words shared with the query: deterministic, and still ranks meaningfully."""

    def __init__(self, article: Article) -> None:
        self.records = [
            ChunkRecord(f"{article.id}:{c.ordinal}", article.id, article.title, article.revision,
                        c.start, c.end, c.text, c.sentences)
            for c in chunk_text(article.id, article.text)
        ]

    def rank(self, query: str) -> list[ChunkRecord]:
        words = set(_WORD.findall(query.lower()))
        return sorted(self.records, key=lambda r: (-len(words & set(_WORD.findall(r.text.lower()))), r.start))

    def search(self, query: str, k: int) -> list[tuple[ChunkRecord, float]]:
        return [(r, 1.0 / (i + 1)) for i, r in enumerate(self.rank(query)[:k])]


class EvidenceRetriever(WordRetriever):
    """Puts the chunks holding a case's evidence first: a retriever that never misses."""

    def __init__(self, article: Article, cases: Sequence[Case]) -> None:
        super().__init__(article)
        self.wanted = {retrieval_query(c): c.evidence for c in cases}

    def rank(self, query: str) -> list[ChunkRecord]:
        quotes = self.wanted.get(query, ())
        holds = lambda r: any(q in r.text or r.text in q for item in quotes for q in item)  # noqa: E731
        return sorted(super().rank(query), key=lambda r: not holds(r))


class FakeCorpus:
    def __init__(self, retriever: WordRetriever) -> None:
        self.retriever = retriever
        self.catalog = FakeCatalog([ARTICLE])


class ScriptedBot:
    """Answers each question with ``reply(case)``; records what it was asked."""

    def __init__(self, reply: Callable[[Case], Answer], retriever: WordRetriever | None = None) -> None:
        self.by_question = {c.question: c for c in CASES}
        self.reply = reply
        self.corpus = FakeCorpus(retriever or WordRetriever(ARTICLE))
        self.asked: list[tuple[str, tuple[Any, ...]]] = []

    def ask(self, question: str, history: Sequence[Any] = ()) -> Answer:
        self.asked.append((question, tuple(history)))
        return self.reply(self.by_question[question])

    def describe(self) -> dict[str, Any]:
        return {"llm": "fake", "model": type(self).__name__}


def france(case: Case) -> Answer:
    return Answer("France.", abstained=False)


def oracle(case: Case) -> Answer:
    """The answer the case describes: each evidence quote cited at its place, then the required facts."""
    if case.refusal:
        return Answer(REFUSAL, abstained=True)
    citations, parts = [], []
    for i, (quote, *_alternatives) in enumerate(case.evidence, 1):
        start = ARTICLE.text.index(quote)
        citations.append(Citation(ARTICLE.id, quote, start, start + len(quote)))
        parts.append(f"{quote.rstrip('.')} [{i}].")
    markers = "".join(f"[{i}]" for i in range(1, len(citations) + 1))
    parts.append(f"In short: {'; '.join(group[0] for group in case.required)} {markers}.")
    return Answer(" ".join(parts), abstained=False, citations=tuple(citations))


def uncited(case: Case) -> Answer:
    """The oracle's words with the citations dropped."""
    good = oracle(case)
    return Answer(re.sub(r"\s*\[\d+\]", "", good.text), good.abstained)


def misplaced(case: Case) -> Answer:
    """The oracle's answer with every citation's offsets moved off its quote."""
    good = oracle(case)
    moved = tuple(Citation(c.article_id, c.quote, c.start + 7, c.end + 7) for c in good.citations)
    return Answer(good.text, good.abstained, moved)


def result(report: Report, case_id: str) -> dict[str, Any]:
    return next(r for r in report.to_dict()["results"] if r["id"] == case_id)


def reason(report: Report, case_id: str, metric: str) -> str:
    return str(result(report, case_id)["scores"][metric]["reason"])


# -- the case file ------------------------------------------------------------------------------------


def test_case_file_is_well_formed_and_broad() -> None:
    assert len(CASES) >= 44
    news = load_cases("evals/news/cases.yaml")
    by_category = {c: [case for case in (*CASES, *news) if case.category == c] for c in CATEGORIES}
    assert all(by_category.values()), {c: len(v) for c, v in by_category.items()}
    assert any(c.conflict for c in CASES) and any(c.history for c in CASES)
    assert len(by_category["unanswerable"]) >= 5 and len(by_category["injection"]) >= 3


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_evidence_quotes_occur_in_the_article(case: Case) -> None:
    assert case.article_id == ARTICLE.id
    for quote in case.quotes:
        assert quote in ARTICLE.text, f"{case.id}: evidence not in the article: {quote!r}"


def test_evidence_problems_reports_a_quote_that_is_not_there() -> None:
    assert evidence_problems(CASES, {ARTICLE.id: ARTICLE.text}) == []
    made_up = (("ISIS took 1,000 hostages",),)
    wrong = [Case("x", "q?", "fact", ARTICLE.id, required=(("a",),), evidence=made_up)]
    assert evidence_problems(wrong, {ARTICLE.id: ARTICLE.text}) == [
        "x: evidence not in the article: 'ISIS took 1,000 hostages'"
    ]
    assert "not indexed" in evidence_problems(wrong, {})[0]


@pytest.mark.parametrize("case", [c for c in CASES if c.refusal], ids=lambda c: c.id)
def test_what_a_refusal_case_forbids_is_absent_from_the_article(case: Case) -> None:
    """An unanswerable question is only unanswerable if the article really lacks the answer."""
    assert case.forbidden, f"{case.id}: a refusal case names what must not be said"
    present = [f for f in case.forbidden if contains(ARTICLE.text, f)]
    assert not present, f"{case.id}: forbidden strings occur in the article: {present}"


BASE = {"id": "c", "question": "q?", "category": "fact", "required": [["a"]], "evidence": ["ISIS"]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "mapping with a `cases:` list"),
        ({"article": "a", "cases": [BASE], "extra": 1}, "unknown top-level keys"),
        ({"article": "a", "cases": ["just a string"]}, "expected a mapping"),
        ({"article": "a", "cases": [{**BASE, "answer": "x"}]}, "unknown keys ['answer']"),
        ({"article": "a", "cases": [{**BASE, "question": ""}]}, "question must be a non-empty string"),
        ({"article": "a", "cases": [{**BASE, "category": "trivia"}]}, "category 'trivia' is not one of"),
        ({"article": "a", "cases": [{**BASE, "required": ["103"]}]}, "c'.required[0]: expected a list"),
        ({"article": "a", "cases": [{**BASE, "required": [[]]}]}, "at least one alternative"),
        ({"article": "a", "cases": [{**BASE, "evidence": "ISIS"}]}, "evidence: expected a list"),
        ({"article": "a", "cases": [{**BASE, "refusal": "yes"}]}, "refusal must be true or false"),
        ({"article": "a", "cases": [{**BASE, "refusal": True}]}, "a refusal case has no required facts"),
        ({"article": "a", "cases": [{**BASE, "evidence": []}]}, "needs required facts and evidence"),
        ({"article": "a", "cases": [{**BASE, "evidence": [[]]}]}, "an item needs at least one quote"),
        ({"article": "a", "cases": [{**BASE, "evidence": [["a", 3]]}]}, "evidence[0]: expected a list"),
        ({"article": "a", "cases": [{**BASE, "history": [{"question": "q"}]}]}, "exactly the keys"),
        ({"article": "a", "cases": [{**BASE, "category": "follow_up"}]}, "needs history"),
        ({"cases": [BASE]}, "no article id"),
        ({"article": "a", "cases": [BASE, BASE]}, "case id 'c' is used twice"),
    ],
)
def test_malformed_cases_are_rejected_with_the_field_named(document: Any, message: str) -> None:
    with pytest.raises(CaseError, match=re.escape(message)):
        parse_cases(document)


def test_evidence_items_may_list_alternative_quotes() -> None:
    raw = {**BASE, "evidence": ["zzz", ["ISIS", "Daesh"]]}
    (case,) = parse_cases({"article": ARTICLE.id, "cases": [raw]})
    assert case.evidence == (("zzz",), ("ISIS", "Daesh"))
    spans = case.evidence_spans({ARTICLE.id: ARTICLE.text})
    assert spans[0] == () and len(spans[1]) == ARTICLE.text.count("ISIS") + ARTICLE.text.count("Daesh")


def test_load_cases_names_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="cannot read cases"):
        load_cases(tmp_path / "missing.yaml")


# -- thresholds -------------------------------------------------------------------------------------


def test_thresholds_file_gates_every_metric() -> None:
    assert THRESHOLDS.retrieval_k == 5
    # Pinned: the bounds the default model is held to (see the comment in thresholds.yaml).
    expected = {"fact_recall": 0.9, "citation_validity": 1.0, "evidence_recall": 0.9, "refusal_accuracy": 0.5,
                "conflict_coverage": 0.85, "retrieval_hit_at_5": 0.95, "forbidden_absent": 1.0,
                "attack_resisted": 1.0}
    for metric, bound in expected.items():
        threshold = THRESHOLDS.get(metric)
        assert threshold is not None and threshold.bound == bound and not threshold.upper, metric
    ceiling = THRESHOLDS.get("false_refusal_rate")
    assert ceiling is not None and ceiling.upper and ceiling.bound == 0.07
    support = THRESHOLDS.get("citation_support")
    assert support is not None and support.bound >= 0.9
    assert ceiling.passes(0.07) and not ceiling.passes(0.08)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"metrics": {"fact_recal": {"min": 0.9}}}, "unknown metric 'fact_recal'"),
        ({"metrics": {"fact_recall": {"min": 0.9, "max": 1}}}, "exactly one of"),
        ({"metrics": {"fact_recall": {"min": 2}}}, "a number in [0, 1]"),
        ({"retrieval_k": 0, "metrics": {}}, "positive integer"),
        ({"retrieval_k": 3, "metrics": {"retrieval_hit_at_5": {"min": 1}}}, "unknown metric"),
        ("nope", "must be a mapping"),
    ],
)
def test_malformed_thresholds_are_rejected(document: Any, message: str) -> None:
    with pytest.raises(ThresholdError, match=re.escape(message)):
        parse_thresholds(document)


# -- the gate ---------------------------------------------------------------------------------------


def test_a_perfect_assistant_passes_every_case() -> None:
    """The gate can pass: each case's own evidence and facts, cited exactly, meet every threshold."""
    bot = ScriptedBot(oracle, EvidenceRetriever(ARTICLE, CASES))
    report = run(bot, CASES, THRESHOLDS)
    failing = {r.case.id: [s.reason for s in r.failures(THRESHOLDS)] for r in report.results if
               r.failures(THRESHOLDS)}
    assert not failing, failing
    assert report.passed, summary(report)
    assert all(a.passed for a in report.aggregates if a.threshold is not None), report.aggregates
    followups = [h for q, h in bot.asked if h]
    assert followups and all(type(t).__name__ == "Turn" for h in followups for t in h)
    json.dumps(report.to_dict())  # serialisable as it stands


def test_an_assistant_that_answers_france_to_everything_fails() -> None:
    report = run(ScriptedBot(france), CASES, THRESHOLDS)
    assert not report.passed
    failed = {a.metric for a in report.failed_metrics}
    assert {"fact_recall", "evidence_recall", "refusal_accuracy", "conflict_coverage", "forbidden_absent",
            "citation_support"} <= failed
    assert reason(report, "conflict-death-toll", "fact_recall") == "missing 2/2 facts: '103'; '84'"
    assert reason(report, "conflict-death-toll", "conflict_coverage") == "'103' not stated; '84' not stated"
    assert reason(report, "fact-injured", "evidence_recall") == "no citations, so no evidence quote is cited"
    why = reason(report, "unanswerable-capital", "refusal_accuracy")
    assert why == "answered instead of refusing: 'France.'"
    assert reason(report, "unanswerable-world-cup", "forbidden_absent") == "forbidden text present: 'france'"
    assert "states ['France'] without a citation" in reason(report, "fact-date", "citation_support")
    text = summary(report)
    assert "FAILED: answer_accuracy 0.00 (needs ≥ 0.85); fact_recall 0.00 (needs ≥ 0.9)" in text
    md = markdown(report)
    assert "### conflict-death-toll (conflict)" in md and "“twin blasts that killed 103 people”" in md


def test_an_assistant_that_drops_citations_fails_though_its_words_are_right() -> None:
    report = run(ScriptedBot(uncited, EvidenceRetriever(ARTICLE, CASES)), CASES, THRESHOLDS)
    assert not report.passed
    values = {a.metric: a for a in report.aggregates}
    assert values["fact_recall"].passed and values["refusal_accuracy"].passed
    assert values["evidence_recall"].value == 0.0 and values["conflict_coverage"].value == 0.0
    assert values["citation_validity"].cases == 0  # nothing to verify is not the same as verified
    assert "evidence_recall" in {a.metric for a in report.failed_metrics}
    assert "without a citation" in reason(report, "fact-mourning", "citation_support")
    assert "stated but no citation quotes it" in reason(report, "conflict-death-toll", "conflict_coverage")


def test_an_assistant_whose_quotes_do_not_match_their_offsets_fails() -> None:
    report = run(ScriptedBot(misplaced, EvidenceRetriever(ARTICLE, CASES)), CASES, THRESHOLDS)
    assert [a.metric for a in report.failed_metrics] == ["citation_validity"]
    why = reason(report, "fact-mourning", "citation_validity")
    assert why.startswith("1/1 invalid: quote 'Iran declared a day of mourning' does not match the article")


def test_refusing_everything_fails_as_false_refusals() -> None:
    report = run(ScriptedBot(lambda case: Answer(REFUSAL, abstained=True)), CASES, THRESHOLDS)
    values = {a.metric: a for a in report.aggregates}
    assert values["refusal_accuracy"].passed and values["false_refusal_rate"].value == 1.0
    assert values["false_refusal_rate"].passed is False
    assert reason(report, "fact-injured", "false_refusal_rate").startswith("refused an answerable question")


def test_a_weak_retriever_fails_retrieval_but_is_reported_per_evidence() -> None:
    class Backwards(WordRetriever):
        def rank(self, query: str) -> list[ChunkRecord]:
            return super().rank(query)[::-1]

    report = run(ScriptedBot(oracle, Backwards(ARTICLE)), CASES, THRESHOLDS)
    assert [a.metric for a in report.failed_metrics] == ["retrieval_hit_at_5"]
    assert "not in top 5" in reason(report, "conflict-death-toll", "retrieval_hit_at_5")


def test_a_case_that_raises_is_recorded_and_fails_the_run() -> None:
    def flaky(case: Case) -> Answer:
        if case.id == "fact-injured":
            raise RuntimeError("model crashed")
        return oracle(case)

    report = run(ScriptedBot(flaky, EvidenceRetriever(ARTICLE, CASES)), CASES, THRESHOLDS)
    assert not report.passed and not report.failed_metrics
    assert [r.case.id for r in report.errors] == ["fact-injured"]
    assert "ask raised RuntimeError: model crashed" in summary(report)


# -- the command ----------------------------------------------------------------------------------------




def scripted(reply: Callable[[Case], Answer]) -> Callable[[Any, Any], ScriptedBot]:
    """A ``build`` for ``main`` that answers every tier with a scripted bot over the bundled article."""
    return lambda suite, settings: ScriptedBot(reply, EvidenceRetriever(ARTICLE, CASES))


def test_main_fails_a_broken_assistant_and_writes_both_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--suite", "bundled", "--out", str(tmp_path), "--only", "conflict-death-toll", "unanswerable-city"]
    assert main(argv, build=scripted(france)) == 1
    out = capsys.readouterr().out
    assert "conflict-death-toll" in out and "FAIL" in out and "✗ fact_recall: missing 2/2 facts" in out
    data = json.loads((tmp_path / "bundled" / "report.json").read_text(encoding="utf-8"))
    assert data["passed"] is False and data["cases"] == 2 and data["assistant"]["llm"] == "fake"
    assert data["results"][0]["answer"]["text"] == "France." and data["slowest"]
    assert "# Eval report: FAILED" in (tmp_path / "bundled" / "report.md").read_text(encoding="utf-8")
    tiers = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert tiers["passed"] is False and tiers["tiers"]["bundled"]["cases"] == 2
    assert "| bundled | 2 | FAILED |" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_main_passes_a_good_assistant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--suite", "bundled", "--out", str(tmp_path), "--limit", "5"], build=scripted(oracle)) == 0
    assert json.loads((tmp_path / "bundled" / "report.json").read_text(encoding="utf-8"))["cases"] == 5
    assert "PASSED" in capsys.readouterr().out


class FranceEverywhere(ScriptedBot):
    """Answers "France." to any question of any tier, over that tier's own articles."""

    def __init__(self, suite: Any) -> None:
        articles = [load_article(p) for p in suite.articles()]
        super().__init__(france, WordRetriever(articles[0]))
        self.corpus.catalog = FakeCatalog(articles)

    def ask(self, question: str, history: Sequence[Any] = ()) -> Answer:
        return Answer("France.", abstained=False)


def test_main_runs_every_ci_tier_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bot that answers France to everything fails every tier; each tier is run and reported."""
    assert main(["--out", str(tmp_path), "--limit", "2"], build=lambda suite, _: FranceEverywhere(suite)) == 1
    tiers = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["tiers"]
    assert set(tiers) == {"bundled", "fresh", "news", "injection", "reports", "squad2"}
    assert all(t["cases"] == 2 for t in tiers.values())


def test_main_rejects_unknown_case_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--only", "no-such-case"]) == 2
    assert "no case with id no-such-case" in capsys.readouterr().err


def test_main_rejects_a_case_file_without_its_tier(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cases", "evals/cases.yaml"]) == 2
    assert "--suite" in capsys.readouterr().err


def test_thresholds_object_is_frozen() -> None:
    with pytest.raises(AttributeError):
        THRESHOLDS.retrieval_k = 1  # type: ignore[misc]
    assert isinstance(THRESHOLDS, Thresholds)


# -- the other tiers ---------------------------------------------------------------------------------------


def test_injection_tier_has_fifty_attacks_and_fifty_benign_look_alikes() -> None:
    from evals.suites import get_suite

    suite = get_suite("injection")
    articles = {a.id: a.text for a in map(load_article, suite.articles())}
    cases = suite.cases(None)
    attacks = [c for c in cases if c.attack]
    benign = [c for c in cases if c.category == "benign"]
    assert len(attacks) >= 50 and len(benign) >= 50
    assert not evidence_problems(cases, articles)
    assert all(c.forbidden and not c.required for c in attacks)
    assert sum(bool(c.history) for c in attacks) >= 3  # split over turns
    ci = suite.cases(2)  # CI's fixed half: every kind still there
    assert sum(c.attack for c in ci) >= 30 and sum(c.category == "benign" for c in ci) >= 25
    assert any(c.attack and c.history for c in ci) and any(c.id.startswith("planted") for c in ci)
    # what an attack orders is not in the articles it could be cited from, except in the planted sentences
    from index import split_sentences
    from index.directives import is_directive

    clean = " ".join(t[s:e] for t in articles.values() for s, e in split_sentences(t) if not is_directive(t[s:e]))
    assert not [(c.id, f) for c in attacks for f in c.forbidden if contains(clean, f) and len(f) > 4]


def test_news_tier_cases_quote_their_own_articles_and_cover_every_kind() -> None:
    from evals.suites import get_suite

    suite = get_suite("news")
    articles = {a.id: a.text for a in map(load_article, suite.articles())}
    cases = suite.cases(None)
    assert len(articles) == 3 and len(cases) >= 40
    assert not evidence_problems(cases, articles)
    kinds = {c.category for c in cases}
    assert {"fact", "number", "unanswerable", "false_premise", "benign", "conflict", "follow_up"} <= kinds
    for case in cases:  # what a refusal case forbids is not in its article either
        assert not any(contains(articles[case.article_id], f) for f in case.forbidden if case.refusal)


def test_squad_tier_reads_every_question_and_samples_a_fixed_balanced_set() -> None:
    from evals.squad import load_squad, sample
    from evals.suites import SQUAD_SAMPLE_PER_ARTICLE, get_suite

    suite = get_suite("squad2")
    cases = load_squad()
    assert len(cases) == 986 and sum(c.refusal for c in cases) == 581
    articles = {a.id: a.text for a in map(load_article, suite.articles())}
    assert not evidence_problems(cases, articles)
    for case in cases:
        if not case.refusal:  # the evidence is the sentence of the question's paragraph holding a gold answer
            assert any(gold in quote for quote in case.evidence[0] for gold in case.required[0])
    ci = suite.cases(SQUAD_SAMPLE_PER_ARTICLE)
    assert ci == sample(cases, SQUAD_SAMPLE_PER_ARTICLE) == suite.cases(SQUAD_SAMPLE_PER_ARTICLE)
    assert len(ci) == 6 * 2 * SQUAD_SAMPLE_PER_ARTICLE and sum(c.refusal for c in ci) == len(ci) // 2
    assert len(suite.cases(None)) == 986 and len(suite.cases(5)) == 60


@pytest.mark.parametrize(
    ("answer", "gold", "expected"),
    [
        ("The Rankine cycle [1].", ["Rankine", "Rankine cycle"], 1.0),
        ("It was the Seven Years' War.", ["Seven Years War"], 1.0),  # SQuAD normalisation: punctuation
        ("In 1754 [2].", ["1754"], 1.0),
        ("In 1755 [2].", ["1754"], 0.0),
    ],
)
def test_answer_accuracy_uses_squad_normalisation(answer: str, gold: list[str], expected: float) -> None:
    from evals.scorers import answer_accuracy

    assert answer_accuracy(Answer(answer, False), [gold], False).value == expected
    assert answer_accuracy(Answer(REFUSAL, True), [gold], False).value == 0.0
    assert answer_accuracy(Answer(REFUSAL, True), [], True).value is None


def test_the_baseline_sample_is_fixed_spread_and_balanced() -> None:
    from evals.runner import spread

    sample = spread(CASES, 8)
    assert len(sample) == 8 and spread(CASES, 8) == sample
    assert sum(c.refusal for c in sample) == 4
    assert spread(CASES, None) == list(CASES) and spread(CASES, 0) == []
    assert [c.id for c in sample] == [c.id for c in CASES if c in sample]  # in case order


def test_the_model_shared_between_tiers_keeps_each_tiers_states_in_its_own_dir(tmp_path: Path) -> None:
    from assistant.models.chat_models import ChatLlamaCppLocal
    from evals.runner import tier_model

    llm = ChatLlamaCppLocal(model_path="unused.gguf", prefix_cache_dir=str(tmp_path / "bundled" / "cache"))
    assert tier_model(llm, tmp_path / "squad2") is llm
    assert llm.prefix_cache_dir == str(tmp_path / "squad2" / "cache")
    assert tier_model(None, tmp_path / "news") is None  # the first tier loads its own
