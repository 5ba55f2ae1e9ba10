"""The web interface and JSON API, on a small invented database (newsdesk.web.sample)."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from newsdesk.store.db import StoreError, connect
from newsdesk.web import create_app
from newsdesk.web.render import Span, highlight, timeline_svg
from newsdesk.web.sample import HOSTILE, build_sample_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("web") / "sample.db")


@pytest.fixture(scope="module")
def client(db_path: Path) -> TestClient:
    return TestClient(create_app(db_path))


PAGES = [
    "/",
    "/stories",
    "/search?q=strike",
    "/stories/s-valmora",
    "/articles/a1",
    "/entities/e-marsh",
    "/outlets",
    "/outlets/The%20Harbor%20Courier",
]


def _api(path: str) -> str:
    return "/api" if path == "/" else "/api" + path


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_json_twin_and_security_headers(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    # The page links to its twin, and the twin answers with JSON.
    assert f'href="{html.escape(_api(path))}"' in page.text
    twin = client.get(_api(path))
    assert twin.status_code == 200
    assert twin.headers["content-type"].startswith("application/json")
    assert isinstance(twin.json(), dict)
    assert "content-security-policy" in twin.headers


def test_home_counts_and_latest(client: TestClient) -> None:
    data = client.get("/api").json()
    assert data["counts"] == {"articles": 5, "copies": 1, "outlets": 4, "stories": 2}
    ids = [s["id"] for s in data["stories"]]
    assert ids == ["s-valmora", "s-hostile"]  # merged-away story hidden, newest first
    assert all(a["duplicate_of"] is None for a in data["articles"])


def test_search_ranks_and_highlights(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "anchor"}).json()
    assert [r["id"] for r in data["results"]] == ["a2", "a3"] or {
        r["id"] for r in data["results"]
    } == {"a2", "a3"}
    snip = data["results"][0]["snippet"]
    marked = [snip["text"][s:e] for s, e in snip["highlights"]]
    assert marked and all(m.lower() == "anchor" for m in marked)
    page = client.get("/search", params={"q": "anchor"}).text
    assert "<mark>anchor</mark>" in page


def test_search_plain_words_with_punctuation_are_not_syntax(client: TestClient) -> None:
    for q in ["night-shift pay", "Marsh's union", "U.S. (port", "50% off!"]:
        r = client.get("/api/search", params={"q": q})
        # '(' is FTS5 syntax: that one may be refused, but never with a 500.
        assert r.status_code in (200, 400), (q, r.text)
    r = client.get("/api/search", params={"q": "night-shift pay"})
    assert r.status_code == 200
    assert {x["id"] for x in r.json()["results"]} == {"a4"}


@pytest.mark.parametrize("q", ['"unclosed', "AND OR", "NEAR(", "strike AND", "nocolumn:foo"])
def test_bad_fts_query_is_400_with_message(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 400
    assert "search query" in r.json()["detail"]
    page = client.get("/search", params={"q": q})
    assert page.status_code == 400
    assert 'class="error"' in page.text
    assert "Traceback" not in page.text and "sqlite3" not in page.text


def test_fts_syntax_is_honoured(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": '"fair result" OR premature'}).json()
    assert {x["id"] for x in r["results"]} == {"a1", "a4"}
    r = client.get("/api/search", params={"q": "stri*"}).json()
    assert len(r["results"]) >= 4


def test_search_filters(client: TestClient) -> None:
    def ids(**params: str) -> set[str]:
        r = client.get("/api/search", params=params)
        assert r.status_code == 200, r.text
        return {x["id"] for x in r.json()["results"]}

    assert ids(q="strike", outlet="The Harbor Courier") == {"a1", "a4"}
    assert ids(q="strike", **{"from": "2025-03-05", "to": "2025-03-10"}) == {"a2", "a3"}
    assert ids(q="strike", to="2025-03") == {"a1", "a2", "a3", "a4"}
    assert ids(speaker="Tomas Reyes", q="cargo") == {"a4"}
    assert ids(speaker="e-reyes") == {"a1", "a2", "a3", "a4"}
    assert ids(entity="Coastal Transport Union") == {"a1"}
    assert ids(outlet="Nobody Gazette") == set()
    # Filters alone list newest first.
    r = client.get("/api/search", params={"outlet": "The Harbor Courier"}).json()
    assert [x["id"] for x in r["results"]] == ["a4", "a1"]
    bad = client.get("/api/search", params={"q": "strike", "from": "March"})
    assert bad.status_code == 400 and "from" in bad.json()["detail"]


def test_page_sizes_are_bounded_and_paged(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "strike", "limit": 101}).status_code == 422
    assert client.get("/api/search", params={"q": "strike", "limit": 0}).status_code == 422
    assert client.get("/api/stories", params={"limit": 500}).status_code == 422
    page = client.get("/search", params={"q": "strike", "limit": 1000})
    assert page.status_code == 422 and "less than or equal to 100" in page.text
    first = client.get("/api/search", params={"q": "strike", "limit": 2}).json()
    assert len(first["results"]) == 2 and first["next_offset"] == 2
    second = client.get("/api/search", params={"q": "strike", "limit": 2, "offset": 2}).json()
    assert not {x["id"] for x in first["results"]} & {x["id"] for x in second["results"]}


def test_story_folds_copies_and_groups_statements(client: TestClient) -> None:
    s = client.get("/api/stories/s-valmora").json()
    assert s["independent_source_count"] == 2
    tops = {a["id"]: [c["id"] for c in a["copies"]] for a in s["articles"]}
    assert tops == {"a1": [], "a2": ["a3"], "a4": []}
    by_speaker = {sp["speaker"]: sp["statements"] for sp in s["speakers"]}
    assert set(by_speaker) == {"Elena Marsh", "Tomas Reyes"}
    assert len(by_speaker["Elena Marsh"]) == 3
    shared = [st for st in by_speaker["Elena Marsh"] if len(st["sources"]) == 2]
    assert len(shared) == 1
    assert sorted(src["is_copy"] for src in shared[0]["sources"]) == [False, True]
    # The copy's events repeat the original's sentence on the same date: shown once.
    assert len(s["timeline"]) == 8
    page = client.get("/stories/s-valmora").text
    assert page.count('class="tl-point') == 8
    assert 'id="independent-count">2<' in page
    assert 'href="/entities/e-marsh"' in page


def test_merged_story_redirects(client: TestClient) -> None:
    r = client.get("/stories/s-old", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/stories/s-valmora"
    r = client.get("/api/stories/s-old", follow_redirects=False)
    assert r.headers["location"] == "/api/stories/s-valmora"


@pytest.mark.parametrize(
    "path", ["/stories/nope", "/articles/nope", "/entities/nope", "/outlets/Nope%20Times"]
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404
    r = client.get(_api(path))
    assert r.status_code == 404 and "nope" in r.json()["detail"].lower()


def test_article_highlights_follow_offsets(client: TestClient) -> None:
    data = client.get("/api/articles/a1").json()
    text = data["text"]
    for q in data["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]
    doc = lxml_html.fromstring(client.get("/articles/a1").text)
    body = doc.get_element_by_id("body")
    assert body.text_content() == text  # highlighting never adds or drops a character
    quotes = body.find_class("hl-quote")
    assert [q.text_content() for q in quotes] == [q["text"] for q in data["quotes"]]
    speakers = [e.text_content() for e in body.find_class("hl-speaker")]
    assert speakers == ["Elena Marsh", "Tomas Reyes"]
    timex = [e.text_content() for e in body.find_class("hl-timex")]
    assert timex == ["on Sunday", "March 10", "in 2019"]
    persons = body.find_class("hl-PERSON")
    assert persons and all(
        p.tag == "span"
        or p.get("href") == "/entities/e-marsh"
        or p.get("href") == "/entities/e-reyes"
        for p in persons
    )
    removed = doc.find_class("removed")[0]
    assert removed.tag == "details" and "Subscribe to our newsletter" in removed.text_content()


def test_article_links_copies_and_original(client: TestClient) -> None:
    orig = client.get("/api/articles/a2").json()
    assert [c["id"] for c in orig["copies"]] == ["a3"]
    copy = client.get("/api/articles/a3").json()
    assert copy["original"]["id"] == "a2"
    assert 'href="/articles/a2"' in client.get("/articles/a3").text


def test_entity_statements_over_time(client: TestClient) -> None:
    e = client.get("/api/entities/e-reyes").json()
    assert e["name"] == "Tomas Reyes" and e["quote_count"] == 4
    assert len(e["statements"]) == 3
    dates = [st["first_published"] for st in e["statements"]]
    assert dates == sorted(dates, reverse=True)
    assert e["statements"][0]["sources"][0]["medium"] == "Harbor Radio"
    # A page cut inside a statement still lists all of that statement's sources.
    page = client.get("/api/entities/e-reyes", params={"limit": 1, "offset": 1}).json()
    assert page["next_offset"] == 2
    (only,) = page["statements"]
    assert {s["article_id"] for s in only["sources"]} == {"a2", "a3"}


def test_outlet_page(client: TestClient) -> None:
    o = client.get("/api/outlets/The Harbor Courier").json()
    assert o["article_count"] == 2 and o["copy_count"] == 0
    assert o["stories"][0]["id"] == "s-valmora"
    assert {sp["speaker"] for sp in o["speakers"]} == {"Elena Marsh", "Tomas Reyes"}
    copies = client.get("/api/outlets/Coastal Daily").json()
    assert copies["copy_count"] == 1


HOSTILE_PAGES = [
    "/",
    "/stories",
    "/stories/s-hostile",
    "/articles/x1",
    "/entities/e-hostile",
    "/search?q=pwned",
    "/search?q=Mallory",
    "/outlets",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_article_is_inert(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert "pwned" in page.text  # the hostile text is shown ...
    doc = lxml_html.fromstring(page.text)
    # ... but only as text: no element it could have created exists.
    assert doc.xpath("//script | //iframe | //img | //object | //embed") == []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [a for a in el.attrib if a.lower().startswith("on")], el.attrib
        for attr in ("href", "src", "action"):
            assert not el.get(attr, "").strip().lower().startswith("javascript:")


def test_hostile_outlet_name_round_trips(client: TestClient) -> None:
    r = client.get("/api/outlets/" + HOSTILE)
    assert r.status_code == 200 and r.json()["name"] == HOSTILE
    doc = lxml_html.fromstring(client.get("/outlets/" + HOSTILE).text)
    assert doc.xpath("//script | //img") == []


def test_database_is_opened_read_only(db_path: Path) -> None:
    app = create_app(db_path)
    conn = app.state.db.conn()
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM articles")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def test_sees_rows_written_while_serving(tmp_path: Path) -> None:
    path = build_sample_db(tmp_path / "live.db")
    client = TestClient(create_app(path))
    assert client.get("/api/search", params={"q": "lighthouse"}).json()["results"] == []
    writer = connect(path)
    writer.execute(
        "INSERT INTO articles(id, source, title, text, published_sort, publisher)"
        " VALUES ('n1', 'new.txt', 'Lighthouse reopens', 'The lighthouse reopened.', '', 'X')"
    )
    found = client.get("/api/search", params={"q": "lighthouse"}).json()["results"]
    writer.close()
    assert [r["id"] for r in found] == ["n1"]


def test_missing_or_bad_database_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        create_app(tmp_path / "absent.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        create_app(junk)


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "from", "to", "outlet", "speaker", "entity", "limit", "offset"} <= params
    assert "/api/stories/{story_id}" in spec["paths"]


def test_empty_database_renders(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    connect(path).close()
    client = TestClient(create_app(path))
    for p in ["/", "/stories", "/outlets", "/search?q=anything"]:
        r = client.get(p)
        assert r.status_code == 200, (p, r.text[:200])
    assert client.get("/api").json()["counts"]["articles"] == 0


# --- render units ---------------------------------------------------------------------


def _strip(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def test_highlight_nests_and_splits_crossing_spans() -> None:
    text = "abc <b> def & ghi"
    spans = [Span(0, 9, "outer"), Span(4, 12, "cross"), Span(2, 5, "inner", href="/x")]
    out = str(highlight(text, spans))
    assert _strip(out) == text
    doc = lxml_html.fragment_fromstring(out, create_parent="div")
    assert doc.xpath("//b") == []
    assert doc.find_class("outer")[0].text_content() == text[0:9]
    assert doc.find_class("inner")[0].text_content() == text[2:5]
    # The crossing span is split into pieces that together cover exactly its range.
    assert "".join(e.text_content() for e in doc.find_class("cross")) == text[4:12]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab <>&\"'\n\u00e9")), max_size=40),
    raw=st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 45), st.booleans()), max_size=8),
)
def test_highlight_property_keeps_text_and_escapes(
    text: str, raw: list[tuple[int, int, bool]]
) -> None:
    spans = [
        Span(s, e, f"c{i}", href="/e" if link else None, title='t"<')
        for i, (s, e, link) in enumerate(raw)
    ]
    out = str(highlight(text, spans))
    assert _strip(out) == text
    # Only our own tags appear; each opened element is closed; links never nest.
    assert set(re.findall(r"</?([a-z]+)", out)) <= {"span", "a"}
    assert out.count("<span") == out.count("</span>") and out.count("<a ") == out.count("</a>")
    doc = lxml_html.fragment_fromstring(f"<div>{out}</div>")
    assert doc.xpath("//a//a") == []
    # Every valid span's pieces cover exactly its characters.
    for i, (s, e, _) in enumerate(raw):
        if 0 <= s < e <= len(text):
            got = "".join(x.text_content() for x in doc.find_class(f"c{i}"))
            assert got == text[s:e]


def test_timeline_breaks_axis_for_distant_dates() -> None:
    events = [
        {
            "sort_date": "2010-01-01",
            "precision": "year",
            "date": "2010",
            "what": "x",
            "article_id": "a",
            "start": 0,
        },
    ] + [
        {
            "sort_date": f"2025-03-{d:02d}",
            "precision": "day",
            "date": f"2025-03-{d:02d}",
            "what": "<script>",
            "article_id": "a/b",
            "start": d,
        }
        for d in (2, 5, 9, 20)
    ]
    svg = str(timeline_svg(events))
    assert svg.startswith("<svg") and svg.count("<circle") == 5
    assert 'class="tl-break"' in svg and "<script>" not in svg
    assert 'href="/articles/a%2Fb#c-5"' in svg
    xs = [float(x) for x in re.findall(r'cx="([\d.]+)"', svg)]
    # The March days spread over most of the chart despite the 2010 event.
    assert xs[-1] - xs[1] > 300
    assert timeline_svg([]) == ""
    one = str(
        timeline_svg(
            [{"sort_date": "2025-01-01", "date": "2025-01-01", "what": "y", "article_id": "a"}]
        )
    )
    assert one.count("<circle") == 1 and "tl-break" not in one


def test_json_twin_matches_page(client: TestClient) -> None:
    data = client.get("/api/stories/s-valmora").json()
    page = client.get("/stories/s-valmora").text
    assert html.escape(data["title"]) in page
    for sp in data["speakers"]:
        for st_ in sp["statements"]:
            assert html.escape(st_["text"], quote=False) in page
    assert json.dumps(data)  # plain JSON all the way down


def test_common_words_rank_within_latest_window(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.web import queries

    client = TestClient(create_app(db_path, cache_size=0))
    monkeypatch.setattr(queries, "RANK_WINDOW", 2)
    r = client.get("/api/search", params={"q": "strike", "limit": 1}).json()
    assert r["ranked_among_latest"] == 2 and r["order"] == "relevance"
    # Only the two most recently ingested matches (a3, a4) compete.
    assert r["results"][0]["id"] in {"a3", "a4"}
    monkeypatch.setattr(queries, "RELEVANCE_LIMIT", 3)
    r = client.get("/api/search", params={"q": "strike", "limit": 2}).json()
    assert r["order"] == "newest"
    assert [x["id"] for x in r["results"]] == ["a4", "a3"]
    page = client.get("/search", params={"q": "strike", "limit": 1}).text
    assert "newest matches first" in page


def test_response_cache_hits_and_follows_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.web import queries

    calls: list[str] = []
    real = queries.search

    def counting(*args: object, **kwargs: object) -> dict:
        calls.append("x")
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "search", counting)
    path = build_sample_db(tmp_path / "cache.db")
    client = TestClient(create_app(path, cache_size=8))
    first = client.get("/api/search", params={"q": "harbor"})
    again = client.get("/api/search", params={"q": "harbor"})
    assert first.json() == again.json() and len(calls) == 1
    assert again.headers["content-security-policy"]  # hits keep the security headers
    client.get("/api/search", params={"q": "%%%"})  # another key: not a hit
    assert len(calls) == 2
    writer = connect(path)
    writer.execute(
        "INSERT INTO articles(id, source, title, text, published_sort, publisher)"
        " VALUES ('n2', 'n.txt', 'Harbor news', 'The harbor opened.', '', 'X')"
    )
    after = client.get("/api/search", params={"q": "harbor"})
    writer.close()
    assert len(calls) == 3
    assert "n2" in {r["id"] for r in after.json()["results"]}


# --- timelines -------------------------------------------------------------------------


def test_story_timeline_merges_outlets_and_folds_copies(client: TestClient) -> None:
    tl = client.get("/api/stories/s-valmora").json()["timeline"]
    assert [e["sort_date"] for e in tl] == sorted(e["sort_date"] for e in tl)
    # Northern Wire (a2, with its copy a3) and The Harbor Courier (a4) report the March
    # delays in their own words: one entry, two sources; the copy is no third source.
    (march,) = [e for e in tl if e["date"] == "2025-03"]
    assert march["label"] == "March 2025" and march["precision"] == "month"
    assert [s["article_id"] for s in march["sources"]] == ["a2", "a4"]
    assert march["source_count"] == 2 and march["outlet_count"] == 2
    assert [c["article_id"] for c in march["sources"][0]["copies"]] == ["a3"]
    assert march["what"].startswith("Shipping agents")  # the first report's words
    # No entry anywhere names the copy as a source of its own.
    assert all(s["article_id"] != "a3" for e in tl for s in e["sources"])
    (week,) = [e for e in tl if e["precision"] == "week"]
    assert week["label"] == "week of 17 Mar 2025"
    assert [s["article_id"] for s in week["sources"]] == ["a2"]
    assert week["quote"]["text"] == "the authority would publish its offer in full next week"
    labels = {e["date"]: e["label"] for e in tl}
    assert labels["2019"] == "2019" and labels["2025-03-21"] == "21 Mar 2025"


def test_story_page_shows_merged_entry(client: TestClient) -> None:
    doc = lxml_html.fromstring(client.get("/stories/s-valmora").text)
    circles = doc.xpath("//figure[@class='chart']//*[local-name()='circle']")
    assert len(circles) == 8
    assert sorted(c.get("data-sources") for c in circles).count("2") == 1
    big = [c for c in circles if c.get("data-sources") == "2"][0]
    small = [c for c in circles if c.get("data-sources") == "1"][0]
    assert float(big.get("r")) > float(small.get("r"))
    items = doc.xpath("//ol[@class='events']/li")
    assert len(items) == 8
    (merged,) = [li for li in items if "multi" in li.get("class")]
    assert merged.xpath("string(.//time)") == "March 2025"
    assert merged.xpath(".//time/@datetime") == ["2025-03"]
    outlets = merged.xpath(".//span[contains(@class, 'ev-sources')]/a/text()")
    assert outlets[:2] == ["Northern Wire", "The Harbor Courier"]
    assert "+1 copy" in merged.text_content() and "2 sources" in merged.text_content()


def test_period_labels_keep_precision() -> None:
    from newsdesk.web.queries import period_label

    assert period_label("2025-04-07") == "7 Apr 2025"
    assert period_label("2025-04-07TMO") == "7 Apr 2025"
    assert period_label("2025-03") == "March 2025"
    assert period_label("2025-W15") == "week of 7 Apr 2025"
    assert period_label("2025-W15-WE") == "weekend of 12 Apr 2025"
    assert period_label("2025-Q1") == "Q1 2025"
    assert period_label("2025-H2") == "second half of 2025"
    assert period_label("2022-FA") == "autumn 2022"
    assert period_label("2025") == "2025"
    assert period_label("2025-02-30") == "2025-02-30"  # not a day: shown as stored
    assert period_label("PAST_REF") == "PAST_REF"


def _timeline_db(path: Path) -> Path:
    """Three outlets and a copy around one invented event, plus one person."""
    conn = connect(path)
    conn.execute("BEGIN")
    arts = [
        # id, publisher, published, duplicate_of, text
        (
            "t1",
            "Lakeside Post",
            "2024-06-03",
            None,
            "Mayor Ana Pell opened the Birch Lane bridge on Monday. Traffic was light.",
        ),
        (
            "t2",
            "Valley Times",
            "2024-06-04",
            None,
            "The Birch Lane bridge was opened on Monday by Mayor Ana Pell. Crowds cheered.",
        ),
        (
            "t3",
            "Ridge Radio",
            "2024-06-05",
            "t1",
            "Mayor Ana Pell opened the Birch Lane bridge on Monday. Traffic was light.",
        ),
        (
            "t4",
            "Ridge Radio",
            "2024-06-05",
            None,
            "Repairs on the old ferry will start next week, Pell said.",
        ),
    ]
    for aid, pub, published, dup, text in arts:
        conn.execute(
            "INSERT INTO articles(id, source, title, text, published, published_sort, publisher,"
            " duplicate_of, story_id) VALUES (?,?,?,?,?,?,?,?, 's-bridge')",
            (aid, f"{aid}.txt", f"Bridge {aid}", text, published, published, pub, dup),
        )
    conn.execute(
        "INSERT INTO entities(id, name, type, aliases) VALUES"
        " ('e-pell', 'Ana Pell', 'PERSON', '[\"Pell\", \"she\", \"She\", \"they\"]')"
    )
    events = [
        # id, article, date, precision, sort_date, sentence
        (
            "v1",
            "t1",
            "2024-06-03",
            "day",
            "2024-06-03",
            "Mayor Ana Pell opened the Birch Lane bridge on Monday.",
        ),
        (
            "v2",
            "t2",
            "2024-06-03",
            "day",
            "2024-06-03",
            "The Birch Lane bridge was opened on Monday by Mayor Ana Pell.",
        ),
        # The copy, published later, resolved "Monday" to another day: copies only.
        (
            "v3",
            "t3",
            "2024-06-10",
            "day",
            "2024-06-10",
            "Mayor Ana Pell opened the Birch Lane bridge on Monday.",
        ),
        (
            "v4",
            "t3",
            "2024-06-03",
            "day",
            "2024-06-03",
            "Mayor Ana Pell opened the Birch Lane bridge on Monday.",
        ),
        (
            "v5",
            "t4",
            "2024-W24",
            "week",
            "2024-06-10",
            "Repairs on the old ferry will start next week, Pell said.",
        ),
    ]
    texts = {a[0]: a[4] for a in arts}
    for eid, aid, date, prec, sort_date, what in events:
        start = texts[aid].index(what)
        quote_id = "qt4" if aid == "t4" else None
        conn.execute(
            "INSERT INTO events(id, article_id, date, precision, sort_date, start, end, what,"
            " who, quote_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                eid,
                aid,
                date,
                prec,
                sort_date,
                start,
                start + len(what),
                what,
                '["Ana Pell", "she"]',
                quote_id,
            ),
        )
        if aid != "t4":
            ms = texts[aid].index("Ana Pell")
            conn.execute(
                "INSERT INTO mentions(article_id, start, end, text, type, cluster, entity_id)"
                " VALUES (?,?,?,'Ana Pell','PERSON',1,'e-pell')",
                (aid, ms, ms + 8),
            )
    qs = texts["t4"].index("Repairs")
    conn.execute(
        "INSERT INTO quotes(id, article_id, start, end, text, kind, speaker, speaker_entity_id)"
        " VALUES ('qt4', 't4', ?, ?, ?, 'indirect', 'Ana Pell', 'e-pell')",
        (qs, qs + 40, texts["t4"][qs : qs + 40]),
    )
    conn.execute("COMMIT")
    conn.close()
    return path


@pytest.fixture(scope="module")
def tl_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(_timeline_db(tmp_path_factory.mktemp("tl") / "tl.db")))


def test_copy_adds_no_source_and_copy_only_dates_are_dropped(tl_client: TestClient) -> None:
    tl = tl_client.get("/api/stories/s-bridge").json()["timeline"]
    assert [(e["date"], e["label"]) for e in tl] == [
        ("2024-06-03", "3 Jun 2024"),
        ("2024-W24", "week of 10 Jun 2024"),
    ]
    bridge = tl[0]
    assert [s["article_id"] for s in bridge["sources"]] == ["t1", "t2"]
    assert [s["publisher"] for s in bridge["sources"]] == ["Lakeside Post", "Valley Times"]
    assert [c["article_id"] for c in bridge["sources"][0]["copies"]] == ["t3"]
    assert bridge["source_count"] == 2
    assert bridge["who"] == ["Ana Pell"]  # the pronoun in the data is not shown


def test_entity_timeline_api_and_page(tl_client: TestClient) -> None:
    e = tl_client.get("/api/entities/e-pell").json()
    assert e["aliases"] == ["Pell"]  # she / She / they hidden, the data unchanged
    tl = e["timeline"]
    assert [x["date"] for x in tl] == ["2024-06-03", "2024-W24"]
    first, week = tl
    assert set(first) >= {"date", "precision", "what", "who", "sources", "quote"}
    assert [(s["article_id"], s["publisher"], s["published"]) for s in first["sources"]] == [
        ("t1", "Lakeside Post", "2024-06-03"),
        ("t2", "Valley Times", "2024-06-04"),
    ]
    # The week entry involves her through her quote only (no mention in the sentence).
    assert week["precision"] == "week" and week["quote"]["id"] == "qt4"
    assert week["quote"]["speaker_entity_id"] == "e-pell"
    page = tl_client.get("/entities/e-pell").text
    doc = lxml_html.fromstring(page)
    assert doc.xpath("//figure[@class='chart']//*[local-name()='circle']/@data-sources") == [
        "2",
        "1",
    ]
    assert [t.text_content() for t in doc.xpath("//ol[@class='events']//time")] == [
        "3 Jun 2024",
        "week of 10 Jun 2024",
    ]
    assert ">she<" not in page and "they," not in page


def test_pronouns_never_resolve_as_search_names(tl_client: TestClient) -> None:
    r = tl_client.get("/api/search", params={"entity": "Pell"}).json()
    assert {x["id"] for x in r["results"]} == {"t1", "t2", "t3"}
    r = tl_client.get("/api/search", params={"entity": "she"}).json()
    assert r["results"] == []
    r = tl_client.get("/api/search", params={"speaker": "they"}).json()
    assert r["results"] == []


def test_merge_cost_follows_what_is_shown(tmp_path: Path) -> None:
    """A story with thousands of events on a few dates still merges fast."""

    from newsdesk.web.queries import _EVENT_COLS, merged_timeline

    conn = connect(tmp_path / "many.db")
    conn.execute("BEGIN")
    words = [
        "harbor",
        "crane",
        "vessel",
        "cargo",
        "strike",
        "union",
        "wage",
        "shift",
        "port",
        "pier",
        "dock",
        "talks",
    ]
    for i in range(300):
        conn.execute(
            "INSERT INTO articles(id, source, text, published, published_sort, publisher,"
            " story_id) VALUES (?, 'x', 'x', '2025-01-01', '2025-01-01', ?, 's')",
            (f"m{i}", f"Outlet {i % 7}"),
        )
        for j in range(6):
            day = f"2025-01-{(i * 6 + j) % 28 + 1:02d}"
            what = " ".join(words[(i + k) % len(words)] for k in range(6)) + f" item{j}"
            conn.execute(
                "INSERT INTO events(id, article_id, date, precision, sort_date, start, end,"
                " what, who) VALUES (?,?,?,'day',?,0,1,?,'[]')",
                (f"m{i}e{j}", f"m{i}", day, day, what),
            )
    conn.execute("COMMIT")
    rows = conn.execute(
        f"SELECT {_EVENT_COLS} FROM events e JOIN articles a ON a.id = e.article_id"
    ).fetchall()
    assert len(rows) == 1800
    entries = merged_timeline(conn, rows, limit=500)
    # Cutting early rows before merging keeps exactly the latest entries.
    everything = merged_timeline(conn, rows, limit=100_000)
    assert merged_timeline(conn, rows, limit=5) == everything[-5:]
    conn.close()
    assert entries and sum(e["source_count"] for e in entries) <= 1800
    assert all(e["sort_date"] >= "2025-01-01" for e in entries)
