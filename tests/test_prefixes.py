"""Which text a question reads from a cached prompt prefix: the corpus, an article, or a window of one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.models.prefix_cache import CORPUS
from assistant.sources import choose_prefix, own_prefix, prefixes, read_spans, select_sources, windows
from index import Article, make_article, split_sentences
from index.store import ChunkRecord


def report(article_id: str, sentences: int, topic: str = "harbour") -> Article:
    body = " ".join(f"Sentence {i} says the {topic} council met on day {i} of the month." for i in range(sentences))
    return make_article(f"Report {article_id}\n\n{body}", article_id)


def hit(article: Article, fragment: str) -> ChunkRecord:
    start = article.text.index(fragment)
    end = start + len(fragment)
    return ChunkRecord("c", article.id, article.title, article.revision, start, end, fragment, ((start, end),))


@given(st.integers(1, 120), st.integers(100, 3000))
@settings(max_examples=60, deadline=None)
def test_windows_cover_the_text_within_the_size_and_overlap_by_about_half(n: int, size: int) -> None:
    article = report("x", n)
    spans = windows(article.text, size)
    sentences = split_sentences(article.text)
    assert spans[0][0] == sentences[0][0] and spans[-1][1] == sentences[-1][1]
    for (a, _), (c, _) in zip(spans, spans[1:], strict=False):
        assert a < c
    assert all(any(a <= s and e <= b for a, b in spans) for s, e in sentences)  # none falls between two
    for a, b in spans:
        inside = [s for s in sentences if a <= s[0] and s[1] <= b]
        assert b - a <= size or len(inside) == 1
    for (s, _), (_, e) in zip(sentences, sentences[1:], strict=False):  # two sentences of up to half a
        if e - s <= size // 2:  # window together lie wholly inside one window
            assert any(a <= s and e <= b for a, b in spans), (s, e, spans)


def test_a_small_corpus_is_one_prefix() -> None:
    one, two = report("one", 5), report("two", 5)
    articles = {a.id: a for a in (one, two)}
    prefix = choose_prefix([hit(one, "Sentence 1 ")], articles, 500, 10_000)
    assert prefix is not None and prefix.label == CORPUS
    assert prefix.spans == (("one", 0, len(one.text)), ("two", 0, len(two.text)))
    assert [p.label for p in prefixes(articles, 500, 10_000)] == [CORPUS]


def test_prefixes_off_means_retrieved_sentences_even_for_a_corpus_that_fits_the_context() -> None:
    one = report("one", 5)  # far smaller than the context: it used to be read whole from a prefix anyway
    articles = {one.id: one}
    assert choose_prefix([hit(one, "Sentence 1 ")], articles, 10_000, 0) is None
    assert prefixes(articles, 10_000, 0) == []


def test_the_prefix_budget_alone_decides_whether_the_corpus_is_one_prefix() -> None:
    one, two = report("one", 5), report("two", 5, "river")
    articles = {a.id: a for a in (one, two)}
    budget = len(one.text) + 10  # each article fits it, the corpus does not; both fit the context
    prefix = choose_prefix([hit(one, "Sentence 1 "), hit(one, "Sentence 2 ")], articles, 10_000, budget)
    assert prefix is not None and prefix.label == "one"
    assert [p.label for p in prefixes(articles, 10_000, budget)] == ["one", "two"]


def test_a_question_reads_the_article_holding_most_of_its_hits() -> None:
    one, two, three = report("one", 20), report("two", 20, "river"), report("three", 20, "rail")
    articles = {a.id: a for a in (one, two, three)}
    size = len(one.text) + 1  # each article fits alone; the corpus does not
    hits = [hit(two, "Sentence 3 "), hit(one, "Sentence 4 "), hit(two, "Sentence 9 ")]
    prefix = choose_prefix(hits, articles, size, size)
    assert prefix is not None and (prefix.label, prefix.spans) == ("two", (("two", 0, len(two.text)),))
    spread = [hit(two, "Sentence 3 "), hit(one, "Sentence 4 "), hit(three, "Sentence 9 ")]
    assert choose_prefix(spread, articles, size, size) is None  # evidence in several: retrieved sentences
    assert choose_prefix([], articles, size, size) is None
    assert choose_prefix(hits, articles, size, 0) is None  # prefixes off


def test_a_long_article_is_read_through_the_window_holding_its_best_hits() -> None:
    long, other = report("long", 200), report("other", 5)
    articles = {a.id: a for a in (long, other)}
    size = len(long.text) // 4  # the most text one question reads
    hits = [hit(long, "Sentence 150 "), hit(long, "Sentence 152 "), hit(long, "Sentence 10 ")]
    prefix = choose_prefix(hits, articles, size, size)
    assert prefix is not None
    (aid, start, end), = prefix.spans
    assert aid == "long" and prefix.label == f"long@{start}"
    assert start <= hits[0].start and hits[1].end <= end and end - start <= size
    listed = prefixes(articles, size, size)
    assert prefix in listed and any(p.label == "other" for p in listed)
    sources = [s for g in read_spans(articles, prefix.spans) for s in g.sources]
    assert sources[0].number == 1 and all(start <= s.start and s.end <= end for s in sources)
    assert all(long.text[s.start : s.end] == s.text for s in sources)


def test_only_a_one_article_prefix_much_longer_than_the_top_hits_names_them() -> None:
    from assistant.assistant import hinted
    from assistant.prompting import Prompts
    from assistant.sources import Prefix

    one = Prefix("a", (("a", 0, 5000),))
    assert hinted(one, 1000) and not hinted(one, 2500) and not hinted(None, 10)
    assert not hinted(Prefix(CORPUS, (("a", 0, 5000), ("b", 0, 5000))), 100)  # several articles: never
    prompts = Prompts.load()
    assert "most related to the question are [3], [12]." in prompts.render_question("Who?", [], [3, 12])
    assert "most related" not in prompts.render_question("Who?", [])


def test_no_prefix_at_all_when_prefixes_are_off_even_for_an_empty_corpus() -> None:
    assert prefixes({}, 6000, 0) == []


def test_sources_reading_one_article_whole_are_its_own_prefix() -> None:
    one, two = report("one", 5), report("two", 5, "river")
    articles = {a.id: a for a in (one, two)}
    whole = [x for g in select_sources([hit(one, "Sentence 1 ")], articles, len(one.text)) for x in g.sources]
    prefix = own_prefix(whole, articles, len(one.text))
    assert prefix is not None and (prefix.label, prefix.spans) == ("one", (("one", 0, len(one.text)),))
    assert own_prefix(whole[:-1], articles, len(one.text)) is None  # part of it
    both = [x for g in select_sources([hit(one, "Sentence 1 "), hit(two, "Sentence 1 ")], articles, 10_000)
            for x in g.sources]
    assert own_prefix(both, articles, 10_000) is None  # two articles
    assert own_prefix(whole, articles, len(one.text) - 1) is None  # longer than the context: windows instead
