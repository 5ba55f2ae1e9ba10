"""WARC files (plain or gzipped): every HTML response record is one article.

Records are numbered 1-based over all records of the file, so ``path#N`` points at the
N-th record whatever its type. Records that are not HTML (warcinfo, requests, metadata,
images, CSS, revisits, redirects) are passed over silently: they are a normal part of a
crawl. HTML responses with an HTTP error status, an oversized or undecodable payload give
a Skip, and so does a WARC that holds no HTML response at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..model import Document, Skip
from .decode import BadInput, charset_from_content_type, declared_charset, decode_bytes
from .files import _one_line, parse_iso_datetime

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _is_html(content_type: str, payload_head: bytes) -> bool:
    ct = content_type.split(";")[0].strip().lower()
    if ct:
        return ct in _HTML_TYPES
    head = payload_head[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def read_warc(
    path: Path,
    display: str,
    *,
    cap: int,
    crawled_at: datetime | None,
    file_time: datetime | None,
) -> Iterator[Document | Skip]:
    """Yield a Document per HTML response record; ``crawled_at`` falls back to WARC-Date."""
    # imported here: warcio costs ~0.1 s at start-up and most runs read no WARC
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    articles = 0
    try:
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                n += 1
                if record.rec_type not in ("response", "resource"):
                    continue
                src = f"{display}#{n}"
                status: int | None = None
                ctype = ""
                if record.http_headers is not None:
                    code = (record.http_headers.get_statuscode() or "").strip()
                    status = int(code) if code.isdigit() else None
                    ctype = record.http_headers.get_header("Content-Type") or ""
                elif record.rec_type == "resource":
                    ctype = record.rec_headers.get_header("Content-Type") or ""
                if status is not None and (status < 200 or 300 <= status < 400):
                    continue  # interim and redirect responses are not articles
                payload = record.content_stream().read(cap + 1)
                if not _is_html(ctype, payload):
                    continue
                articles += 1
                if status is not None and status >= 400:
                    yield Skip(src, f"HTTP {status} response, not an article")
                    continue
                if len(payload) > cap:
                    yield Skip(src, f"record payload over the {cap:,}-byte limit")
                    continue
                declared = charset_from_content_type(ctype) or declared_charset(payload)
                try:
                    content = decode_bytes(payload, declared=declared)
                except BadInput as exc:
                    yield Skip(src, str(exc).replace("file", "record"))
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                date = parse_iso_datetime(record.rec_headers.get_header("WARC-Date"))
                yield Document(
                    source=src,
                    kind="html",
                    content=content,
                    raw=payload,
                    given={"url": url.strip()} if url and url.strip() else {},
                    crawled_at=crawled_at or date or file_time,
                )
    except ArchiveLoadFailed as exc:
        yield Skip(
            display if not n else f"{display}#{n + 1}", f"not a valid WARC: {_one_line(exc)}"
        )
        return
    except (OSError, EOFError, ValueError) as exc:
        where = f" after record {n}" if n else ""
        yield Skip(display, f"truncated or corrupt WARC{where}: {_one_line(exc)}")
        return
    if n == 0:
        yield Skip(display, "empty WARC (no records)")
    elif articles == 0:
        yield Skip(display, f"WARC has no HTML response records ({n} records of other types)")
