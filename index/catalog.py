"""The catalog: which articles are indexed, at which revision, with their stored text."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from index.articles import Article
from index.errors import StoreError

__all__ = ["Catalog"]


def write_atomic(path: Path, data: str) -> None:
    """Write via a temporary file and a rename, so readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Catalog:
    """Article texts by revision plus one manifest, switched atomically after the chunks are stored."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "articles"
        self.manifest_path = self.root / "manifest.json"

    def _manifest(self) -> dict[str, dict[str, str]]:
        if not self.manifest_path.exists():
            return {}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"article manifest {self.manifest_path} is unreadable ({exc}); "
                "delete it and run `assistant index` to rebuild"
            ) from None
        return dict(data)

    def ids(self) -> list[str]:
        return sorted(self._manifest())

    def sources(self) -> dict[str, str]:
        """Where each indexed article came from ("" when not recorded)."""
        return {aid: entry.get("source", "") for aid, entry in self._manifest().items()}

    def revisions(self) -> dict[str, str]:
        """Current revision of each indexed article."""
        return {aid: entry["revision"] for aid, entry in self._manifest().items()}

    def get(self, article_id: str) -> Article:
        entry = self._manifest().get(article_id)
        if entry is None:
            raise StoreError(f"article {article_id!r} is not indexed; run `assistant index PATH`")
        text_path = self.root / f"{article_id}.{entry['revision']}.txt"
        try:
            text = text_path.read_text(encoding="utf-8")
        except OSError:
            raise StoreError(
                f"stored text of {article_id!r} is missing ({text_path}); run `assistant index` to repair"
            ) from None
        return Article(
            id=article_id, title=entry["title"], text=text, source=entry.get("source", ""),
            outlet=entry.get("outlet", ""), published=entry.get("published", ""),
        )

    def articles(self) -> list[Article]:
        return [self.get(aid) for aid in self.ids()]

    def stage(self, article: Article) -> None:
        """Store the text of a revision (before its chunks), without making it current."""
        write_atomic(self.root / f"{article.id}.{article.revision}.txt", article.text)

    def commit(self, article: Article) -> None:
        """Make the staged revision current and drop older texts of the article."""
        manifest = self._manifest()
        manifest[article.id] = {
            "title": article.title, "revision": article.revision, "source": article.source,
            "outlet": article.outlet, "published": article.published,
        }
        write_atomic(self.manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
        self._prune(article.id, keep=article.revision)

    def remove(self, article_id: str) -> None:
        manifest = self._manifest()
        if manifest.pop(article_id, None) is not None:
            write_atomic(self.manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
        self._prune(article_id, keep=None)

    def _prune(self, article_id: str, keep: str | None) -> None:
        for path in self.root.glob(f"{article_id}.*.txt"):
            if keep is None or path.name != f"{article_id}.{keep}.txt":
                path.unlink(missing_ok=True)
