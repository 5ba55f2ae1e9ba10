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

MAX_POSTINGS = 32  # docs looked at per key (the oldest): more is a stock phrase or a
# widely syndicated story, whose oldest copies are enough
MAX_CANDIDATES = 8  # candidates returned per article, most shared keys first
MIN_SHARED_KEYS = 0.15  # share of the smaller key set a candidate must share
_RECENT_MAX = 16_384  # keys of single additions kept in a dict before a merge
_SMALL_MAX = 1 << 18  # keys in the small sorted level before it joins the main one
_EMPTY = np.zeros(0, dtype=np.int64)
_NO_DOCS = np.zeros(0, dtype=np.int32)  # doc numbers are kept as int32 to save memory


def _merge_sorted(
    keys: np.ndarray, docs: np.ndarray, more_keys: np.ndarray, more_docs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge two key-sorted runs in linear time; equal keys keep older entries first."""
    if not len(keys):
        return more_keys, more_docs
    if not len(more_keys):
        return keys, docs
    n = len(keys) + len(more_keys)
    pos = np.searchsorted(keys, more_keys, "right") + np.arange(len(more_keys))
    old = np.ones(n, dtype=bool)
    old[pos] = False
    k = np.empty(n, dtype=keys.dtype)
    d = np.empty(n, dtype=docs.dtype)
    k[pos], d[pos] = more_keys, more_docs
    k[old], d[old] = keys, docs
    return k, d


class KeyIndex:
    """Inverted index: sampled shingle key -> docs, plus exact hash -> first doc.

    Three levels, like a log-structured merge tree: a big sorted pair of arrays, a small
    sorted pair that batches are merged into, and a dict for single additions. Every doc
    of a level is older (a smaller doc number) than every doc of the next one, and docs
    are ascending within a key, so "the oldest ``MAX_POSTINGS`` docs of a key" is taken
    across the levels in that order: candidates depend only on the indexed docs, never
    on how they were split into levels (a restarted process bulk-loads them by ``sync``
    into other levels than the ones a long-running process added them to one by one).
    """

    def __init__(self) -> None:
        self.keys, self.docs = _EMPTY, _NO_DOCS  # main level, sorted by key
        self.small_keys, self.small_docs = _EMPTY, _NO_DOCS
        self.recent: dict[int, list[int]] = {}
        self.recent_n = 0
        self.exact: dict[int, int] = {}
        self.nkeys = np.zeros(1024, dtype=np.int32)  # keys per doc
        self.max_doc = 0

    def sync(self, conn: sqlite3.Connection) -> int:
        """Catch up with rows written by others (or reset after a rollback); return max doc."""
        db_max = conn.execute("SELECT coalesce(max(doc), 0) FROM dedup_docs").fetchone()[0]
        if db_max < self.max_doc:  # our additions were rolled back: start over
            self.__init__()
        if db_max > self.max_doc:
            rows = conn.execute(
                "SELECT doc, exact, keys FROM dedup_docs WHERE doc > ? ORDER BY doc",
                (self.max_doc,),
            ).fetchall()
            self.add_many(
                [r[0] for r in rows],
                [r[1] for r in rows],
                [np.frombuffer(r[2], dtype="<i8") for r in rows],
            )
        return db_max

    def _grow(self, doc: int) -> None:
        if doc >= len(self.nkeys):
            grown = np.zeros(max(doc + 1, 2 * len(self.nkeys)), dtype=np.int32)
            grown[: len(self.nkeys)] = self.nkeys
            self.nkeys = grown
        self.max_doc = max(self.max_doc, doc)

    def add(self, doc: int, exact: int, keys: np.ndarray) -> None:
        """Index one new doc (kept in the recent dict until the next merge)."""
        recent = self.recent
        for k in keys.tolist():
            lst = recent.get(k)
            if lst is None:
                recent[k] = [doc]
            else:
                lst.append(doc)
        self.recent_n += len(keys)
        self.exact.setdefault(exact, doc)
        self._grow(doc)
        self.nkeys[doc] = len(keys)
        if self.recent_n >= _RECENT_MAX:
            self._flush_recent()

    def add_many(self, docs: list[int], exacts: list[int], keys: list[np.ndarray]) -> None:
        """Index new docs (ascending) in one merge."""
        if not docs:
            return
        # the levels must stay ordered by age (main < small < recent) for the posting cap
        self._flush_recent()
        for doc, exact in zip(docs, exacts, strict=True):
            self.exact.setdefault(exact, doc)
        self._grow(docs[-1])
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        self.nkeys[np.array(docs)] = lengths
        all_keys = np.concatenate(keys) if keys else _EMPTY
        all_docs = np.repeat(np.array(docs, dtype=np.int32), lengths)
        order = np.argsort(all_keys, kind="stable")
        self._merge_small(all_keys[order], all_docs[order])

    def _flush_recent(self) -> None:
        if not self.recent:
            return
        k = np.fromiter(
            (k for k, ds in self.recent.items() for _ in ds), dtype=np.int64, count=self.recent_n
        )
        d = np.fromiter(
            (d for ds in self.recent.values() for d in ds), dtype=np.int32, count=self.recent_n
        )
        self.recent, self.recent_n = {}, 0
        order = np.lexsort((d, k))
        self._merge_small(k[order], d[order])

    def _merge_small(self, keys: np.ndarray, docs: np.ndarray) -> None:
        self.small_keys, self.small_docs = _merge_sorted(
            self.small_keys, self.small_docs, keys, docs
        )
        if len(self.small_keys) >= _SMALL_MAX:
            self.keys, self.docs = _merge_sorted(
                self.keys, self.docs, self.small_keys, self.small_docs
            )
            self.small_keys, self.small_docs = _EMPTY, _NO_DOCS

    def candidates(self, keys: list[np.ndarray], first_doc: int) -> list[list[int]]:
        """For each key set, the indexed docs sharing enough keys with it, best first.

        The ``i``-th key set belongs to the not yet indexed doc ``first_doc + i``; it is
        also compared with the key sets before it in the list (a batch in write order).
        """
        n = len(keys)
        if not n:
            return []
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        q = np.concatenate(keys) if lengths.sum() else _EMPTY
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
        # sorted queries: binary searches then walk the index in order (cache friendly)
        order = np.lexsort((owner, q))
        q, owner = q[order], owner[order]
        # postings of the oldest MAX_POSTINGS docs per key, over all levels (oldest level
        # first) and then the earlier members of the batch: a stock phrase then adds little
        # noise, while a story syndicated to hundreds of sites is still found through its
        # oldest copies (its original among them)
        left = np.full(len(q), MAX_POSTINGS, dtype=np.int64)  # postings still to take
        found_owner, found_doc = [], []
        for lk, docs in ((self.keys, self.docs), (self.small_keys, self.small_docs)):
            if not len(lk):
                continue
            lo = np.searchsorted(lk, q, "left")
            hit = np.flatnonzero((lk[np.minimum(lo, len(lk) - 1)] == q) & (left > 0))
            if not len(hit):
                continue
            lo = lo[hit]
            cnt = np.minimum(np.searchsorted(lk, q[hit], "right") - lo, left[hit])
            left[hit] -= cnt
            m = int(cnt.sum())
            ends = np.cumsum(cnt)
            pos = np.repeat(lo - (ends - cnt), cnt) + np.arange(m)
            found_doc.append(docs[pos].astype(np.int64))
            found_owner.append(np.repeat(owner[hit], cnt))
        if self.recent:
            get = self.recent.get
            pairs = []
            open_ = np.flatnonzero(left > 0)
            for i, o, k in zip(
                open_.tolist(), owner[open_].tolist(), q[open_].tolist(), strict=True
            ):
                ds = get(k)
                if ds:
                    taken = ds[: left[i]]
                    pairs += [(o, d) for d in taken]
                    left[i] -= len(taken)
            if pairs:
                arr = np.array(pairs, dtype=np.int64)
                found_owner.append(arr[:, 0])
                found_doc.append(arr[:, 1])
        # earlier members of the same batch: runs of equal keys (owners ascending), newer
        # than every indexed doc, so they fill what the cap leaves
        if n > 1 and len(q):
            cut = np.flatnonzero(q[1:] != q[:-1]) + 1
            starts = np.concatenate([[0], cut])
            sizes = np.diff(np.append(starts, len(q)))
            multi = np.flatnonzero(sizes > 1)
            if len(multi):
                owners = owner.tolist()
                room = left.tolist()
                pairs = []
                for lo, size in zip(starts[multi].tolist(), sizes[multi].tolist(), strict=True):
                    members = owners[lo : lo + size]
                    pairs += [
                        (members[j], first_doc + members[i])
                        for j in range(1, size)
                        for i in range(min(j, room[lo + j]))
                    ]
                if pairs:
                    arr = np.array(pairs, dtype=np.int64)
                    found_owner.append(arr[:, 0])
                    found_doc.append(arr[:, 1])
        out: list[list[int]] = [[] for _ in range(n)]
        if not found_doc:
            return out
        fo, fd = np.concatenate(found_owner), np.concatenate(found_doc)
        comp = np.sort((fo << 40) | fd)
        first = np.concatenate([[0], np.flatnonzero(comp[1:] != comp[:-1]) + 1])
        uniq, counts = comp[first], np.diff(np.append(first, len(comp)))
        uo, ud = uniq >> 40, uniq & ((1 << 40) - 1)
        nk = np.zeros(len(ud), dtype=np.int64)
        indexed = ud < len(self.nkeys)
        nk[indexed] = self.nkeys[ud[indexed]]
        batch = ud >= first_doc
        nk[batch] = lengths[np.minimum(ud[batch] - first_doc, n - 1)]
        need = MIN_SHARED_KEYS * np.minimum(lengths[uo], nk)
        good = np.flatnonzero(counts >= need)
        ranked = sorted(
            zip(uo[good].tolist(), (-counts[good]).tolist(), ud[good].tolist(), strict=True)
        )
        for o, _, d in ranked:
            if len(out[o]) < MAX_CANDIDATES:
                out[o].append(d)
        return out
