"""The naive baseline every tier is compared with: plain top-k RAG on the same model.

The top chunks go into one prompt (``prompts/naive.md``) with the question; the model's text is the
answer, with no citations and no checks. It abstains when its text says the article does not say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.answer import Answer, Turn
from assistant.assistant import as_turns
from assistant.draft import is_refusal

__all__ = ["NaiveRAG"]


class NaiveRAG:
    """Answers like the textbook RAG chain: retrieve top-k chunks, prompt, return the model's text."""

    def __init__(self, bot: Any) -> None:
        self.corpus, self.llm, self._bot = bot.corpus, bot.llm, bot
        self.prompts = bot.prompts
        self.k: int = bot.settings.top_k

    def messages(self, question: str, history: Sequence[Turn]) -> list[BaseMessage]:
        query = " ".join([t.question for t in history[-1:]] + [question])
        docs = self.corpus.retriever.invoke(query, k=self.k)
        context = "\n\n".join(d.page_content for d in docs)
        out: list[BaseMessage] = [SystemMessage(self.prompts.render_naive(context))]
        for turn in history:
            out += [HumanMessage(turn.question), AIMessage(turn.answer)]
        return [*out, HumanMessage(question)]

    def ask(self, question: str, history: Sequence[Any] = ()) -> Answer:
        text = str(self.llm.invoke(self.messages(question, as_turns(history))).content).strip()
        return Answer(text, abstained=not text or is_refusal(text))

    def describe(self) -> dict[str, Any]:
        return {**self._bot.describe(), "chain": "naive top-k RAG"}
