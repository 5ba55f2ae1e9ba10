"""Property tests: cleaning, quotes and time never raise and every offset is real.

Inputs are random and garbled: word salad from a news-ish vocabulary (speech verbs,
months, quotation marks of every style, numbers, tags), raw Unicode, and mixtures.
Example counts are modest so the file runs well under a minute.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.model import Article, Document

TOKENS = [
    "said", "says", "told", "according to", "added", "warned", "Mr.", "Ms.", "Dr.",
    "the", "council", "minister", "Ada Brekke", "Jon Vasser", "Harbour Board", "Reuters",
    "Monday", "last week", "yesterday", "March", "3 March 2024", "2024-05-01", "10:30",
    "a.m.", "next year", "in May", "two days ago", "Q3", "spring", "1999", "12", "1,000",
    '"', "\u201c", "\u201d", "'", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "--",
    "\u2014", ".", ",", ":", ";", "?", "!", "(", ")", "\n", "\n\n", "\t", "  ", "\u00a0",
    "\u200b", "\u202e", "\ufeff", "\U0001f6a2", "e\u0301", "\u0645\u0631\u062d\u0628\u0627",
    "<p>", "</p>", "<br>", "<div>", "&amp;", "&#8220;", "Skip to content", "Advertisement",
    "By", "Photo:", "Updated", "Share", "Subscribe",
]  # fmt: skip
HTML_TAGS = ["p", "div", "article", "span", "h1", "h2", "table", "td", "tr", "script",
             "style", "nav", "footer", "figure", "figcaption", "a", "ul", "li", "time"]  # fmt: skip

word_salad = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), min_size=0, max_size=120
).map(" ".join)
raw_text = st.text(max_size=400)
texts = st.one_of(word_salad, raw_text, st.tuples(word_salad, raw_text).map("".join))


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(HTML_TAGS))
        attrs = draw(st.sampled_from(["", ' class="x"', ' id="a"', " data-x='<p>'", " hidden"]))
        parts.append(f"<{tag}{attrs}>")
        parts.append(draw(word_salad))
        if draw(st.booleans()):  # sometimes never closed, as real pages are
            parts.append(f"</{tag}>")
    return draw(st.sampled_from(["", "<html><body>", "<!doctype html><html>"])) + "".join(parts)


anchors = st.one_of(
    st.none(),
    st.dates(min_value=datetime(1900, 1, 1).date(), max_value=datetime(2100, 1, 1).date()).map(str),
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC).isoformat()
    ),
    st.sampled_from(["", "garbage", "2024-13-45", "2024-02-30", "0000-00-00", "9999-12-31"]),
)

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _check_spans(text: str, records: list) -> None:
    for r in records:
        assert 0 <= r.start <= r.end <= len(text), r
        assert text[r.start : r.end] == r.text, r


@settings(max_examples=150, **SETTINGS)
@given(
    kind=st.sampled_from(["text", "html"]),
    body=st.one_of(texts, html_pages()),
    title=st.one_of(st.none(), st.text(max_size=30)),
    clean=st.booleans(),
)
def test_cleaning_never_raises_and_offsets_map_back(
    kind: str, body: str, title: str | None, clean: bool
) -> None:
    from newsdesk.clean import CleanError, clean_document

    doc = Document(
        source="prop", kind=kind, content=body, given={"title": title} if title else {},  # type: ignore[arg-type]
        clean=clean, crawled_at=datetime(2025, 4, 1, tzinfo=UTC),
    )  # fmt: skip
    try:
        result = clean_document(doc)
    except CleanError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
        return
    assert isinstance(result.text, str)
    for clean_start, raw_start, length in result.offset_map:
        assert length >= 0
        assert (
            result.text[clean_start : clean_start + length] == body[raw_start : raw_start + length]
        )


@settings(max_examples=300, **SETTINGS)
@given(text=texts, anchor=anchors)
def test_time_tagging_never_raises_and_spans_are_real(text: str, anchor: str | None) -> None:
    from newsdesk.annotate.time import tag_timexes

    timexes = tag_timexes(text, anchor)
    _check_spans(text, timexes)
    assert all(t.type in ("DATE", "TIME", "DURATION", "SET") and t.value for t in timexes)


@pytest.fixture(scope="module")
def nlp_loaded() -> None:
    from newsdesk.annotate.nlp import get_nlp

    get_nlp()


@settings(max_examples=60, **SETTINGS)
@given(bodies=st.lists(texts, min_size=1, max_size=3), published=anchors)
def test_annotation_never_raises_and_spans_are_real(
    nlp_loaded: None, bodies: list[str], published: str | None
) -> None:
    from newsdesk.annotate import annotate_articles

    articles = [
        Article(id=f"a{i}", source="prop", text=b, published=published)
        for i, b in enumerate(bodies)
    ]
    annotate_articles(articles)
    for a in articles:
        _check_spans(a.text, a.mentions)
        _check_spans(a.text, a.quotes)
        _check_spans(a.text, a.timexes)
        for q in a.quotes:
            assert q.kind in ("direct", "partial", "indirect")
            if q.speaker_start is not None and q.speaker_end is not None:
                assert 0 <= q.speaker_start <= q.speaker_end <= len(a.text)
                if q.speaker_mention is not None:
                    assert a.text[q.speaker_start : q.speaker_end] == q.speaker_mention, q


def test_annotation_sanity_check_finds_a_quote(nlp_loaded: None) -> None:
    """The property above is not vacuous: an ordinary quoted sentence yields a quote."""
    from newsdesk.annotate import annotate_articles

    text = '"The bridge will reopen in May," said Ada Brekke, the harbour director, on Monday.'
    article = Article(id="a1", source="prop", text=text, published="2025-03-03")
    annotate_articles([article])
    assert article.quotes and article.timexes
    _check_spans(text, article.quotes)
    _check_spans(text, article.timexes)
