"""Chunking invariants: exact offsets, ordered sentences, full coverage, bounded size, over nasty inputs."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import Article, chunk_text, make_article, split_sentences
from index.chunking import Chunk
from index.indexer import plan_records

MAX_SENTENCE = 1000  # index.chunking._MAX_SENTENCE: the longest sentence the splitter emits


def assert_sentences_ok(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are exact, trimmed, ordered, non-overlapping, bounded, and cover every non-space character."""
    previous_end = 0
    for start, end in spans:
        assert 0 <= previous_end <= start < end <= len(text), (previous_end, start, end)
        sentence = text[start:end]
        assert sentence == sentence.strip(), f"untrimmed sentence {sentence!r}"
        assert len(sentence) <= MAX_SENTENCE
        gap = text[previous_end:start]
        assert gap.strip() == "", f"non-whitespace {gap!r} outside every sentence"
        previous_end = end
    assert text[previous_end:].strip() == "", "text after the last sentence is not covered"


def assert_chunks_ok(text: str, chunks: list[Chunk], max_chars: int) -> None:
    for ordinal, chunk in enumerate(chunks):
        assert chunk.ordinal == ordinal
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.sentences, "a chunk without sentences"
        assert (chunk.start, chunk.end) == (chunk.sentences[0][0], chunk.sentences[-1][1])
        for start, end in chunk.sentences:
            assert chunk.start <= start < end <= chunk.end
        assert len(chunk.text) <= max_chars or len(chunk.sentences) == 1, "oversized multi-sentence chunk"
        assert all(line.strip() for line in chunk.text.split("\n")), "a chunk spans a blank line"
    assert_sentences_ok(text, [span for chunk in chunks for span in chunk.sentences])


def assert_article_ok(article: Article, max_chars: int = 400) -> None:
    chunks = chunk_text(article.id, article.text, max_chars)
    assert_chunks_ok(article.text, chunks, max_chars)
    records = plan_records(article, max_chars)
    assert len({r.id for r in records}) == len(records), "chunk ids collide"
    assert [(r.start, r.end) for r in records] == [(c.start, c.end) for c in chunks]
    for record in records:
        assert article.text[record.start : record.end] == record.text
        for start, end in record.sentences:
            assert record.start <= start < end <= record.end


# --- property tests -------------------------------------------------------------------------------

# Words, sentence ends, closing quotes, abbreviations, every kind of line break and odd whitespace.
# fmt: off
PIECES = st.sampled_from(
    [
        "word", "Mr", "U.S", "e.g", "J", "103", "Daesh's", "👍🏽", "👨‍👩‍👧", "🇺🇦", "é", "e\u0301", "中文",
        " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u2028", "\x85", "\u3000",
        ".", ". ", "!", "?", "…", "...", '."', ".”", ")", "]", "'", "|",
    ]
)
# fmt: on
TEXTS = st.lists(PIECES, max_size=120).map("".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, max_chars=st.integers(min_value=1, max_value=500))
def test_chunks_of_any_text_are_exact_and_cover_it(text: str, max_chars: int) -> None:
    assert_chunks_ok(text, chunk_text("a", text, max_chars), max_chars)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS)
def test_sentences_of_any_text_are_exact_and_cover_it(text: str) -> None:
    assert_sentences_ok(text, split_sentences(text))


@settings(max_examples=200, deadline=None)
@given(text=TEXTS.filter(lambda t: t.strip()), max_chars=st.integers(min_value=1, max_value=500))
def test_records_of_any_article_are_exact_with_unique_ids(text: str, max_chars: int) -> None:
    article = make_article(text, "prop")
    assert "\r" not in article.text
    assert_article_ok(article, max_chars)


@settings(max_examples=50, deadline=None)
@given(paragraph=st.lists(PIECES, min_size=1, max_size=30).map("".join).filter(lambda t: t.strip()))
def test_repeated_paragraphs_keep_their_own_offsets(paragraph: str) -> None:
    article = make_article("\n\n".join([paragraph.strip()] * 4), "repeat")
    assert_article_ok(article)


# --- nasty inputs ---------------------------------------------------------------------------------

REPEATED = "The same paragraph, again. It has two sentences.\n\n" * 6
NASTY = {
    "one char": "x",
    "one dot": ".",
    "only punctuation": "...!!!???…",
    "emoji": "Flags 🇺🇦🇬🇧 and a family 👨‍👩‍👧‍👦. Skin tone 👍🏽! Done 🎉?",
    "crlf": "Line one.\r\nLine two.\r\n\r\nA second paragraph.\r\nLast line",
    "lone cr": "Old Mac.\rLine two.\r\rParagraph.",
    "bom and nfd": "\ufeffCafe\u0301 society. Re\u0301sume\u0301 here.",
    "abbreviations": "Mr. Smith met Dr. Jones in the U.S. at 3 p.m. on Jan. 5. He left. J. R. Tolkien wrote.",
    "quotes": 'He said "Stop." Then he left. \u201cWhy?\u201d she asked. (It was late.) Fine.',
    "ellipsis": "Wait… what? Then… nothing. The end...",
    "unicode spaces": "A.\u2028B.\u00a0C.\u3000D.\x85E.\tF.",
    "blank lines with spaces": "First.\n \n\t\nSecond.\n\n\n\nThird.",
    "trailing whitespace": "   Leading and trailing.   \n\n\n   ",
    "repeated paragraphs": REPEATED,
    "long line, no punctuation": "word " * 5000,
    "long line, no spaces": "x" * 5000,
    "long sentence then short": ("very " * 300) + "long. Short one.",
    "markdown": "# Title\n\n- item one\n- item two\n\n> quoted. text\n\n```\ncode();\n```",
}


@pytest.mark.parametrize("text", NASTY.values(), ids=NASTY.keys())
@pytest.mark.parametrize("max_chars", [1, 50, 400])
def test_nasty_inputs(text: str, max_chars: int) -> None:
    assert_chunks_ok(text, chunk_text("nasty", text, max_chars), max_chars)
    assert_article_ok(make_article(text, "nasty"), max_chars)


def test_empty_and_blank_text_have_no_chunks() -> None:
    for text in ["", " ", "\n\n\t \u00a0"]:
        assert split_sentences(text) == []
        assert chunk_text("empty", text) == []


def test_crlf_is_normalised_before_offsets_are_taken() -> None:
    article = make_article(NASTY["crlf"], "crlf")
    assert article.text == "Line one.\nLine two.\n\nA second paragraph.\nLast line"
    assert [c.text for c in chunk_text(article.id, article.text)] == [
        "Line one.\nLine two.",
        "A second paragraph.\nLast line",
    ]


def test_repeated_paragraphs_get_distinct_offsets_and_ids() -> None:
    article = make_article(REPEATED, "repeated")
    records = plan_records(article)
    assert len(records) == 6
    assert len({r.text for r in records}) == 1
    assert len({(r.start, r.end) for r in records}) == 6
    assert len({r.id for r in records}) == 6
    assert records == plan_records(article), "ids and offsets must be deterministic"


def test_long_runs_are_cut_into_bounded_sentences() -> None:
    text = "word " * 5000
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE for start, end in spans)
    assert all(text[start:end].split() == ["word"] * len(text[start:end].split()) for start, end in spans)


def test_one_megabyte_article() -> None:
    paragraph = (
        "Officials said the blasts near the grave killed dozens of people. "
        "Dr. Smith of the U.S. agency declined to comment… Witnesses described chaos! Was it planned? "
        "Ambulances took the injured to hospital.\n\n"
    )
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    article = make_article(text, "big")
    assert len(article.text.encode("utf-8")) > 1_000_000
    started = time.perf_counter()
    assert_article_ok(article)
    # Hashing the whole text once per chunk made this quadratic (13 s); linear takes well under 1 s.
    assert time.perf_counter() - started < 5


def test_a_footnote_mark_after_the_full_stop_ends_the_sentence() -> None:
    """Wikipedia's "1978.[citation needed] On November 28, 1995, …" is two sentences: read as one, a date of the
    second was cited for the event of the first ("the Department of Energy was created on November 28, 1995")."""
    text = "The department was created in 1977.[citation needed] On November 28, 1995, a law was signed.[12] It ended."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "The department was created in 1977.[citation needed]",
        "On November 28, 1995, a law was signed.[12]",
        "It ended.",
    ]


def test_a_footnote_mark_after_an_abbreviation_does_not_end_the_sentence() -> None:
    """"the U.S.[4] rose" goes on, as "the U.S. rose" does: the figure stays with its subject."""
    text = "Exports to the U.S.[4] rose by 5% in 2019. Dr.[2] Smith said so. He moved to the U.S.[3] The war ended."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Exports to the U.S.[4] rose by 5% in 2019.",
        "Dr.[2] Smith said so.",
        "He moved to the U.S.[3]",
        "The war ended.",
    ]
