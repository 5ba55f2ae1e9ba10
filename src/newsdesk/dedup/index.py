"""The dedup tables (namespace ``dedup``) and the in-memory key index built from them.

``dedup_docs`` holds one row per article: its fingerprint (shingle hashes as uint32,
the lede's shingles, the sampled index keys as int64, all little-endian blobs), the
group it belongs to and what choosing an original needs. The key index is persisted
as the ``keys`` blobs and rebuilt in memory (sorted numpy arrays plus a small dict of
recent additions) when a :class:`~newsdesk.dedup.Deduper` first needs it, so a later
ingest finds copies of older articles without reading their texts again; one row per
article instead of one per key keeps the write path cheap.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

import numpy as np

from newsdesk.store.migrations import register

DEDUP_V1 = """
CREATE TABLE dedup_docs (
    doc INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    exact INTEGER NOT NULL,          -- hash of the normalised text
    original INTEGER,                -- doc of the group's original; NULL for an original
    score REAL,                      -- containment with the match that put it in its group
    published TEXT NOT NULL DEFAULT '',  -- '' when unknown or approximate
    has_url INTEGER NOT NULL DEFAULT 0,
    aggregator INTEGER NOT NULL DEFAULT 0,
    agency_own INTEGER NOT NULL DEFAULT 0,   -- published by the agency that wrote it
    length INTEGER NOT NULL DEFAULT 0,       -- tokens in the body
    n_shingles INTEGER NOT NULL,
    shingles BLOB NOT NULL,          -- uint32, sorted
    lede BLOB NOT NULL,              -- uint32, sorted
    keys BLOB NOT NULL               -- int64, sorted
);
CREATE INDEX dedup_docs_exact ON dedup_docs(exact);
CREATE INDEX dedup_docs_original ON dedup_docs(original);
"""

register("dedup", [DEDUP_V1])

MAX_POSTINGS = 64  # a key shared by more articles is a stock phrase, not evidence
_MERGE_AT = 262_144  # recent keys kept in the dict before merging into the arrays


class KeyIndex:
    """Inverted index: sampled shingle key -> docs, plus exact hash -> first doc."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.docs = np.zeros(0, dtype=np.int64)
        self.recent: dict[int, list[int]] = {}
        self.recent_n = 0
        self.exact: dict[int, int] = {}
        self.nkeys: dict[int, int] = {}
        self.max_doc = 0

    def sync(self, conn: sqlite3.Connection) -> int:
        """Catch up with rows written by others (or reset after a rollback); return max doc."""
        db_max = conn.execute("SELECT coalesce(max(doc), 0) FROM dedup_docs").fetchone()[0]
        if db_max < self.max_doc:  # our additions were rolled back: start over
            self.__init__()
        if db_max > self.max_doc:
            self._load(conn, self.max_doc)
        return db_max

    def _load(self, conn: sqlite3.Connection, after: int) -> None:
        parts_k: list[np.ndarray] = []
        parts_d: list[np.ndarray] = []
        for doc, exact, blob in conn.execute(
            "SELECT doc, exact, keys FROM dedup_docs WHERE doc > ? ORDER BY doc",
            (after,),
        ):
            keys = np.frombuffer(blob, dtype="<i8")
            parts_k.append(keys)
            parts_d.append(np.full(len(keys), doc, dtype=np.int64))
            self.exact.setdefault(exact, doc)
            self.nkeys[doc] = len(keys)
            self.max_doc = doc
        if parts_k:
            self._merge(np.concatenate(parts_k), np.concatenate(parts_d))

    def _merge(self, keys: np.ndarray, docs: np.ndarray) -> None:
        if self.recent:
            rk = np.fromiter(
                (k for k, ds in self.recent.items() for _ in ds),
                dtype=np.int64,
                count=self.recent_n,
            )
            rd = np.fromiter(
                (d for ds in self.recent.values() for d in ds), dtype=np.int64, count=self.recent_n
            )
            keys, docs = np.concatenate([keys, rk]), np.concatenate([docs, rd])
            self.recent, self.recent_n = {}, 0
        keys = np.concatenate([self.keys, keys])
        docs = np.concatenate([self.docs, docs])
        order = np.lexsort((docs, keys))
        self.keys, self.docs = keys[order], docs[order]

    def add(self, doc: int, exact: int, keys: np.ndarray) -> None:
        """Index a new doc (kept in the recent dict until the next merge)."""
        recent = self.recent
        for k in keys.tolist():
            lst = recent.get(k)
            if lst is None:
                recent[k] = [doc]
            else:
                lst.append(doc)
        self.recent_n += len(keys)
        self.exact.setdefault(exact, doc)
        self.nkeys[doc] = len(keys)
        self.max_doc = max(self.max_doc, doc)
        if self.recent_n >= _MERGE_AT:
            self._merge(np.zeros(0, np.int64), np.zeros(0, np.int64))

    def lookup(self, keys: np.ndarray) -> Counter[int]:
        """Docs sharing keys with ``keys``, with the number of keys shared."""
        shared: Counter[int] = Counter()
        if not len(keys):
            return shared
        lo = np.searchsorted(self.keys, keys, "left")
        hi = np.searchsorted(self.keys, keys, "right")
        counts = hi - lo
        recent = self.recent
        extra = [recent.get(k) for k in keys.tolist()] if recent else [None] * len(keys)
        total = counts + np.array([len(e) if e else 0 for e in extra], dtype=np.int64)
        ok = (counts > 0) & (total <= MAX_POSTINGS)
        if ok.any():
            lo, counts = lo[ok], counts[ok]
            n = int(counts.sum())
            ends = np.cumsum(counts)
            pos = np.repeat(lo - (ends - counts), counts) + np.arange(n)
            shared.update(self.docs[pos].tolist())
        for e, t in zip(extra, total.tolist(), strict=True):
            if e and t <= MAX_POSTINGS:
                shared.update(e)
        return shared
