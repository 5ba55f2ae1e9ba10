"""The command line: the CONTRACT.md commands, their output and their errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.cli import main

SCRAPE = """Harbour ferry returns after storm repairs

By Ines Varga

March 3, 2024

Skip to content

The ferry between Lindqvist and Oster Point resumed service on Sunday after two weeks of repairs.

"We are glad to have the crossing back," harbour master Tomas Reel told reporters. "The island depends on it."

Subscribe to our newsletter
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "ferry.txt").write_text(SCRAPE, encoding="utf-8")
    records = [
        {"id": "r1", "title": "Council approves tram line", "published": "2024-02-01",
         "publisher": "Lindqvist Daily", "text": "The city council approved the new tram line "
         "on Thursday. Construction will begin next spring, the mayor said."},
        {"id": "r2", "title": "Bakery wins award", "published": "2024-02-02",
         "text": "A small bakery in the old town won a national bread award this week."},
    ]  # fmt: skip
    (folder / "sub" / "feed.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\nnot json at all\n", encoding="utf-8"
    )
    return folder


def test_extract_prints_one_record_per_article(capsys, inputs):
    code, out, err = _run(capsys, "extract", str(inputs), "--jsonl")
    assert code == 0
    recs = [json.loads(line) for line in out.splitlines()]
    by_source = {Path(r["source"].split(":")[0]).name: r for r in recs}
    assert set(by_source) == {"ferry.txt", "feed.jsonl"}
    ferry = by_source["ferry.txt"]
    assert ferry["title"] == "Harbour ferry returns after storm repairs"
    assert "Skip to content" not in ferry["text"] and "newsletter" not in ferry["text"]
    assert "duplicate_of" not in ferry and "story_id" not in ferry
    given = [r for r in recs if r["input_id"] == "r1"][0]
    assert given["published"] == "2024-02-01" and given["publisher"] == "Lindqvist Daily"
    assert given["source"].endswith("feed.jsonl:1")
    # the bad line is reported on stderr with its place, and the run went on
    assert "feed.jsonl:3" in err and "skipped" in err


def test_ingest_twice_adds_nothing_and_records_runs(capsys, inputs, tmp_path):
    db = str(tmp_path / "x.db")
    code, out, _ = _run(capsys, "ingest", str(inputs), "--db", db, "--json")
    assert code == 0
    first = json.loads(out)
    assert first["articles_added"] == 3 and len(first["skipped"]) == 1
    code, out, _ = _run(capsys, "ingest", str(inputs), "--db", db, "--json")
    second = json.loads(out)
    assert second["articles_added"] == 0 and second["already_present"] == 3
    code, out, _ = _run(capsys, "export", "--what", "articles", "--db", db)
    assert len(out.splitlines()) == 3


def test_strict_turns_a_skip_into_failure(capsys, inputs, tmp_path):
    code, _, err = _run(capsys, "ingest", str(inputs), "--db", str(tmp_path / "x.db"), "--strict")
    assert code == 1
    assert "feed.jsonl:3" in err.splitlines()[-1]


def test_export_formats(capsys, inputs, tmp_path):
    db = str(tmp_path / "x.db")
    assert _run(capsys, "ingest", str(inputs), "--db", db)[0] == 0
    code, out, _ = _run(capsys, "export", "--what", "articles", "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3 and json.loads(rows[0]["authors"]) is not None
    target = tmp_path / "pq"
    code, _, _ = _run(capsys, "export", "--what", "articles", "--db", db, "--format", "parquet",
                      "-o", str(target))  # fmt: skip
    assert code == 0
    parts = sorted(p.name for p in target.iterdir())
    assert "date=2024-02-01" in parts and "date=2024-02-02" in parts
    import pyarrow.dataset as ds

    assert ds.dataset(target, partitioning="hive").count_rows() == 3
    for what in ("quotes", "timexes", "entities", "stories", "events"):
        code, out, _ = _run(capsys, "export", "--what", what, "--db", db)
        assert code == 0, what
        for line in out.splitlines():
            assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ingest", "/no/such/path"], "/no/such/path: no such file or folder"),
        (["export", "--db", "/no/such.db"], "/no/such.db: no such database"),
        (["export", "--what", "nonsense"], "Invalid value for '--what'"),
        (["ingest", "x", "--bogus"], "No such option"),
        (["ingest", ".", "--crawled-at", "yesterday"], "not an ISO 8601"),
    ],
)
def test_user_errors_are_one_line_without_traceback(capsys, argv, expected):
    code, _, err = _run(capsys, *argv)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert "Traceback" not in err


def test_an_unusable_database_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"definitely not sqlite" * 50)
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk", "export", "--db", str(bad)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "bad.db" in proc.stderr


@pytest.mark.slow
def test_sigterm_rolls_back_and_records_the_run_as_failed(tmp_path):
    import signal
    import sqlite3
    import time

    corpus = tmp_path / "many.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i in range(400):
            text = " ".join(
                f"Councillor Mara Quist said on Tuesday that plan {i}-{k} would go ahead."
                for k in range(20)
            )
            fh.write(json.dumps({"id": f"a{i}", "title": f"Plan {i}", "text": text}) + "\n")
    db = tmp_path / "t.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "ingest", str(corpus), "--db", str(db),
         "--workers", "2", "--batch-size", "8"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def articles() -> int:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 120
    while articles() == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the ingest ended before it could be terminated"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        status, added = conn.execute("SELECT status, articles_added FROM runs").fetchone()
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert status == "failed"
    assert 0 < stored < 400 and added == stored
