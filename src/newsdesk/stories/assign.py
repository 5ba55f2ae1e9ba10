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
older one; merges go to ``story_log`` and ``stories.merged_into``), then a split pass:
a touched story of ``SPLIT_MIN_MEMBERS`` or more whose members fall in two cohesive
groups that the merge pass would not join again is cut in two (the part with the founding
article keeps the id, the other takes its oldest article's; ``story_log`` 'split'). Then
it persists the state and recomputes each touched story's row (see
:mod:`newsdesk.stories.summary`); a large story's row only every sixteenth of growth,
the rest at the end of the run (``refresh_stale``), so a row costs the same per article
at 100 members as at 10,000.

Exact resume: whatever steers a decision is a function of the committed database.
``finalize`` (run by the pipeline at the end of every batch, in its transaction) writes
each touched story's whole state (centroid in float64 and in its order, counts, dates,
index keys; ``story_state``), the members' vectors (``story_members``, float32 in memory
too) and the document frequencies (``story_meta``); then the assigner drops its index,
window and dormancy heap and keeps only states equal to their stored blobs. Each batch
therefore starts exactly as a new assigner on the same database would, and ties are
broken by id, never by set order (which varies with the process's hash seed).

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
from newsdesk.store.db import in_chunks
from newsdesk.stories import features as F

DORMANT_DAYS = 7.0  # a story with no article for a week is over
JOIN_THRESHOLD = 0.25  # average cosine to a story's members needed to join it online
MERGE_THRESHOLD = 0.16  # average cosine between two stories (at finalize) to merge them
CENTROID_TERMS = 150  # terms kept in a centroid (state stays compact)
INDEX_TERMS = 20  # a story's heaviest terms are its inverted-index keys
QUERY_TERMS = 15  # an article's heaviest terms are used to look up candidates
MAX_CANDIDATES = 40  # stories scored per article, the best by shared index terms
MEMBER_TERMS = 200  # terms kept per live member (article-article similarities)
LIVE_MEMBERS = 50  # a story's most recent members compared for an article's neighbours
NEIGHBOURS = 10  # entries in an article's ``similarity`` map
NEIGHBOUR_STORIES = 10  # candidate stories whose live members are compared for it
KEEP_SIMILARITIES = 10_000  # similarity maps kept for ``similarities()``
SPLIT_MIN_MEMBERS = 6  # a story is checked for a split at finalize from this many members
SPLIT_MIN_PART = 3  # each part of a split has at least this many members...
SPLIT_MIN_SHARE = 0.25  # ...and at least this share of the story
# A story's row reads all its members (see ``summary.story_row``): recomputed on every
# batch that touches it, a large story would make the cost per article grow with the
# corpus. Rows of stories this small are always current; a larger story's row is
# recomputed once it has grown by a sixteenth (amortised: a few members read per
# article), and marked stale in between until the end of the run (``refresh_stale``).
ROW_ALWAYS_BELOW = 100
ROW_REFRESH_GROWTH = 1 / 16

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
    that went dormant keeps it packed in two arrays (losslessly, in the dict's order:
    the state read back after a restart must be bit-for-bit the session's).
    """

    __slots__ = (
        "id", "_c", "_keys", "_vals", "n", "copies", "first", "last", "members",
        "index_terms", "indexed", "touched", "new",
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
        # The last LIVE_MEMBERS members (article id, vector); None: not read from the db yet.
        self.members: list[tuple[str, dict[int, float]]] | None = []
        self.index_terms: tuple[int, ...] = ()  # its inverted-index keys (persisted)
        self.indexed = False  # whether it is in the assigner's index now
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
        """Keep the centroid in arrays (a dormant story is rarely read); lossless."""
        if self._c is not None:
            c = self._c
            self._keys = np.fromiter(c.keys(), dtype=np.uint32, count=len(c))
            self._vals = np.fromiter(c.values(), dtype=np.float64, count=len(c))
            self._c = None

    def top_terms(self, k: int) -> tuple[int, ...]:
        """The ``k`` heaviest centroid terms (its inverted-index keys)."""
        return tuple(F.top_k(self.view(), k))

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
        """Version 2: the whole centroid in float64 and in its order, and the index keys.

        Nothing is rounded or truncated here: a story read back must score, truncate and
        break ties exactly as the one that stayed in memory.
        """
        c = self.view()
        head = json.dumps(
            {"n": self.n, "k": self.copies, "f": self.first, "l": self.last,
             "i": list(self.index_terms)}
        )  # fmt: skip
        keys = np.fromiter(c.keys(), dtype="<u4", count=len(c))
        vals = np.fromiter(c.values(), dtype="<f8", count=len(c))
        return struct.pack("<HI", 2, len(head)) + head.encode() + keys.tobytes() + vals.tobytes()

    @classmethod
    def from_blob(cls, story_id: str, blob: bytes) -> Story:
        version, hlen = struct.unpack_from("<HI", blob)
        head = json.loads(blob[6 : 6 + hlen])
        rest = blob[6 + hlen :]
        width = 8 if version >= 2 else 4  # version 1: float32 values, no index keys
        n = len(rest) // (4 + width)
        s = cls(story_id)
        s._c = None
        s.members = None
        s._keys = np.frombuffer(rest[: 4 * n], dtype="<u4").astype(np.uint32)
        s._vals = np.frombuffer(rest[4 * n :], dtype="<f8" if version >= 2 else "<f4").astype(
            np.float64
        )
        s.n, s.copies, s.first, s.last = head["n"], head["k"], head["f"], head["l"]
        s.index_terms = tuple(head.get("i", ()))
        return s


_ADD_TALLIES = (
    " ON CONFLICT(story_id, entity_id) DO UPDATE SET"
    " articles = articles + excluded.articles, mentions = mentions + excluded.mentions"
)


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
        split_min_members: int = SPLIT_MIN_MEMBERS,
        embedder: Embedder | None = None,
    ) -> None:
        self.conn = conn
        self.run_id = run_id
        self.join_threshold = join_threshold
        self.merge_threshold = merge_threshold
        self.window = dormant_days
        self.split_min_members = split_min_members  # 0 turns splits off
        self.embedder = embedder  # seam only, not used yet: see Embedder
        # Exact resume: everything that steers a decision is a function of the committed
        # database. Per batch (between two ``finalize``) the assigner works on ``_active``:
        # the stories it read from the database or created in this batch. ``stories`` is
        # only a parse cache of stored states (each equal to its stored blob), kept for the
        # stories of the last batch; the index, heap and window restart empty each batch.
        self.stories: dict[str, Story] = {}
        self._active: dict[str, Story] = {}
        self.story_of: dict[str, str] = {}  # article id -> story id (this batch)
        self._sims: dict[str, dict[str, float]] = {}
        self._index: dict[int, set[str]] = {}
        self._heap: list[tuple[float, str]] = []  # (last day, story) for dormancy
        self._horizon: float | None = None  # stories ending before it are out of the index
        self._loaded_from: float | None = None  # stored stories ending after it are loaded
        self._started = False  # undated stored stories are loaded once per batch
        self._log: list[tuple[str, str, str | None]] = []  # (story, action, other)
        self._pending: list[tuple[str, str, bytes]] = []  # story_members rows to write
        self._split_ids: set[str] = set()  # stories split in this batch (both parts)
        self.df = self._load_df()
        from newsdesk.stories.summary import Leads

        self.leads = Leads(conn)  # members' lead sentences, read once for the story rows

    # -- public API ----------------------------------------------------------------------
    def assign(self, article: Article) -> str:
        """Return the story id of ``article`` (called in time order, before it is stored)."""
        t = day_number(article.published)
        if not self._started:
            self._load_undated()
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
            self.stories[story.id] = self._active[story.id] = story
            self._log.append((story.id, "create", None))
        self._remember(
            article.id, self._neighbours(vec, [sid for _, sid in scored[:NEIGHBOUR_STORIES]])
        )
        story.add_vector(vec)
        self._add_member(story, article.id, vec)
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
        """Merge, persist state and recompute the rows of the touched stories (or mark a
        large story's row stale: see ``ROW_REFRESH_GROWTH``)."""
        merged = self._merge_pass()
        self._split_pass(merged)
        reshaped = self._split_ids | set(merged.values())
        self._flush_members()
        self._tally_entities(merged)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        touched = [s for s in self._active.values() if s.touched and s.id not in merged]
        due = self._rows_due(touched, reshaped)
        fresh: dict[str, Story] = {}
        for s in touched:
            if s.id in due:
                self._write_row(s.id, s.view())
            else:
                self.conn.execute("INSERT OR IGNORE INTO story_stale VALUES (?)", (s.id,))
            blob = s.to_blob()
            self.conn.execute(
                "INSERT INTO story_state (story_id, state, last_day) VALUES (?, ?, ?)"
                " ON CONFLICT(story_id) DO UPDATE SET state = excluded.state,"
                " last_day = excluded.last_day",
                (s.id, blob, s.last),
            )
            if s.n > 2 * LIVE_MEMBERS:  # only the last LIVE_MEMBERS vectors are ever read
                self.conn.execute(
                    "DELETE FROM story_members WHERE story_id = ? AND id < (SELECT id FROM"
                    " story_members WHERE story_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (s.id, s.id, LIVE_MEMBERS - 1),
                )
            # The session goes on with exactly what a restart would read back.
            fresh[s.id] = Story.from_blob(s.id, blob)
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
            self.conn.execute("DELETE FROM story_stale WHERE story_id = ?", (gone,))
        self.conn.executemany(
            "INSERT INTO story_log (story_id, action, other_id, run_id, at) VALUES (?,?,?,?,?)",
            [(sid, action, other, self.run_id, now) for sid, action, other in self._log],
        )
        self._log.clear()
        self._save_df()
        self._reset(fresh, merged)

    def refresh_stale(self) -> int:
        """Recompute the rows of stories marked stale (see ``ROW_REFRESH_GROWTH``).

        The pipeline runs this once at the end of an ingest; rows left stale by an
        interrupted run are brought up to date by the next one. Returns how many.
        """
        stale = self.conn.execute(
            "SELECT t.story_id, s.state FROM story_stale t"
            " JOIN story_state s ON s.story_id = t.story_id ORDER BY t.story_id"
        ).fetchall()
        for sid, blob in stale:
            self._write_row(sid, Story.from_blob(sid, blob).view())
        self.conn.execute("DELETE FROM story_stale")
        return len(stale)

    def _rows_due(self, touched: list[Story], reshaped: set[str]) -> set[str]:
        """The touched stories whose row is recomputed now: new, merged into, split,
        small, or grown by ``ROW_REFRESH_GROWTH`` since their row was computed."""
        stored: dict[str, int] = {}
        for chunk, marks in in_chunks(sorted(s.id for s in touched)):
            stored.update(
                self.conn.execute(
                    f"SELECT id, article_count FROM stories WHERE id IN ({marks})", chunk
                ).fetchall()
            )
        due = set()
        for s in touched:
            size, before = s.n + s.copies, stored.get(s.id)
            if (
                before is None
                or s.id in reshaped
                or size < ROW_ALWAYS_BELOW
                or not before <= size < before * (1 + ROW_REFRESH_GROWTH)
            ):
                due.add(s.id)
        return due

    def _write_row(self, sid: str, centroid: dict[int, float]) -> None:
        """Recompute and store the ``stories`` row of ``sid``; it is no longer stale."""
        from newsdesk.stories.summary import story_row

        row = story_row(self.conn, sid, centroid, self.df, self.leads)
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
                sid, row["title"], row["summary"], row["first_published"],
                row["last_published"], json.dumps(row["publishers"]),
                json.dumps(row["independent_sources"]), row["article_count"],
                row["copy_count"], json.dumps(row["entities"]), self.run_id, self.run_id,
            ),
        )  # fmt: skip
        self.conn.execute("DELETE FROM story_stale WHERE story_id = ?", (sid,))

    def _tally_entities(self, merged: dict[str, str]) -> None:
        """Bring ``story_entities`` up to date with this batch's articles, merges, splits.

        The tallies of a merged-away story move to its target; this batch's articles
        (whatever story they ended in) are added; stories split in this batch are
        recounted from their members.
        """

        def add_counts(where: str, args: list[str]) -> None:
            # entities of the members matching ``where``, added to their story's tallies
            self.conn.execute(
                "INSERT INTO story_entities (story_id, entity_id, articles, mentions)"
                " SELECT a.story_id, m.entity_id, COUNT(DISTINCT m.article_id), COUNT(*)"
                " FROM mentions m JOIN articles a ON a.id = m.article_id"
                f" WHERE {where} AND m.entity_id IS NOT NULL AND a.story_id IS NOT NULL"
                " GROUP BY a.story_id, m.entity_id" + _ADD_TALLIES,
                args,
            )

        for gone, target in sorted(merged.items()):
            self.conn.execute(
                "INSERT INTO story_entities (story_id, entity_id, articles, mentions)"
                " SELECT ?, entity_id, articles, mentions FROM story_entities"
                " WHERE story_id = ?" + _ADD_TALLIES,
                (target, gone),
            )
            self.conn.execute("DELETE FROM story_entities WHERE story_id = ?", (gone,))
        for chunk, marks in in_chunks(sorted(self.story_of)):
            add_counts(f"m.article_id IN ({marks})", chunk)
        for sid in sorted(self._split_ids):
            self.conn.execute("DELETE FROM story_entities WHERE story_id = ?", (sid,))
            add_counts("a.story_id = ?", [sid])
        self._split_ids.clear()

    def _reset(self, fresh: dict[str, Story], merged: dict[str, str]) -> None:
        """Start the next batch from the committed state alone (see ``__init__``)."""
        cache: dict[str, Story] = {}
        for sid, s in self._active.items():
            if sid in merged or not s.n:
                continue
            s = fresh.get(sid, s)
            s.pack()
            s.indexed = s.touched = s.new = False
            cache[sid] = s
        self.stories = cache
        self._active = {}
        self.story_of = {}
        self._index = {}
        self._heap = []
        self._horizon = self._loaded_from = None
        self._started = False

    # -- candidates and scores ---------------------------------------------------------
    def _score_candidates(
        self, vec: dict[int, float], query: list[int], t: float | None
    ) -> list[tuple[float, str]]:
        hits: dict[str, int] = {}
        for term in query:
            for sid in self._index.get(term, ()):
                hits[sid] = hits.get(sid, 0) + 1
        if len(hits) > MAX_CANDIDATES:
            # Ties broken by id: set order varies between processes (hash seeds).
            ranked = heapq.nlargest(MAX_CANDIDATES, hits.items(), key=lambda kv: (kv[1], kv[0]))
            hits = dict(ranked)
        scored = []
        for sid in hits:
            s = self._active[sid]
            if s.compatible(t, self.window):
                scored.append((s.score(vec), sid))
        scored.sort(reverse=True)
        return scored

    def _neighbours(self, vec: dict[int, float], sids: Iterable[str]) -> dict[str, float]:
        sims: list[tuple[float, str]] = []
        for sid in sids:
            for aid, mvec in self._members(self._active[sid]):
                sims.append((F.dot(vec, mvec), aid))
        best = heapq.nlargest(NEIGHBOURS, sims)
        return {aid: round(s, 4) for s, aid in best if s > 0.0}

    # -- members -------------------------------------------------------------------------
    def _add_member(self, story: Story, article_id: str, vec: dict[int, float]) -> None:
        """Store a member's vector (top terms, float32) and keep it if the list is loaded."""
        top = F.top_k(vec, MEMBER_TERMS)
        keys = np.fromiter(top.keys(), dtype="<u4", count=len(top))
        vals = np.fromiter(top.values(), dtype="<f4", count=len(top))
        self._pending.append((article_id, story.id, keys.tobytes() + vals.tobytes()))
        if len(self._pending) >= 4096:  # bound memory when a caller's batch is huge
            self._flush_members()
        if story.members is not None:
            # The float32 values, as a restart reads them back.
            story.members.append(
                (
                    article_id,
                    dict(zip(keys.tolist(), vals.astype(np.float64).tolist(), strict=True)),
                )
            )
            del story.members[:-LIVE_MEMBERS]

    def _flush_members(self) -> None:
        """Write the buffered member vectors (in assignment order: ids keep that order)."""
        if self._pending:
            self.conn.executemany(
                "INSERT INTO story_members (article_id, story_id, vec) VALUES (?,?,?)",
                self._pending,
            )
            self._pending.clear()

    def _members(self, story: Story) -> list[tuple[str, dict[int, float]]]:
        """The story's last ``LIVE_MEMBERS`` members, oldest first (read once per batch)."""
        if story.members is None:
            self._flush_members()
            rows = self.conn.execute(
                "SELECT article_id, vec FROM story_members WHERE story_id = ?"
                " ORDER BY id DESC LIMIT ?",
                (story.id, LIVE_MEMBERS),
            ).fetchall()
            members = []
            for aid, blob in reversed(rows):
                n = len(blob) // 8
                keys = np.frombuffer(blob[: 4 * n], dtype="<u4").tolist()
                vals = np.frombuffer(blob[4 * n :], dtype="<f4").astype(np.float64).tolist()
                members.append((aid, dict(zip(keys, vals, strict=True))))
            story.members = members
        return story.members

    # -- index maintenance ---------------------------------------------------------------
    def _reindex(self, story: Story, old: tuple[int, ...]) -> None:
        new = story.top_terms(INDEX_TERMS)
        if story.indexed:
            for term in set(old) - set(new):
                posting = self._index.get(term)
                if posting is not None:
                    posting.discard(story.id)
                    if not posting:
                        del self._index[term]
        for term in new:
            self._index.setdefault(term, set()).add(story.id)
        story.index_terms = new
        story.indexed = True

    def _index_story(self, story: Story) -> None:
        """Put a story (back) in the index under its persisted keys (new ones if none)."""
        if story.indexed:
            return
        if not story.index_terms:
            self._reindex(story, ())
            return
        for term in story.index_terms:
            self._index.setdefault(term, set()).add(story.id)
        story.indexed = True

    def _unindex(self, story: Story) -> None:
        if story.indexed:
            for term in story.index_terms:
                posting = self._index.get(term)
                if posting is not None:
                    posting.discard(story.id)
                    if not posting:
                        del self._index[term]
        story.indexed = False
        story.members = None  # member vectors only serve live neighbours: free them
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
            s = self._active.get(sid)
            if s is not None and s.last is not None and s.last < self._horizon and s.indexed:
                self._unindex(s)

    def _rewind(self, t: float) -> None:
        """An article older than the window: re-index this batch's stories it may join."""
        lo = t - self.window
        for s in self._active.values():
            if s.last is not None and s.last >= lo and not s.indexed and s.n:
                self._index_story(s)
                heapq.heappush(self._heap, (s.last, s.id))

    def _stored(self, sid: str, blob: bytes | None = None) -> Story:
        """The batch's story ``sid``: this batch's object, else the cached or stored state."""
        s = self._active.get(sid)
        if s is None:
            s = self.stories.get(sid)
            if s is None:
                if blob is None:
                    blob = self.conn.execute(
                        "SELECT state FROM story_state WHERE story_id = ?", (sid,)
                    ).fetchone()[0]
                s = self.stories[sid] = Story.from_blob(sid, blob)
            self._active[sid] = s
        return s

    def _load_where(self, where: str, args: list[float]) -> list[Story]:
        """Stored stories matching ``where`` (ids only: states come from the cache if there)."""
        sql = f"SELECT story_id FROM story_state WHERE {where} ORDER BY story_id"
        return [self._stored(sid) for (sid,) in self.conn.execute(sql, args).fetchall()]

    def _load_range(self, lo: float, hi: float | None) -> list[Story]:
        """Stored stories whose last article is on day ``lo`` or later (before ``hi``)."""
        if hi is None:
            return self._load_where("last_day >= ?", [lo])
        return self._load_where("last_day >= ? AND last_day < ?", [lo, hi])

    def _load_undated(self) -> None:
        """Index the stored undated stories: like the session's, they never go dormant."""
        self._started = True
        for s in self._load_where("last_day IS NULL", []):
            if s.n and s.last is None:
                self._index_story(s)

    def _load_window(self, t: float) -> None:
        """Load stored stories (earlier batches) that may be live at day ``t``."""
        lo = t - self.window
        if self._loaded_from is not None and lo >= self._loaded_from:
            return
        for s in self._load_range(lo, self._loaded_from):
            if s.n and not s.indexed:  # also one loaded earlier for a copy, unindexed
                self._index_story(s)
                if s.last is not None:
                    heapq.heappush(self._heap, (s.last, s.id))
        self._loaded_from = lo

    def _get(self, sid: str) -> Story | None:
        """A story by id: this batch's, else the stored one (not indexed by this)."""
        s = self._active.get(sid)
        if s is not None:
            return s
        if sid not in self.stories:
            row = self.conn.execute(
                "SELECT state FROM story_state WHERE story_id = ?", (sid,)
            ).fetchone()
            if row is None:
                return None
            return self._stored(sid, row[0])
        return self._stored(sid)

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
        touched = [s for s in self._active.values() if s.touched and s.n]
        if not touched or self.merge_threshold > 1.0:
            return {}
        # Candidates are this batch's stories and the stored ones that may overlap a touched
        # one in time (read from the database, so a restart sees the same set).
        firsts = [s.first for s in touched if s.first is not None]
        if firsts:
            lo = min(firsts) - self.window
            if self._loaded_from is None or lo < self._loaded_from:
                self._load_range(lo, self._loaded_from)
        live = {sid: s for sid, s in self._active.items() if s.n}
        # Index terms with the weeks of each story so that candidates are time-compatible
        # stories only: a term common over the year does not make every story a candidate
        # of every other.
        span = max(self.window, 1.0)

        def weeks(s: Story, pad: float) -> tuple[int, int] | None:
            """(first, last) week of ``s`` widened by ``pad`` days; None when undated."""
            if s.first is None or s.last is None:
                return None
            return math.floor((s.first - pad) / span), math.floor((s.last + pad) / span)

        # term -> {story: its weeks, or None when undated: any time}. A story indexed again
        # (it grew by a merge) keeps its earlier terms and the union of its weeks.
        index: dict[int, dict[str, tuple[int, int] | None]] = {}
        terms: dict[str, tuple[int, ...]] = {}  # index terms, until the story next changes

        def add_to_index(s: Story) -> None:
            ws = weeks(s, 0.0)
            terms[s.id] = s.top_terms(INDEX_TERMS)
            for term in terms[s.id]:
                entries = index.setdefault(term, {})
                entries[s.id] = _week_union(entries[s.id], ws) if s.id in entries else ws

        for s in live.values():
            add_to_index(s)
        version = dict.fromkeys(live, 0)
        heap: list[tuple[float, str, str, int, int]] = []

        def push_links(s: Story, only_touched_pairs: bool) -> None:
            hits: dict[str, int] = {}
            ws = weeks(s, self.window)
            for term in terms[s.id]:
                for oid, other in index.get(term, {}).items():
                    if ws is None or other is None or (other[0] <= ws[1] and ws[0] <= other[1]):
                        hits[oid] = hits.get(oid, 0) + 1
            if len(hits) > MAX_CANDIDATES:  # the stories sharing most index terms, as in assign
                hits = dict(
                    heapq.nlargest(MAX_CANDIDATES, hits.items(), key=lambda kv: (kv[1], kv[0]))
                )
            for oid in hits:
                o = live.get(oid)
                if o is None or oid == s.id or not _overlap(s, o, self.window):
                    continue
                if only_touched_pairs and (not s.touched or (o.touched and oid < s.id)):
                    continue  # each pair once; stories of earlier runs only via a touched one
                score = s.link(o)
                if score >= self.merge_threshold:
                    heapq.heappush(heap, (-score, s.id, oid, version[s.id], version[oid]))

        for s in [s for s in live.values() if s.touched]:  # an untouched one links none
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
        # Members in insertion order across both stories, as the database reads them back.
        self._flush_members()
        self.conn.execute(
            "UPDATE story_members SET story_id = ? WHERE story_id = ?", (keep.id, gone.id)
        )
        keep.members = None
        keep.add_time(gone.first)
        keep.add_time(gone.last)
        keep.touched = True
        self._unindex(gone)
        gone.n = 0
        gone.touched = False

    # -- finalize: splits --------------------------------------------------------------
    def _split_pass(self, merged: dict[str, str]) -> None:
        """Split touched stories whose members form two clearly separated groups.

        Everything used comes from committed state (``story_members``, ``articles``), so a
        restart splits exactly alike. The part holding the founding article keeps the id;
        the other part gets the id derived from its oldest article.
        """
        if self.split_min_members <= 0:
            return
        touched = [
            s
            for s in self._active.values()
            if s.touched and s.n >= self.split_min_members and s.id not in merged
        ]
        if not touched:
            return
        self._flush_members()
        for s in sorted(touched, key=lambda x: x.id):
            self._try_split(s, merged)

    def _try_split(self, story: Story, merged: dict[str, str]) -> None:
        rows = self.conn.execute(
            "SELECT m.article_id, m.vec, a.published FROM story_members m"
            " LEFT JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY m.id",
            (story.id,),
        ).fetchall()
        if len(rows) != story.n:  # pruned members: the centroid could not be rebuilt
            return
        ids = [r[0] for r in rows]
        vecs = [_member_vec(r[1]) for r in rows]
        days = [day_number(r[2]) for r in rows]
        part = _two_groups(vecs, ids.index(_founder(story.id, ids, days)))
        if part is None:
            return
        sims, in_b = part
        n = len(ids)
        nb = int(in_b.sum())
        na = n - nb
        if min(na, nb) < max(SPLIT_MIN_PART, SPLIT_MIN_SHARE * n):
            return
        a_idx, b_idx = np.flatnonzero(~in_b), np.flatnonzero(in_b)
        cross = float(sims[np.ix_(a_idx, b_idx)].mean())

        def within(idx: np.ndarray) -> float:
            block = sims[np.ix_(idx, idx)]
            return float((block.sum() - np.trace(block)) / (len(idx) * (len(idx) - 1)))

        # Both parts cohesive at the join level, and apart enough that the merge pass
        # (same average linkage) would not join them again.
        if cross >= self.merge_threshold or min(within(a_idx), within(b_idx)) < max(
            self.join_threshold, 2 * cross
        ):
            return
        b_ids = [ids[i] for i in b_idx]
        oldest = min(b_idx, key=lambda i: (days[i] is None, days[i] or 0.0, i))
        new_id = story_id_for(ids[oldest])
        other = self._active.get(new_id)
        if (other is not None and other.n) or (
            other is None
            and self.conn.execute(
                "SELECT 1 FROM story_state WHERE story_id = ?", (new_id,)
            ).fetchone()
        ):
            return  # the id is a live story's: never reuse it
        merged.pop(new_id, None)  # an article's story merged away earlier comes back
        new = Story(new_id, new=True)
        self._rebuild(new, [vecs[i] for i in b_idx], [days[i] for i in b_idx])
        self._rebuild(story, [vecs[i] for i in a_idx], [days[i] for i in a_idx])
        marks = ",".join("?" * len(b_ids))
        moved_copies = self.conn.execute(
            f"SELECT id, published FROM articles WHERE story_id = ? AND duplicate_of IN ({marks})"
            f" AND id NOT IN ({marks}) ORDER BY id",
            [story.id, *b_ids, *b_ids],
        ).fetchall()
        copies = [aid for aid, _ in moved_copies]
        for _, pub in moved_copies:
            new.add_time(day_number(pub))
        for aid, pub in self.conn.execute(
            "SELECT id, published FROM articles WHERE story_id = ? AND duplicate_of IS NOT NULL"
            f" AND id NOT IN ({marks}) ORDER BY id",
            [story.id, *b_ids],
        ).fetchall():
            if aid not in copies:
                story.add_time(day_number(pub))
        new.copies = len(copies)
        story.copies = max(0, story.copies - len(copies))
        moved = b_ids + copies
        for chunk, chunk_marks in in_chunks(moved):
            self.conn.execute(
                f"UPDATE articles SET story_id = ? WHERE id IN ({chunk_marks})",
                [new_id, *chunk],
            )
        self.conn.execute(
            f"UPDATE story_members SET story_id = ? WHERE story_id = ? AND article_id IN ({marks})",
            [new_id, story.id, *b_ids],
        )
        for aid in moved:
            if aid in self.story_of:
                self.story_of[aid] = new_id
        new.touched = story.touched = True
        self._active.pop(new_id, None)
        self.stories.pop(new_id, None)
        self.stories[new_id] = self._active[new_id] = new
        self._log.append((story.id, "split", new_id))
        self._split_ids |= {story.id, new_id}

    def _rebuild(
        self, story: Story, vecs: list[dict[int, float]], days: list[float | None]
    ) -> None:
        """Reset a story to exactly these members (centroid, count, dates, index keys)."""
        story._c, story._keys, story._vals = {}, None, None
        story.n = 0
        story.first = story.last = None
        for vec, t in zip(vecs, days, strict=True):
            story.add_vector(vec)
            story.add_time(t)
        story.members = None
        story.index_terms = story.top_terms(INDEX_TERMS)

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


def _week_union(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    """The weeks of both ranges (None, undated, reaches any time)."""
    if a is None or b is None:
        return None
    return min(a[0], b[0]), max(a[1], b[1])


def _overlap(a: Story, b: Story, window: float) -> bool:
    """Whether two stories' date ranges come within ``window`` days of each other."""
    if a.first is None or b.first is None or a.last is None or b.last is None:
        return True
    return a.first - window <= b.last and b.first - window <= a.last


def _member_vec(blob: bytes) -> dict[int, float]:
    """A ``story_members`` vector as the assigner reads it back."""
    n = len(blob) // 8
    keys = np.frombuffer(blob[: 4 * n], dtype="<u4").tolist()
    vals = np.frombuffer(blob[4 * n :], dtype="<f4").astype(np.float64).tolist()
    return dict(zip(keys, vals, strict=True))


def _founder(story_id: str, ids: list[str], days: list[float | None]) -> str:
    """The member whose id made the story's id, else the oldest member."""
    for aid in ids:
        if story_id_for(aid) == story_id:
            return aid
    return ids[min(range(len(ids)), key=lambda i: (days[i] is None, days[i] or 0.0, i))]


def _two_groups(
    vecs: list[dict[int, float]], seed: int, rounds: int = 20
) -> tuple[np.ndarray, np.ndarray] | None:
    """Average-linkage 2-means over member cosines: (similarity matrix, in second group).

    Seeds: the founder and the member least like it; each round puts every member in the
    group it is closer to on average (the founder stays in the first). Deterministic.
    """
    terms = sorted({k for v in vecs for k in v})
    col = {k: j for j, k in enumerate(terms)}
    m = np.zeros((len(vecs), len(terms)))
    for i, v in enumerate(vecs):
        for k, x in v.items():
            m[i, col[k]] = x
    norms = np.linalg.norm(m, axis=1)
    norms[norms == 0] = 1.0
    m /= norms[:, None]
    sims = m @ m.T
    far = int(np.argmin(sims[seed]))
    if far == seed:
        return None
    in_b = np.zeros(len(vecs), dtype=bool)
    in_b[far] = True
    eye = np.eye(len(vecs), dtype=bool)
    for _ in range(rounds):
        off = np.where(eye, 0.0, sims)
        na, nb = float((~in_b).sum()), float(in_b.sum())
        to_a = off[:, ~in_b].sum(axis=1) / np.maximum(na - (~in_b), 1.0)
        to_b = off[:, in_b].sum(axis=1) / np.maximum(nb - in_b, 1.0)
        nxt = to_b > to_a
        nxt[seed] = False
        if not nxt.any() or nxt.all() or (nxt == in_b).all():
            in_b = nxt
            break
        in_b = nxt
    if not in_b.any():
        return None
    return sims, in_b


def _older(a: Story, b: Story) -> tuple[Story, Story]:
    """(kept, merged away): the story that started first keeps its id."""
    ka = (a.first if a.first is not None else float("inf"), a.id)
    kb = (b.first if b.first is not None else float("inf"), b.id)
    return (a, b) if ka <= kb else (b, a)


__all__ = ["Embedder", "Story", "StoryAssigner", "day_number", "story_id_for"]
