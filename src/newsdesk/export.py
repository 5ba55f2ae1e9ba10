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
            return _write_parquet(records, output or "", what)
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


def _write_parquet(records: Iterator[dict[str, Any]], output: str, what: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{k: _flat(v) if k == "similarity" else v for k, v in r.items()} for r in records]
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    pq.write_table(table, output)
    return len(rows)
