"""Assigning each new article to a duplicate group, and each group its original.

A pair is a duplicate when, over the word shingles of the two bodies (see
:mod:`newsdesk.dedup.shingles`), either

* the normalised texts are equal, or
* the containment (shared shingles / shingles of the smaller text) is at least
  ``STRONG_CONTAINMENT``, or
* the containment is at least ``MIN_CONTAINMENT`` and each lede (first long prose
  line) is found at least ``MIN_LEDE`` in the other text, or
* the containment is at least ``LEDE_CONTAINMENT`` and one lede is found at least
  ``ONE_LEDE`` in the other (a rewrite that moved a paragraph above the lede), or
* the containment is at least ``SAME_OPENING_CONTAINMENT`` and each lede is found at
  least ``SAME_OPENING`` in the other (a short story padded with local paragraphs).

Containment rather than Jaccard keeps trimmed copies and excerpts; the lede test tells
an outlet's rewrite of a wire story (paragraphs dropped, local paragraphs added, the
lede kept) from a follow-up that reuses background paragraphs or another outlet's own
report of the same event, which share paragraphs but not the opening.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from newsdesk.dedup import index as _index  # noqa: F401  (registers the migrations)
from newsdesk.dedup.index import KeyIndex
from newsdesk.dedup.original import agency_own, published_key, rank
from newsdesk.dedup.shingles import Fingerprint, fingerprint, fingerprint_many, overlap
from newsdesk.model import Article
from newsdesk.store.db import in_chunks

STRONG_CONTAINMENT = 0.75
MIN_CONTAINMENT = 0.45
MIN_LEDE = 0.3
LEDE_CONTAINMENT = 0.6
ONE_LEDE = 0.4
SAME_OPENING_CONTAINMENT = 0.3
SAME_OPENING = 0.8
MIN_SHINGLES = 20  # shorter texts are only matched exactly
MIN_EXACT_TOKENS = 10  # an empty or near-empty body says nothing

_COLS = (
    "doc, article_id, exact, original, published, has_url, aggregator, agency_own, length,"
    " n_shingles, shingles, lede"
)


@dataclass
class Match:
    """The similarity of two texts."""

    containment: float
    lede_min: float  # the smaller of the two lede containments
    lede_max: float = 0.0  # the larger one
    exact: bool = False

    @property
    def duplicate(self) -> bool:
        if self.exact or self.containment >= STRONG_CONTAINMENT:
            return True
        if self.containment >= LEDE_CONTAINMENT and self.lede_max >= ONE_LEDE:
            return True
        if self.containment >= SAME_OPENING_CONTAINMENT and self.lede_min >= SAME_OPENING:
            return True
        return self.containment >= MIN_CONTAINMENT and self.lede_min >= MIN_LEDE


def compare(
    a_shingles: np.ndarray, a_lede: np.ndarray, b_shingles: np.ndarray, b_lede: np.ndarray
) -> Match:
    """Containment and lede overlap of two fingerprints (sorted unique uint32 arrays)."""
    small = min(len(a_shingles), len(b_shingles))
    if small < MIN_SHINGLES:  # too short to judge by overlap (exact matches still count)
        return Match(0.0, 0.0)
    containment = overlap(a_shingles, b_shingles) / small
    la = overlap(a_lede, b_shingles) / len(a_lede) if len(a_lede) else 0.0
    lb = overlap(b_lede, a_shingles) / len(b_lede) if len(b_lede) else 0.0
    return Match(containment, min(la, lb), max(la, lb))


def similarity(a: str, b: str) -> Match:
    """Compare two texts directly (for tests and tools; the Deduper uses its index)."""
    fa, fb = fingerprint(a), fingerprint(b)
    m = compare(fa.shingles, fa.lede, fb.shingles, fb.lede)
    m.exact = fa.exact == fb.exact and min(fa.tokens, fb.tokens) >= MIN_EXACT_TOKENS
    return m


_NAMES = [c.strip() for c in _COLS.split(",")]


def _row(r: Iterable) -> dict:
    d = dict(zip(_NAMES, r, strict=True))
    d["shingles"] = np.frombuffer(d["shingles"], dtype="<u4")
    d["lede"] = np.frombuffer(d["lede"], dtype="<u4")
    return d


class Deduper:
    """Finds the duplicate group of each new article; state lives in ``dedup_*`` tables.

    ``assign`` must be called before the article's own row is written, in write order;
    it returns ``(article_id, duplicate_of)`` updates: first the new article, then any
    older article whose ``duplicate_of`` changes because the new one is a better original
    (or because it joins two groups). ``assign_batch`` does the same for many articles
    at once (much faster); its updates are in order, so a later one wins.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.index = KeyIndex()
        self.pending: dict[int, dict] = {}  # rows of the batch being assigned, by doc
        self.pending_exact: dict[int, int] = {}  # their exact hashes
        self.cached: dict[int, dict] = {}  # stored rows fetched for the current batch
        self.stats = {"exact": 0, "near": 0, "repointed": 0}

    def assign(self, article: Article) -> list[tuple[str, str | None]]:
        """Put ``article`` in its duplicate group; return the ``duplicate_of`` updates."""
        return self._run([article], fingerprint_many([article.text]), single=True)[0]

    def assign_batch(self, articles: Iterable[Article]) -> list[tuple[str, str | None]]:
        """``assign`` each article in order; all updates, in order (later ones win)."""
        return [u for group in self.assign_batch_grouped(articles) for u in group]

    def assign_batch_grouped(
        self, articles: Iterable[Article]
    ) -> list[list[tuple[str, str | None]]]:
        """``assign_batch``, with the updates split per article: the ``i``-th list is
        exactly what ``assign(articles[i])`` would have returned at that point."""
        articles = list(articles)
        return self._run(articles, fingerprint_many([a.text for a in articles]), single=False)

    # -- internals ---------------------------------------------------------------

    def _run(
        self, articles: list[Article], fps: list[Fingerprint], single: bool
    ) -> list[list[tuple[str, str | None]]]:
        conn = self.conn
        first_doc = self.index.sync(conn) + 1
        known = self._known([a.id for a in articles])
        keys = [fp.keys if len(fp.shingles) >= MIN_SHINGLES else fp.keys[:0] for fp in fps]
        candidates = self.index.candidates(keys, first_doc)
        updates: list[list[tuple[str, str | None]]] = []  # per article
        self.pending, self.pending_exact = {}, {}
        # one query for the stored rows the whole batch will compare with
        self.cached = {}
        self.cached = self._fetch(sorted({d for c in candidates for d in c if d < first_doc}))
        added: list[int] = []
        for i, (article, fp) in enumerate(zip(articles, fps, strict=True)):
            if article.id in known:  # already assigned (re-ingest): report the current state
                updates.append([(article.id, self._original_id(known[article.id]))])
                continue
            doc = first_doc + i
            known[article.id] = doc
            updates.append(self._assign(doc, article, fp, candidates[i]))
            added.append(doc)
        rows = [self.pending[d] for d in added]
        conn.executemany(
            f"INSERT INTO dedup_docs ({_COLS}, score, keys) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r["doc"],
                    r["article_id"],
                    r["exact"],
                    r["original"],
                    r["published"],
                    r["has_url"],
                    r["aggregator"],
                    r["agency_own"],
                    r["length"],
                    len(r["shingles"]),
                    r["shingles"].astype("<u4").tobytes(),
                    r["lede"].astype("<u4").tobytes(),
                    r["score"],
                    r["keys"].astype("<i8").tobytes(),
                )
                for r in rows
            ],
        )
        self.pending, self.pending_exact, self.cached = {}, {}, {}
        if single:
            for r in rows:
                self.index.add(r["doc"], r["exact"], r["keys"])
        else:
            self.index.add_many(
                [r["doc"] for r in rows], [r["exact"] for r in rows], [r["keys"] for r in rows]
            )
        return updates

    def _known(self, ids: list[str]) -> dict[str, int]:
        """Article id -> doc for the ids already assigned."""
        out: dict[str, int] = {}
        for part, marks in in_chunks(ids):
            out.update(
                self.conn.execute(
                    f"SELECT article_id, doc FROM dedup_docs WHERE article_id IN ({marks})", part
                ).fetchall()
            )
        return out

    def _original_id(self, doc: int) -> str | None:
        row = self._fetch([doc]).get(doc)
        if row is None or row["original"] is None:
            return None
        orig = self._fetch([row["original"]]).get(row["original"])
        return orig["article_id"] if orig else None

    def _fetch(self, docs: list[int]) -> dict[int, dict]:
        """Rows by doc: this batch's, those fetched for it, then from the table."""
        out: dict[int, dict] = {}
        rest = []
        for d in docs:
            row = self.pending.get(d) or self.cached.get(d)
            if row is None:
                rest.append(d)
            else:
                out[d] = row
        for part, marks in in_chunks(rest):
            cur = self.conn.execute(f"SELECT {_COLS} FROM dedup_docs WHERE doc IN ({marks})", part)
            out.update((r[0], _row(r)) for r in cur)
        return out

    def _assign(
        self, doc: int, article: Article, fp: Fingerprint, candidates: list[int]
    ) -> list[tuple[str, str | None]]:
        me = {
            "doc": doc,
            "article_id": article.id,
            "exact": fp.exact,
            "original": None,
            "score": None,
            "published": published_key(article.published, article.published_precision),
            "has_url": int(bool(article.url)),
            "aggregator": int(bool(article.aggregator)),
            "agency_own": int(agency_own(article.publisher, article.agencies)),
            "length": fp.tokens,
            "shingles": fp.shingles,
            "lede": fp.lede,
            "keys": fp.keys if len(fp.shingles) >= MIN_SHINGLES else fp.keys[:0],
        }
        # Which earlier docs is this a duplicate of, and how close?
        scores: dict[int, float] = {}
        exact_doc = None
        if fp.tokens >= MIN_EXACT_TOKENS:
            exact_doc = self.index.exact.get(fp.exact)
            if exact_doc is None:  # an exact copy earlier in this batch
                exact_doc = self.pending_exact.get(fp.exact)
        if exact_doc is not None:
            scores[exact_doc] = 1.0
            self.stats["exact"] += 1
        rows = self._fetch([d for d in candidates if d not in scores])
        for d, row in rows.items():
            m = compare(fp.shingles, fp.lede, row["shingles"], row["lede"])
            if m.duplicate:
                scores[d] = m.containment
        if exact_doc is not None:
            rows.update(self._fetch([exact_doc]))
        scores = {d: v for d, v in scores.items() if d in rows}  # e.g. a rolled-back doc

        updates: list[tuple[str, str | None]] = []
        if scores:
            if exact_doc is None:
                self.stats["near"] += 1
            roots = {rows[d]["original"] or d for d in scores}
            root_rows = self._fetch([r for r in roots if r not in rows])
            root_rows.update({d: rows[d] for d in roots if d in rows})
            best = min([me, *root_rows.values()], key=rank)
            me["score"] = max(scores.values())
            if best["doc"] != doc:
                me["original"] = best["doc"]
                updates.append((article.id, best["article_id"]))
            else:
                updates.append((article.id, None))
            for r in sorted(roots - {best["doc"]}):
                updates += self._repoint(r, best["doc"], best["article_id"])
        else:
            updates.append((article.id, None))
        self.pending[doc] = me
        self.pending_exact.setdefault(fp.exact, doc)
        return updates

    def _repoint(self, root: int, new_doc: int, new_id: str) -> list[tuple[str, str | None]]:
        """Move the group of ``root`` (root included) under ``new_doc``."""
        conn = self.conn
        moved = [
            (d, r[0])
            for d, r in (
                (row[0], row[1:])
                for row in conn.execute(
                    "SELECT doc, article_id FROM dedup_docs WHERE doc = ? OR original = ?",
                    (root, root),
                )
            )
        ]
        conn.execute(
            "UPDATE dedup_docs SET original = ? WHERE doc = ? OR original = ?",
            (new_doc, root, root),
        )
        for d, r in self.cached.items():  # keep the fetched copies in step
            if d == root or r["original"] == root:
                r["original"] = new_doc
        for d, r in self.pending.items():
            if d == root or r["original"] == root:
                r["original"] = new_doc
                moved.append((d, r["article_id"]))
        moved.sort()
        self.stats["repointed"] += len(moved)
        return [(aid, new_id) for _, aid in moved]
