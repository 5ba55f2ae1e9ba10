"""The store: migrations, WAL, article round trip, FTS and the export records."""

from __future__ import annotations

import json
import sqlite3

import pytest

from newsdesk.model import Article, Mention, Quote, RemovedBlock, Timex
from newsdesk.store import StoreError, connect, migrations, writer
from newsdesk.store.records import iter_records


def _article(
    aid: str = "a1", text: str = "The mayor of Lindqvist said the bridge would reopen."
) -> Article:
    return Article(
        id=aid,
        source="fixture.txt",
        text=text,
        title="Bridge to reopen",
        published="2024-05-02",
        published_precision="day",
        authors=["Ada Pellworm"],
        agencies=["AFP"],
        publisher="The Harbour Gazette",
        content_hash="h-" + aid,
        removed=[RemovedBlock("Subscribe now", "newsletter")],
        offset_map=[(0, 10, len(text))],
        mentions=[Mention(4, 9, "mayor", "PERSON", 0)],
        quotes=[Quote(29, 52, text[29:52], "indirect", speaker="Mayor", cue="said")],
        timexes=[Timex(0, 3, "The", "DATE", "2024-05-02")],
    )


def test_migrations_are_recorded_and_idempotent(tmp_path):
    db = tmp_path / "x.db"
    conn = connect(db)
    versions = dict(conn.execute("SELECT namespace, version FROM schema_migrations").fetchall())
    assert versions["core"] >= 1
    conn.close()
    conn = connect(db)  # a second open applies nothing new and keeps the data
    again = dict(conn.execute("SELECT namespace, version FROM schema_migrations").fetchall())
    assert again == versions
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_new_migration_applies_once(tmp_path):
    db = tmp_path / "x.db"
    connect(db).close()
    migrations.register("testns", ["CREATE TABLE t1(x INTEGER);"])
    try:
        conn = connect(db)
        conn.execute("INSERT INTO t1 VALUES (1)")
        migrations.register("testns", ["CREATE TABLE t1(x INTEGER);", "ALTER TABLE t1 ADD y TEXT;"])
        conn2 = connect(db)
        assert [c[1] for c in conn2.execute("PRAGMA table_info(t1)")] == ["x", "y"]
        assert conn2.execute("SELECT count(*) FROM t1").fetchone()[0] == 1
    finally:
        migrations._REGISTRY.pop("testns", None)
        migrations._ORDER.remove("testns")


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="bad.db"):
        connect(bad)
    with pytest.raises(StoreError, match="no such database"):
        connect(tmp_path / "missing.db", readonly=True)


def test_article_round_trip_fts_and_records(tmp_path):
    conn = connect(tmp_path / "x.db")
    run = writer.start_run(conn, {"paths": ["fixture.txt"]})
    art = _article()
    writer.insert_raw(conn, art.content_hash, art.source, "text", b"raw bytes here", run)
    writer.insert_article(conn, art, raw_hash=art.content_hash, run_id=run, similarity={"a2": 0.5})
    writer.finish_run(
        conn, run, status="done", files_read=1, articles_added=1, duplicates=0, skipped=0
    )

    assert writer.read_raw(conn, art.content_hash) == b"raw bytes here"
    assert writer.known_hashes(conn, [art.content_hash, "nope"]) == {art.content_hash}
    hit = conn.execute(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        " WHERE articles_fts MATCH 'bridges'"  # porter stemming finds 'bridge'
    ).fetchall()
    assert [h[0] for h in hit] == ["a1"]

    (rec,) = list(iter_records(conn, "articles"))
    assert rec["id"] == "a1" and rec["authors"] == ["Ada Pellworm"] and rec["agencies"] == ["AFP"]
    assert rec["similarity"] == {"a2": 0.5}
    assert rec["duplicate_of"] is None and rec["story_id"] is None
    (q,) = list(iter_records(conn, "quotes"))
    assert rec["text"][q["start"] : q["end"]] == q["text"]
    (t,) = list(iter_records(conn, "timexes"))
    assert t["value"] == "2024-05-02" and t["type"] == "DATE"
    removed = conn.execute("SELECT removed FROM articles").fetchone()[0]
    assert json.loads(removed) == [{"text": "Subscribe now", "reason": "newsletter"}]


def test_fts_stays_in_step_with_updates_and_deletes(tmp_path):
    conn = connect(tmp_path / "x.db")
    run = writer.start_run(conn, {})
    writer.insert_article(conn, _article("a1"), raw_hash=None, run_id=run)
    conn.execute("UPDATE articles SET text = 'A ferry timetable changed.' WHERE id = 'a1'")

    def match(q: str) -> int:
        return conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (q,)
        ).fetchone()[0]

    assert match("ferry") == 1 and match("mayor") == 0
    conn.execute("DELETE FROM quotes")
    conn.execute("DELETE FROM mentions")
    conn.execute("DELETE FROM timexes")
    conn.execute("DELETE FROM articles")
    assert match("ferry") == 0


def test_duplicate_article_id_is_refused(tmp_path):
    conn = connect(tmp_path / "x.db")
    run = writer.start_run(conn, {})
    writer.insert_article(conn, _article("a1"), raw_hash=None, run_id=run)
    with pytest.raises(sqlite3.IntegrityError):
        writer.insert_article(conn, _article("a1"), raw_hash=None, run_id=run)
