"""Opening the SQLite database: WAL, foreign keys, and every migration applied."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from newsdesk.store import migrations


class StoreError(Exception):
    """The database cannot be opened or is not a newsdesk database."""


def _load_stage_schemas() -> None:
    # Importing a stage registers its migrations; import here so that opening a
    # database always brings every namespace up to date, whoever opens it.
    from newsdesk.store import schema  # noqa: F401

    for module in ("newsdesk.dedup.index", "newsdesk.stories.schema"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:  # stage not built yet
            if exc.name != module:
                raise


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) a newsdesk database and migrate it."""
    path = Path(path)
    if readonly:
        if not path.exists():
            raise StoreError(f"{path}: no such database")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        if path.parent and not path.parent.exists():
            raise StoreError(f"{path}: folder {path.parent} does not exist")
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            _load_stage_schemas()
            migrations.migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not a usable newsdesk database ({exc})") from exc
    return conn


T = TypeVar("T")
IN_CHUNK = 500  # values per ``IN (...)`` list, well under SQLite's bound-parameter limit


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[tuple[list[T], str]]:
    """``values`` in slices for ``IN (...)`` queries, each with its ``?,?,...`` marks."""
    for i in range(0, len(values), size):
        chunk = list(values[i : i + size])
        yield chunk, ",".join("?" * len(chunk))
