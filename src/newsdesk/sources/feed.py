"""RSS and Atom feed files: each entry is one article (feedparser, never fetching)."""

from __future__ import annotations

import email.utils
import html
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..model import Document, InputKind, Skip
from .decode import BadInput, normalize_newlines
from .files import _one_line, read_capped


def _iso_date(raw: Any, parsed: Any) -> str | None:
    """The entry date in ISO 8601, keeping the feed's own UTC offset when it can."""
    if isinstance(raw, str) and raw.strip():
        s = raw.strip()
        try:
            return datetime.fromisoformat(s.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
        try:
            dt = email.utils.parsedate_to_datetime(s)
            if dt is not None:
                return dt.isoformat()
        except (TypeError, ValueError, IndexError):
            pass
    if isinstance(parsed, time.struct_time):
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    return None


def _authors(entry: Any) -> list[str]:
    names: list[str] = []
    for a in entry.get("authors") or []:
        name = a.get("name") if isinstance(a, dict) else None
        if isinstance(name, str) and name.strip() and name.strip() not in names:
            names.append(name.strip())
    if not names:
        name = entry.get("author")
        # RSS <author> is "email (Name)"; feedparser fills ``author`` with the name part.
        if isinstance(name, str) and name.strip() and "@" not in name:
            names.append(name.strip())
    return names


_HAS_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def _body(entry: Any) -> tuple[InputKind, str] | None:
    """The entry's fullest content (content:encoded / Atom content), else its summary."""
    best: tuple[str, str] | None = None
    for c in entry.get("content") or []:
        value = c.get("value") or ""
        if value.strip() and (best is None or len(value) > len(best[1])):
            best = (c.get("type") or "text/html", value)
    if best is None:
        summary = entry.get("summary") or ""
        if summary.strip():
            detail = entry.get("summary_detail") or {}
            best = (detail.get("type") or "text/html", summary)
    if best is None:
        return None
    ctype, value = best
    # RSS descriptions are often plain text even when the feed calls them HTML
    if ctype == "text/plain" or not _HAS_TAG.search(value):
        return "text", normalize_newlines(html.unescape(value) if ctype != "text/plain" else value)
    return "html", value


def read_feed(
    path: Path, display: str, *, gz: bool, cap: int, crawled_at: datetime | None
) -> Iterator[Document | Skip]:
    """Yield a Document per entry with a body; ``source`` is ``path#N`` (1-based)."""
    import feedparser  # imported here: ~0.1 s at start-up, and most runs read no feed

    try:
        data = read_capped(path, cap, gz=gz)
    except BadInput as exc:
        yield Skip(display, str(exc))
        return
    if not data.strip():
        yield Skip(display, "empty file (whitespace only)")
        return
    try:
        parsed = feedparser.parse(data)  # bytes: parsed in memory, nothing is fetched
    except Exception as exc:  # feedparser wraps most errors in ``bozo``; be safe anyway
        yield Skip(display, f"not a readable feed: {_one_line(exc)}")
        return
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        reason = f"not an RSS/Atom feed: {_one_line(why)}" if why else "feed has no entries"
        yield Skip(display, reason)
        return
    feed_info = parsed.get("feed") or {}
    language = feed_info.get("language")
    feed_publisher = feed_info.get("publisher")
    for i, entry in enumerate(entries, 1):
        src = f"{display}#{i}"
        body = _body(entry)
        if body is None:
            yield Skip(src, "feed entry has no content or summary")
            continue
        kind, content = body
        given: dict[str, Any] = {}
        for key, value in (
            ("title", entry.get("title")),
            ("url", entry.get("link")),
            (
                "published",
                _iso_date(entry.get("published"), entry.get("published_parsed"))
                or _iso_date(entry.get("updated"), entry.get("updated_parsed")),
            ),
            # An entry's <source> names the outlet an aggregator feed took it from.
            (
                "publisher",
                (entry.get("source") or {}).get("title")
                or entry.get("publisher")
                or feed_publisher,
            ),
            ("language", language),
        ):
            if isinstance(value, str) and value.strip():
                given[key] = " ".join(value.split())
        authors = _authors(entry)
        if authors:
            given["authors"] = authors
        yield Document(
            source=src,
            kind=kind,
            content=content,
            raw=content.encode("utf-8"),
            given=given,
            crawled_at=crawled_at,
        )
