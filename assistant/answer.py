"""The answer types: citations (verified quotes with offsets), conflicts, and the answer itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Citation", "Conflict", "Answer", "Turn"]


@dataclass(frozen=True)
class Citation:
    """An exact quote from an article: ``article.text[start:end] == quote`` (checked in code).

    ``title`` is the article's title, for display; two citations of one span are equal whatever it says.
    """

    article_id: str
    quote: str
    start: int
    end: int
    title: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Conflict:
    """Different values for one quantity, or different accounts of one event, each with its citation.

    ``kind`` is "value" (figures disagree) or "account" (sources describe an event differently).
    ``values[i]`` is supported by ``citations[i]``.
    """

    kind: str
    topic: str
    values: tuple[str, ...]
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "topic": self.topic,
            "values": list(self.values),
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation, for follow-up questions."""

    question: str
    answer: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says. ``text`` carries markers ``[1]``… that index ``citations`` from 1."""

    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        cite = lambda c: Citation(  # noqa: E731
            c["article_id"], c["quote"], int(c["start"]), int(c["end"]), str(c.get("title", ""))
        )
        return cls(
            text=data["text"],
            abstained=bool(data["abstained"]),
            citations=tuple(cite(c) for c in data.get("citations", [])),
            conflicts=tuple(
                Conflict(c["kind"], c["topic"], tuple(c["values"]), tuple(cite(x) for x in c["citations"]))
                for c in data.get("conflicts", [])
            ),
            timings=dict(data.get("timings", {})),
            notes=tuple(data.get("notes", [])),
        )
