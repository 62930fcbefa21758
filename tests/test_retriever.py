"""HybridRetriever over the bundled article with the real model, on embedded Chroma and on a server."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.corpus import Corpus
from assistant.settings import Settings
from index import HybridRetriever, MiniLMEmbedder, split_sentences

pytestmark = pytest.mark.slow

BACKENDS = ["embedded", pytest.param("server", marks=pytest.mark.chroma_server)]


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder
) -> Corpus:
    """The bundled article indexed with the real model, in embedded Chroma or in a `chroma run` server."""
    url = request.getfixturevalue("chroma_server") if request.param == "server" else None
    data_dir = tmp_path_factory.mktemp(request.param) / "data"
    corpus = Corpus(Settings(data_dir=data_dir, chroma_url=url), minilm)
    report = corpus.index_paths([])
    assert report.chunks > 0
    return corpus


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's standard retriever suite."""

    @pytest.fixture(autouse=True)
    def _use(self, corpus: Corpus) -> None:
        self.corpus = corpus

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        c = self.corpus
        return {"store": c.store, "lexical": c.lexical, "embedder": c.embedder, "catalog": c.catalog, "k": 5}

    @property
    def retriever_query_example(self) -> str:
        return "Who claimed responsibility for the bombings?"


def sentence_holding(text: str, needle: str) -> tuple[int, int]:
    """The span of the one sentence of ``text`` that contains ``needle``."""
    spans = [(s, e) for s, e in split_sentences(text) if needle in text[s:e]]
    assert len(spans) == 1, f"{needle!r} is in {len(spans)} sentences"
    return spans[0]


TOP5 = [
    pytest.param("What was the death toll?", "killed 103 people", id="death toll: 103 killed"),
    pytest.param("What was the death toll?", "at least 84 fatalities", id="death toll: 84 fatalities"),
    pytest.param("How many people were killed?", "killed 103 people", id="killed: 103"),
    pytest.param("How many people were killed?", "at least 84 fatalities", id="killed: 84"),
    pytest.param("How did Israel react?", "Israel's military declined to comment", id="israel"),
    pytest.param("Which media wing published the claim of responsibility?", "Al-Furqan", id="media wing"),
    pytest.param(
        "How did Iranian media say the bombs were set off?",
        "remote detonation from a suitcase in a car",
        id="detonation",
    ),
    pytest.param("Which trip did Raisi cancel?", "cancelled a planned trip to Turkey", id="trip"),
]


@pytest.mark.parametrize(("question", "needle"), TOP5)
def test_answer_sentence_is_in_the_top_5(corpus: Corpus, question: str, needle: str) -> None:
    article = corpus.catalog.articles()[0]
    start, end = sentence_holding(article.text, needle)
    hits = corpus.retriever.invoke(question, k=5)
    assert len(hits) == 5
    spans = [(h.metadata["start"], h.metadata["end"]) for h in hits]
    assert any(s <= start and end <= e for s, e in spans), (
        f"{needle!r} at {start}:{end} not in top 5: " + " | ".join(h.page_content[:60] for h in hits)
    )


def test_hits_are_exact_quotes_with_metadata(corpus: Corpus) -> None:
    article = corpus.catalog.articles()[0]
    hits: list[Document] = corpus.retriever.invoke("Soleimani", k=20)
    assert len(hits) == len(corpus.store.records())
    assert len({h.id for h in hits}) == len(hits)
    scores = [h.metadata["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert hit.metadata["article_id"] == article.id
        assert hit.metadata["title"] == article.title
        assert article.text[hit.metadata["start"] : hit.metadata["end"]] == hit.page_content


def test_blank_query_and_zero_k_return_nothing(corpus: Corpus) -> None:
    assert corpus.retriever.invoke("   ") == []
    assert corpus.retriever.invoke("Soleimani", k=0) == []


def test_chunks_of_other_revisions_never_come_back(corpus: Corpus, minilm: MiniLMEmbedder) -> None:
    """Stale chunks (an interrupted run's, an edited article's old ones) rank first here, being exact
    copies of the current text: the unfiltered search sees them and searches again among current revisions."""
    import dataclasses

    store = corpus.store
    current = store.records()
    revisions = [current[0].revision]
    query = minilm.embed(["Who claimed responsibility for the bombings?"])[0]
    before = store.query(query, 5, revisions)
    stale = [dataclasses.replace(r, id=f"stale-{r.id}", revision="stale-revision") for r in current]
    store.add(stale, minilm.embed([r.text for r in stale]))
    try:
        unfiltered = store._search(query, 5, None)
        assert any(r.revision == "stale-revision" for r, _ in unfiltered)  # the case this test is about
        after = store.query(query, 5, revisions)
        assert [(r.id, round(s, 5)) for r, s in after] == [(r.id, round(s, 5)) for r, s in before]
        only_stale = store.query(query, 5, ["stale-revision"])
        assert len(only_stale) == 5 and {r.revision for r, _ in only_stale} == {"stale-revision"}
    finally:
        store.delete(r.id for r in stale)
    assert store.query(query, 5, []) == []
