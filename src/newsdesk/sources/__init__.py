"""Input readers: files and folders in, :class:`~newsdesk.model.Document` or ``Skip`` out.

``read_inputs`` is the one entry point the pipeline calls. It walks folders recursively
in sorted order (hidden names and patterns in a ``.newsdeskignore`` file skipped), picks a
reader by file name, and never raises for bad bytes: every unreadable input becomes a
``Skip(source, reason)`` and the rest goes on.

Formats (see CONTRACT.md "Inputs"), all also readable gzipped (``name.ext.gz``):

* ``.txt`` ``.md`` ``.markdown``: one scraped article, ``kind="text"``.
* ``.html`` ``.htm`` ``.xhtml``: one page, ``kind="html"``.
* ``.jsonl`` ``.ndjson``: one record per line, ``source="path:LINE"``; ``.json``: the same
  when its first line is a whole object, else one JSON list (``path#N``) or one object.
* ``.warc`` ``.warc.gz``: each HTML response record, ``source="path#N"`` (N counts all
  records, 1-based); ``given["url"]`` from WARC-Target-URI.
* ``.xml`` ``.rss`` ``.atom``: each feed entry, ``source="path#N"`` (1-based).

``Document.given`` keys, only when the input states them: ``url``, ``title``,
``subtitle``, ``published`` (string as given; ISO 8601 for feeds), ``publisher``,
``authors`` / ``agencies`` (lists of names), ``aggregator``, ``language``.

``crawled_at``: the argument (naive values are taken as UTC); for WARC records the
record's WARC-Date; otherwise the file's modification time (UTC). For JSONL records a
``crawled_at`` field is used when the argument is not given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..model import Document, Skip
from .decode import BadInput, decode_bytes
from .feed import read_feed
from .files import FORMATS, IGNORE_FILE, _one_line, detect_format, walk
from .jsonl import read_json, read_jsonl
from .single import read_single
from .urls import is_url, read_url
from .warc import read_warc

__all__ = [
    "FORMATS",
    "IGNORE_FILE",
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "MAX_RECORD_BYTES",
    "BadInput",
    "decode_bytes",
    "detect_format",
    "read_file",
    "read_inputs",
    "walk",
]

MAX_FILE_BYTES = 50_000_000
"""Largest single-article file (and feed or JSON document) read; checked before reading."""
MAX_LINE_BYTES = 10_000_000
"""Largest JSONL line; longer lines are skipped without being held in memory."""
MAX_RECORD_BYTES = 50_000_000
"""Largest WARC record payload."""


def read_inputs(
    paths: Iterable[str | Path], *, crawled_at: datetime | None = None
) -> Iterator[Document | Skip]:
    """Yield a Document per article found in ``paths`` (files, folders, URLs) or a Skip.

    Folders are walked recursively in sorted order; hidden files are skipped (a hidden
    file named explicitly is read). Lazy: one file is open at a time and JSONL/WARC are
    streamed, so memory stays bounded whatever the input size.
    """
    if crawled_at is not None and crawled_at.tzinfo is None:
        crawled_at = crawled_at.replace(tzinfo=UTC)
    for p in paths:
        if isinstance(p, str) and is_url(p):
            yield from read_url(p, crawled_at=crawled_at)
            continue
        path = Path(p)
        try:
            if path.is_dir():
                any_file = False
                for f in walk(path):
                    any_file = True
                    yield from read_file(f, crawled_at=crawled_at)
                if not any_file:
                    yield Skip(str(path), "folder holds no input files")
                continue
            if not path.exists():
                reason = "broken symlink" if path.is_symlink() else "no such file or folder"
                yield Skip(str(path), reason)
                continue
        except OSError as exc:
            yield Skip(str(path), f"cannot read: {exc.strerror or _one_line(exc)}")
            continue
        yield from read_file(path, crawled_at=crawled_at)


def read_file(path: Path, *, crawled_at: datetime | None = None) -> Iterator[Document | Skip]:
    """Yield the Documents (or Skips) of one file, chosen by its extension."""
    source = str(path)
    fmt, gz = detect_format(path)
    if fmt is None:
        suffix = "".join(path.suffixes[-2:]) or "(none)"
        yield Skip(source, f"unknown file type {suffix}: not an article format newsdesk reads")
        return
    try:
        if not path.is_file():
            yield Skip(source, "not a regular file")
            return
        file_time = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError as exc:
        yield Skip(source, f"cannot read: {exc.strerror or _one_line(exc)}")
        return
    when = crawled_at or file_time
    try:
        if fmt in ("text", "html"):
            yield from read_single(
                path,
                source,
                fmt,
                gz=gz,
                cap=MAX_FILE_BYTES,
                crawled_at=when,  # type: ignore[arg-type]
            )
        elif fmt == "jsonl":
            yield from read_jsonl(
                path,
                source,
                gz=gz,
                max_line=MAX_LINE_BYTES,
                crawled_at=crawled_at,
                file_time=file_time,
            )
        elif fmt == "json":
            yield from read_json(
                path,
                source,
                gz=gz,
                cap=MAX_FILE_BYTES,
                max_line=MAX_LINE_BYTES,
                crawled_at=crawled_at,
                file_time=file_time,
            )
        elif fmt == "warc":
            yield from read_warc(
                path, source, cap=MAX_RECORD_BYTES, crawled_at=crawled_at, file_time=file_time
            )
        elif fmt == "feed":
            yield from read_feed(path, source, gz=gz, cap=MAX_FILE_BYTES, crawled_at=when)
    except Exception as exc:  # a reader bug must not stop the other inputs
        yield Skip(source, f"unreadable ({type(exc).__name__}: {_one_line(exc)})")
