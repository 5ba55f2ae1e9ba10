"""Timeline entries from annotated articles, and merging them across outlets."""

from __future__ import annotations

from newsdesk.annotate.time import tag_timexes
from newsdesk.annotate.timeline import (
    TimelineEvent,
    calendar_precision,
    merge_events,
    sentence_spans,
    timeline_events,
)
from newsdesk.model import Article, Mention, Quote

TEXT = (
    "The port authority said Monday that the new terminal would open in June.\n\n"
    "Dr. Ana Ruiz, the engineer in charge, told reporters the cranes arrived on March 6. "
    '"We are ready," she said.\n\n'
    "The project has been discussed for years. Costs rose 12% in the third quarter."
)


def article(text: str = TEXT, published: str | None = "2025-04-07") -> Article:
    a = Article(id="a1", source="test.txt", text=text, published=published)
    a.timexes = tag_timexes(text, published)
    return a


def test_calendar_precision() -> None:
    assert calendar_precision("2025-04-07") == ("day", "2025-04-07")
    assert calendar_precision("2025-04-07T15:00") == ("day", "2025-04-07")
    assert calendar_precision("2025-W14") == ("week", "2025-03-31")
    assert calendar_precision("2025-W14-WE") == ("week", "2025-03-31")
    assert calendar_precision("2025-03") == ("month", "2025-03-01")
    assert calendar_precision("2025-Q3") == ("quarter", "2025-07-01")
    assert calendar_precision("2022-FA") == ("season", "2022-09-01")
    assert calendar_precision("2024-H2") == ("half", "2024-07-01")
    assert calendar_precision("2025") == ("year", "2025-01-01")
    for vague in ("PAST_REF", "P3D", "XXXX-WXX-1", "199", "2025-02-30", "2025-W60"):
        assert calendar_precision(vague) is None


def test_sentence_spans_respect_abbreviations_and_paragraphs() -> None:
    spans = sentence_spans(TEXT)
    sents = [TEXT[s:e] for s, e in spans]
    assert sents[0].startswith("The port authority") and sents[0].endswith("in June.")
    assert sents[1].startswith("Dr. Ana Ruiz") and sents[1].endswith("March 6.")
    assert sents[2] == '"We are ready," she said.'
    assert len(sents) == 5
    for s, e in spans:
        assert TEXT[s:e] == TEXT[s:e].strip()


def test_one_event_per_dated_sentence_with_its_most_precise_date() -> None:
    events = timeline_events(article())
    assert [(e.date, e.precision) for e in events] == [
        ("2025-04-07", "day"),  # "Monday" beats "June"
        ("2025-03-06", "day"),
        ("2024-Q3", "quarter"),  # the latest third quarter that has begun
    ]
    first = events[0]
    assert first.what == TEXT[first.start : first.end]
    assert first.sort_date == "2025-04-07"
    assert first.article_id == "a1"
    assert article().timexes[first.timex_index].text == "Monday"


def test_who_and_quote_come_from_the_sentence() -> None:
    a = article()
    i = TEXT.index("Ana Ruiz")
    a.mentions = [
        Mention(
            start=i, end=i + 8, text="Ana Ruiz", type="PERSON", cluster=0, canonical="Ana Ruiz"
        ),
        Mention(start=4, end=18, text="port authority", type="ORG", cluster=1),
        Mention(start=i + 40, end=i + 48, text="March 6", type="DATE", cluster=2),
    ]
    q = TEXT.index("We are ready")
    a.quotes = [Quote(start=q, end=q + 12, text="We are ready", kind="direct")]
    events = timeline_events(a)
    assert events[0].who == ["port authority"]
    assert events[1].who == ["Ana Ruiz"]  # the DATE mention is not an actor
    assert events[1].quote_index is None  # the quote is in the next sentence


def test_quote_index_when_the_quote_is_in_the_sentence() -> None:
    text = 'The mayor said on Friday that "the bridge is safe" after the checks.'
    a = article(text, "2025-04-07")
    q = text.index("the bridge")
    a.quotes = [Quote(start=q, end=q + 19, text="the bridge is safe", kind="partial")]
    (ev,) = timeline_events(a)
    assert ev.quote_index == 0
    assert ev.date == "2025-04-04"


def test_vague_and_unanchored_dates_give_no_events() -> None:
    assert timeline_events(article("Officials recently met, and will meet again soon.")) == []
    assert timeline_events(article("The board met on Monday.", published=None)) == []


def test_long_sentence_is_cut_to_the_clause() -> None:
    filler = ", ".join(f"item {i} was checked by the inspectors" for i in range(12))
    text = f"In the audit, {filler}, and the final report was published on May 2, 2024, {filler}."
    (ev,) = timeline_events(article(text))
    assert ev.date == "2024-05-02"
    assert "May 2, 2024" in ev.what
    assert len(ev.what) <= 300
    assert ev.what in " ".join(text.split())


def ev(date: str, what: str, who: list[str] | None = None) -> TimelineEvent:
    prec, sort = calendar_precision(date)  # type: ignore[misc]
    return TimelineEvent(
        date=date, precision=prec, sort_date=sort, start=0, end=len(what), what=what, who=who or []
    )


def test_merge_folds_the_same_event_from_several_outlets() -> None:
    items = [
        (
            ev(
                "2025-04-07",
                "The ministry said Monday the dam plan needs more work.",
                ["Ministry of Water"],
            ),
            "outlet-a",
        ),
        (ev("2025-03", "Prices rose last month, the agency said."), "outlet-a"),
        (
            ev(
                "2025-04-07",
                "The ministry said on Monday that the dam plan needs work.",
                ["Lena Ortiz"],
            ),
            "outlet-b",
        ),
        (ev("2025-04-06", "The ministry said the dam plan needs more work."), "outlet-c"),
        (ev("2025-04-07", "Flooding closed three schools in the north."), "outlet-b"),
    ]
    merged = merge_events(items)
    assert [m.date for m in merged] == ["2025-03", "2025-04-06", "2025-04-07", "2025-04-07"]
    dam = merged[2]
    assert dam.sources == ["outlet-a", "outlet-b"]
    assert dam.who == ["Ministry of Water", "Lena Ortiz"]
    assert len(dam.events) == 2
    assert dam.what.startswith("The ministry said Monday")
    assert merged[3].sources == ["outlet-b"]  # same date, different event
    assert merged[1].sources == ["outlet-c"]  # same words, different date


def test_merge_is_transitive_and_counts_a_source_once() -> None:
    a = ev("2024-W10", "Rebels seized the airport and the northern bridge.")
    b = ev("2024-W10", "Rebels seized the airport, officials said.")
    c = ev("2024-W10", "Officials said rebels seized the airport overnight.")
    merged = merge_events([(a, "x"), (b, "y"), (c, "x")])
    assert len(merged) == 1
    assert merged[0].sources == ["x", "y"]
    assert merge_events([]) == []
