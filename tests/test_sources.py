"""Input readers: every format, folder walks, and every kind of bad input (fixtures invented)."""

from __future__ import annotations

import gzip
import io
import json
import os
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsdesk.sources as sources
from newsdesk.model import Document, Skip
from newsdesk.sources import read_inputs

ARTICLE = (
    "Ferry crews in Port Almira walk out over pay\n\n"
    "Crews on the Almira ferries stopped work on Tuesday, the union said.\n\n"
    "\u201cWe have waited three years,\u201d said Tomas Verhoeven, a deckhand."
)
PAGE = (
    "<!DOCTYPE html><html><head><title>Dam repairs begin</title></head><body>"
    "<article><h1>Dam repairs begin</h1><p>Engineers started work on the dam.</p>"
    "</article></body></html>"
)


def _read(*paths: Path | str, **kw: object) -> list[Document | Skip]:
    return list(read_inputs(list(paths), **kw))  # type: ignore[arg-type]


def _one(*paths: Path | str, **kw: object) -> Document | Skip:
    out = _read(*paths, **kw)
    assert len(out) == 1, out
    return out[0]


def _skip_reason(path: Path | str) -> str:
    out = _one(path)
    assert isinstance(out, Skip), out
    assert "\n" not in out.reason and out.reason
    return out.reason


# --- plain files ---------------------------------------------------------------------------


def test_txt_and_md_are_text_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Heading\n\n" + ARTICLE, encoding="utf-8")
    docs = _read(tmp_path)
    assert [type(d) for d in docs] == [Document, Document]
    a, b = docs
    assert a.source == str(tmp_path / "a.txt") and a.kind == "text" and a.content == ARTICLE
    assert a.raw == ARTICLE.encode("utf-8")
    assert b.content.startswith("# Heading") and b.kind == "text"
    assert a.input_id is None and a.given == {} and a.clean is True


def test_crawled_at_from_mtime_or_argument(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    stamp = datetime(2031, 4, 2, 9, 30, tzinfo=UTC)
    os.utime(p, (stamp.timestamp(), stamp.timestamp()))
    doc = _one(p)
    assert isinstance(doc, Document) and doc.crawled_at == stamp
    given_time = datetime(2031, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert _one(p, crawled_at=given_time).crawled_at == given_time  # type: ignore[union-attr]
    naive = _one(p, crawled_at=datetime(2031, 5, 1, 12, 0))
    assert naive.crawled_at == datetime(2031, 5, 1, 12, 0, tzinfo=UTC)  # type: ignore[union-attr]


def test_text_newlines_bom_and_utf16(tmp_path: Path) -> None:
    (tmp_path / "crlf.txt").write_bytes(b"\xef\xbb\xbfLine one\r\n\r\nLine two\rthree")
    (tmp_path / "u16.txt").write_bytes("\ufeffThe harbour is closed.".encode("utf-16-le"))
    (tmp_path / "u16.txt").write_bytes(b"\xff\xfe" + "The harbour is closed.".encode("utf-16-le"))
    crlf, u16 = _read(tmp_path)
    assert crlf.content == "Line one\n\nLine two\nthree"  # type: ignore[union-attr]
    assert u16.content == "The harbour is closed."  # type: ignore[union-attr]


def test_legacy_encodings_are_decoded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("The caf\u00e9 owner said \u201cno\u201d.".encode("cp1252"))
    (tmp_path / "b.html").write_bytes(
        b'<html><head><meta charset="iso-8859-1"></head><body><p>R\xe9sum\xe9 of the '
        b"talks</p></body></html>"
    )
    (tmp_path / "c.txt").write_bytes(
        "\u041c\u044d\u0440 \u0433\u043e\u0440\u043e\u0434\u0430 \u0437\u0430\u044f\u0432\u0438"
        "\u043b, \u0447\u0442\u043e \u0434\u0430\u043c\u0431\u0430 \u0433\u043e\u0442\u043e\u0432"
        "\u0430.".encode("cp1251")
    )
    a, b, c = _read(tmp_path)
    assert a.content == "The caf\u00e9 owner said \u201cno\u201d."  # type: ignore[union-attr]
    assert "R\u00e9sum\u00e9 of the talks" in b.content  # type: ignore[union-attr]
    assert c.content.startswith("\u041c\u044d\u0440 \u0433\u043e\u0440\u043e\u0434\u0430")  # type: ignore[union-attr]


def test_html_and_gzipped_html(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "q.HTM").write_text(PAGE, encoding="utf-8")
    with gzip.open(tmp_path / "r.html.gz", "wb") as f:
        f.write(PAGE.encode("utf-8"))
    # a page saved gzipped without the .gz suffix (wget does this) is read too
    (tmp_path / "s.html").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    docs = _read(tmp_path)
    assert len(docs) == 4
    for d in docs:
        assert isinstance(d, Document) and d.kind == "html" and d.content == PAGE
    assert docs[2].raw == PAGE.encode("utf-8")  # raw is the decompressed page


def test_folder_walk_sorted_recursive_hidden_and_ignored(tmp_path: Path) -> None:
    for rel in ["b/2.txt", "b/1.txt", "a.txt", "c/d/e.txt", ".hidden.txt", ".git/x.txt", "z.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("not an article", encoding="utf-8")
    (tmp_path / ".newsdeskignore").write_text("# keep out\nz.txt\nnotes/\n", encoding="utf-8")
    names = [Path(d.source).relative_to(tmp_path).as_posix() for d in _read(tmp_path)]
    assert names == ["a.txt", "b/1.txt", "b/2.txt", "c/d/e.txt"]
    # a hidden file named explicitly is read
    assert isinstance(_one(tmp_path / ".hidden.txt"), Document)


def test_paths_keep_argument_order_and_str_paths(tmp_path: Path) -> None:
    for n in ("x.txt", "y.txt"):
        (tmp_path / n).write_text(ARTICLE, encoding="utf-8")
    out = _read(str(tmp_path / "y.txt"), tmp_path / "x.txt")
    assert [Path(d.source).name for d in out] == ["y.txt", "x.txt"]


def test_reader_is_lazy(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(ARTICLE, encoding="utf-8")
    gen = read_inputs([tmp_path])
    first = next(gen)
    (tmp_path / "2.txt").unlink()  # removed before the walk reaches it: a Skip, not a crash
    rest = list(gen)
    assert isinstance(first, Document)
    assert isinstance(rest[-1], Skip)


# --- JSON Lines / JSON ----------------------------------------------------------------------


def _jsonl(path: Path, lines: list[object | str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for ln in lines:
            f.write((ln if isinstance(ln, str) else json.dumps(ln)) + "\n")


def test_jsonl_records(tmp_path: Path) -> None:
    p = tmp_path / "batch.jsonl"
    _jsonl(
        p,
        [
            {
                "id": 7,
                "url": "https://example.org/a",
                "title": " Levee holds ",
                "text": "The levee held overnight.",
                "html": "<p>ignored</p>",
                "published": "2031-03-02",
                "publisher": "Riverside Courier",
                "authors": "Mara Quist",
                "language": "en",
                "subtitle": "",
                "extra": "kept out",
            },
            "",
            {"id": "b2", "html": PAGE, "authors": ["A One", {"name": "B Two"}, 5]},
            {"id": "c3", "text": "Body kept as is.", "clean": False, "published": None},
        ],
    )
    a, b, c = _read(p)
    assert isinstance(a, Document) and isinstance(b, Document) and isinstance(c, Document)
    assert (a.source, b.source, c.source) == (f"{p}:1", f"{p}:3", f"{p}:4")
    assert a.kind == "text" and a.content == "The levee held overnight." and a.input_id == "7"
    assert a.given == {
        "url": "https://example.org/a",
        "title": "Levee holds",
        "published": "2031-03-02",
        "publisher": "Riverside Courier",
        "authors": ["Mara Quist"],
        "language": "en",
    }
    assert json.loads(a.raw)["id"] == 7 and not a.raw.endswith(b"\n")
    assert b.kind == "html" and b.content == PAGE and b.given == {"authors": ["A One", "B Two"]}
    assert a.clean and b.clean and c.clean is False and "published" not in c.given


def test_jsonl_crawled_at_field(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    _jsonl(p, [{"text": "A.", "crawled_at": "2031-02-03T04:05:06Z"}, {"text": "B."}])
    stamp = datetime(2031, 1, 1, tzinfo=UTC)
    os.utime(p, (stamp.timestamp(), stamp.timestamp()))
    a, b = _read(p)
    assert a.crawled_at == datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)  # type: ignore[union-attr]
    assert b.crawled_at == stamp  # type: ignore[union-attr]
    forced = datetime(2032, 1, 1, tzinfo=UTC)
    assert all(d.crawled_at == forced for d in _read(p, crawled_at=forced))  # type: ignore[union-attr]


def test_jsonl_bad_lines_are_skipped_and_rest_goes_on(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    _jsonl(
        p,
        [
            {"id": 1, "text": "First."},
            '{"id": 2, "text": "unterminated',
            {"id": 3, "title": "No body"},
            [1, 2, 3],
            {"id": 5, "text": "   ", "html": ""},
            {"id": 6, "text": "Last."},
        ],
    )
    out = _read(p)
    kinds = [type(o).__name__ for o in out]
    assert kinds == ["Document", "Skip", "Skip", "Skip", "Skip", "Document"]
    assert out[1].source == f"{p}:2" and out[1].reason.startswith("not JSON")  # type: ignore[union-attr]
    assert "neither text nor html" in out[2].reason  # type: ignore[union-attr]
    assert "not an object" in out[3].reason  # type: ignore[union-attr]
    assert out[5].content == "Last."  # type: ignore[union-attr]


def test_jsonl_line_cap_and_bad_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 200)
    p = tmp_path / "big.jsonl"
    with p.open("wb") as f:
        f.write(json.dumps({"id": 1, "text": "x" * 1000}).encode() + b"\n")
        f.write(b'{"id": 2, "text": "caf\xe9 \xe2\x80\x94 cr\xe8me \xc3\xa9t\xc3\xa9"}\n')
        f.write(b'{"id": 3, "text": "fine"}\n')
    big, mixed, fine = _read(p)
    assert isinstance(big, Skip) and "limit" in big.reason and big.source.endswith(":1")
    assert isinstance(mixed, Skip) and "mixed encodings" in mixed.reason
    assert isinstance(fine, Document) and fine.input_id == "3"


def test_json_list_object_and_jsonl_in_json(tmp_path: Path) -> None:
    lst = tmp_path / "list.json"
    lst.write_text(json.dumps([{"id": 1, "text": "One."}, {"id": 2, "html": PAGE}], indent=2))
    obj = tmp_path / "obj.json"
    obj.write_text(json.dumps({"id": "o", "text": "Only."}, indent=2))
    lines = tmp_path / "lines.json"
    _jsonl(lines, [{"id": 1, "text": "L1."}, {"id": 2, "text": "L2."}])
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": 1, "text": "x"}', encoding="utf-8")
    out = _read(lst, obj, lines, broken)
    assert [o.source for o in out] == [
        f"{lst}#1",
        f"{lst}#2",
        str(obj),
        f"{lines}:1",
        f"{lines}:2",
        str(broken),
    ]
    assert out[1].kind == "html" and out[2].input_id == "o"  # type: ignore[union-attr]
    assert isinstance(out[5], Skip) and out[5].reason.startswith("not JSON")


def test_gzipped_jsonl_and_truncation(tmp_path: Path) -> None:
    body = b"".join(
        json.dumps({"id": i, "text": f"Paragraph number {i} " * 20}).encode() + b"\n"
        for i in range(200)
    )
    good = tmp_path / "a.jsonl.gz"
    good.write_bytes(gzip.compress(body))
    cut = tmp_path / "b.jsonl.gz"
    cut.write_bytes(gzip.compress(body)[:-200])
    out = _read(good)
    assert len(out) == 200 and all(isinstance(o, Document) for o in out)
    out = _read(cut)
    assert isinstance(out[-1], Skip) and "truncated" in out[-1].reason
    assert out[-1].source == str(cut)
    assert all(isinstance(o, Document) for o in out[:-1])


@pytest.mark.slow
def test_jsonl_100k_lines_bounded_memory(tmp_path: Path) -> None:
    p = tmp_path / "many.jsonl"
    line = json.dumps({"id": 0, "title": "t", "text": "A short body of text. " * 20}) + "\n"
    with p.open("w", encoding="utf-8") as f:
        for _ in range(100_000):
            f.write(line)
    assert p.stat().st_size > 40_000_000
    tracemalloc.start()
    n = 0
    for d in read_inputs([p]):
        assert isinstance(d, Document)
        n += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == 100_000
    assert peak < 5_000_000, f"peak {peak} bytes: the reader is not streaming"


# --- WARC ------------------------------------------------------------------------------------


def _warc(path: Path, records: list[tuple[str, str, bytes, str, str]], gz: bool) -> None:
    """records: (uri, content-type, payload, status, warc-date)."""
    with path.open("wb") as out:
        w = WARCWriter(out, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, ctype, payload, status, date in records:
            req = w.create_warc_record(
                uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            )
            w.write_record(req)
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            w.write_record(rec)


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_records(tmp_path: Path, gz: bool) -> None:
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _warc(
        p,
        [
            (
                "https://ex.org/a",
                "text/html; charset=utf-8",
                PAGE.encode(),
                "200 OK",
                "2031-03-04T05:06:07Z",
            ),
            (
                "https://ex.org/logo.png",
                "image/png",
                b"\x89PNG....",
                "200 OK",
                "2031-03-04T05:06:08Z",
            ),
            (
                "https://ex.org/gone",
                "text/html",
                b"<html>gone</html>",
                "404 Not Found",
                "2031-03-04T05:06:09Z",
            ),
            (
                "https://ex.org/moved",
                "text/html",
                b"<html>moved</html>",
                "301 Moved",
                "2031-03-04T05:06:09Z",
            ),
            (
                "https://ex.org/b",
                "text/html; charset=windows-1252",
                b"<p>Caf\xe9 \x93open\x94</p>",
                "200 OK",
                "2031-03-05T00:00:00Z",
            ),
        ],
        gz,
    )
    out = _read(p)
    assert [type(o).__name__ for o in out] == ["Document", "Skip", "Document"]
    a, gone, b = out
    assert isinstance(a, Document) and isinstance(b, Document) and isinstance(gone, Skip)
    # records: 1 warcinfo, then request/response pairs; N counts every record
    assert a.source == f"{p}#3" and gone.source == f"{p}#7" and b.source == f"{p}#11"
    assert "404" in gone.reason
    assert a.kind == "html" and a.content == PAGE and a.raw == PAGE.encode()
    assert a.given == {"url": "https://ex.org/a"}
    assert a.crawled_at == datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert b.content == "<p>Caf\u00e9 \u201copen\u201d</p>"
    forced = datetime(2032, 1, 1, tzinfo=UTC)
    assert _read(p, crawled_at=forced)[0].crawled_at == forced  # type: ignore[union-attr]


def test_warc_without_html_and_corrupt(tmp_path: Path) -> None:
    p = tmp_path / "img.warc.gz"
    _warc(
        p,
        [("https://ex.org/x.png", "image/png", b"\x89PNG..", "200 OK", "2031-01-01T00:00:00Z")],
        True,
    )
    assert "no HTML response" in _skip_reason(p)
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a warc file at all\n" * 5)
    assert "WARC" in _skip_reason(junk)
    full = tmp_path / "full.warc.gz"
    _warc(
        full,
        [("https://ex.org/a", "text/html", PAGE.encode() * 50, "200 OK", "2031-01-01T00:00:00Z")],
        True,
    )
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(full.read_bytes()[:-300])
    out = _read(cut)
    assert out and isinstance(out[-1], Skip)


# --- feeds ---------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Valley Post - Latest</title><link>https://valley.example/</link>
<language>en</language><dc:publisher>Valley Post</dc:publisher>
<item><title>Bridge reopens</title><link>https://valley.example/bridge</link>
<dc:creator>Ines Morrow</dc:creator><pubDate>Tue, 04 Mar 2031 08:15:00 +0100</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>The bridge reopened on Tuesday.</p><p>Traffic resumed.</p>]]></content:encoded>
</item>
<item><title>Teaser only</title><link>https://valley.example/t</link>
<description><![CDATA[<p>Only a summary here.</p>]]></description></item>
<item><title>Nothing</title><link>https://valley.example/n</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Wire</title>
<id>urn:x</id><updated>2031-03-04T10:00:00Z</updated>
<entry><title>Storm warning</title><link href="https://coast.example/storm"/>
<id>urn:1</id><published>2031-03-04T09:30:00+02:00</published>
<author><name>Olu Brandt</name></author><author><name>Kim Sato</name></author>
<content type="html">&lt;p&gt;A storm is expected.&lt;/p&gt;</content></entry>
<entry><title>Plain</title><id>urn:2</id><updated>2031-03-05T00:00:00Z</updated>
<content type="text">Plain words.</content></entry>
</feed>"""


def test_rss_feed(tmp_path: Path) -> None:
    p = tmp_path / "latest.rss"
    p.write_text(RSS, encoding="utf-8")
    a, b, c = _read(p)
    assert isinstance(a, Document) and isinstance(b, Document) and isinstance(c, Skip)
    assert (a.source, b.source, c.source) == (f"{p}#1", f"{p}#2", f"{p}#3")
    assert a.kind == "html" and "The bridge reopened on Tuesday." in a.content
    assert a.given == {
        "title": "Bridge reopens",
        "url": "https://valley.example/bridge",
        "published": "2031-03-04T08:15:00+01:00",
        "publisher": "Valley Post",
        "language": "en",
        "authors": ["Ines Morrow"],
    }
    assert "Only a summary here." in b.content and a.input_id is None


def test_atom_feed(tmp_path: Path) -> None:
    p = tmp_path / "wire.atom"
    p.write_text(ATOM, encoding="utf-8")
    a, b = _read(p)
    assert isinstance(a, Document) and isinstance(b, Document)
    assert a.given["published"] == "2031-03-04T09:30:00+02:00"
    assert a.given["authors"] == ["Olu Brandt", "Kim Sato"]
    assert a.given["url"] == "https://coast.example/storm" and a.kind == "html"
    assert "<p>A storm is expected.</p>" in a.content
    assert b.kind == "text" and b.content == "Plain words."
    assert b.given["published"] == "2031-03-05T00:00:00+00:00"


def test_feed_that_is_not_a_feed(tmp_path: Path) -> None:
    p = tmp_path / "sitemap.xml"
    p.write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>', encoding="utf-8")
    assert "feed" in _skip_reason(p)
    q = tmp_path / "broken.rss"
    q.write_text("<rss><channel><item><title>x", encoding="utf-8")
    assert isinstance(_read(q)[0], Document | Skip)


# --- bad input -------------------------------------------------------------------------------


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "w.html").write_bytes(b"  \n\t\n")
    (tmp_path / "e.jsonl").write_bytes(b"\n\n")
    (tmp_path / "e.rss").write_bytes(b"")
    out = _read(tmp_path)
    assert all(isinstance(o, Skip) and "empty" in o.reason for o in out), out
    assert len(out) == 4


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"Text with a \x00 NUL byte in it", "NUL"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary stream", "PDF"),
        (bytes(range(1, 32)) * 40, "binary"),
        (
            "Caf\u00e9 owner \u2014 and more".encode()
            + " r\u00e9sum\u00e9 na\u00efve".encode("latin-1"),
            "mixed encodings",
        ),
    ],
)
def test_binary_and_mixed_bytes(tmp_path: Path, data: bytes, needle: str) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(data)
    assert needle in _skip_reason(p)


def test_undecodable_bytes(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    p = tmp_path / "noise.html"
    p.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(4000)))
    reason = _skip_reason(p)
    assert "undecodable" in reason or "mixed" in reason or "binary" in reason


def test_truncated_and_corrupt_gzip(tmp_path: Path) -> None:
    data = gzip.compress((PAGE * 200).encode())
    (tmp_path / "cut.html.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "bad.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (tmp_path / "plain.html.gz").write_bytes(PAGE.encode())
    reasons = [o.reason for o in _read(tmp_path) if isinstance(o, Skip)]
    assert len(reasons) == 3
    assert all("gzip" in r for r in reasons), reasons


def test_big_file_refused_without_reading(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:  # sparse: 200 MB on paper, nothing on disk
        f.seek(200_000_000)
        f.write(b"x")
    tracemalloc.start()
    reason = _skip_reason(p)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "too large" in reason and peak < 1_000_000


def test_gzip_bomb_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 10_000)
    p = tmp_path / "bomb.html.gz"
    p.write_bytes(gzip.compress(b"<p>" + b"a" * 1_000_000 + b"</p>"))
    assert "more than" in _skip_reason(p)


def test_unknown_missing_unreadable_and_urls(tmp_path: Path) -> None:
    (tmp_path / "photo.jpeg").write_bytes(b"\xff\xd8\xff\xe0")
    assert "unknown file type .jpeg" in _skip_reason(tmp_path / "photo.jpeg")
    assert "no such file" in _skip_reason(tmp_path / "missing.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    assert "symlink" in _skip_reason(tmp_path / "dangling.txt")
    assert "news.example" in _skip_reason("https://news.example/story")  # fetched: no such host
    (tmp_path / "empty_dir").mkdir()
    assert "no input files" in _skip_reason(tmp_path / "empty_dir")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "locked.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    real_open = Path.open

    def deny(self: Path, *a: object, **kw: object):  # type: ignore[no-untyped-def]
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    assert "Permission denied" in _skip_reason(p)


def test_bad_inputs_do_not_stop_the_rest(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "2.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "3.html.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "4.md").write_text(ARTICLE, encoding="utf-8")
    out = _read(tmp_path / "nope", tmp_path)
    assert [type(o).__name__ for o in out] == ["Skip", "Skip", "Document", "Skip", "Document"]


_EXTS = ["txt", "md", "html", "html.gz", "jsonl", "json", "rss", "atom", "warc", "warc.gz", "xml"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600), ext=st.sampled_from(_EXTS), gz=st.booleans())
def test_any_bytes_never_raise(tmp_path: Path, data: bytes, ext: str, gz: bool) -> None:
    p = tmp_path / f"fuzz.{ext}"
    p.write_bytes(gzip.compress(data) if gz and ext.endswith(".gz") else data)
    out = list(read_inputs([p]))
    assert out and all(isinstance(o, Document | Skip) for o in out)
    for o in out:
        if isinstance(o, Skip):
            assert o.reason and "\n" not in o.reason
        else:
            assert isinstance(o.content, str) and o.content.strip()


def test_cut_and_corrupted_demo_files_never_raise(tmp_path: Path) -> None:
    from newsdesk.demo import CORPUS_DIR

    files = [p for p in sorted(CORPUS_DIR.rglob("*")) if p.is_file() and p.suffix != ".json"]
    assert len(files) > 10
    for n, src in enumerate(files):
        data = src.read_bytes()
        for frac in (0.3, 0.7):
            cut = tmp_path / f"{n}-{frac}{''.join(src.suffixes)}"
            cut.write_bytes(data[: int(len(data) * frac)])
            bad = tmp_path / f"{n}-{frac}-x{''.join(src.suffixes)}"
            i = int(len(data) * frac)
            bad.write_bytes(data[:i] + b"\xff\x00\xfe" + data[i + 3 :])
            for o in read_inputs([cut, bad]):
                assert isinstance(o, Document | Skip)
                if isinstance(o, Skip):
                    assert o.reason and "\n" not in o.reason
                    assert not o.reason.startswith("unreadable ("), o  # no reader bug path


def test_feed_entry_with_plain_text_description_is_read_as_text(tmp_path):
    rss = tmp_path / "plain.rss"
    rss.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour wire</title>'
        "<item><title>Ferry back</title><link>https://example.org/ferry</link>"
        "<description>The ferry to Oster Point runs again &amp; on time, the operator said."
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    (doc,) = list(read_inputs([rss]))
    assert isinstance(doc, Document)
    assert doc.kind == "text"
    assert doc.content.startswith("The ferry to Oster Point runs again & on time")
