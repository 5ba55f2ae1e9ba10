"""Reading the CONTRACT.md export records back out of the database."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

RECORD_KINDS = ("articles", "quotes", "timexes", "entities", "stories", "events")

_ARTICLE_SQL = """
SELECT id, source, input_id, url, title, subtitle, published, published_precision, authors,
       agencies, publisher, aggregator, language, text, duplicate_of, story_id, similarity
FROM articles ORDER BY rowid
"""


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def articles(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for r in conn.execute(_ARTICLE_SQL):
        rec = dict(r)
        rec["authors"] = _loads(rec["authors"], [])
        rec["agencies"] = _loads(rec["agencies"], [])
        sim = rec.pop("similarity")
        if sim:
            rec["similarity"] = json.loads(sim)
        yield rec


def quotes(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT q.id, q.article_id, q.text, q.start, q.end, q.kind, q.speaker,"
        " q.speaker_entity_id, q.speaker_mention, q.cue, q.medium, q.statement_id"
        " FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.rowid, q.start"
    )
    for r in conn.execute(sql):
        yield dict(r)


def timexes(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT t.id, t.article_id, t.text, t.start, t.end, t.type, t.value"
        " FROM timexes t JOIN articles a ON a.id = t.article_id ORDER BY a.rowid, t.start"
    )
    for r in conn.execute(sql):
        yield dict(r)


def entities(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT id, name, type, aliases, article_count, mention_count FROM entities"
        " ORDER BY article_count DESC, mention_count DESC, id"
    )
    for r in conn.execute(sql):
        rec = dict(r)
        rec["aliases"] = _loads(rec["aliases"], [])
        yield rec


def stories(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    members: dict[str, list[str]] = {}
    for sid, aid in conn.execute(
        "SELECT story_id, id FROM articles WHERE story_id IS NOT NULL ORDER BY published_sort, rowid"
    ):
        members.setdefault(sid, []).append(aid)
    sql = (
        "SELECT id, title, summary, first_published, last_published, publishers,"
        " independent_sources, article_count, copy_count FROM stories"
        " WHERE merged_into IS NULL ORDER BY first_published, id"
    )
    for r in conn.execute(sql):
        rec = dict(r)
        rec["article_ids"] = members.get(rec["id"], [])
        rec["publishers"] = _loads(rec["publishers"], [])
        rec["independent_sources"] = _loads(rec["independent_sources"], [])
        yield rec


def events(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT e.id, e.article_id, a.story_id, e.date, e.precision, e.sort_date, e.start, e.end,"
        " e.what, e.who, e.quote_id FROM events e JOIN articles a ON a.id = e.article_id"
        " ORDER BY e.sort_date, e.id"
    )
    for r in conn.execute(sql):
        rec = dict(r)
        rec["who"] = _loads(rec["who"], [])
        yield rec


def iter_records(conn: sqlite3.Connection, what: str) -> Iterator[dict[str, Any]]:
    readers = {
        "articles": articles,
        "quotes": quotes,
        "timexes": timexes,
        "entities": entities,
        "stories": stories,
        "events": events,
    }
    return readers[what](conn)
