"""Writing ingest runs, raw inputs and annotated articles.

All writes of one batch happen in one transaction opened by the pipeline, so a crash
leaves either the whole batch or none of it (the raw row and its article go together,
which is what makes re-running an interrupted ingest converge on the same result).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import UTC, datetime
from typing import Any

from newsdesk.model import Article, Skip
from newsdesk.store.db import in_chunks


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def start_run(conn: sqlite3.Connection, args: dict[str, Any]) -> int:
    cur = conn.execute("INSERT INTO runs(started, args) VALUES (?, ?)", (_now(), _json(args)))
    return int(cur.lastrowid or 0)


def finish_run(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    status: str,
    files_read: int,
    articles_added: int,
    duplicates: int,
    skipped: int,
) -> None:
    conn.execute(
        "UPDATE runs SET finished = ?, status = ?, files_read = ?, articles_added = ?,"
        " duplicates = ?, skipped = ? WHERE id = ?",
        (_now(), status, files_read, articles_added, duplicates, skipped, run_id),
    )


def record_skip(conn: sqlite3.Connection, run_id: int, skip: Skip) -> None:
    conn.execute(
        "INSERT INTO skips(run_id, source, reason) VALUES (?, ?, ?)",
        (run_id, skip.source, skip.reason),
    )


def known_hashes(conn: sqlite3.Connection, hashes: list[str]) -> set[str]:
    """Which of these raw-input hashes are already stored."""
    found: set[str] = set()
    for chunk, marks in in_chunks(hashes):
        found.update(
            r[0] for r in conn.execute(f"SELECT hash FROM raw WHERE hash IN ({marks})", chunk)
        )
    return found


def insert_raw(
    conn: sqlite3.Connection, hash_: str, source: str, kind: str, data: bytes, run_id: int
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO raw(hash, source, kind, size, data, added_run)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (hash_, source, kind, len(data), zlib.compress(data, 6), run_id),
    )


def read_raw(conn: sqlite3.Connection, hash_: str) -> bytes | None:
    row = conn.execute("SELECT data FROM raw WHERE hash = ?", (hash_,)).fetchone()
    return zlib.decompress(row[0]) if row else None


def insert_article(
    conn: sqlite3.Connection,
    article: Article,
    *,
    raw_hash: str | None,
    run_id: int,
    similarity: dict[str, float] | None = None,
) -> None:
    """Insert an article and all its annotations."""
    a = article
    conn.execute(
        "INSERT INTO articles(id, raw_hash, source, input_id, url, title, subtitle, published,"
        " published_precision, published_sort, authors, agencies, publisher, aggregator, language,"
        " text, duplicate_of, story_id, removed, offset_map, similarity, run_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            a.id, raw_hash, a.source, a.input_id, a.url, a.title, a.subtitle, a.published,
            a.published_precision, a.published or "", _json(a.authors), _json(a.agencies),
            a.publisher, a.aggregator, a.language, a.text, a.duplicate_of, a.story_id,
            _json([{"text": r.text, "reason": r.reason} for r in a.removed]),
            _json(a.offset_map), _json(similarity) if similarity else None, run_id,
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO mentions(article_id, start, end, text, type, cluster, entity_id)"
        " VALUES (?,?,?,?,?,?,?)",
        [(a.id, m.start, m.end, m.text, m.type, m.cluster, m.entity_id) for m in a.mentions],
    )
    conn.executemany(
        "INSERT INTO quotes(id, article_id, start, end, text, kind, speaker, speaker_entity_id,"
        " speaker_mention, speaker_start, speaker_end, cue, medium, statement_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                f"{a.id}-q{i}", a.id, q.start, q.end, q.text, q.kind, q.speaker,
                q.speaker_entity_id, q.speaker_mention, q.speaker_start, q.speaker_end, q.cue,
                q.medium, q.statement_id,
            )
            for i, q in enumerate(a.quotes)
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO timexes(id, article_id, start, end, text, type, value) VALUES (?,?,?,?,?,?,?)",
        [
            (f"{a.id}-t{i}", a.id, t.start, t.end, t.text, t.type, t.value)
            for i, t in enumerate(a.timexes)
        ],
    )


def insert_events(conn: sqlite3.Connection, article_id: str, events: list[Any]) -> None:
    """Insert timeline entries (``newsdesk.annotate.timeline.TimelineEvent``)."""
    rows = []
    for i, e in enumerate(events):
        quote, timex = e.quote_index, e.timex_index
        rows.append(
            (
                f"{article_id}-e{i}", article_id, e.date, e.precision, e.sort_date, e.start,
                e.end, e.what, _json(list(e.who or [])),
                None if quote is None else f"{article_id}-q{quote}",
                None if timex is None else f"{article_id}-t{timex}",
            )
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO events(id, article_id, date, precision, sort_date, start, end, what, who,"
        " quote_id, timex_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def set_duplicate_of(conn: sqlite3.Connection, updates: list[tuple[str, str | None]]) -> None:
    conn.executemany(
        "UPDATE articles SET duplicate_of = ? WHERE id = ?", [(d, i) for i, d in updates]
    )
