"""Readers never see half an article while an ingest writes.

An ingest runs in a subprocess (small write batches); meanwhile this test polls the
database through read-only connections, as ``newsdesk serve`` does, and checks that every
article visible has exactly the quote, timex, mention and event rows it has after a
finished run. Each poll is one SQL statement, hence one consistent WAL snapshot.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import crashkit  # noqa: E402

COUNTS_SQL = """
SELECT a.id,
       (SELECT count(*) FROM quotes q WHERE q.article_id = a.id),
       (SELECT count(*) FROM timexes t WHERE t.article_id = a.id),
       (SELECT count(*) FROM mentions m WHERE m.article_id = a.id),
       (SELECT count(*) FROM events e WHERE e.article_id = a.id),
       (SELECT count(*) FROM raw r WHERE r.hash = a.raw_hash)
FROM articles a
"""


ORPHAN_SQL = (
    "SELECT count(*) FROM articles WHERE story_id IS NOT NULL"
    " AND story_id NOT IN (SELECT id FROM stories)"
)


def _orphans(db: Path) -> int:
    """Visible articles whose story row is not visible (story rows commit with each batch)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute(ORPHAN_SQL).fetchone()[0])
    except sqlite3.OperationalError:  # the stories table is created by its own migration
        return 0
    finally:
        conn.close()


def _counts(db: Path) -> dict[str, tuple[int, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return {row[0]: tuple(row[1:]) for row in conn.execute(COUNTS_SQL)}
    finally:
        conn.close()


@pytest.mark.slow
def test_readers_see_whole_articles_only(tmp_path: Path) -> None:
    corpus = crashkit.build_corpus(tmp_path / "corpus", 40)
    ref_db = tmp_path / "ref.db"
    crashkit.run_ingest(corpus, ref_db, 8)
    expected = _counts(ref_db)
    assert sum(c[0] for c in expected.values()) > 0 and sum(c[1] for c in expected.values()) > 0

    db = tmp_path / "live.db"
    proc = subprocess.Popen(
        crashkit.ingest_cmd(corpus, db, 4), env=crashkit.env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    polls = partial = max_orphans = 0
    seen_sizes: set[int] = set()
    try:
        while proc.poll() is None:
            time.sleep(0.05)
            if not db.exists():
                continue
            try:
                visible = _counts(db)
            except sqlite3.OperationalError as exc:  # schema not created yet
                assert "no such table" in str(exc) or "locked" in str(exc), exc
                continue
            polls += 1
            seen_sizes.add(len(visible))
            max_orphans = max(max_orphans, _orphans(db))
            if 0 < len(visible) < len(expected):
                partial += 1
            for aid, counts in visible.items():
                assert aid in expected, f"article {aid} is not in a finished run"
                assert counts == expected[aid], (
                    f"poll {polls}: article {aid} visible with (quotes, timexes, mentions,"
                    f" events, raw) = {counts}, finished run has {expected[aid]}"
                )
    finally:
        if proc.poll() is None:
            proc.kill()
        stderr = proc.communicate()[1].decode()
    assert proc.returncode == 0, stderr[-2000:]
    assert _counts(db) == expected
    print(f"\n{polls} polls, {partial} saw a partly written corpus, sizes {sorted(seen_sizes)}")
    print(f"at most {max_orphans} visible articles pointed at a story row not written yet")
    assert max_orphans == 0, "a reader saw an article whose story row was not committed with it"
    assert partial >= 3, "the ingest finished before the readers saw it half-way"
