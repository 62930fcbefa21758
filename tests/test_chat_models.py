"""The LLM backends: LangChain's standard suite, the OpenAI-compatible client against a fake server,
the backend registry, and the whole assistant answering through that server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_tests.unit_tests import ChatModelUnitTests

from assistant import Assistant
from assistant.errors import BackendUnavailable, ConfigError, ModelError
from assistant.models.chat_models import ChatLlamaCppLocal, ChatOpenAICompatible, RepetitionGuard
from assistant.models.llms import build_llm
from assistant.settings import Settings
from tests.fake_openai import FakeOpenAI, Reply, quoting
from tests.fakes_web import free_port

# -- LangChain's standard unit suite -----------------------------------------------------------


class _TextOnly:
    """Both wrappers generate text: no tool calling, no structured output."""

    @property
    def has_tool_calling(self) -> bool:
        return False

    @property
    def has_structured_output(self) -> bool:
        return False


class TestChatLlamaCppLocalStandard(_TextOnly, ChatModelUnitTests):
    """Constructed only: the GGUF loads on first generation, which no unit test does."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatLlamaCppLocal

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model_name": "test.gguf", "model_path": "/no/such/dir/test.gguf"}

    @property
    def supports_model_override(self) -> bool:
        return False  # one GGUF is loaded; a per-call model name cannot switch it


class TestChatOpenAICompatibleStandard(_TextOnly, ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatOpenAICompatible

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model_name": "fake", "base_url": "http://127.0.0.1:9/v1"}  # discard port: never called


def test_local_model_loads_lazily() -> None:
    model = ChatLlamaCppLocal(model_name="x.gguf", model_path="/no/such/dir/x.gguf")
    assert model._llama is None and model.model == "x.gguf"
    with pytest.raises(ModelError, match="ASSISTANT_LLM"):
        model.load()


# -- ChatOpenAICompatible against the fake server -----------------------------------------------

MESSAGES = [SystemMessage("You answer from sources."), HumanMessage("Who claimed the attack?")]


def client(url: str, **params: Any) -> ChatOpenAICompatible:
    return ChatOpenAICompatible(model_name="fake", base_url=url, **params)


def test_streams_the_scripted_text_token_by_token(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue("ISIS claimed responsibility [2].")
    chunks = [str(c.content) for c in client(fake_openai.url).stream(MESSAGES)]
    # LangChain closes every stream with an empty "last" chunk.
    assert [c for c in chunks if c] == ["ISIS", " claimed", " responsibility", " [2]."]


def test_invoke_joins_the_stream(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue("ISIS claimed responsibility [2].")
    assert client(fake_openai.url).invoke(MESSAGES).content == "ISIS claimed responsibility [2]."


def test_sends_model_messages_and_deterministic_limits(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue("ok")
    client(fake_openai.url, max_tokens=77).invoke(MESSAGES)
    (request,) = fake_openai.requests
    assert request.model == "fake"
    assert request.messages == [
        {"role": "system", "content": "You answer from sources."},
        {"role": "user", "content": "Who claimed the attack?"},
    ]
    assert request.max_tokens == 77 and request.temperature == 0 and request.stream is True
    assert request.authorization is None


def test_api_key_from_the_setting_is_sent(
    fake_openai: FakeOpenAI, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_API_KEY", "sk-test")
    llm = build_llm(Settings.from_env({}, data_dir=str(data_dir), llm=f"openai:fake@{fake_openai.url}"))
    llm.invoke(MESSAGES)
    assert fake_openai.requests[0].authorization == "Bearer sk-test"


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_http_errors_are_model_errors_naming_the_setting(fake_openai: FakeOpenAI, status: int) -> None:
    fake_openai.queue(Reply(status=status))
    with pytest.raises(ModelError, match=rf"HTTP {status}.*ASSISTANT_LLM") as info:
        client(fake_openai.url).invoke(MESSAGES)
    assert not isinstance(info.value, BackendUnavailable)
    assert len(fake_openai.requests) == 1  # an answer, even an error, is not retried


def test_server_not_listening_is_backend_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(BackendUnavailable, match="ASSISTANT_LLM") as info:
        client(url, max_retries=1).invoke(MESSAGES)
    assert url in str(info.value)


def test_connection_lost_mid_answer_is_backend_unavailable(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply("one two three four five six seven eight", truncated=True))
    received: list[str] = []
    with pytest.raises(BackendUnavailable, match="failed mid-answer.*ASSISTANT_LLM"):
        for chunk in client(fake_openai.url).stream(MESSAGES):
            received.append(str(chunk.content))
    assert "".join(received) == "one two three four"  # what came before the drop was streamed
    assert len(fake_openai.requests) == 1  # half an answer is not retried


def test_malformed_events_are_skipped(fake_openai: FakeOpenAI) -> None:
    text = "Officials first said 84 people were killed [3], later 103 [4]."
    fake_openai.queue(Reply(text, malformed=True))
    assert client(fake_openai.url).invoke(MESSAGES).content == text


def test_a_json_body_where_a_stream_was_asked_for_is_read(fake_openai: FakeOpenAI) -> None:
    """Servers that ignore ``stream`` and send one JSON body still give their answer."""
    fake_openai.queue(Reply("a whole answer [1].", unstreamed=True))
    assert client(fake_openai.url).invoke(MESSAGES).content == "a whole answer [1]."
    assert fake_openai.requests[0].stream is True


@pytest.mark.parametrize("reply", [Reply(""), Reply("", unstreamed=True), Reply("", malformed=True)],
                         ids=["empty stream", "empty body", "only malformed events"])
def test_no_text_at_all_is_one_model_error(fake_openai: FakeOpenAI, reply: Reply) -> None:
    fake_openai.queue(reply)
    with pytest.raises(ModelError, match="returned no text.*ASSISTANT_LLM"):
        client(fake_openai.url).invoke(MESSAGES)


def test_a_server_slower_than_the_timeout_is_backend_unavailable(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply("late", delay=2.0))
    with pytest.raises(BackendUnavailable, match="ReadTimeout.*ASSISTANT_LLM"):
        client(fake_openai.url, timeout=0.5).invoke(MESSAGES)


def test_endless_repetition_is_cut_short(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue("The blast killed many people. " * 200)
    text = str(client(fake_openai.url).invoke(MESSAGES).content)
    assert text.startswith("The blast killed many people.")
    assert len(text) < 300  # of 6,000 characters sent


@pytest.mark.parametrize(
    ("deltas", "stops_at"),
    [
        (["ab"] * 100, 60),  # "ab" repeated: stops once 120 characters repeat a 40-character tail
        (["x"] * 500, 120),
        ([f"word{i} " for i in range(300)], None),  # long but never repeating
        (["The toll was 84. "] * 3, None),  # short repeats are legitimate
    ],
)
def test_repetition_guard(deltas: list[str], stops_at: int | None) -> None:
    guard = RepetitionGuard()
    stopped = next((i + 1 for i, d in enumerate(deltas) if guard.feed(d)), None)
    assert stopped == stops_at


# -- the backend registry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("unknown:x", "unknown backend; use one of local, gguf:PATH, openai:MODEL@URL, ollama:MODEL"),
        ("", "unknown backend"),
        ("gguf:/no/such.gguf", "gguf:/no/such.gguf: no such file; give the path of a .gguf model"),
        ("gguf:", "no such file"),
        ("openai:model", "must look like openai:MODEL@http://host:port/v1"),
        ("openai:m@ftp://x", "must look like openai:MODEL@http://host:port/v1"),
        ("openai:@http://h/v1", "must look like openai:MODEL@http://host:port/v1"),
        ("ollama:", "ollama:MODEL needs a model name"),
    ],
)
def test_bad_specs_are_config_errors(spec: str, error: str, data_dir: Path) -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_LLM=") as info:
        build_llm(Settings.from_env({}, data_dir=str(data_dir), llm=spec))
    assert error in str(info.value)


@pytest.mark.parametrize(
    ("spec", "ollama_host", "model", "base_url"),
    [
        ("openai:fake@http://10.0.0.1:8000/v1", None, "fake", "http://10.0.0.1:8000/v1"),
        ("openai:org/model:q4@https://h/v1", None, "org/model:q4", "https://h/v1"),
        ("ollama:qwen", None, "qwen", "http://127.0.0.1:11434/v1"),
        ("ollama:qwen2.5:1.5b", None, "qwen2.5:1.5b", "http://127.0.0.1:11434/v1"),
        ("ollama:qwen", "gpu-box:11434", "qwen", "http://gpu-box:11434/v1"),
        ("ollama:qwen", "https://ollama.example/", "qwen", "https://ollama.example/v1"),
    ],
)
def test_remote_specs_build_the_openai_client(
    spec: str, ollama_host: str | None, model: str, base_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if ollama_host is None:
        monkeypatch.delenv("OLLAMA_HOST", raising=False)
    else:
        monkeypatch.setenv("OLLAMA_HOST", ollama_host)
    llm = build_llm(Settings.from_env({}, data_dir=str(data_dir), llm=spec, max_tokens=99, timeout=7.5))
    assert isinstance(llm, ChatOpenAICompatible)
    assert (llm.model, llm.base_url, llm.max_tokens, llm.timeout) == (model, base_url, 99, 7.5)
    assert llm.temperature == 0


def test_gguf_spec_builds_the_local_model_without_loading_it(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"not really a model")
    llm = build_llm(Settings.from_env({}, data_dir=str(data_dir), llm=f"gguf:{path}", threads=2))
    assert isinstance(llm, ChatLlamaCppLocal)
    assert (llm.model, llm.model_path, llm.n_threads) == ("tiny.gguf", str(path), 2)
    assert llm._llama is None


# -- the whole assistant over the fake server --------------------------------------------------


def remote_assistant(data_dir: Path, url: str) -> Assistant:
    """A real ``Assistant`` over the bundled article (hashed-word embeddings), its model the fake server."""
    from assistant.corpus import Corpus
    from assistant.prompting import Prompts
    from tests.fakes import HashEmbedder

    settings = Settings.from_env({}, data_dir=str(data_dir), llm=f"openai:fake@{url}")
    corpus = Corpus(settings, embedder=HashEmbedder())
    corpus.ensure_indexed()
    return Assistant(
        corpus.retriever, build_llm(settings), Prompts.load(), lambda: {a.id: a for a in corpus.articles()},
        settings, corpus,
    )


@pytest.fixture
def remote(data_dir: Path, fake_openai: FakeOpenAI) -> Assistant:
    return remote_assistant(data_dir, fake_openai.url)


def test_answer_from_the_server_is_verified_against_the_article(remote: Assistant, fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(quoting("cancelled a planned trip"))
    answer = remote.ask("What trip did President Raisi cancel?")
    assert not answer.abstained, answer.notes
    assert "Turkey" in answer.text and "[1]" in answer.text
    assert answer.citations
    article = remote.corpus.catalog.get(answer.citations[0].article_id)
    for c in answer.citations:
        assert article.text[c.start : c.end] == c.quote
    assert any("cancelled a planned trip to Turkey" in c.quote for c in answer.citations)
    (request,) = fake_openai.requests
    assert request.temperature == 0 and request.model == "fake"
    assert "What trip did President Raisi cancel?" in request.messages[-1]["content"]


def test_number_chosen_by_the_prompt_matches_prepare(remote: Assistant, fake_openai: FakeOpenAI) -> None:
    question = "What trip did President Raisi cancel?"
    prepared = remote._prepare({"question": question})
    (source,) = [s for s in prepared.sources if "cancelled a planned trip" in s.text]
    fake_openai.queue(f"{source.text} [{source.number}]")
    answer = remote.ask(question)
    assert [c.quote for c in answer.citations] == [source.text]
    assert (answer.citations[0].start, answer.citations[0].end) == (source.start, source.end)


@pytest.mark.parametrize("invented", ["France won [1].", "France won the 2018 World Cup [1][2]."])
def test_invented_fact_abstains(remote: Assistant, fake_openai: FakeOpenAI, invented: str) -> None:
    fake_openai.queue(invented)
    answer = remote.ask("Who won?")
    assert answer.abstained is True
    assert answer.citations == ()
    assert "France" not in answer.text


def test_malformed_stream_still_gives_a_verified_answer(remote: Assistant, fake_openai: FakeOpenAI) -> None:
    reply = quoting("cancelled a planned trip")
    fake_openai.queue(Reply(malformed=True, respond=reply.respond))
    answer = remote.ask("What trip did President Raisi cancel?")
    assert not answer.abstained and "Turkey" in answer.text


def test_server_errors_reach_the_caller_as_model_errors(remote: Assistant, fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply(status=404))
    with pytest.raises(ModelError, match="ASSISTANT_LLM"):
        remote.ask("Who claimed responsibility?")
