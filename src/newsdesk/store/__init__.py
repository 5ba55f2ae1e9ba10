"""The embedded SQLite store: schema migrations, writing ingest results, reading records."""

from newsdesk.store.db import StoreError, connect, in_chunks

__all__ = ["StoreError", "connect", "in_chunks"]
