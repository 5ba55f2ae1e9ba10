"""Assigning each new article to a duplicate group, and each group its original.

A pair is a duplicate when, over the word shingles of the two bodies (see
:mod:`newsdesk.dedup.shingles`), either

* the normalised texts are equal, or
* the containment (shared shingles / shingles of the smaller text) is at least
  ``STRONG_CONTAINMENT``, or
* the containment is at least ``MIN_CONTAINMENT`` and each lede (first long prose
  line) is found at least ``MIN_LEDE`` in the other text, or
* the containment is at least ``LEDE_CONTAINMENT`` and one lede is found at least
  ``ONE_LEDE`` in the other (a rewrite that moved a paragraph above the lede).

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

STRONG_CONTAINMENT = 0.75
MIN_CONTAINMENT = 0.45
MIN_LEDE = 0.3
LEDE_CONTAINMENT = 0.6
ONE_LEDE = 0.4
MIN_SHINGLES = 20  # shorter texts are only matched exactly
MIN_EXACT_TOKENS = 10  # an empty or near-empty body says nothing
MAX_CANDIDATES = 8  # verified per article, most shared keys first
MIN_SHARED_KEYS = 0.15  # share of the smaller key set a candidate must share

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
        return self.containment >= MIN_CONTAINMENT and self.lede_min >= MIN_LEDE


def compare(
    a_shingles: np.ndarray, a_lede: np.ndarray, b_shingles: np.ndarray, b_lede: np.ndarray
) -> Match:
    """Containment and lede overlap of two fingerprints (sorted unique uint32 arrays)."""
    small = min(len(a_shingles), len(b_shingles))
    if not small:
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


def _row(r: Iterable) -> dict:
    names = [c.strip() for c in _COLS.split(",")]
    d = dict(zip(names, r, strict=True))
    d["shingles"] = np.frombuffer(d["shingles"], dtype="<u4")
    d["lede"] = np.frombuffer(d["lede"], dtype="<u4")
    return d


class Deduper:
    """Finds the duplicate group of each new article; state lives in ``dedup_*`` tables.

    ``assign`` must be called before the article's own row is written, in write order;
    it returns ``(article_id, duplicate_of)`` updates: first the new article, then any
    older article whose ``duplicate_of`` changes because the new one is a better original
    (or because it joins two groups).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.index = KeyIndex()
        self.stats = {"exact": 0, "near": 0, "repointed": 0}

    def assign(self, article: Article) -> list[tuple[str, str | None]]:
        """Put ``article`` in its duplicate group; return the ``duplicate_of`` updates."""
        self.index.sync(self.conn)
        return self._assign(article, fingerprint(article.text))

    def assign_batch(self, articles: Iterable[Article]) -> list[tuple[str, str | None]]:
        """``assign`` each article in order; all updates, in order (later ones win)."""
        articles = list(articles)
        updates: list[tuple[str, str | None]] = []
        self.index.sync(self.conn)
        fps = fingerprint_many([a.text for a in articles])
        for article, fp in zip(articles, fps, strict=True):
            updates += self._assign(article, fp)
        return updates

    # -- internals ---------------------------------------------------------------

    def _fetch(self, docs: Iterable[int]) -> dict[int, dict]:
        docs = list(docs)
        if not docs:
            return {}
        marks = ",".join("?" * len(docs))
        cur = self.conn.execute(f"SELECT {_COLS} FROM dedup_docs WHERE doc IN ({marks})", docs)
        return {r[0]: _row(r) for r in cur}

    def _candidates(self, fp: Fingerprint) -> list[int]:
        if len(fp.shingles) < MIN_SHINGLES:
            return []
        shared = self.index.lookup(fp.keys)
        nkeys, mine = self.index.nkeys, len(fp.keys)
        ok = [
            (-n, d)
            for d, n in shared.items()
            if n >= MIN_SHARED_KEYS * min(mine, nkeys.get(d, mine))
        ]
        ok.sort()
        return [d for _, d in ok[:MAX_CANDIDATES]]

    def _assign(self, article: Article, fp: Fingerprint) -> list[tuple[str, str | None]]:
        conn = self.conn
        seen = conn.execute(
            "SELECT original FROM dedup_docs WHERE article_id = ?", (article.id,)
        ).fetchone()
        if seen is not None:  # already assigned (re-ingest): report the current state
            orig = seen[0]
            if orig is None:
                return [(article.id, None)]
            row = conn.execute("SELECT article_id FROM dedup_docs WHERE doc = ?", (orig,))
            return [(article.id, row.fetchone()[0])]

        me = {
            "doc": self.index.max_doc + 1,
            "article_id": article.id,
            "published": published_key(article.published, article.published_precision),
            "has_url": int(bool(article.url)),
            "aggregator": int(bool(article.aggregator)),
            "agency_own": int(agency_own(article.publisher, article.agencies)),
            "length": fp.tokens,
        }
        # Which existing docs is this a duplicate of, and how close?
        scores: dict[int, float] = {}
        exact_doc = self.index.exact.get(fp.exact) if fp.tokens >= MIN_EXACT_TOKENS else None
        if exact_doc is not None:
            scores[exact_doc] = 1.0
            self.stats["exact"] += 1
        rows = self._fetch(set(self._candidates(fp)) - scores.keys())
        for doc, row in rows.items():
            m = compare(fp.shingles, fp.lede, row["shingles"], row["lede"])
            if m.duplicate:
                scores[doc] = m.containment
        if exact_doc is not None:
            rows.update(self._fetch([exact_doc]))

        updates: list[tuple[str, str | None]] = []
        original: int | None = None
        score: float | None = None
        if scores:
            if exact_doc is None:
                self.stats["near"] += 1
            roots = {rows[d]["original"] or d for d in scores}
            root_rows = self._fetch(roots - rows.keys())
            root_rows.update({d: rows[d] for d in roots if d in rows})
            best = min([me, *root_rows.values()], key=rank)
            score = max(scores.values())
            best_doc = best["doc"]
            if best_doc != me["doc"]:
                original = best_doc
                updates.append((article.id, best["article_id"]))
            else:
                updates.append((article.id, None))
            for r in sorted(roots - {best_doc}):
                updates += self._repoint(r, best_doc, best["article_id"])
        else:
            updates.append((article.id, None))

        conn.execute(
            f"INSERT INTO dedup_docs ({_COLS}, score, keys) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                me["doc"],
                article.id,
                fp.exact,
                original,
                me["published"],
                me["has_url"],
                me["aggregator"],
                me["agency_own"],
                me["length"],
                len(fp.shingles),
                fp.shingles.astype("<u4").tobytes(),
                fp.lede.astype("<u4").tobytes(),
                score,
                fp.keys.astype("<i8").tobytes(),
            ),
        )
        keys = fp.keys if len(fp.shingles) >= MIN_SHINGLES else fp.keys[:0]
        self.index.add(me["doc"], fp.exact, keys)
        return updates

    def _repoint(self, root: int, new_doc: int, new_id: str) -> list[tuple[str, str | None]]:
        """Move the group of ``root`` (root included) under ``new_doc``."""
        conn = self.conn
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT article_id FROM dedup_docs WHERE doc = ? OR original = ? ORDER BY doc",
                (root, root),
            )
        ]
        conn.execute(
            "UPDATE dedup_docs SET original = ? WHERE doc = ? OR original = ?",
            (new_doc, root, root),
        )
        self.stats["repointed"] += len(ids)
        return [(i, new_id) for i in ids]
