"""Read-only access to a newsdesk database for the web app.

Each worker thread keeps its own ``mode=ro`` connection (sqlite3 connections are
cheap to keep and expensive to warm up: the schema is parsed on first use). The
ingest may write at the same time: in WAL mode every statement sees the latest
committed state, so no caching of rows happens here.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from newsdesk.store.db import StoreError


class ReadOnlyDB:
    """A small per-thread pool of read-only connections to one database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise StoreError(f"{path}: no such database")
        # Percent-encode the path: '?' or '#' in a folder name would otherwise end the URI path.
        self.uri = f"file:{quote(str(self.path))}?mode=ro"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        # Fail early (as a StoreError) when the file is not a readable SQLite database.
        try:
            self.conn().execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable newsdesk database ({exc})") from exc

    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 5000")
            # Belt and braces: mode=ro already refuses writes; query_only also refuses
            # anything an attached database or a pragma could do.
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def tables(self) -> set[str]:
        """Names of the tables present (stage tables may not exist yet)."""
        rows = self.conn().execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {r[0] for r in rows}

    def close(self) -> None:
        """Close every connection this pool opened."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
