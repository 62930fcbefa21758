"""Measure the grounding rules on every squad2 question without the model.

    python scripts/squad_rules.py [--list answerable|unanswerable]

Each question gets the draft a model answering from the right place would write: the sentence holding its
gold answer (for an unanswerable question, the plausible answer SQuAD 2.0 built it around), quoted and cited.
The draft is grounded with the rules as they are now, all 986 in seconds. A rule that refuses many of the
unanswerable drafts and few of the answerable ones earns its keep; one that refuses both alike only moves
errors around. Prints how many of each were refused and which notes refused them; ``--list`` prints the
questions of one label that were refused.

Limits: a real draft restates the question in its own words and may cite another sentence; this measures
what the question-side rules (kind, premise, counting) do, not the model.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.grounding import ground  # noqa: E402
from assistant.prompting import Prompts  # noqa: E402
from assistant.sources import Source, read_spans  # noqa: E402
from evals.squad import SQUAD_DIR, squad_articles  # noqa: E402
from index import Article, load_article  # noqa: E402
from index.articles import slugify  # noqa: E402

REFUSAL = Prompts.load().refusal


def sources_of(article: Article) -> list[Source]:
    """Every sentence of the article, numbered as the assistant numbers an article read whole."""
    (group,) = read_spans({article.id: article}, [(article.id, 0, len(article.text))])
    return list(group.sources)


def _reason(note: str) -> str:
    """A grounding note without what it quotes: the rule that refused."""
    return re.sub(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|\d+", "…", note)[:90]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", choices=("answerable", "unanswerable"), help="print the refused questions")
    args = parser.parse_args(argv)
    articles = {a.id: a for a in (load_article(p) for p in squad_articles())}
    numbered = {aid: sources_of(a) for aid, a in articles.items()}
    asked: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    reasons: Counter[tuple[str, str]] = Counter()
    for line in (SQUAD_DIR / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)  # SQuAD's own record: its plausible answers are not in the eval's cases
        label = "unanswerable" if case["is_impossible"] else "answerable"
        spans = case["plausible"] if case["is_impossible"] else case["answers"]
        article_id = slugify(case["article"])
        hits = [s for s in numbered.get(article_id, []) if any(span in s.text for span in spans)]
        if not hits:
            continue
        source = hits[0]
        draft = f"{source.text.rstrip('.')} [{source.number}]."
        answer = ground(case["question"], draft, numbered[article_id], articles, REFUSAL, {(article_id, source.start)})
        asked[label] += 1
        if answer.abstained:
            refused[label] += 1
            reasons[(label, _reason(answer.notes[-1]) if answer.notes else "?")] += 1
            if args.list == label:
                print(f"{case['question']}  ({answer.notes[-1] if answer.notes else ''})")
    for label in ("answerable", "unanswerable"):
        print(f"{label}: {refused[label]} of {asked[label]} refused")
    for (label, reason), count in reasons.most_common():
        print(f"  {count:4d}  {label:12s} {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
