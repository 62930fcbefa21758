"""Prompt files from ``prompts/``, rendered strictly: a missing variable is an error, not a blank."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2

from assistant.answer import Turn
from assistant.sources import ArticleSources, Source

__all__ = ["Prompts"]


@functools.lru_cache(maxsize=32)
def _compiled(template: str) -> jinja2.Template:
    """A template compiled once (each question renders four, and compiling was most of their cost)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    return env.from_string(template)


@dataclass(frozen=True)
class Prompts:
    """The system and question templates, the focused second-pass template, the refusal sentence, and the
    naive top-k RAG template the evals compare with."""

    system: str
    question: str
    refusal: str
    focused: str = ""
    naive: str = ""

    @classmethod
    def load(cls) -> Prompts:
        root = resources.files("prompts")
        return cls(
            system=(root / "system.md").read_text(encoding="utf-8"),
            question=(root / "question.md").read_text(encoding="utf-8"),
            refusal=(root / "refusal.txt").read_text(encoding="utf-8").strip(),
            focused=(root / "focused.md").read_text(encoding="utf-8"),
            naive=(root / "naive.md").read_text(encoding="utf-8"),
        )

    def _render(self, template: str, **values: Any) -> str:
        return _compiled(template).render(**values).strip()

    def render_system(self, articles: Sequence[ArticleSources]) -> str:
        return self._render(self.system, articles=articles, refusal=self.refusal)

    def render_question(self, question: str, history: Sequence[Turn], related: Sequence[int] = ()) -> str:
        """The question turn; ``related`` numbers the sources retrieval ranks first, named as a hint when the
        prompt holds more than a retrieved prompt would."""
        return self._render(self.question, question=question, history=history, related=related)

    def question_head(self, hinted: bool) -> str:
        """The words a question turn without history opens with (``hinted``: naming its related sources),
        cut at a word boundary. Cached with an article's prefix, so a question evaluates only what follows."""
        a = self.render_question("\x00", [], [1] if hinted else [])
        b = self.render_question("\x01", [], [2] if hinted else [])
        common = os.path.commonprefix([a, b])
        cut = max(common.rfind(" "), common.rfind("\n"))
        return common[:cut].rstrip() if cut > 0 else ""

    def render_naive(self, context: str) -> str:
        """The baseline's system prompt: the retrieved chunks as context, and the refusal sentence."""
        return self._render(self.naive, context=context, refusal=self.refusal)

    def render_focused(self, question: str, history: Sequence[Turn], sources: Sequence[Source]) -> str:
        """The second-pass prompt: only the few most relevant sources, and no way out but to answer."""
        return self._render(self.focused, question=question, history=history, sources=sources)
