"""Entity linking across articles and statement grouping."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.annotate import annotate_articles
from newsdesk.annotate.linking import EntityLinker, entity_id
from newsdesk.model import Article
from newsdesk.store.db import connect

TEXTS = [
    "Kremlin spokesman Dmitry Peskov said talks would go on in Kiev.\n\n"
    '"We are ready to continue," Peskov told reporters.',
    "Dmitry S. Peskov, the Kremlin spokesman, met envoys in Kyiv on Friday.\n\n"
    "John Harlow, a lawyer, said the deal was dead. Jane Harlow, an analyst, said the "
    "deal was alive.",
    '"We are ready to continue," Peskov told reporters on Monday.',
]


def _linked(tmp_path: Path, *, flush_every: int = 3):
    conn = connect(tmp_path / "x.db")
    arts = [
        Article(id=f"a{i}", source="t", text=t, published=f"2025-01-0{i + 1}")
        for i, t in enumerate(TEXTS)
    ]
    annotate_articles(arts)
    linker = EntityLinker(conn)
    for i, a in enumerate(arts, 1):
        linker.link(a)
        if i % flush_every == 0 or i == len(arts):
            linker.flush()
    return conn, arts


def _rows(conn, table: str) -> list[tuple]:
    return sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {table}"))


def test_rows_written_per_batch_equal_rows_written_per_article(tmp_path: Path) -> None:
    (tmp_path / "each").mkdir()
    (tmp_path / "batch").mkdir()
    each, _ = _linked(tmp_path / "each", flush_every=1)
    batch, _ = _linked(tmp_path / "batch", flush_every=3)
    for table in ("entities", "statements"):
        assert _rows(each, table) == _rows(batch, table)
    assert len(_rows(batch, "statements")) >= 1


def test_rows_wait_for_flush_but_new_entities_are_there_for_mentions(tmp_path: Path) -> None:
    conn = connect(tmp_path / "x.db")
    first, second = (Article(id=f"f{i}", source="t", text=TEXTS[i]) for i in (0, 2))
    annotate_articles([first, second])
    linker = EntityLinker(conn)
    linker.link(first)
    linker.flush()
    counts = dict(conn.execute("SELECT id, article_count FROM entities").fetchall())
    linker.link(second)  # Peskov again, and his words again
    assert dict(conn.execute("SELECT id, article_count FROM entities").fetchall()) == counts
    quote_counts = conn.execute("SELECT sum(quote_count) FROM statements").fetchone()[0]
    linker.flush()
    assert conn.execute("SELECT sum(quote_count) FROM statements").fetchone()[0] > quote_counts
    assert max(r[0] for r in conn.execute("SELECT article_count FROM entities")) == 2


def test_name_variants_merge_and_people_stay_apart(tmp_path: Path) -> None:
    conn, arts = _linked(tmp_path)
    rows = {r["name"]: dict(r) for r in conn.execute("SELECT * FROM entities")}
    assert "Dmitry Peskov" in rows
    peskov = rows["Dmitry Peskov"]
    assert set(json.loads(peskov["aliases"])) >= {"Peskov", "Dmitry S. Peskov"}
    assert peskov["article_count"] == 3
    assert "John Harlow" in rows and "Jane Harlow" in rows
    assert rows["John Harlow"]["id"] != rows["Jane Harlow"]["id"]
    ids = {m.entity_id for a in arts for m in a.mentions if "Peskov" in m.text}
    assert ids == {peskov["id"]}


def test_exonyms_share_one_entity(tmp_path: Path) -> None:
    conn, arts = _linked(tmp_path)
    places = {m.entity_id for a in arts for m in a.mentions if m.text in {"Kiev", "Kyiv"}}
    assert len(places) == 1
    name = conn.execute("SELECT name FROM entities WHERE id = ?", (places.pop(),)).fetchone()
    assert name[0] == "Kyiv"


def test_statements_group_same_words(tmp_path: Path) -> None:
    conn, arts = _linked(tmp_path)
    qa = next(q for q in arts[0].quotes if "ready to continue" in q.text)
    qc = next(q for q in arts[2].quotes if "ready to continue" in q.text)
    assert qa.speaker_entity_id and qa.speaker_entity_id == qc.speaker_entity_id
    assert qa.statement_id == qc.statement_id
    row = conn.execute("SELECT * FROM statements WHERE id = ?", (qa.statement_id,)).fetchone()
    assert row["quote_count"] == 2
    assert row["first_published"] == "2025-01-01"
    assert row["speaker"] == "Dmitry Peskov"


def test_ids_are_deterministic(tmp_path: Path) -> None:
    assert entity_id("Dmitry Peskov", "PERSON") == entity_id("Dmitry Peskov", "PERSON")
    assert entity_id("Kiev", "GPE") == entity_id("Kyiv", "GPE")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    _, arts1 = _linked(tmp_path / "one")
    _, arts2 = _linked(tmp_path / "two")
    assert [m.entity_id for m in arts1[1].mentions] == [m.entity_id for m in arts2[1].mentions]


def test_linker_reloads_from_database(tmp_path: Path) -> None:
    conn, _ = _linked(tmp_path)
    fresh = EntityLinker(conn)
    art = Article(id="z", source="t", text="Peskov said nothing new on Tuesday.")
    annotate_articles([art])
    fresh.link(art)
    fresh.flush()
    ids = {m.entity_id for m in art.mentions if m.text == "Peskov"}
    want = conn.execute("SELECT id FROM entities WHERE name = 'Dmitry Peskov'").fetchone()[0]
    assert ids == {want}


def test_reset_reloads_after_rollback(tmp_path: Path) -> None:
    conn, _ = _linked(tmp_path)
    linker = EntityLinker(conn)
    art = Article(id="r", source="t", text="Dmitry Peskov spoke to envoys in Minsk on Monday.")
    annotate_articles([art])
    conn.execute("BEGIN")
    linker.link(art)
    linker.flush()
    conn.execute("ROLLBACK")
    linker.reset()
    linker.link(art)
    linker.flush()
    row = conn.execute("SELECT article_count FROM entities WHERE name = 'Dmitry Peskov'").fetchone()
    assert row[0] == 4  # three articles before, this one once (not twice)
