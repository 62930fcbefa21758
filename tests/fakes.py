"""Fakes for tests: deterministic collaborators that behave like the real ones, cheaply."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

from index.embeddings import Embedder

__all__ = ["CountingEmbedder", "HashEmbedder"]

_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    "a an and are as at by did do for from how in is it of on or the to was were what who".split()
)


class HashEmbedder:
    """Hashed bag of words, normalised: texts sharing words get a higher cosine (like llm's ``EmbedDemo``)."""

    name = "fake-hashed-bow-64"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in _WORD.findall(text.lower()):
            if word not in _STOPWORDS:
                digest = hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest()
                vector[int.from_bytes(digest, "big") % self.dim] += 1.0
        norm = math.sqrt(sum(x * x for x in vector))
        if norm == 0.0:  # no words: a fixed unit vector, so cosine stays defined
            return [1.0] + [0.0] * (self.dim - 1)
        return [x / norm for x in vector]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]


class CountingEmbedder:
    """Wraps an embedder and records every text it was asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts.extend(texts)
        return self.inner.embed(texts)

    def reset(self) -> None:
        self.texts.clear()
        self.calls = 0
