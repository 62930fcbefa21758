"""The naive baseline: top-k chunks in one prompt, the model's text as the answer, unchecked."""

from __future__ import annotations

from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from evals.baseline import NaiveRAG
from tests.fakes_web import scripted_assistant


def test_the_baseline_prompts_with_retrieved_chunks_and_returns_the_text_unchecked(data_dir: Path) -> None:
    bot, llm = scripted_assistant(data_dir)
    naive = NaiveRAG(bot)
    llm.replies = ["France won it.", "The article does not say."]
    answer = naive.ask("Who claimed responsibility?", [{"question": "What happened?", "answer": "Two blasts."}])
    assert answer.text == "France won it." and not answer.abstained and not answer.citations
    system, earlier_q, earlier_a, question = llm.calls[0]
    assert isinstance(system, SystemMessage) and "ISIS" in str(system.content)
    assert "reply only: The article does not say." in str(system.content)
    assert isinstance(earlier_q, HumanMessage) and isinstance(earlier_a, AIMessage)
    assert question.content == "Who claimed responsibility?"
    assert naive.ask("Who won the World Cup?").abstained
    assert naive.describe()["chain"] == "naive top-k RAG"
