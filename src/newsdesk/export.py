"""``newsdesk export``: records out of the database as JSON Lines, CSV or Parquet."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsdesk.store import connect
from newsdesk.store.records import iter_records


class ExportError(Exception):
    """The export cannot be written where asked."""


@contextmanager
def _open_out(output: str | None) -> Iterator[IO[str]]:
    if output is None:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8", newline="") as fh:
        yield fh


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def export_records(db: str | Path, what: str, fmt: str, output: str | None) -> int:
    """Write every ``what`` record of the database; return how many."""
    conn = connect(db)
    try:
        records = iter_records(conn, what)
        if fmt == "parquet":
            dates: dict[str, str] = {}
            if what in ("quotes", "timexes", "events"):
                dates = {
                    r[0]: r[1] for r in conn.execute("SELECT id, published FROM articles") if r[1]
                }
            return _write_parquet(records, output or "", dates)
        count = 0
        with _open_out(output) as out:
            if fmt == "jsonl":
                for rec in records:
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    count += 1
            else:
                writer: csv.DictWriter[str] | None = None
                for rec in records:
                    if writer is None:
                        writer = csv.DictWriter(out, fieldnames=list(rec), extrasaction="ignore")
                        writer.writeheader()
                    writer.writerow({k: _flat(v) for k, v in rec.items()})
                    count += 1
        return count
    finally:
        conn.close()


def _write_parquet(records: Iterator[dict[str, Any]], output: str, dates: dict[str, str]) -> int:
    """A Parquet dataset under ``output``, partitioned by publication date (``date=...``).

    Records are written in chunks so memory stays bounded; lists and maps become JSON
    strings so every chunk has the same schema.
    """
    import shutil

    import pyarrow as pa
    import pyarrow.dataset as ds

    out = Path(output)
    if out.exists():
        if not out.is_dir() or any(not p.name.startswith("date=") for p in out.iterdir()):
            raise ExportError(f"{output}: exists and is not a newsdesk Parquet export")
        shutil.rmtree(out)
    count = 0
    chunk: list[dict[str, Any]] = []

    def flush(part: int) -> None:
        table = pa.Table.from_pylist(chunk)
        ds.write_dataset(
            table, out, format="parquet", partitioning=["date"], partitioning_flavor="hive",
            existing_data_behavior="overwrite_or_ignore",
            basename_template=f"part-{part:05d}-{{i}}.parquet",
        )  # fmt: skip

    part = 0
    for rec in records:
        row = {k: _flat(v) for k, v in rec.items()}
        row["date"] = _date_key(rec, dates)
        chunk.append(row)
        count += 1
        if len(chunk) >= 10_000:
            flush(part)
            part += 1
            chunk = []
    if chunk:
        flush(part)
    out.mkdir(parents=True, exist_ok=True)
    return count


def _date_key(rec: dict[str, Any], dates: dict[str, str]) -> str:
    """The partition a record falls in: its (article's) publication day, or ``unknown``."""
    for key in ("published", "first_published", "article_id"):
        value = rec.get(key)
        if key == "article_id":
            value = dates.get(value or "")
        if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
            return value[:10]
    return "unknown"
