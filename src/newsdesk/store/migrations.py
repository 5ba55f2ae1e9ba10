"""Versioned schema migrations, one ordered list per stage namespace.

Each stage that keeps state in the database (``core``, ``dedup``, ``stories`` ...)
registers an append-only list of SQL scripts under its own namespace. ``migrate``
applies, in one transaction per script, every script newer than the version
recorded in ``schema_migrations`` for that namespace. Never edit a released script:
append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

_REGISTRY: dict[str, list[str]] = {}
# The order namespaces are migrated in (later ones may reference earlier tables).
_ORDER: list[str] = []


def register(namespace: str, scripts: Sequence[str]) -> None:
    """Declare the migration scripts of one namespace (idempotent per namespace)."""
    if namespace not in _REGISTRY:
        _ORDER.append(namespace)
    _REGISTRY[namespace] = list(scripts)


def migrate(conn: sqlite3.Connection) -> dict[str, int]:
    """Bring every registered namespace up to date; return the versions now in force."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " namespace TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )
    versions: dict[str, int] = {}
    for ns in _ORDER:
        row = conn.execute(
            "SELECT version FROM schema_migrations WHERE namespace = ?", (ns,)
        ).fetchone()
        current = row[0] if row else 0
        scripts = _REGISTRY[ns]
        for number in range(current, len(scripts)):
            # executescript commits first; wrap each script explicitly so it is atomic.
            conn.executescript(
                "BEGIN;\n" + scripts[number] + "\n"
                f"INSERT INTO schema_migrations(namespace, version) VALUES ('{ns}', {number + 1})"
                f" ON CONFLICT(namespace) DO UPDATE SET version = excluded.version;\nCOMMIT;"
            )
        versions[ns] = len(scripts)
    return versions
