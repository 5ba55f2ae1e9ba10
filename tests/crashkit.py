"""Helpers for the crash and concurrent-read tests: a corpus, CLI runs, export snapshots."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from newsdesk.demo import CORPUS_DIR, crawled_at

KINDS = ("articles", "quotes", "timexes", "entities", "stories")

_PEOPLE = ["Mara Quell", "Tobias Renn", "Ines Harlow", "Piet Vandersloot", "Lena Orsk"]
_ROLES = ["the port director", "a union spokeswoman", "the deputy mayor", "a ferry captain"]
_PLACES = ["Velmora", "Tarrow", "Skelly Point", "North Basin", "Orsund"]
_TOPICS = [
    ("ferry fares", "fares on the island ferries will rise by {n} percent"),
    ("harbour dredging", "dredging of the inner harbour will start in {month}"),
    ("fish market", "the covered fish market will stay open until {n} p.m."),
    ("bridge repairs", "the old swing bridge will close for {n} weeks of repairs"),
    ("school buses", "{n} new school buses will serve the coastal villages"),
]
_MONTHS = ["March", "April", "May", "June", "September", "October"]


def generated_articles(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """``n`` invented JSONL article records with quotes and dates (some near-copies)."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        if i % 11 == 5:  # page chrome only: cleaning skips it, so it is never stored
            out.append({"id": f"junk-{i}", "text": f"Advertisement\n\nSubscribe ({i})"})
            continue
        if out and rng.random() < 0.1:  # a near-copy, as syndication produces
            base = dict(rng.choice([r for r in out if "title" in r]))
            base["id"] = f"gen-{i}"
            base["text"] = base["text"] + f"\n\nThis report was updated (note {i})."
            out.append(base)
            continue
        topic, fact = rng.choice(_TOPICS)
        who, role, place = rng.choice(_PEOPLE), rng.choice(_ROLES), rng.choice(_PLACES)
        num, month = rng.randint(2, 40), rng.choice(_MONTHS)
        day = rng.randint(1, 28)
        fact = fact.format(n=num, month=month)
        text = (
            f"{place} officials said on Tuesday that {fact}.\n\n"
            f'"We have waited long enough for this," said {who}, {role}. '
            f"The plan was first discussed on {month} {day}, 2024, and a vote is due "
            f"next week.\n\n"
            f"Residents of {place} have asked for changes to the {topic} plan since 20{10 + i % 14}, "
            f"{who} told reporters, adding that {num} families had written to the council.\n\n"
            f"A final decision is expected by the end of {month} (item {i})."
        )
        out.append({
            "id": f"gen-{i}",
            "title": f"{place}: {topic} plan moves ahead ({i})",
            "text": text,
            "published": f"2025-{(i % 6) + 3:02d}-{(i % 27) + 1:02d}T0{i % 9}:15:00Z",
            "publisher": rng.choice(["Harbour Gazette", "Coastal Chronicle", "Northline Post"]),
        })  # fmt: skip
    return out


def build_corpus(folder: Path, n_generated: int) -> Path:
    """The demo corpus plus ``n_generated`` JSONL articles, in ``folder``."""
    shutil.copytree(CORPUS_DIR, folder / "demo")
    with (folder / "generated.jsonl").open("w", encoding="utf-8") as f:
        for rec in generated_articles(n_generated):
            f.write(json.dumps(rec) + "\n")
    return folder


def ingest_cmd(corpus: Path, db: Path, batch_size: int) -> list[str]:
    return [
        sys.executable, "-m", "newsdesk", "ingest", str(corpus), "--db", str(db),
        "--crawled-at", crawled_at().isoformat(), "--batch-size", str(batch_size),
    ]  # fmt: skip


def env() -> dict[str, str]:
    # A different hash seed in every process: results must not follow set/dict hash order.
    return {
        **os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", "PYTHONHASHSEED": "random",
    }  # fmt: skip


def run_ingest(corpus: Path, db: Path, batch_size: int) -> None:
    proc = subprocess.run(
        ingest_cmd(corpus, db, batch_size), capture_output=True, text=True, env=env(), timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def snapshot(db: Path) -> dict[str, list[dict[str, Any]]]:
    """Every export record kind, as ``newsdesk export`` writes them."""
    from newsdesk.store.records import iter_records

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {kind: list(iter_records(conn, kind)) for kind in KINDS}
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    text = "; ".join(str(r[0]) for r in result)
    return text if not fk else f"{text}; foreign key violations: {fk[:3]}"


def diff(
    a: dict[str, list[dict[str, Any]]],
    b: dict[str, list[dict[str, Any]]],
    kinds: tuple[str, ...] = KINDS,
) -> list[str]:
    """Human-readable differences between two snapshots (empty when equal)."""
    out = []
    for kind in kinds:
        ra, rb = a[kind], b[kind]
        if ra == rb:
            continue
        ka = {json.dumps(r, sort_keys=True) for r in ra}
        kb = {json.dumps(r, sort_keys=True) for r in rb}
        out.append(
            f"{kind}: {len(ra)} vs {len(rb)} records, {len(ka - kb)} only in the first, "
            f"{len(kb - ka)} only in the second"
            + (" (same records, other order)" if ka == kb else "")
            + (f"; e.g. {sorted(ka - kb)[0][:300]}" if ka - kb else "")
        )
    return out


def without(snap: dict[str, list[dict[str, Any]]], kind: str, *fields: str) -> dict[str, Any]:
    """A copy of ``snap`` whose ``kind`` records lack ``fields``."""
    out = dict(snap)
    out[kind] = [{k: v for k, v in r.items() if k not in fields} for r in snap[kind]]
    return out
