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
