"""URL and feed fetching against a local HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdesk.model import Document, Skip
from newsdesk.sources import read_inputs, urls

PAGE = (
    "<!doctype html><html><head><title>Lighthouse keepers return</title>"
    '<meta charset="utf-8"></head><body><article><h1>Lighthouse keepers return</h1>'
    "<p>The coastal board of Tarrow said on Monday that two keepers would again live at "
    "the Skelly Point light from June, ending eleven years of remote operation.</p>"
    "<p>\u201cA light needs people who know the sea,\u201d said Odile Brann, who chairs "
    "the board. The move will cost about 300,000 crowns a year.</p>"
    "<p>Fishing crews welcomed the news, and the harbour master said radio checks "
    "would also resume twice a day.</p></article></body></html>"
)
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tarrow Wire</title><link>http://x.invalid/</link>
<item><title>Keepers return to Skelly Point</title><link>http://x.invalid/a</link>
<pubDate>Mon, 02 Jun 2025 09:00:00 +0000</pubDate>
<description>&lt;p&gt;Two keepers will live at the light again from June, the coastal
board said on Monday.&lt;/p&gt;&lt;p&gt;The plan ends eleven years of remote operation
and will cost about 300,000 crowns a year, officials said.&lt;/p&gt;</description></item>
<item><title>Radio checks resume</title><link>http://x.invalid/b</link>
<pubDate>Tue, 03 Jun 2025 09:00:00 +0000</pubDate>
<description>&lt;p&gt;The harbour master said twice-daily radio checks with fishing
crews would resume next week.&lt;/p&gt;&lt;p&gt;Crews had asked for the checks since the
winter storms, he said.&lt;/p&gt;</description></item>
</channel></rss>
"""
ROBOTS = "User-agent: *\nDisallow: /private/\n"


class Handler(BaseHTTPRequestHandler):
    """Routes for every case; counts hits so tests can check what was (not) fetched."""

    hits: dict[str, int] = {}

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        return None

    def _send(self, status: int, body: bytes, ctype: str = "text/html", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        port = self.server.server_address[1]
        if path == "/robots.txt":
            self._send(200, ROBOTS.encode(), "text/plain")
        elif path in ("/article.html", "/private/secret.html"):
            self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/feed.rss":
            self._send(200, FEED.encode(), "application/rss+xml")
        elif path == "/redirect":
            self._send(302, b"", Location="/article.html")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, b"", Location=f"/chain/{n + 1}")
        elif path == "/to-private":
            self._send(301, b"", Location="/private/secret.html")
        elif path == "/to-unspecified":
            self._send(302, b"", Location=f"http://0.0.0.0:{port}/article.html")
        elif path == "/to-ftp":
            self._send(302, b"", Location="ftp://127.0.0.1/file.html")
        elif path == "/big":
            self._send(200, b"<html><body>" + b"<p>word word</p>" * 20_000, "text/html")
        elif path == "/big-chunked":  # no Content-Length: the cap must stop the stream
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
        elif path == "/gzip-bomb":
            body = gzip.compress(b" " * 5_000_000)
            self._send(200, body, "text/html", Content_Encoding="gzip")
        elif path == "/slow":
            time.sleep(3)
            self._send(200, PAGE.encode())
        elif path == "/binary":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        elif path == "/missing":
            self._send(404, b"not here", "text/plain")
        else:
            self._send(404, b"no route", "text/plain")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client that stops reading (the size cap doing its job) breaks the pipe: fine.
        return None


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def private_ok() -> Iterator[urls.FetchPolicy]:
    """``--allow-private`` semantics, with small limits so the cap cases stay quick."""
    with urls.policy(allow_private=True, timeout=1.0, deadline=10.0, max_bytes=200_000) as pol:
        yield pol


def _one(url: str) -> Document | Skip:
    items = list(read_inputs([url]))
    assert len(items) == 1, items
    return items[0]


def _skip_reason(url: str) -> str:
    item = _one(url)
    assert isinstance(item, Skip), item
    assert item.source == url and item.reason and "\n" not in item.reason
    return item.reason


def test_loopback_is_refused_without_allow_private(server: str) -> None:
    Handler.hits.clear()
    with urls.policy(allow_private=False):
        reason = _skip_reason(server + "/article.html")
        assert "loopback" in reason and "--allow-private" in reason
        assert "loopback" in _skip_reason(server.replace("127.0.0.1", "localhost") + "/redirect")
    assert Handler.hits == {}  # not even robots.txt was asked for


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("10.1.2.3", "private"), ("192.168.0.10", "private"), ("172.16.5.4", "private"),
        ("100.64.0.1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
        ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("fc00::5", "private"),
        ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)  # fmt: skip
def test_forbidden_addresses(address: str, refused: str | None) -> None:
    why = urls.forbidden_reason(address, allow_private=False)
    assert (why is None) if refused is None else (refused in (why or ""))


def test_unspecified_is_refused_even_when_private_allowed() -> None:
    assert urls.forbidden_reason("0.0.0.0", allow_private=True)
    assert urls.forbidden_reason("10.0.0.1", allow_private=True) is None


def test_page_is_fetched_and_cleaned_with_allow_private(server: str, private_ok: object) -> None:
    doc = _one(server + "/article.html")
    assert isinstance(doc, Document), doc
    assert doc.kind == "html" and "Skelly Point" in doc.content
    assert doc.given["url"] == server + "/article.html" and doc.crawled_at is not None
    from newsdesk.pipeline import clean_one

    cleaned = clean_one(doc)
    assert not isinstance(cleaned, Skip), cleaned
    assert "keepers" in cleaned.text


def test_feed_url_yields_its_entries(server: str, private_ok: object) -> None:
    items = list(read_inputs([server + "/feed.rss"]))
    assert [i.source for i in items] == [server + "/feed.rss#1", server + "/feed.rss#2"]
    assert all(isinstance(i, Document) for i in items)
    assert items[0].given["title"] == "Keepers return to Skelly Point"  # type: ignore[union-attr]
    assert items[1].given["published"].startswith("2025-06-03")  # type: ignore[union-attr]


def test_redirect_is_followed_and_final_url_kept(server: str, private_ok: object) -> None:
    doc = _one(server + "/redirect")
    assert isinstance(doc, Document) and doc.given["url"] == server + "/article.html"


def test_redirects_are_bounded(server: str, private_ok: object) -> None:
    assert "too many redirects" in _skip_reason(server + "/chain/0")


def test_each_redirect_target_is_rechecked(server: str, private_ok: object) -> None:
    Handler.hits.clear()
    assert "robots.txt" in _skip_reason(server + "/to-private")
    assert "/private/secret.html" not in Handler.hits
    assert "unspecified" in _skip_reason(server + "/to-unspecified")
    assert "scheme" in _skip_reason(server + "/to-ftp")


def test_robots_txt_is_respected(server: str, private_ok: object) -> None:
    Handler.hits.clear()
    assert "disallowed by" in _skip_reason(server + "/private/secret.html")
    assert "/private/secret.html" not in Handler.hits
    assert Handler.hits.get("/robots.txt") == 1


def test_size_caps_stop_the_stream(server: str, private_ok: object) -> None:
    assert "too large" in _skip_reason(server + "/big")  # Content-Length says so
    assert "limit" in _skip_reason(server + "/big-chunked")  # counted while streaming
    assert "limit" in _skip_reason(server + "/gzip-bomb")  # decompressed size counts


def test_timeouts_and_http_errors_are_skips(server: str, private_ok: object) -> None:
    started = time.monotonic()
    assert "timed out" in _skip_reason(server + "/slow")
    assert time.monotonic() - started < 3
    assert "HTTP 404" in _skip_reason(server + "/missing")
    assert "content type image/png" in _skip_reason(server + "/binary")
    assert "not found" in _skip_reason("http://no-such-host.invalid/x")
    assert "credentials" in _skip_reason("http://user:pw@127.0.0.1/x")


def test_cli_ingest_of_a_url(server: str, tmp_path: Path) -> None:
    """``newsdesk ingest URL``: refused by default, stored with ``--allow-private``."""
    import sqlite3

    from newsdesk.cli import main

    db = tmp_path / "u.db"
    try:
        assert main(["ingest", server + "/article.html", "--db", str(db)]) == 0
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
            (reason,) = conn.execute("SELECT reason FROM skips").fetchone()
        assert "loopback" in reason
        assert main(["ingest", server + "/article.html", "--db", str(db), "--allow-private"]) == 0
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT url, source FROM articles").fetchone()
        assert row == (server + "/article.html", server + "/article.html")
    finally:
        urls.configure(allow_private=False, timeout=20.0)
