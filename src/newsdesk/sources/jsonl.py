"""JSON Lines (and JSON list / single object) article records, streamed line by line."""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ..model import Document, Skip
from .decode import BadInput, decode_bytes, normalize_newlines
from .files import _one_line, parse_iso_datetime, read_capped

# Record fields copied into ``Document.given`` (metadata the input states as fact).
GIVEN_FIELDS = (
    "url",
    "title",
    "subtitle",
    "published",
    "publisher",
    "authors",
    "agencies",
    "aggregator",
    "language",
)


def _names(value: Any) -> list[str]:
    """Authors as a list of non-empty names ("A, B" strings are left whole: names have commas)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for v in value:
        if isinstance(v, dict):
            v = v.get("name")
        if isinstance(v, str) and v.strip():
            out.append(" ".join(v.split()))
    return out


def given_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The known metadata fields of a record, normalised; empty and null values dropped."""
    given: dict[str, Any] = {}
    for key in GIVEN_FIELDS:
        value = record.get(key)
        if key in ("authors", "agencies"):
            names = _names(value)
            if names:
                given[key] = names
        elif isinstance(value, str) and value.strip():
            given[key] = value.strip()
        elif key == "published" and isinstance(value, int | float) and not isinstance(value, bool):
            # A number is taken as a Unix timestamp: say so in ISO form rather than drop it.
            with contextlib.suppress(OverflowError, OSError, ValueError):
                given[key] = datetime.fromtimestamp(value, tz=UTC).isoformat()
    return given


def record_document(
    record: Any,
    source: str,
    raw: bytes,
    crawled_at: datetime | None,
    file_time: datetime | None = None,
) -> Document | Skip:
    """Turn one parsed JSON value into a Document (text before html) or a Skip.

    ``crawled_at``: the caller's value, else the record's ``crawled_at`` field, else
    ``file_time``.
    """
    if not isinstance(record, dict):
        return Skip(source, f"JSON record is a {type(record).__name__}, not an object")
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        kind, content = "text", normalize_newlines(text)
    elif isinstance(html, str) and html.strip():
        kind, content = "html", html
    else:
        return Skip(source, "JSON record has neither text nor html")
    rid = record.get("id")
    input_id = None if rid is None or isinstance(rid, dict | list) else str(rid)
    return Document(
        source=source,
        kind=kind,  # type: ignore[arg-type]
        content=content,
        raw=raw,
        input_id=input_id,
        given=given_fields(record),
        clean=record.get("clean") is not False,
        crawled_at=crawled_at or parse_iso_datetime(record.get("crawled_at")) or file_time,
    )


def _lines(f: IO[bytes], max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """(1-based line number, bytes) per line; bytes None for a line over ``max_line``.

    An over-long line is skipped in chunks, never held in memory whole.
    """
    n = 0
    while True:
        line = f.readline(max_line + 1)
        if not line:
            return
        n += 1
        if len(line) > max_line and not line.endswith(b"\n"):
            while True:
                chunk = f.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line


def read_jsonl(
    path: Path,
    display: str,
    *,
    gz: bool,
    max_line: int,
    crawled_at: datetime | None,
    file_time: datetime | None = None,
) -> Iterator[Document | Skip]:
    """Stream a JSON Lines file: one Document or Skip per non-blank line."""
    yielded = 0
    last = 0
    try:
        opener = gzip.open if gz else open
        with opener(path, "rb") as f:  # type: ignore[operator]
            for n, line in _lines(f, max_line):
                last = n
                src = f"{display}:{n}"
                if line is None:
                    yield Skip(src, f"line longer than the {max_line:,}-byte limit")
                    yielded += 1
                    continue
                if not line.strip():
                    continue
                try:
                    text = decode_bytes(line.strip())
                except BadInput as exc:
                    yield Skip(src, str(exc).replace("file", "line"))
                    yielded += 1
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield Skip(src, f"not JSON: {exc.msg} (column {exc.colno})")
                    yielded += 1
                    continue
                yield record_document(record, src, line.rstrip(b"\r\n"), crawled_at, file_time)
                yielded += 1
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        where = f" after line {last}" if last else ""
        yield Skip(display, f"truncated or corrupt gzip{where}: {_one_line(exc)}")
        return
    except OSError as exc:
        yield Skip(display, f"cannot read: {exc.strerror or _one_line(exc)}")
        return
    if not yielded:
        yield Skip(display, "empty file (no JSON records)")


def read_json(
    path: Path,
    display: str,
    *,
    gz: bool,
    cap: int,
    max_line: int,
    crawled_at: datetime | None,
    file_time: datetime | None = None,
) -> Iterator[Document | Skip]:
    """A ``.json`` file: JSON Lines if its first line is a whole object, else one document.

    A whole-file JSON list gives ``path#N`` sources (N-th item, 1-based); a single object
    gives the bare path.
    """
    head = _first_line(path, gz, max_line)
    if head is not None:
        try:
            first = json.loads(head)
        except (json.JSONDecodeError, UnicodeDecodeError):
            first = None
        if isinstance(first, dict):
            yield from read_jsonl(
                path,
                display,
                gz=gz,
                max_line=max_line,
                crawled_at=crawled_at,
                file_time=file_time,
            )
            return
    try:
        data = read_capped(path, cap, gz=gz)
        text = decode_bytes(data)
        value = json.loads(text)
    except BadInput as exc:
        yield Skip(display, str(exc))
        return
    except json.JSONDecodeError as exc:
        yield Skip(display, f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return
    if isinstance(value, list):
        if not value:
            yield Skip(display, "empty JSON list")
        for i, item in enumerate(value, 1):
            raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
            yield record_document(item, f"{display}#{i}", raw, crawled_at, file_time)
    else:
        yield record_document(value, display, data, crawled_at, file_time)


def _first_line(path: Path, gz: bool, max_line: int) -> bytes | None:
    """The first non-blank line, or None if unreadable/too long (the full read reports why)."""
    try:
        opener = gzip.open if gz else open
        with opener(path, "rb") as f:  # type: ignore[operator]
            for _, line in _lines(f, max_line):
                if line is None:
                    return None
                if line.strip():
                    return line.strip().removeprefix(b"\xef\xbb\xbf")
    except (OSError, EOFError, zlib.error):
        return None
    return None
