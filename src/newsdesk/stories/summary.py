"""A story's row in ``stories``: headline, extractive summary, dates, outlets, entities.

Computed from the core tables (``articles``, ``mentions``, ``entities``) so that it is
right whatever run added the articles. The headline is the member title closest to
the story's centroid; the summary is 2–3 lead sentences of the members, picked for
closeness to the centroid and not repeating each other.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from newsdesk.clean.metadata import strip_dateline
from newsdesk.stories import features as F

SUMMARY_ARTICLES = 5  # members whose leads are read for the summary
LEAD_SENTENCES = 5  # sentences per lead considered
SUMMARY_SENTENCES = 3
SUMMARY_CHARS = 500  # stop adding sentences past this length (after two)
REDUNDANT = 0.6  # cosine above which a sentence repeats one already chosen
TOP_ENTITIES = 10
HEADLINE_POOL = 100  # own titles ranked for the headline: the first and the latest this many


# A story's row is recomputed as the story grows, from mostly the same members: their
# titles' and lead sentences' term frequencies (pure functions of the text; the idf
# weighing is redone every time) are kept for the last few thousand, not recomputed.
KEPT_TEXTS = 4096
KEPT_LEADS = 1024


@lru_cache(maxsize=KEPT_TEXTS)
def _tf(text: str) -> dict[int, float]:
    """``F.text_tf(text)``, shared between callers: read it, never change it."""
    return F.text_tf(text)


def _vector(text: str, df: F.DocFreq) -> dict[int, float]:
    return df.weigh(_tf(text))


def _cos(vec: dict[int, float], centroid: dict[int, float], cnorm: float) -> float:
    return F.dot(vec, centroid) / cnorm if cnorm else 0.0


def _label(text: str, limit: int = 120) -> str:
    """A first sentence as a headline stand-in, cut at a word boundary."""
    spans = F.sentences(text)
    s = text[spans[0][0] : spans[0][1]] if spans else text
    s = " ".join(s.split())
    if len(s) <= limit:
        return s
    return s[:limit].rsplit(" ", 1)[0] + "…"


def story_row(
    conn: sqlite3.Connection,
    story_id: str,
    centroid: dict[int, float],
    df: F.DocFreq,
    leads: Leads,
) -> dict[str, Any]:
    """The computed fields of one story's row (lists as Python lists); ``leads`` reads
    the members' lead sentences from ``conn``."""
    cnorm = F.norm(centroid)
    # Aggregates in SQL over the covering index: a story's row costs little at any size.
    n, copies, first, last = conn.execute(
        "SELECT count(*), count(duplicate_of), min(nullif(published_sort, '')),"
        " max(nullif(published_sort, '')) FROM articles WHERE story_id = ?",
        (story_id,),
    ).fetchone()
    # Outlets in order of first appearance (by date, then insertion).
    publishers = [
        r[0]
        for r in conn.execute(
            "SELECT o FROM (SELECT coalesce(nullif(publisher, ''), nullif(aggregator, '')) AS o,"
            " row_number() OVER (ORDER BY published_sort, rowid) AS k"
            " FROM articles WHERE story_id = ?) WHERE o IS NOT NULL GROUP BY o ORDER BY min(k)",
            (story_id,),
        )
    ]
    independent = [
        r[0]
        for r in conn.execute(
            "SELECT publisher FROM (SELECT publisher, duplicate_of,"
            " row_number() OVER (ORDER BY published_sort, rowid) AS k"
            " FROM articles WHERE story_id = ?) WHERE duplicate_of IS NULL"
            " AND publisher IS NOT NULL AND publisher != '' GROUP BY publisher ORDER BY min(k)",
            (story_id,),
        )
    ]
    own = _headline_pool(conn, story_id, n - copies or n, own_only=n > copies)

    # Headline: the member title nearest the centroid; earliest wins a tie.
    ranked = sorted(
        (
            (_cos(_vector(r[1], df), centroid, cnorm) if r[1] else -1.0, -i, r)
            for i, r in enumerate(own)
        ),
        key=lambda x: (x[0], x[1]),
        reverse=True,
    )
    title = ranked[0][2][1] if ranked and ranked[0][2][1] else None

    summary, lead_text = _summary(
        leads, [x[2][0] for x in ranked[:SUMMARY_ARTICLES]], centroid, cnorm, df
    )
    if title is None and lead_text:
        title = _label(lead_text)

    entities = [
        {"id": eid, "name": name, "type": etype, "count": count}
        for eid, name, etype, count, _m in conn.execute(
            "SELECT e.id, e.name, e.type, t.articles, t.mentions"
            " FROM story_entities t JOIN entities e ON e.id = t.entity_id"
            " WHERE t.story_id = ?"
            " ORDER BY t.articles DESC, t.mentions DESC, e.name LIMIT ?",
            (story_id, TOP_ENTITIES),
        )
    ]
    return {
        "title": title,
        "summary": summary,
        "first_published": first,
        "last_published": last,
        "publishers": publishers,
        "independent_sources": independent,
        "article_count": n,
        "copy_count": copies,
        "entities": entities,
    }


def _headline_pool(
    conn: sqlite3.Connection, story_id: str, total: int, *, own_only: bool
) -> list[tuple[Any, ...]]:
    """The members whose titles compete for the headline: a story's own articles (all
    members when it has none), the first and the latest ``HEADLINE_POOL`` of them."""
    sql = (
        "SELECT id, title, published_sort, publisher, aggregator, duplicate_of FROM articles"
        " WHERE story_id = ?" + (" AND duplicate_of IS NULL" if own_only else "")
    )
    if total <= 2 * HEADLINE_POOL:
        return conn.execute(sql + " ORDER BY published_sort, rowid", (story_id,)).fetchall()
    head = conn.execute(
        sql + " ORDER BY published_sort, rowid LIMIT ?", (story_id, HEADLINE_POOL)
    ).fetchall()
    tail = conn.execute(
        sql + " ORDER BY published_sort DESC, rowid DESC LIMIT ?", (story_id, HEADLINE_POOL)
    ).fetchall()
    return head + tail[::-1]


def _summary(
    leads: Leads,
    article_ids: list[str],
    centroid: dict[int, float],
    cnorm: float,
    df: F.DocFreq,
) -> tuple[str | None, str | None]:
    """(2–3 sentence extractive summary, text of the most representative member)."""
    cands: list[tuple[float, int, int, str, dict[int, float]]] = []
    first_text: str | None = None
    for rank, aid in enumerate(article_ids):
        lead = leads.get(aid)
        if lead is None:
            continue
        text, sentences = lead
        if first_text is None:
            first_text = text
        for pos, sent in sentences:
            vec = _vector(sent, df)
            score = _cos(vec, centroid, cnorm) / (1.0 + 0.15 * pos)
            cands.append((score, rank, pos, sent, vec))
    cands.sort(key=lambda c: -c[0])
    chosen: list[tuple[float, int, int, str, dict[int, float]]] = []
    for c in cands:
        if any(F.dot(c[4], o[4]) > REDUNDANT for o in chosen):
            continue
        chosen.append(c)
        if len(chosen) >= SUMMARY_SENTENCES or (
            len(chosen) >= 2 and sum(len(o[3]) for o in chosen) > SUMMARY_CHARS
        ):
            break
    if not chosen:
        return None, first_text
    chosen.sort(key=lambda c: (c[1], c[2]))
    return " ".join(c[3] for c in chosen), first_text


class Leads:
    """The lead sentences of one database's articles that can go in a summary, read
    once: an article's text never changes once stored (the last ``kept`` are kept)."""

    def __init__(self, conn: sqlite3.Connection, kept: int = KEPT_LEADS) -> None:
        self.conn = conn
        self.kept = kept
        self._read: OrderedDict[str, tuple[str, list[tuple[int, str]]] | None] = OrderedDict()

    def get(self, article_id: str) -> tuple[str, list[tuple[int, str]]] | None:
        """(start of the text, [(position, sentence)]), or None for an article without text."""
        if article_id in self._read:
            self._read.move_to_end(article_id)
            return self._read[article_id]
        row = self.conn.execute(
            "SELECT substr(text, 1, 4000) FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:  # not stored (yet): nothing to keep
            return None
        lead = _lead_sentences(row[0]) if row[0] else None
        self._read[article_id] = lead
        if len(self._read) > self.kept:
            self._read.popitem(last=False)
        return lead


def _lead_sentences(text: str) -> tuple[str, list[tuple[int, str]]]:
    sentences = []
    for pos, (s, e) in enumerate(F.sentences(text)[:LEAD_SENTENCES]):
        sent = strip_dateline(" ".join(text[s:e].split()))
        if 40 <= len(sent) <= 400 and sent[-1] in ".!?\"'”’":
            sentences.append((pos, sent))
    return text, sentences
