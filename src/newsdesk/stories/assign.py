"""Online story clustering: each article joins the best live story or starts a new one.

Each article becomes a hashed TF-IDF vector (see :mod:`newsdesk.stories.features`;
the idf is that of the corpus seen so far, kept in the database). A story keeps the
sum of its members' vectors (its centroid, truncated to the heaviest terms), so the
average cosine between an article and the story's members is one sparse dot product.
An inverted index from the centroids' top terms to the live stories gives the
candidates, so an article is compared with a handful of stories, never with all of
them. A story is live while the article's date is within ``DORMANT_DAYS`` of the
story's own dates. The article joins the best candidate when the average cosine
reaches ``JOIN_THRESHOLD``; otherwise it founds a story whose id is derived from its
own id, so ids never change as stories grow. A copy (``duplicate_of`` set by dedup)
joins its original's story without moving the centroid.

Online decisions are made early, before the idf knows which words are common and
before later articles link two halves of a story, so the join threshold is kept
above the pairwise same-story level and ``finalize`` repairs: an average-linkage
merge pass over the touched stories at ``MERGE_THRESHOLD`` (the kept story is the
older one; merges go to ``story_log`` and ``stories.merged_into``). Then it persists
the state and recomputes each touched story's row (see :mod:`newsdesk.stories.summary`).

Thresholds: on BASIL, ECB+ and the news-similarity pairs, the pairwise cosine that
best separates same-story from other pairs is about 0.15-0.2 on all three, which is
where ``MERGE_THRESHOLD`` sits; the join threshold is a notch more conservative.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import sqlite3
import struct
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np

from newsdesk.model import Article
from newsdesk.stories import features as F

DORMANT_DAYS = 7.0  # a story with no article for a week is over
JOIN_THRESHOLD = 0.25  # average cosine to a story's members needed to join it online
MERGE_THRESHOLD = 0.16  # average cosine between two stories (at finalize) to merge them
CENTROID_TERMS = 150  # terms kept in a centroid (state stays compact)
INDEX_TERMS = 20  # a story's heaviest terms are its inverted-index keys
QUERY_TERMS = 15  # an article's heaviest terms are used to look up candidates
MAX_CANDIDATES = 40  # stories scored per article, the best by shared index terms
MEMBER_TERMS = 200  # terms kept per live member (article-article similarities)
NEIGHBOURS = 10  # entries in an article's ``similarity`` map
NEIGHBOUR_STORIES = 10  # candidate stories whose live members are compared for it
KEEP_SIMILARITIES = 10_000  # similarity maps kept for ``similarities()``

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Embedder(Protocol):
    """Seam for optional sentence embeddings (``newsdesk[embeddings]``); unused by default.

    An implementation returns one L2-normalised vector per article; the assigner would
    blend its cosine with the TF-IDF score. Nothing in the default install needs it.
    """

    def __call__(self, article: Article) -> np.ndarray: ...


def day_number(published: str | None) -> float | None:
    """Days since 1970 of an ISO 8601 date or datetime; None when absent or unreadable."""
    if not published:
        return None
    try:
        dt = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.fromisoformat(published.strip()[:10])
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (dt - _EPOCH).total_seconds() / 86400.0


def day_string(day: float) -> str:
    """The ISO date of a day number (for window queries on the ``stories`` table)."""
    return (_EPOCH + timedelta(days=day)).date().isoformat()


def story_id_for(article_id: str) -> str:
    """The stable id of a story founded by ``article_id``."""
    return "s-" + hashlib.sha1(article_id.encode()).hexdigest()[:12]


class Story:
    """One story as the clusterer sees it.

    The centroid is the sum of the members' vectors (copies excluded), so that the
    average cosine of an article to the members is ``dot(vec, centroid) / n``. A story
    that went dormant keeps it packed in two small arrays to bound memory.
    """

    __slots__ = (
        "id", "_c", "_keys", "_vals", "n", "copies", "first", "last", "members",
        "index_terms", "touched", "new",
    )  # fmt: skip

    def __init__(self, story_id: str, new: bool = False) -> None:
        self.id = story_id
        self._c: dict[int, float] | None = {}
        self._keys: np.ndarray | None = None
        self._vals: np.ndarray | None = None
        self.n = 0  # members that moved the centroid (copies excluded)
        self.copies = 0
        self.first: float | None = None
        self.last: float | None = None
        self.members: list[tuple[str, dict[int, float]]] = []  # live members of this session
        self.index_terms: tuple[int, ...] = ()
        self.touched = False
        self.new = new

    @property
    def centroid(self) -> dict[int, float]:
        """The centroid as a mutable sparse vector (unpacks a dormant story)."""
        if self._c is None:
            self._c = self.view()
            self._keys = self._vals = None
        return self._c

    def view(self) -> dict[int, float]:
        """The centroid for reading, without unpacking the story for good."""
        if self._c is not None:
            return self._c
        assert self._keys is not None and self._vals is not None
        return dict(zip(self._keys.tolist(), self._vals.tolist(), strict=True))

    def pack(self) -> None:
        """Keep only the heaviest terms, in arrays (a dormant story is rarely read)."""
        if self._c is not None:
            c = F.top_k(self._c, CENTROID_TERMS)
            self._keys = np.fromiter(c.keys(), dtype=np.uint32, count=len(c))
            self._vals = np.fromiter(c.values(), dtype=np.float32, count=len(c))
            self._c = None

    def top_terms(self, k: int) -> tuple[int, ...]:
        """The ``k`` heaviest centroid terms (its inverted-index keys)."""
        if self._c is not None:
            return tuple(F.top_k(self._c, k))
        assert self._keys is not None and self._vals is not None
        return tuple(self._keys[np.argsort(-self._vals)[:k]].tolist())

    def add_time(self, t: float | None) -> None:
        if t is None:
            return
        self.first = t if self.first is None else min(self.first, t)
        self.last = t if self.last is None else max(self.last, t)

    def add_vector(self, vec: dict[int, float], count: int = 1) -> None:
        c = self.centroid
        for k, v in vec.items():
            c[k] = c.get(k, 0.0) + v
        if len(c) > 2 * CENTROID_TERMS:  # truncate lazily: sorting on every add is slow
            self._c = F.top_k(c, CENTROID_TERMS)
        self.n += count

    def score(self, vec: dict[int, float]) -> float:
        """Average cosine between an (L2-normalised) article vector and the members."""
        return F.dot(vec, self.centroid) / self.n if self.n else 0.0

    def link(self, other: Story) -> float:
        """Average cosine between the members of two stories (average linkage)."""
        return F.dot(self.view(), other.view()) / ((self.n * other.n) or 1)

    def compatible(self, t: float | None, window: float) -> bool:
        """Whether an article of day ``t`` is within the story's live window."""
        if t is None or self.first is None or self.last is None:
            return True
        return self.first - window <= t <= self.last + window

    # -- persistence ---------------------------------------------------------------------
    def to_blob(self) -> bytes:
        c = F.top_k(self.view(), CENTROID_TERMS)
        head = json.dumps({"n": self.n, "k": self.copies, "f": self.first, "l": self.last})
        keys = np.fromiter(c.keys(), dtype="<u4", count=len(c))
        vals = np.fromiter(c.values(), dtype="<f4", count=len(c))
        return struct.pack("<HI", 1, len(head)) + head.encode() + keys.tobytes() + vals.tobytes()

    @classmethod
    def from_blob(cls, story_id: str, blob: bytes) -> Story:
        _version, hlen = struct.unpack_from("<HI", blob)
        head = json.loads(blob[6 : 6 + hlen])
        rest = blob[6 + hlen :]
        n = len(rest) // 8
        s = cls(story_id)
        s._c = None
        s._keys = np.frombuffer(rest[: 4 * n], dtype="<u4").astype(np.uint32)
        s._vals = np.frombuffer(rest[4 * n :], dtype="<f4").astype(np.float32)
        s.n, s.copies, s.first, s.last = head["n"], head["k"], head["f"], head["l"]
        return s


class StoryAssigner:
    """Assigns articles to stories as they arrive; see the module docstring."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        run_id: int | None = None,
        *,
        join_threshold: float = JOIN_THRESHOLD,
        merge_threshold: float = MERGE_THRESHOLD,
        dormant_days: float = DORMANT_DAYS,
        embedder: Embedder | None = None,
    ) -> None:
        self.conn = conn
        self.run_id = run_id
        self.join_threshold = join_threshold
        self.merge_threshold = merge_threshold
        self.window = dormant_days
        self.embedder = embedder  # seam only, not used yet: see Embedder
        self.stories: dict[str, Story] = {}
        self.story_of: dict[str, str] = {}  # article id -> story id (this session)
        self._sims: dict[str, dict[str, float]] = {}
        self._index: dict[int, set[str]] = {}
        self._heap: list[tuple[float, str]] = []  # (last day, story) for dormancy
        self._horizon: float | None = None  # stories ending before it are out of the index
        self._loaded_from: float | None = None  # stored stories ending after it are loaded
        self._log: list[tuple[str, str, str | None]] = []  # (story, action, other)
        self.df = self._load_df()

    # -- public API ----------------------------------------------------------------------
    def assign(self, article: Article) -> str:
        """Return the story id of ``article`` (called in time order, before it is stored)."""
        t = day_number(article.published)
        if article.duplicate_of:
            sid = self._story_of_article(article.duplicate_of)
            if sid is not None:
                story = self._get(sid)
                if story is not None:
                    story.copies += 1
                    self._touch(story, t)
                    self.story_of[article.id] = sid
                    self._remember(article.id, {article.duplicate_of: 1.0})
                    return sid
        tf = F.hashed_tf(article)
        self.df.add(tf.keys())
        vec, query = self.df.weigh_top(tf, QUERY_TERMS)
        self._advance(t)
        scored = self._score_candidates(vec, query, t)
        best = scored[0] if scored else None
        if best is not None and best[0] >= self.join_threshold:
            story = self.stories[best[1]]
        else:
            story = Story(story_id_for(article.id), new=True)
            self.stories[story.id] = story
            self._log.append((story.id, "create", None))
        self._remember(
            article.id, self._neighbours(vec, [sid for _, sid in scored[:NEIGHBOUR_STORIES]])
        )
        story.add_vector(vec)
        story.members.append((article.id, F.top_k(vec, MEMBER_TERMS)))
        self._touch(story, t)
        if story.n <= 8 or story.n % 4 == 0:  # a grown story's top terms change slowly
            self._reindex(story, story.index_terms)
        self.story_of[article.id] = story.id
        return story.id

    def similarities(self, article_id: str) -> dict[str, float]:
        """The nearest few articles of a recently assigned article: ``{article_id: cosine}``.

        Kept for the last ``KEEP_SIMILARITIES`` articles (the pipeline stores it at once).
        """
        return dict(self._sims.get(article_id, {}))

    def _remember(self, article_id: str, sims: dict[str, float]) -> None:
        self._sims[article_id] = sims
        if len(self._sims) > KEEP_SIMILARITIES:
            del self._sims[next(iter(self._sims))]  # the oldest: dicts keep insertion order

    def finalize(self) -> None:
        """Merge, persist state and recompute the row of every story touched in this run."""
        from newsdesk.stories.summary import story_row

        merged = self._merge_pass()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        touched = [s for s in self.stories.values() if s.touched and s.id not in merged]
        for s in touched:
            row = story_row(self.conn, s.id, s.view(), self.df)
            self.conn.execute(
                "INSERT INTO stories (id, title, summary, first_published, last_published,"
                " publishers, independent_sources, article_count, copy_count, entities,"
                " created_run, updated_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET title=excluded.title, summary=excluded.summary,"
                " first_published=excluded.first_published, last_published=excluded.last_published,"
                " publishers=excluded.publishers, independent_sources=excluded.independent_sources,"
                " article_count=excluded.article_count, copy_count=excluded.copy_count,"
                " entities=excluded.entities, updated_run=excluded.updated_run,"
                " merged_into=NULL",
                (
                    s.id, row["title"], row["summary"], row["first_published"],
                    row["last_published"], json.dumps(row["publishers"]),
                    json.dumps(row["independent_sources"]), row["article_count"],
                    row["copy_count"], json.dumps(row["entities"]), self.run_id, self.run_id,
                ),
            )  # fmt: skip
            self.conn.execute(
                "INSERT INTO story_state (story_id, state) VALUES (?, ?)"
                " ON CONFLICT(story_id) DO UPDATE SET state = excluded.state",
                (s.id, s.to_blob()),
            )
            s.touched = s.new = False
        for gone, target in merged.items():
            # A story founded and merged away in this run still gets a row: its id stays
            # traceable (a copy's original may name it, a user may have seen it).
            self.conn.execute(
                "INSERT INTO stories (id, merged_into, created_run, updated_run) VALUES (?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET merged_into = excluded.merged_into,"
                " updated_run = excluded.updated_run",
                (gone, target, self.run_id, self.run_id),
            )
            self.conn.execute("DELETE FROM story_state WHERE story_id = ?", (gone,))
        self.conn.executemany(
            "INSERT INTO story_log (story_id, action, other_id, run_id, at) VALUES (?,?,?,?,?)",
            [(sid, action, other, self.run_id, now) for sid, action, other in self._log],
        )
        self._log.clear()
        self._save_df()

    # -- candidates and scores ---------------------------------------------------------
    def _score_candidates(
        self, vec: dict[int, float], query: list[int], t: float | None
    ) -> list[tuple[float, str]]:
        hits: dict[str, int] = {}
        for term in query:
            for sid in self._index.get(term, ()):
                hits[sid] = hits.get(sid, 0) + 1
        if len(hits) > MAX_CANDIDATES:
            ranked = heapq.nlargest(MAX_CANDIDATES, hits.items(), key=lambda kv: kv[1])
            hits = dict(ranked)
        scored = []
        for sid in hits:
            s = self.stories[sid]
            if s.compatible(t, self.window):
                scored.append((s.score(vec), sid))
        scored.sort(reverse=True)
        return scored

    def _neighbours(self, vec: dict[int, float], sids: Iterable[str]) -> dict[str, float]:
        sims: list[tuple[float, str]] = []
        for sid in sids:
            for aid, mvec in self.stories[sid].members[-50:]:
                sims.append((F.dot(vec, mvec), aid))
        best = heapq.nlargest(NEIGHBOURS, sims)
        return {aid: round(s, 4) for s, aid in best if s > 0.0}

    # -- index maintenance ---------------------------------------------------------------
    def _reindex(self, story: Story, old: tuple[int, ...]) -> None:
        new = story.top_terms(INDEX_TERMS)
        for term in set(old) - set(new):
            posting = self._index.get(term)
            if posting is not None:
                posting.discard(story.id)
                if not posting:
                    del self._index[term]
        for term in new:
            self._index.setdefault(term, set()).add(story.id)
        story.index_terms = new

    def _unindex(self, story: Story) -> None:
        for term in story.index_terms:
            posting = self._index.get(term)
            if posting is not None:
                posting.discard(story.id)
                if not posting:
                    del self._index[term]
        story.index_terms = ()
        story.members.clear()  # member vectors only serve live neighbours: free them
        story.pack()

    def _touch(self, story: Story, t: float | None) -> None:
        story.add_time(t)
        story.touched = True
        if story.last is not None:
            heapq.heappush(self._heap, (story.last, story.id))

    def _advance(self, t: float | None) -> None:
        """Move the live window to day ``t``: retire dormant stories, load stored ones."""
        if t is None:
            return
        if self._horizon is not None and t - self.window < self._horizon - 1e-9:
            self._rewind(t)
        self._load_window(t)
        self._horizon = t - self.window
        while self._heap and self._heap[0][0] < self._horizon:
            _, sid = heapq.heappop(self._heap)
            s = self.stories.get(sid)
            if s is not None and s.last is not None and s.last < self._horizon and s.index_terms:
                self._unindex(s)

    def _rewind(self, t: float) -> None:
        """An article older than the window (a new batch): re-index the stories it may join."""
        lo = t - self.window
        for s in self.stories.values():
            if s.last is not None and s.last >= lo and not s.index_terms and s.n:
                self._reindex(s, ())
                heapq.heappush(self._heap, (s.last, s.id))

    def _load_window(self, t: float) -> None:
        """Load stored stories (earlier runs) that may be live at day ``t``."""
        lo = t - self.window
        if self._loaded_from is not None and lo >= self._loaded_from:
            return
        sql = (
            "SELECT s.id, st.state FROM stories s JOIN story_state st ON st.story_id = s.id"
            " WHERE s.merged_into IS NULL AND s.last_published >= ?"
        )
        args: list[str] = [day_string(lo)]
        if self._loaded_from is not None:
            sql += " AND s.last_published < ?"
            args.append(day_string(self._loaded_from))
        for sid, blob in self.conn.execute(sql, args):
            s = self.stories.get(sid)
            if s is None:
                s = self.stories[sid] = Story.from_blob(sid, blob)
            if s.n and not s.index_terms:  # also one loaded earlier for a copy, unindexed
                self._reindex(s, ())
                if s.last is not None:
                    heapq.heappush(self._heap, (s.last, s.id))
        self._loaded_from = lo

    def _get(self, sid: str) -> Story | None:
        """A story by id, loading it from the database if this session has not seen it."""
        s = self.stories.get(sid)
        if s is not None:
            return s
        row = self.conn.execute(
            "SELECT st.state FROM story_state st WHERE st.story_id = ?", (sid,)
        ).fetchone()
        if row is None:
            return None
        s = Story.from_blob(sid, row[0])
        self.stories[sid] = s
        return s

    def _story_of_article(self, article_id: str) -> str | None:
        sid = self.story_of.get(article_id)
        if sid is None:
            row = self.conn.execute(
                "SELECT story_id FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            sid = row[0] if row else None
        # Follow merges: the original's story may have been merged away since.
        for _ in range(20):
            if sid is None:
                return None
            row = self.conn.execute(
                "SELECT merged_into FROM stories WHERE id = ?", (sid,)
            ).fetchone()
            if row is None or row[0] is None:
                return sid
            sid = row[0]
        return sid

    # -- finalize: merges --------------------------------------------------------------
    def _merge_pass(self) -> dict[str, str]:
        """Merge touched stories that turned out to be one; return {merged away: kept}.

        Agglomerative: the closest pair (same link as joining, see ``Story.link``) is
        merged first and the merged story's links are recomputed, until no pair of
        time-compatible stories reaches ``merge_threshold``.
        """
        live = {sid: s for sid, s in self.stories.items() if s.n}
        if not any(s.touched for s in live.values()) or self.merge_threshold > 1.0:
            return {}
        # Index by (term, week) so that candidates are time-compatible stories only: a
        # term common over the year does not make every story a candidate of every other.
        span = max(self.window, 1.0)

        def weeks(s: Story, pad: float) -> range | None:
            if s.first is None or s.last is None:
                return None
            return range(math.floor((s.first - pad) / span), math.floor((s.last + pad) / span) + 1)

        index: dict[tuple[int, int | None], set[str]] = {}
        by_term: dict[int, set[str]] = {}  # for undated stories, compatible with any time

        def add_to_index(s: Story) -> None:
            ws = weeks(s, 0.0)
            for term in s.top_terms(INDEX_TERMS):
                by_term.setdefault(term, set()).add(s.id)
                for w in ws if ws is not None else (None,):
                    index.setdefault((term, w), set()).add(s.id)

        for s in live.values():
            add_to_index(s)
        version = dict.fromkeys(live, 0)
        heap: list[tuple[float, str, str, int, int]] = []

        def push_links(s: Story, only_touched_pairs: bool) -> None:
            hits: dict[str, int] = {}
            ws = weeks(s, self.window)
            for term in s.top_terms(INDEX_TERMS):
                if ws is None:
                    found = by_term.get(term, set())
                else:
                    found = set(index.get((term, None), ()))
                    for w in ws:
                        found.update(index.get((term, w), ()))
                for oid in found:
                    hits[oid] = hits.get(oid, 0) + 1
            if len(hits) > MAX_CANDIDATES:  # the stories sharing most index terms, as in assign
                hits = dict(heapq.nlargest(MAX_CANDIDATES, hits.items(), key=lambda kv: kv[1]))
            for oid in hits:
                o = live.get(oid)
                if o is None or oid == s.id or not _overlap(s, o, self.window):
                    continue
                if only_touched_pairs and (not s.touched or (o.touched and oid < s.id)):
                    continue  # each pair once; stories of earlier runs only via a touched one
                score = s.link(o)
                if score >= self.merge_threshold:
                    heapq.heappush(heap, (-score, s.id, oid, version[s.id], version[oid]))

        for s in list(live.values()):
            push_links(s, True)
        parent: dict[str, str] = {}
        while heap:
            _neg, a, b, va, vb = heapq.heappop(heap)
            if a not in live or b not in live or version[a] != va or version[b] != vb:
                continue  # a stale link: one side has merged since
            keep, gone = _older(live[a], live[b])
            self._absorb(keep, gone)
            del live[gone.id]
            parent[gone.id] = keep.id
            version[keep.id] += 1
            self._log.append((keep.id, "merge", gone.id))
            add_to_index(keep)
            push_links(keep, False)

        def find(x: str) -> str:
            while x in parent:
                x = parent[x]
            return x

        result = {gone: find(gone) for gone in parent}
        for gone, target in result.items():
            self.conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (target, gone))
        for aid, sid in self.story_of.items():
            if sid in result:
                self.story_of[aid] = result[sid]
        return result

    def _absorb(self, keep: Story, gone: Story) -> None:
        keep.add_vector(gone.view(), gone.n)
        keep.copies += gone.copies
        keep.members.extend(gone.members)
        keep.add_time(gone.first)
        keep.add_time(gone.last)
        keep.touched = True
        self._unindex(gone)
        gone.n = 0
        gone.touched = False

    # -- idf persistence ---------------------------------------------------------------
    def _load_df(self) -> F.DocFreq:
        row = self.conn.execute("SELECT value FROM story_meta WHERE key = 'df'").fetchone()
        if row is None:
            return F.DocFreq()
        blob = row[0]
        n_docs, size = struct.unpack_from("<QI", blob)
        arr = np.frombuffer(zlib.decompress(blob[12:]), dtype="<u4").copy()
        if size != F.N_FEATURES or arr.size != F.N_FEATURES:
            return F.DocFreq()  # another hashing layout: start the idf afresh
        return F.DocFreq(arr, n_docs)

    def _save_df(self) -> None:
        blob = struct.pack("<QI", self.df.n_docs, F.N_FEATURES) + zlib.compress(
            self.df.df.astype("<u4").tobytes(), 1
        )
        self.conn.execute(
            "INSERT INTO story_meta (key, value) VALUES ('df', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (blob,),
        )


def _overlap(a: Story, b: Story, window: float) -> bool:
    """Whether two stories' date ranges come within ``window`` days of each other."""
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return True
    return a.first - window <= b.last and b.first - window <= a.last


def _older(a: Story, b: Story) -> tuple[Story, Story]:
    """(kept, merged away): the story that started first keeps its id."""
    ka = (a.first if a.first is not None else float("inf"), a.id)
    kb = (b.first if b.first is not None else float("inf"), b.id)
    return (a, b) if ka <= kb else (b, a)


__all__ = ["Embedder", "Story", "StoryAssigner", "day_number", "story_id_for"]
