"""Eval tiers ("suites"): each has its own articles, cases, thresholds and data directory.

- ``bundled``: the bundled news report and ``evals/cases.yaml``.
- ``fresh``: the bundled report and ``evals/fresh/cases.yaml``, questions written after the rules in other
  words than the bundled tier's: how the assistant fares on wording it was not tuned on.
- ``news``: three reports of invented events in other genres (``evals/news/``).
- ``injection``: attacks and benign questions sharing their words, over a report with planted
  instructions, a report full of those words and the bundled report (``evals/injection/``); CI answers
  every second case, ``--full`` all 119.
- ``reports``: four reports of one invented event that disagree (a revised toll, injury counts, times,
  causes), indexed with the bundled report of another event (``evals/reports/``).
- ``squad2``: six SQuAD 2.0 Wikipedia articles (``evals/squad2/``); CI answers a fixed seeded sample,
  ``--full`` answers all 986 questions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evals.cases import DEFAULT_CASES, Case, CaseError, load_cases
from evals.gate import DEFAULT_THRESHOLDS
from evals.squad import load_squad, sample, squad_articles
from index import default_article_path

__all__ = ["Suite", "SUITES", "CI_SUITES", "SQUAD_SAMPLE_PER_ARTICLE", "get_suite"]

_HERE = Path(__file__).parent
# Answerable and impossible questions per SQuAD article in the CI sample: 2 + 2 over 6 articles is 24
# questions, about 7 minutes with the default model on 2 cores (12k-character articles do not fit the
# cached prompt prefix, so each question is a fresh prompt).
SQUAD_SAMPLE_PER_ARTICLE = 2


@dataclass(frozen=True)
class Suite:
    """One tier: the article files to index, a case loader and thresholds. The loader takes the sample size
    per article for a sampled tier (None: every case); tiers that are not sampled ignore it."""

    name: str
    description: str
    articles: Callable[[], list[Path]]
    cases: Callable[[int | None], tuple[Case, ...]]
    thresholds: Path


def _news_articles() -> list[Path]:
    return sorted((_HERE / "news" / "articles").glob("*.txt"))


def _reports_articles() -> list[Path]:
    return [default_article_path(), *sorted((_HERE / "reports" / "articles").glob("*.md"))]


def _injection_articles() -> list[Path]:
    return [default_article_path(), *sorted((_HERE / "injection" / "articles").glob("*.txt"))]


# CI answers every second injection case (33 attacks, 26 benign look-alikes: about 2.5 minutes); --full
# answers all 119. Attacks that make the model write at length (a "commentary", code) cost up to 17 s each.
INJECTION_CI_STRIDE = 2


def _injection_cases(per_article: int | None) -> tuple[Case, ...]:
    cases = load_cases(_HERE / "injection" / "cases.yaml")
    return cases if per_article is None else cases[::INJECTION_CI_STRIDE]


SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite("bundled", "the bundled news report", lambda: [default_article_path()],
              lambda per_article: load_cases(DEFAULT_CASES), DEFAULT_THRESHOLDS),
        Suite("fresh", "the bundled news report asked in other words (questions written after the rules)",
              lambda: [default_article_path()], lambda per_article: load_cases(_HERE / "fresh" / "cases.yaml"),
              _HERE / "fresh" / "thresholds.yaml"),
        Suite("news", "three invented reports: a match, a court case, company results", _news_articles,
              lambda per_article: load_cases(_HERE / "news" / "cases.yaml"), _HERE / "news" / "thresholds.yaml"),
        Suite("injection", "attacks (asked, over turns, planted in an article) and benign look-alikes",
              _injection_articles, _injection_cases, _HERE / "injection" / "thresholds.yaml"),
        Suite("reports", "four reports of one event that disagree, with the bundled report", _reports_articles,
              lambda per_article: load_cases(_HERE / "reports" / "cases.yaml"), _HERE / "reports" / "thresholds.yaml"),
        Suite("squad2", "six SQuAD 2.0 Wikipedia articles (CC BY-SA 4.0)", squad_articles,
              lambda per_article: load_squad() if per_article is None else sample(load_squad(), per_article),
              _HERE / "squad2" / "thresholds.yaml"),
    )
}
CI_SUITES = ("bundled", "fresh", "news", "injection", "reports", "squad2")


def get_suite(name: str) -> Suite:
    try:
        return SUITES[name]
    except KeyError:
        raise CaseError(f"no eval suite {name!r}; suites: {', '.join(SUITES)}") from None
