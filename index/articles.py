"""Articles: loading a text or Markdown file, normalising it, and naming it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from index.errors import ArticleError

__all__ = ["Article", "load_article", "make_article", "default_article_path", "front_matter", "MAX_ARTICLE_BYTES"]

MAX_ARTICLE_BYTES = 20 * 1024 * 1024
_SLUG = re.compile(r"[\W_]+")  # runs of anything but letters (any script) and digits


@dataclass(frozen=True)
class Article:
    """One article: its stable id, its title, its normalised text and where it came from (the resolved
    file path; "" for text given directly); ``outlet`` (who published it) and ``published`` (a date,
    ISO ``YYYY-MM-DD`` when given so) come from the file's front matter, "" when it has none."""

    id: str
    title: str
    text: str
    source: str = ""
    outlet: str = ""
    published: str = ""

    @cached_property
    def revision(self) -> str:
        """Content hash of the text: changes exactly when the text changes (computed once per article)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


def normalise(text: str) -> str:
    """Canonical form of stored text: no BOM, LF line ends, NFC; offsets refer to this form."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def slugify(name: str) -> str:
    """A readable id safe in paths and Chroma ids: accents dropped ("Émile" → "emile"), letters of other
    scripts kept ("报告" → "报告"), every other run of characters one "-"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _SLUG.sub("-", unicodedata.normalize("NFC", plain).lower()).strip("-")
    return slug[:64] or "article"


def title_of(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


_FIELD = re.compile(r"([A-Za-z]+)[ \t]*:[ \t]*(.*?)[ \t]*")
_KEYS = {"title": "title", "source": "outlet", "outlet": "outlet", "published": "published", "date": "published"}


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """Metadata at the top of an article and the text after it: a ``---`` block of ``key: value`` lines
    (Markdown front matter), or ``key: value`` lines up to the first blank line. Keys: ``title``,
    ``source`` (or ``outlet``) and ``published`` (or ``date``); an unknown key means no front matter,
    so an article whose first line is "Note: …" keeps it as text."""
    lines = text.split("\n")
    fenced = bool(lines) and lines[0].strip() == "---"
    body = lines[1:] if fenced else lines
    fields: dict[str, str] = {}
    for i, line in enumerate(body):
        if (fenced and line.strip() == "---") or (not fenced and not line.strip()):
            if not fields:
                break
            return fields, "\n".join(body[i + 1 :]).lstrip("\n")
        match = _FIELD.fullmatch(line)
        if not match or match.group(1).lower() not in _KEYS:
            break
        fields[_KEYS[match.group(1).lower()]] = match.group(2).strip("\"'")
    return {}, text


def make_article(text: str, article_id: str, source: str = "") -> Article:
    """Build an article from raw text, front matter (title, source, published) taken off its text; the
    id is slugified so it is safe in paths and ids."""
    fields, text = front_matter(normalise(text))
    if not text.strip():
        raise ArticleError(f"article {article_id!r} is empty: give a file with some text")
    return Article(
        id=slugify(article_id), title=fields.get("title") or title_of(text), text=text, source=source,
        outlet=fields.get("outlet", ""), published=fields.get("published", ""),
    )


def _read_bounded(path: Path) -> bytes:
    """At most MAX_ARTICLE_BYTES + 1 bytes: devices and pipes report no size, so the bound is on the read."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read it ({exc.strerror or exc}); check its permissions") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{path}: over the {MAX_ARTICLE_BYTES}-byte limit; split it")
    return data


def load_article(path: str | Path, article_id: str | None = None) -> Article:
    """Read a UTF-8 text or Markdown file; the id defaults to the file name without extension."""
    path = Path(path)
    if not path.exists():
        raise ArticleError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise ArticleError(f"{path}: is a directory; pass the article files inside it")
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{path}: {size} bytes is over the {MAX_ARTICLE_BYTES}-byte limit; split it")
    data = _read_bounded(path)
    if b"\x00" in data:
        raise ArticleError(f"{path}: looks binary (contains NUL bytes); give a plain text or Markdown file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{path}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from None
    if not text.strip():
        raise ArticleError(f"{path}: file is empty; give a file with some text")
    return make_article(text, article_id or path.stem, str(path.resolve()))


def default_article_path() -> Path:
    """The article that ships with the project and is indexed by default."""
    return Path(str(resources.files("index") / "data" / "isis-soleimani-memorial-bombings.txt"))
