"""HTML for the web chat, pure: answers with clickable citation markers, and the highlighted sources.

Everything that comes from a user, the model or an article goes through ``plain``: HTML-escaped, and
with Markdown's punctuation as character references, because the chat renders Markdown (an article's
``![t](http://host/x.png)`` must stay text, not become an image the browser fetches). The only markup
here is our own. A marker links to ``#cite-A-N`` (answer A of the session, counted from 0;
citation N) — the chat's sanitiser drops data attributes, links survive. A highlight carries
``data-answer`` and ``data-citation``, the latter listing every citation covering it, space-separated,
so ``[data-citation~="2"]`` finds all of citation 2 even where spans overlap. Each cited article of an
answer is an ``<article>`` of its section; a marker shows the article holding its span and hides the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from assistant.answer import Answer, Citation
from index import Article

__all__ = [
    "CSS",
    "HEAD",
    "HEADER_TITLES",
    "all_citations",
    "render_answer",
    "render_articles",
    "render_draft",
    "render_error",
    "render_header",
    "render_notice",
    "render_question",
    "render_sources",
    "render_waiting",
    "strip_markers",
    "plain",
]

# Characters HTML or Markdown act on; as numeric character references (one pass, so "&" is never escaped
# twice) they show as themselves and do nothing.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()!*_`~#|\\{}+-"})


def plain(text: str) -> str:
    """``text`` as inert text in HTML that is also read as Markdown."""
    return text.translate(_INERT)

# Complete markers like [3] or [2, 5], and a marker still being written at the end of a stream.
_DRAFT_MARKERS = re.compile(r"\s?\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]|【\d+】")
_PARTIAL_MARKER = re.compile(r"\s?(?:\[[\d,;\s]*|【\d*)$")
_ANSWER_MARKER = re.compile(r"\[(\d+)\]")
_EMPTY = '<div class="sources-empty">{}</div>'


def strip_markers(draft: str) -> str:
    """The draft without its ``[n]`` markers: they number the prompt's sources, not our citations."""
    return _PARTIAL_MARKER.sub("", _DRAFT_MARKERS.sub("", draft))


def render_question(question: str) -> str:
    return f'<div class="question">{plain(question)}</div>'


def render_waiting() -> str:
    return '<div class="waiting" role="status">⏳ Waiting for the model…</div>'


def render_draft(draft: str) -> str:
    """The draft as it streams: plain text, marked as provisional until it is verified."""
    text = strip_markers(draft).strip()
    body = plain(text) if text else "Reading the sources…"
    return f'<div class="draft" aria-busy="true">{body}<span class="cursor">▌</span></div>'


def render_error(message: str) -> str:
    return f'<div class="error" role="alert">⚠️ {plain(message)}</div>'


def all_citations(answer: Answer) -> list[Citation]:
    """The answer's citations (numbered from 1), then conflict citations the text does not cite."""
    out = list(answer.citations)
    seen = {(c.article_id, c.start, c.end) for c in out}
    for conflict in answer.conflicts:
        for c in conflict.citations:
            if (c.article_id, c.start, c.end) not in seen:
                seen.add((c.article_id, c.start, c.end))
                out.append(c)
    return out


def _marker(answer_id: int, number: int, citation: Citation) -> str:
    title = plain(f"{citation.title or citation.article_id}: “{citation.quote}”")
    return f'<a class="cite" href="#cite-{answer_id}-{number}" role="button" title="{title}">[{number}]</a>'


def _numbers(answer: Answer) -> dict[tuple[str, int, int], int]:
    return {(c.article_id, c.start, c.end): i for i, c in enumerate(all_citations(answer), 1)}


def _with_markers(text: str, link: Callable[[re.Match[str]], str]) -> str:
    """``text`` made plain, each ``[n]`` marker replaced by ``link(match)``."""
    out, at = [], 0
    for match in _ANSWER_MARKER.finditer(text):
        out += [plain(text[at : match.start()]), link(match)]
        at = match.end()
    return "".join([*out, plain(text[at:])])


def render_answer(answer: Answer, answer_id: int) -> str:
    """The verified answer with clickable markers, and a box for conflicting figures or accounts."""
    if answer.abstained:
        return f'<div class="answer abstained">{plain(answer.text)}</div>'
    citations = answer.citations

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return _marker(answer_id, n, citations[n - 1]) if 1 <= n <= len(citations) else match.group(0)

    html = f'<div class="answer" data-answer="{answer_id}">{_with_markers(answer.text, link)}'
    if answer.conflicts:
        numbers = _numbers(answer)
        items = []
        for conflict in answer.conflicts:
            values = ", ".join(
                f"{plain(value)} "
                + _marker(answer_id, numbers[(c.article_id, c.start, c.end)], c)
                for value, c in zip(conflict.values, conflict.citations, strict=False)
            )
            what = "Conflicting figures" if conflict.kind == "value" else "Conflicting accounts"
            items.append(f"<li><strong>{what}</strong> — {plain(conflict.topic)}: {values}</li>")
        html += f'<div class="conflicts" role="note"><ul>{"".join(items)}</ul></div>'
    return html + "</div>"


def _highlighted(text: str, spans: Sequence[tuple[int, int, int]], answer_id: int) -> str:
    """``text`` escaped, each covered stretch in a <mark> naming every citation that covers it."""
    cuts = sorted({0, len(text)} | {p for s, e, _ in spans for p in (s, e)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [n for s, e, n in spans if s <= a and b <= e]
        piece = plain(text[a:b])
        if covering:
            numbers = " ".join(str(n) for n in covering)
            attributes = f'class="cite-span" data-answer="{answer_id}" data-citation="{numbers}"'
            out.append(f"<mark {attributes}>{piece}</mark>")
        else:
            out.append(piece)
    return "".join(out)


def _section(answer: Answer, answer_id: int, articles: Mapping[str, Article], visible: bool) -> str:
    by_article: dict[str, list[tuple[int, int, int]]] = {}
    for n, c in enumerate(all_citations(answer), 1):
        article = articles.get(c.article_id)
        # An article re-indexed since the answer no longer holds the quote at those offsets.
        if article is not None and article.text[c.start : c.end] == c.quote:
            by_article.setdefault(c.article_id, []).append((c.start, c.end, n))
    parts = []
    for article_id, spans in by_article.items():
        article = articles[article_id]
        about = " · ".join(x for x in (article.outlet, article.published) if x)
        meta = f'<div class="article-meta">{plain(about)}</div>' if about else ""
        parts.append(
            f'<article class="source-article" data-article-id="{plain(article_id)}">'
            f"<h4>{plain(article.title)}</h4>{meta}"
            f'<div class="article-text">{_highlighted(article.text, spans, answer_id)}</div></article>'
        )
    hidden = "" if visible else " hidden"
    return f'<section class="answer-sources" data-answer="{answer_id}"{hidden}>{"".join(parts)}</section>'


def render_sources(answers: Sequence[Answer | None], articles: Mapping[str, Article]) -> str:
    """The source panel: one section per answer of the session (index = answer id), the last shown."""
    cited = [(i, a) for i, a in enumerate(answers) if a is not None and not a.abstained and a.citations]
    if not cited:
        return _EMPTY.format("Sources of the latest answer appear here.")
    last = len(answers) - 1
    note = "" if cited[-1][0] == last else _EMPTY.format("The latest answer cites no sources.")
    return note + "".join(_section(a, i, articles, visible=bool(i == last)) for i, a in cited)


HEADER_TITLES = 3  # more articles than this: the header gives their count, the corpus view lists them


def render_header(model: str, backend: str, titles: Sequence[str]) -> str:
    """The page's header: the model in use and the indexed articles (their titles, or their count)."""
    about = ""
    if len(titles) > HEADER_TITLES:
        about = f" · <strong>Articles:</strong> {len(titles)} indexed (listed under Articles below)"
    elif titles:
        about = f" · <strong>Articles:</strong> {plain('; '.join(titles))}"
    intro = "Answers with citations checked against the article text."
    return (
        f"<h1>News article assistant</h1><p>{intro}</p>"
        f"<p><strong>Model:</strong> {plain(model)} ({plain(backend)}){about}</p>"
    )


def render_articles(articles: Sequence[Article]) -> str:
    """The corpus view's table: title, id, source (the outlet), date and size of each indexed article."""
    if not articles:
        return _EMPTY.format("No articles are indexed: add one below.")
    head = "".join(f"<th>{h}</th>" for h in ("Title", "Id", "Source", "Date", "Size"))
    rows = [
        f'<tr data-article-id="{plain(a.id)}"><td class="title">{plain(a.title)}</td>'
        f'<td class="id"><code>{plain(a.id)}</code></td><td>{plain(a.outlet)}</td><td>{plain(a.published)}</td>'
        f'<td class="size">{len(a.text):,} characters</td></tr>'
        for a in articles
    ]
    count = f"{len(articles)} article{'s' if len(articles) != 1 else ''} indexed."
    return f'<p class="count">{count}</p><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def render_notice(message: str, ok: bool) -> str:
    """The corpus view's message: what was done (a status), or what went wrong and what to do (an alert)."""
    if ok:
        return f'<div class="notice ok" role="status">✓ {plain(message)}</div>'
    return f'<div class="notice error" role="alert">⚠️ {plain(message)}</div>'


CSS = """
.answer, .draft, .question, .waiting, .error { white-space: pre-wrap; }
.draft { opacity: 0.75; font-style: italic; }
.draft .cursor { animation: blink 1s steps(1) infinite; font-style: normal; }
@keyframes blink { 50% { opacity: 0; } }
.answer a.cite { font-weight: 600; text-decoration: none; cursor: pointer; padding: 0 1px; }
.answer a.cite:hover, .answer a.cite:focus { text-decoration: underline; }
.conflicts { margin-top: 0.6em; padding: 0.4em 0.8em; border-left: 4px solid #d97706;
  background: rgba(217, 119, 6, 0.12); border-radius: 4px; }
.conflicts ul { margin: 0; padding-left: 1.1em; }
.error { color: #b91c1c; }
#sources-panel .article-text { white-space: pre-wrap; line-height: 1.5; max-height: 70vh; overflow-y: auto; }
#sources-panel mark.cite-span { background: #fde68a; color: inherit; border-radius: 2px; }
#sources-panel mark.cite-span.active { background: #f59e0b; outline: 2px solid #b45309; }
#sources-panel .sources-empty { opacity: 0.7; }
#sources-panel [hidden] { display: none !important; }
#sources-panel .article-meta { opacity: 0.75; font-size: 0.9em; margin-bottom: 0.4em; }
#articles-table table { width: 100%; border-collapse: collapse; }
#articles-table th, #articles-table td { text-align: left; padding: 0.25em 0.5em; border-bottom: 1px solid #e5e7eb; }
#articles-table td.size { text-align: right; white-space: nowrap; }
#corpus-notice .notice.ok { color: #15803d; }
"""

# Inline and dependency-free, so it works offline. One delegated listener covers markers rendered later.
HEAD = r"""<script>
(() => {
  function show(marker) {
    const found = /^#cite-(\d+)-(\d+)$/.exec(marker.getAttribute("href") || "");
    if (!found) return;
    const answer = found[1], number = found[2];
    const panel = document.getElementById("sources-panel");
    if (!panel) return;
    const sections = panel.querySelectorAll("section.answer-sources");
    let section = null;
    sections.forEach((s) => {
      s.hidden = s.dataset.answer !== answer;
      if (!s.hidden) section = s;
    });
    panel.querySelectorAll("mark.cite-span.active").forEach((m) => m.classList.remove("active"));
    if (!section) return;
    const marks = section.querySelectorAll('mark.cite-span[data-citation~="' + CSS.escape(number) + '"]');
    // Only the article holding the cited span stays in view (all of them when it is not highlighted).
    const article = marks.length ? marks[0].closest("article.source-article") : null;
    section.querySelectorAll("article.source-article").forEach((a) => {
      a.hidden = article !== null && a !== article;
    });
    marks.forEach((m) => m.classList.add("active"));
    if (marks.length) marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
  }
  function handle(event) {
    const marker = event.target.closest && event.target.closest('a.cite[href^="#cite-"]');
    if (!marker) return;
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    show(marker);
  }
  document.addEventListener("click", handle, true);
  document.addEventListener("keydown", handle, true);
})();
</script>"""
