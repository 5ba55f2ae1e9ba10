"""Finding input files: folder walks, ignore files, format by file name, capped reads."""

from __future__ import annotations

import fnmatch
import gzip
import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .decode import BadInput

IGNORE_FILE = ".newsdeskignore"
"""A file in a folder listing glob patterns (one a line, ``#`` comments) that walks skip.

Patterns match a file's path relative to the folder holding the ignore file, or its
bare name. The demo corpus uses it to keep ``EXPECTED.json`` out of ingestion."""

# Format names by extension. ``.gz`` wraps any of them; ``.warc.gz`` is read by warcio.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".warc": "warc",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


def parse_iso_datetime(value: Any) -> datetime | None:
    """An ISO 8601 date/datetime string ("Z" allowed) as an aware datetime (UTC if naive)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def detect_format(path: Path) -> tuple[str | None, bool]:
    """(format name or None, gzip-compressed?) from the file name, case-insensitively."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] in (".gz", ".gzip")
    if gz:
        suffixes = suffixes[:-1]
    if not suffixes:
        return None, gz
    fmt = FORMATS.get(suffixes[-1])
    if fmt == "warc":
        # warcio reads plain and gzipped WARCs alike, record by record.
        return fmt, False
    return fmt, gz


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _load_ignores(folder: Path) -> list[str]:
    try:
        lines = (folder / IGNORE_FILE).read_text("utf-8", "replace").splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder``, recursively, in sorted path order; hidden and ignored skipped.

    Streams one folder listing at a time (no list of the whole tree). Symlinked folders
    are not followed (no loops); symlinked files are.
    """
    yield from _walk(folder, [])


def _walk(folder: Path, stack: list[tuple[Path, list[str]]]) -> Iterator[Path]:
    pats = _load_ignores(folder)
    if pats:
        stack = [*stack, (folder, pats)]
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not _hidden(e.name)), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        p = Path(entry.path)
        if _ignored(p, stack):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(p, stack)
        elif not entry.is_symlink() or not p.is_dir():
            yield p


def _ignored(p: Path, stack: list[tuple[Path, list[str]]]) -> bool:
    """True when a pattern of an enclosing ignore file matches ``p`` (relative path or name)."""
    for base, pats in stack:
        try:
            rel = p.relative_to(base).as_posix()
        except ValueError:
            continue
        for pat in pats:
            pat = pat.rstrip("/")
            if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(p.name, pat):
                return True
    return False


def read_capped(path: Path, cap: int, *, gz: bool) -> bytes:
    """The bytes of ``path`` (decompressed if ``gz``), refusing more than ``cap`` bytes.

    The size is checked before reading, and a decompressed stream is read only up to
    ``cap + 1`` bytes, so a huge file or a gzip bomb never sits in memory.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror or exc}") from exc
    if size > cap:
        raise BadInput(f"file too large ({_mb(size)} > {_mb(cap)} limit)")
    if size == 0:
        raise BadInput("empty file")
    try:
        if gz:
            with gzip.open(path, "rb") as f:
                data = f.read(cap + 1)
            if len(data) > cap:
                raise BadInput(f"decompresses to more than {_mb(cap)} (limit)")
            return data
        with path.open("rb") as f:
            data = f.read(cap + 1)
        # Plain files that are gzip inside (e.g. saved by wget) are read transparently.
        if data[:2] == b"\x1f\x8b":
            return read_capped_gz_bytes(data, cap)
        return data
    except BadInput:
        raise
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BadInput(f"truncated or corrupt gzip: {_one_line(exc)}") from exc
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror or _one_line(exc)}") from exc


def read_capped_gz_bytes(data: bytes, cap: int) -> bytes:
    """Decompress gzip ``data`` in memory, refusing more than ``cap`` bytes of output."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, cap + 1)
    except zlib.error as exc:
        raise BadInput(f"corrupt gzip: {_one_line(exc)}") from exc
    if len(out) > cap:
        raise BadInput(f"decompresses to more than {_mb(cap)} (limit)")
    if not d.eof:
        raise BadInput("truncated gzip: compressed data ended before the end-of-stream marker")
    return out


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} bytes"


def _one_line(exc: BaseException) -> str:
    msg = str(exc) or type(exc).__name__
    return " ".join(msg.split())
