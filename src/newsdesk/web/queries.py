"""The SQL behind every page: each function returns the JSON-ready dict of one page.

Pages and their ``/api`` twins share these functions, so the HTML and the JSON
always say the same thing. Queries are bounded (LIMIT everywhere) and fetch the
rows of a page in a fixed number of statements (no query per row).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import OrderedDict
from typing import Any

from newsdesk.annotate.timeline import TimelineEvent, merge_events
from newsdesk.store.db import in_chunks

MAX_LIMIT = 100
MAX_OFFSET = 10_000
# A full-text query matching more articles than this ranks the most recently ingested
# ones only (bm25 costs ~10-20 us per matching row: 100,000 matches ~300 ms, 400 ~5 ms).
RANK_WINDOW = 400
# Above this many matches a query lists its matches newest first (see ``search``).
RELEVANCE_LIMIT = 5000


class NotFound(Exception):
    """The requested story, article, entity or outlet does not exist."""


class BadQuery(Exception):
    """The search query or a filter cannot be run; the message is shown to the user."""


def _json_list(value: str | None) -> list[Any]:
    """Parse a JSON list column, tolerating NULL or junk (never raise on a page)."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return []
    return parsed if isinstance(parsed, list) else []


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _placeholders(n: int) -> str:
    return ",".join("?" * n)


# --- articles ------------------------------------------------------------------------

_ARTICLE_BRIEF = (
    "a.id, a.title, a.publisher, a.published, a.published_precision, a.url,"
    " a.duplicate_of, a.story_id, a.aggregator"
)


def _brief(row: sqlite3.Row) -> dict[str, Any]:
    """The short form of an article used in lists."""
    return {
        "id": row["id"],
        "title": row["title"],
        "publisher": row["publisher"],
        "published": row["published"],
        "published_precision": row["published_precision"],
        "url": row["url"],
        "duplicate_of": row["duplicate_of"],
        "story_id": row["story_id"],
        "aggregator": row["aggregator"],
    }


def _story_brief(row: sqlite3.Row) -> dict[str, Any]:
    independent = _json_list(row["independent_sources"])
    return {
        "id": row["id"],
        "title": row["title"],
        "summary": row["summary"],
        "first_published": row["first_published"],
        "last_published": row["last_published"],
        "publishers": _json_list(row["publishers"]),
        "independent_sources": independent,
        "independent_source_count": len(independent),
        "article_count": row["article_count"],
        "copy_count": row["copy_count"],
    }


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Corpus size figures for the home page."""
    out = {
        "articles": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
        "copies": conn.execute(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
        ).fetchone()[0],
        "outlets": conn.execute(f"SELECT count(*) FROM ({_OUTLETS_SKIP})", (1_000_000,)).fetchone()[
            0
        ],
        "stories": 0,
    }
    if _has_table(conn, "stories"):
        out["stories"] = conn.execute(
            "SELECT count(*) FROM stories WHERE merged_into IS NULL"
        ).fetchone()[0]
    return out


def latest_stories(conn: sqlite3.Connection, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Stories by their latest article, newest first."""
    stories: list[dict[str, Any]] = []
    if _has_table(conn, "stories"):
        rows = conn.execute(
            "SELECT * FROM stories WHERE merged_into IS NULL"
            " ORDER BY last_published DESC, id LIMIT ? OFFSET ?",
            (limit + 1, offset),
        ).fetchall()
        stories = [_story_brief(r) for r in rows]
    more = len(stories) > limit
    return {
        "stories": stories[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


def latest_articles(conn: sqlite3.Connection, limit: int = 10) -> list[dict[str, Any]]:
    """The newest originals (copies are reached from their original)."""
    rows = conn.execute(
        f"SELECT {_ARTICLE_BRIEF} FROM articles a WHERE +a.duplicate_of IS NULL"
        " ORDER BY a.published_sort DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [_brief(r) for r in rows]


def home(conn: sqlite3.Connection, limit: int = 20) -> dict[str, Any]:
    """What the home page shows: corpus figures, latest stories and articles."""
    return {
        "counts": counts(conn),
        "stories": latest_stories(conn, limit)["stories"],
        "articles": latest_articles(conn, 10),
    }


# --- search --------------------------------------------------------------------------

# Characters and words that only make sense as FTS5 query syntax. A query without them
# is taken as plain words; a query with them is passed to FTS5 as written.
_FTS_SYNTAX = re.compile(r'["()*:^{}+]|\b(?:AND|OR|NOT|NEAR)\b')
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_WORD = re.compile(r"\w+")


def fts_query(q: str) -> str:
    """Turn what the user typed into an FTS5 MATCH expression.

    Plain text (``Peskov's truce-talks``) becomes one quoted phrase per
    whitespace-separated chunk, so punctuation never causes a syntax error.
    Text using FTS5 syntax (quotes, AND/OR/NOT, NEAR, prefix ``*``, column filters)
    is passed through unchanged and may raise :class:`BadQuery` when run.
    """
    q = q.strip()
    if _FTS_SYNTAX.search(q):
        return q
    phrases = []
    for chunk in q.split():
        words = _WORD.findall(chunk)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases)


def _split_marks(marked: str, start: str = "\x02", end: str = "\x03") -> dict[str, Any]:
    """Split an FTS5 snippet with sentinel marks into plain text and highlight ranges."""
    text: list[str] = []
    ranges: list[list[int]] = []
    pos = 0
    open_at: int | None = None
    for piece in re.split(f"([{start}{end}])", marked):
        if piece == start:
            if open_at is None:
                open_at = pos
        elif piece == end:
            if open_at is not None and pos > open_at:
                ranges.append([open_at, pos])
            open_at = None
        else:
            text.append(piece)
            pos += len(piece)
    if open_at is not None and pos > open_at:
        ranges.append([open_at, pos])
    return {"text": "".join(text), "highlights": ranges}


def _check_date(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not _DATE.match(value):
        raise BadQuery(f"{name} must be a date like 2025-04-07, 2025-04 or 2025 (got {value!r})")
    return value


def _resolve_entities(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Entity ids for an id or a name (exact, then case-insensitive)."""
    rows = conn.execute("SELECT id FROM entities WHERE id = ?", (ref,)).fetchall()
    if not rows:
        rows = conn.execute("SELECT id FROM entities WHERE name = ? LIMIT 50", (ref,)).fetchall()
    if not rows:
        rows = conn.execute(
            "SELECT id FROM entities WHERE name = ? COLLATE NOCASE LIMIT 50", (ref,)
        ).fetchall()
    if not rows and ref.strip().casefold() not in _PRONOUNS:
        # Then by alias ("Marsh" for "Elena Marsh"); a pronoun is an alias of half the
        # people in the corpus and never names anyone.
        rows = conn.execute(
            "SELECT id FROM entities WHERE aliases LIKE ? AND EXISTS (SELECT 1 FROM"
            " json_each(CASE WHEN json_valid(aliases) THEN aliases ELSE '[]' END)"
            " WHERE value = ? COLLATE NOCASE) ORDER BY article_count DESC LIMIT 50",
            (f"%{ref.strip()}%", ref.strip()),
        ).fetchall()
    return [r[0] for r in rows]


def search(
    conn: sqlite3.Connection,
    q: str = "",
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    outlet: str | None = None,
    speaker: str | None = None,
    entity: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """Full-text search over titles and bodies, best match first, with filters.

    Without ``q`` the filtered articles are listed newest first. Raises
    :class:`BadQuery` for an FTS5 syntax error or a malformed filter.
    """
    q = (q or "").strip()
    if len(q) > 500:
        raise BadQuery("the search query is too long (500 characters at most)")
    date_from = _check_date("from", date_from)
    date_to = _check_date("to", date_to)
    # Every filter has two forms with the same parameters: a set of article rowids
    # read from an index (best when the filter is more selective than the words), and
    # a test on the joined article row (best when the words are rare). FTS rows are
    # tested against a set with `+rowid IN (...)`: the '+' keeps SQLite from handing
    # the set to FTS5 as one lookup per rowid, which re-reads the doclist each time.
    sets: list[str] = []
    tests: list[str] = []
    params: list[Any] = []
    if date_from or date_to:
        cond, dp = [], []
        if date_from:
            cond.append("published_sort >= ?")
            dp.append(date_from)
        if date_to:
            # '~' sorts after every character of an ISO date-time: the whole day counts.
            cond.append("published_sort < ?")
            dp.append(date_to + "~")
        sets.append("SELECT rowid FROM articles WHERE " + " AND ".join(cond))
        tests.append(" AND ".join("a." + c for c in cond))
        params.extend(dp)
    if outlet:
        sets.append("SELECT rowid FROM articles WHERE publisher = ?")
        tests.append("a.publisher = ?")
        params.append(outlet)
    if speaker:
        ids = _resolve_entities(conn, speaker)
        cond = f"q.speaker_entity_id IN ({_placeholders(len(ids))})" if ids else "q.speaker = ?"
        sets.append(
            f"SELECT x.rowid FROM quotes q JOIN articles x ON x.id = q.article_id WHERE {cond}"
        )
        tests.append(f"EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id AND {cond})")
        params.extend(ids or [speaker])
    if entity:
        ids = _resolve_entities(conn, entity) or [entity]
        cond = f"m.entity_id IN ({_placeholders(len(ids))})"
        sets.append(
            f"SELECT x.rowid FROM mentions m JOIN articles x ON x.id = m.article_id WHERE {cond}"
        )
        tests.append(f"EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND {cond})")
        params.extend(ids)

    match = fts_query(q) if q else ""
    filters = {
        "from": date_from,
        "to": date_to,
        "outlet": outlet or None,
        "speaker": speaker or None,
        "entity": entity or None,
    }
    empty = {
        "query": q,
        "fts": match,
        "filters": filters,
        "results": [],
        "order": "relevance",
        "ranked_among_latest": None,
        "limit": limit,
        "offset": offset,
        "next_offset": None,
    }
    if q and not match:
        # Only punctuation: nothing can match, and FTS5 would reject an empty query.
        return empty
    window = max(RANK_WINDOW, offset + limit + 1)
    matched = None
    order = "relevance" if match else "newest"
    snippets_later = False
    try:
        if match:
            # bm25 first counts, for every phrase, the articles containing it (a scan of
            # its whole doclist: ~10 ms for a word in 100,000 articles) and then costs a
            # docsize lookup per ranked row. So: rank only among the `window` most
            # recently ingested matches (a rowid-descending walk of the doclist finds the
            # lowest rowid among them), and when the query matches more than
            # RELEVANCE_LIMIT articles its words are too common for bm25 to say much
            # (FTS5 floors their idf): list those matches newest first instead.
            total = conn.execute(
                "SELECT count(*) FROM (SELECT rowid FROM articles_fts"
                " WHERE articles_fts MATCH ? LIMIT ?)",
                (match, RELEVANCE_LIMIT),
            ).fetchone()[0]
            if not total:
                return empty
            order = "newest" if total >= RELEVANCE_LIMIT else "relevance"
            join = ""
            if sets and total < RELEVANCE_LIMIT:
                # Rare words: test each matching article rather than build the sets.
                join = " JOIN articles a ON a.rowid = f.rowid"
                extra = "".join(f" AND {t}" for t in tests)
            else:
                extra = "".join(f" AND +f.rowid IN ({x})" for x in sets)
            low, matched = conn.execute(
                "SELECT min(rid), count(*) FROM (SELECT f.rowid AS rid FROM articles_fts f"
                f"{join} WHERE f.articles_fts MATCH ?{extra} ORDER BY f.rowid DESC LIMIT ?)",
                [match, *params, window],
            ).fetchone()
            if low is None:
                return empty
            if order == "newest":
                sql = (
                    f"SELECT {_ARTICLE_BRIEF}, NULL AS rank,"
                    " snippet(articles_fts, 1, char(2), char(3), '…', 28) AS snip,"
                    " highlight(articles_fts, 0, char(2), char(3)) AS title_marked"
                    " FROM articles_fts f JOIN articles a ON a.rowid = f.rowid"
                    f" WHERE f.articles_fts MATCH ? AND f.rowid >= ?{extra}"
                    " ORDER BY f.rowid DESC LIMIT ? OFFSET ?"
                )
                args = [match, low, *params, limit + 1, offset]
            elif not sets:
                sql = (
                    f"SELECT {_ARTICLE_BRIEF}, f.rank AS rank,"
                    " snippet(articles_fts, 1, char(2), char(3), '…', 28) AS snip,"
                    " highlight(articles_fts, 0, char(2), char(3)) AS title_marked"
                    " FROM articles_fts f JOIN articles a ON a.rowid = f.rowid"
                    " WHERE f.articles_fts MATCH ? AND f.rowid >= ?"
                    " ORDER BY f.rank LIMIT ? OFFSET ?"
                )
                args = [match, low, limit + 1, offset]
            else:
                # Filtered: SQLite sorts, so bm25 is computed only for rows in every
                # set; snippets are fetched afterwards for the page's rows only.
                sql = (
                    f"SELECT {_ARTICLE_BRIEF}, f.rowid AS rid, bm25(articles_fts) AS rank,"
                    " NULL AS snip, NULL AS title_marked"
                    " FROM articles_fts f JOIN articles a ON a.rowid = f.rowid"
                    f" WHERE f.articles_fts MATCH ? AND f.rowid >= ?{extra}"
                    " ORDER BY rank LIMIT ? OFFSET ?"
                )
                args = [match, low, *params, limit + 1, offset]
                snippets_later = True
        else:
            cond = " WHERE " + " AND ".join(f"a.rowid IN ({x})" for x in sets) if sets else ""
            sql = (
                f"SELECT {_ARTICLE_BRIEF}, NULL AS rank, substr(a.text, 1, 240) AS snip,"
                f" a.title AS title_marked FROM articles a{cond}"
                " ORDER BY a.published_sort DESC, a.rowid DESC LIMIT ? OFFSET ?"
            )
            args = [*params, limit + 1, offset]
        rows = [dict(r) for r in conn.execute(sql, args).fetchall()]
        if snippets_later:
            for r in rows[:limit]:
                one = conn.execute(
                    "SELECT snippet(articles_fts, 1, char(2), char(3), '…', 28),"
                    " highlight(articles_fts, 0, char(2), char(3))"
                    " FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
                    (match, r["rid"]),
                ).fetchone()
                if one:
                    r["snip"], r["title_marked"] = one
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if match and (
            "fts5" in msg
            or "syntax" in msg
            or "no such column" in msg
            or "unterminated" in msg
            or "unknown special query" in msg
        ):
            raise BadQuery(f"cannot run this search query: {msg}") from exc
        raise
    results = []
    for r in rows[:limit]:
        item = _brief(r)
        item["rank"] = r["rank"]
        snip = r["snip"] or ""
        item["snippet"] = _split_marks(snip if match else snip.replace("\n\n", " "))
        item["title_marked"] = _split_marks(r["title_marked"] or "")
        results.append(item)
    return {
        "query": q,
        "fts": match,
        "filters": filters,
        "results": results,
        # "relevance" (bm25) or "newest" (ingest order, for very common words).
        "order": order,
        # Set when more articles matched than were ranked (see RANK_WINDOW).
        "ranked_among_latest": window if matched is not None and matched >= window else None,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


# Distinct outlets by skip-scan: one index seek per outlet instead of reading every
# article's entry in the publisher index (100,000 entries for a few dozen names).
_OUTLETS_SKIP = (
    "WITH RECURSIVE p(x) AS (SELECT min(publisher) FROM articles"
    " UNION ALL SELECT (SELECT min(publisher) FROM articles WHERE publisher > x)"
    " FROM p WHERE x IS NOT NULL)"
    " SELECT x FROM p WHERE x IS NOT NULL LIMIT ?"
)


def outlet_names(conn: sqlite3.Connection, limit: int = 500) -> list[str]:
    """Outlet names in order, for the search filter's suggestions."""
    return [r[0] for r in conn.execute(_OUTLETS_SKIP, (limit,))]


# --- statements ----------------------------------------------------------------------


def _group_statements(rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """Fold quotes of the same words (``statement_id``) into one statement with sources."""
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows:
        key = (
            r["statement_id"]
            or f"{r['speaker'] or ''}\x00{' '.join(_WORD.findall(r['text'].lower()))}"
        )
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "statement_id": r["statement_id"],
                "text": r["text"],
                "kind": r["kind"],
                "speaker": r["speaker"],
                "speaker_entity_id": r["speaker_entity_id"],
                "first_published": r["published"],
                "sources": [],
            }
        g["sources"].append(
            {
                "quote_id": r["id"],
                "article_id": r["article_id"],
                "publisher": r["publisher"],
                "published": r["published"],
                "is_copy": r["duplicate_of"] is not None,
                "cue": r["cue"],
                "medium": r["medium"],
                "start": r["start"],
                "end": r["end"],
            }
        )
        if r["published"] and (not g["first_published"] or r["published"] < g["first_published"]):
            g["first_published"] = r["published"]
    return list(groups.values())


_QUOTE_COLS = (
    "q.id, q.article_id, q.start, q.end, q.text, q.kind, q.speaker, q.speaker_entity_id,"
    " q.speaker_mention, q.cue, q.medium, q.statement_id,"
    " a.publisher, a.published, a.duplicate_of"
)


# --- timelines -----------------------------------------------------------------------

# Columns every timeline query selects (``e`` events, ``a`` the reporting article).
_EVENT_COLS = (
    "e.id, e.article_id, e.date, e.precision, e.sort_date, e.start, e.end, e.what, e.who,"
    " e.quote_id, a.publisher, a.published, a.published_sort, a.duplicate_of"
)


def _source(row: sqlite3.Row) -> dict[str, Any]:
    """An article as a timeline source, from an ``articles`` row."""
    return {"article_id": row["id"], "publisher": row["publisher"], "published": row["published"]}


def _report(row: sqlite3.Row) -> dict[str, Any]:
    """The reporting article of an event row (``_EVENT_COLS``) as a timeline source."""
    return {
        "article_id": row["article_id"],
        "publisher": row["publisher"],
        "published": row["published"],
    }


def merged_timeline(
    conn: sqlite3.Connection,
    rows: list[sqlite3.Row],
    known: dict[str, dict[str, Any]] | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Fold event rows (``_EVENT_COLS``) into timeline entries, one per event.

    The same event reported by several articles (same date value, similar words:
    :func:`newsdesk.annotate.timeline.merge_events`, which compares only reports of
    the same date) becomes one entry listing every source article. A copy
    (``duplicate_of``) is not a source of its own: its report counts for its
    original, and it is listed under that source's ``copies``. An entry that only
    copies report is dropped when their original is in the database: a copy's words
    are the original's, and a different date there only comes from resolving "today"
    against the copy's later publication. ``known`` maps article ids to
    ``{article_id, publisher, published}`` already at hand (saves a query for
    originals). Entries are ordered by date (first day of their period, then first
    report); the latest ``limit`` are kept.
    """
    rows = _latest_dates(rows, limit)
    known = dict(known or {})
    missing = sorted({r["duplicate_of"] for r in rows if r["duplicate_of"]} - set(known))
    for chunk, marks in in_chunks(missing):
        for r in conn.execute(
            f"SELECT id, publisher, published FROM articles WHERE id IN ({marks})",
            chunk,
        ):
            known[r["id"]] = _source(r)
    pairs: list[tuple[TimelineEvent, str]] = []
    row_of: dict[int, sqlite3.Row] = {}
    # Originals first among reports of one date, so an entry's wording, date and link
    # are those of an original report, earliest published first.
    ordered = sorted(
        rows,
        key=lambda r: (r["sort_date"], r["duplicate_of"] is not None, r["published_sort"] or ""),
    )
    for r in ordered:
        orig = r["duplicate_of"]
        source = orig if orig and orig in known else r["article_id"]
        ev = TimelineEvent(
            date=r["date"],
            precision=r["precision"],
            sort_date=r["sort_date"],
            start=r["start"],
            end=r["end"],
            what=r["what"],
            who=[w for w in _json_list(r["who"]) if isinstance(w, str)],
            article_id=r["article_id"],
        )
        row_of[id(ev)] = r
        pairs.append((ev, source))
    entries: list[dict[str, Any]] = []
    for m in merge_events(pairs):
        reports = [row_of[id(ev)] for ev in m.events]
        firsts = [r for r in reports if r["article_id"] in m.sources]
        if not firsts:
            continue  # copies only: the original tells it (see above)
        sources: dict[str, dict[str, Any]] = {}
        for r in firsts:
            if r["article_id"] not in sources:
                sources[r["article_id"]] = {
                    **_report(r),
                    "event_id": r["id"],
                    "start": r["start"],
                    "end": r["end"],
                    "copies": [],
                }
        for r in reports:
            orig = r["duplicate_of"]
            if r["article_id"] in sources or orig not in m.sources:
                continue
            if orig not in sources:  # only its copy reported it: the copy's words stand in
                sources[orig] = {
                    **known[orig],
                    "event_id": r["id"],
                    "start": None,
                    "end": None,
                    "copies": [],
                }
            copies = sources[orig]["copies"]
            if all(c["article_id"] != r["article_id"] for c in copies):
                copies.append({**_report(r), "event_id": r["id"]})
        first = reports[0]
        quote_id = next((r["quote_id"] for r in firsts if r["quote_id"]), None)
        src_list = sorted(sources.values(), key=lambda s: s["published"] or "~")
        outlets = {s["publisher"] or f"\x00{s['article_id']}" for s in src_list}
        entries.append(
            {
                "date": m.date,
                "precision": m.precision,
                "sort_date": m.sort_date,
                "label": "",
                "what": first["what"],
                "who": [w for w in m.who if w.casefold() not in _PRONOUNS],
                "article_id": first["article_id"],
                "start": first["start"],
                "end": first["end"],
                "sources": src_list,
                "source_count": len(src_list),
                "outlet_count": len(outlets),
                "quote_id": quote_id,
                "quote": None,
            }
        )
    entries = entries[-limit:]
    wanted = sorted({e["quote_id"] for e in entries if e["quote_id"]})
    quotes: dict[str, dict[str, Any]] = {}
    for chunk, marks in in_chunks(wanted):
        for q in conn.execute(
            "SELECT id, article_id, text, kind, speaker, speaker_entity_id, start, end"
            f" FROM quotes WHERE id IN ({marks})",
            chunk,
        ):
            quotes[q["id"]] = dict(q)
    for e in entries:
        e["label"] = period_label(e["date"])
        e["quote"] = quotes.get(e["quote_id"]) if e["quote_id"] else None
    return entries


def _latest_dates(rows: list[sqlite3.Row], limit: int) -> list[sqlite3.Row]:
    """The rows that can make the latest ``limit`` merged entries.

    Reports merge only when their date values are equal, so each distinct date value
    of an original's report makes at least one entry: once the latest sort dates hold
    ``limit`` such values, every row dated earlier would fall outside the kept
    entries. Cutting those first keeps the merge linear in what is shown, not in
    what was read.
    """
    by_sort: dict[str, set[str]] = {}
    for r in rows:
        if r["duplicate_of"] is None:  # a copy's report may be dropped: not counted
            by_sort.setdefault(r["sort_date"], set()).add(r["date"])
    seen = 0
    cutoff = ""
    for sort_date in sorted(by_sort, reverse=True):
        seen += len(by_sort[sort_date])
        if seen >= limit:
            cutoff = sort_date
            break
    return [r for r in rows if r["sort_date"] >= cutoff] if cutoff else rows


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
_PERIOD = re.compile(
    r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d)(-WE)?|-Q([1-4])|-H([12])|-(SP|SU|FA|WI))?"
)


def period_label(value: str) -> str:
    """A TIMEX3 calendar value as a reader says it, never more precise than it is.

    ``2025-04-07`` -> "7 Apr 2025", ``2025-W15`` -> "week of 7 Apr 2025",
    ``2025-03`` -> "March 2025", ``2025-Q1`` -> "Q1 2025", ``2025-H2`` -> "second half
    of 2025", ``2022-FA`` -> "autumn 2022", ``2025`` -> "2025". Anything else is
    shown as stored.
    """
    from datetime import date, timedelta

    m = _PERIOD.match(value or "")
    if not m:
        return value or "date unknown"
    year = m.group(1)
    try:
        if m.group(3):
            d = date(int(year), int(m.group(2)), int(m.group(3)))
            return f"{d.day} {d:%b %Y}"
        if m.group(2):
            return f"{_MONTHS[int(m.group(2)) - 1]} {year}"
        if m.group(4):
            monday = date.fromisocalendar(int(year), int(m.group(4)), 1)
            if m.group(5):
                sat = monday + timedelta(days=5)
                return f"weekend of {sat.day} {sat:%b %Y}"
            return f"week of {monday.day} {monday:%b %Y}"
    except (ValueError, IndexError):
        return value
    if m.group(6):
        return f"Q{m.group(6)} {year}"
    if m.group(7):
        return f"{'first' if m.group(7) == '1' else 'second'} half of {year}"
    if m.group(8):
        return f"{_SEASONS[m.group(8)]} {year}"
    return year


# --- story ---------------------------------------------------------------------------


def story(conn: sqlite3.Connection, story_id: str) -> dict[str, Any]:
    """A story: its articles (copies folded under their original), statements by
    speaker, timeline events and entities."""
    row = None
    if _has_table(conn, "stories"):
        row = conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    articles = conn.execute(
        f"SELECT {_ARTICLE_BRIEF}, a.authors, a.agencies FROM articles a WHERE a.story_id = ?"
        " ORDER BY a.published_sort, a.rowid LIMIT 2000",
        (story_id,),
    ).fetchall()
    if row is None and not articles:
        raise NotFound(f"no story {story_id!r}")
    if row is not None and row["merged_into"]:
        return {"id": story_id, "merged_into": row["merged_into"]}

    briefs = []
    for a in articles:
        b = _brief(a)
        b["authors"] = _json_list(a["authors"])
        b["agencies"] = _json_list(a["agencies"])
        b["copies"] = []
        briefs.append(b)
    by_id = {b["id"]: b for b in briefs}
    coverage = []
    for b in briefs:
        orig = b["duplicate_of"]
        if orig and orig in by_id and orig != b["id"]:
            by_id[orig]["copies"].append(b)
        else:
            coverage.append(b)
    originals = [b for b in briefs if not b["duplicate_of"]]
    computed_independent = sorted({b["publisher"] for b in originals if b["publisher"]})

    if row is not None:
        info = _story_brief(row)
        info["entities"] = [
            {
                "id": str(e.get("id") or ""),
                "name": str(e.get("name") or e.get("id") or ""),
                "type": str(e.get("type") or ""),
                "count": e.get("count"),
            }
            for e in _json_list(row["entities"])
            if isinstance(e, dict)
            and e.get("id")
            and str(e.get("name") or "").casefold() not in _PRONOUNS
        ]
        if not info["independent_sources"] and computed_independent:
            info["independent_sources"] = computed_independent
            info["independent_source_count"] = len(computed_independent)
    else:
        # Stories not built yet: describe the group from its articles.
        dates = [b["published"] for b in briefs if b["published"]]
        info = {
            "id": story_id,
            "title": briefs[0]["title"] if briefs else None,
            "summary": None,
            "first_published": min(dates) if dates else None,
            "last_published": max(dates) if dates else None,
            "publishers": sorted({b["publisher"] for b in briefs if b["publisher"]}),
            "independent_sources": computed_independent,
            "independent_source_count": len(computed_independent),
            "article_count": len(briefs),
            "copy_count": len(briefs) - len(originals),
            "entities": [],
        }

    quotes = conn.execute(
        f"SELECT {_QUOTE_COLS} FROM quotes q JOIN articles a ON a.id = q.article_id"
        " WHERE a.story_id = ? ORDER BY a.published_sort, q.article_id, q.start LIMIT 5000",
        (story_id,),
    ).fetchall()
    speakers: OrderedDict[str, dict[str, Any]] = OrderedDict()
    statements = _group_statements(quotes)
    for s in statements:
        key = s["speaker_entity_id"] or s["speaker"] or ""
        sp = speakers.get(key)
        if sp is None:
            sp = speakers[key] = {
                "speaker": s["speaker"],
                "speaker_entity_id": s["speaker_entity_id"],
                "statements": [],
            }
        sp["statements"].append(s)
    # Most-quoted first; unattributed words last.
    speaker_list = sorted(
        speakers.values(), key=lambda sp: (sp["speaker"] is None, -len(sp["statements"]))
    )

    events = conn.execute(
        f"SELECT {_EVENT_COLS} FROM events e JOIN articles a ON a.id = e.article_id"
        " WHERE a.story_id = ? ORDER BY e.sort_date, a.published_sort LIMIT 2000",
        (story_id,),
    ).fetchall()
    known = {
        b["id"]: {"article_id": b["id"], "publisher": b["publisher"], "published": b["published"]}
        for b in briefs
    }
    timeline = merged_timeline(conn, events, known)
    info.update(
        {
            "articles": coverage,
            "speakers": speaker_list,
            "timeline": timeline[:500],
        }
    )
    return info


# --- article -------------------------------------------------------------------------


def article(conn: sqlite3.Connection, article_id: str) -> dict[str, Any]:
    """An article with every annotation (offsets into ``text``), its copies and original."""
    a = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    if a is None:
        raise NotFound(f"no article {article_id!r}")
    text = a["text"]
    out: dict[str, Any] = {
        k: a[k]
        for k in (
            "id",
            "source",
            "input_id",
            "url",
            "title",
            "subtitle",
            "published",
            "published_precision",
            "publisher",
            "aggregator",
            "language",
            "text",
            "duplicate_of",
            "story_id",
        )
    }
    out["authors"] = _json_list(a["authors"])
    out["agencies"] = _json_list(a["agencies"])
    out["removed"] = [
        {"text": str(r.get("text", "")), "reason": str(r.get("reason", ""))}
        for r in _json_list(a["removed"])
        if isinstance(r, dict)
    ]
    out["quotes"] = [
        dict(r)
        for r in conn.execute(
            "SELECT id, start, end, text, kind, speaker, speaker_entity_id, speaker_mention,"
            " speaker_start, speaker_end, cue, medium, statement_id"
            " FROM quotes WHERE article_id = ? ORDER BY start",
            (article_id,),
        )
    ]
    out["mentions"] = [
        dict(r)
        for r in conn.execute(
            "SELECT m.start, m.end, m.text, m.type, m.cluster, m.entity_id, e.name AS entity_name"
            " FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id"
            " WHERE m.article_id = ? ORDER BY m.start",
            (article_id,),
        )
    ]
    out["timexes"] = [
        dict(r)
        for r in conn.execute(
            "SELECT id, start, end, text, type, value FROM timexes WHERE article_id = ?"
            " ORDER BY start",
            (article_id,),
        )
    ]
    out["events"] = [
        dict(r)
        for r in conn.execute(
            "SELECT id, date, precision, sort_date, start, end, what FROM events"
            " WHERE article_id = ? ORDER BY start",
            (article_id,),
        )
    ]
    # Drop spans whose offsets do not fit the text rather than draw them in the wrong place.
    n = len(text)
    for key in ("quotes", "mentions", "timexes", "events"):
        out[key] = [s for s in out[key] if 0 <= s["start"] < s["end"] <= n]
    original = None
    if a["duplicate_of"]:
        o = conn.execute(
            f"SELECT {_ARTICLE_BRIEF} FROM articles a WHERE a.id = ?", (a["duplicate_of"],)
        ).fetchone()
        original = _brief(o) if o else {"id": a["duplicate_of"], "title": None}
    out["original"] = original
    out["copies"] = [
        _brief(r)
        for r in conn.execute(
            f"SELECT {_ARTICLE_BRIEF} FROM articles a WHERE a.duplicate_of = ?"
            " ORDER BY a.published_sort LIMIT 200",
            (article_id,),
        )
    ]
    out["story"] = None
    if a["story_id"] and _has_table(conn, "stories"):
        s = conn.execute("SELECT id, title FROM stories WHERE id = ?", (a["story_id"],)).fetchone()
        out["story"] = dict(s) if s else {"id": a["story_id"], "title": None}
    elif a["story_id"]:
        out["story"] = {"id": a["story_id"], "title": None}
    return out


# --- entity --------------------------------------------------------------------------


# Personal pronouns (coreference links "he", "she", "they" to an entity): true of the
# data, but never shown or searched as a name.
_PRONOUNS = frozenset(
    [
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
    ]
)


def _clean_aliases(name: str, aliases: list[Any]) -> list[str]:
    """Aliases worth showing: names, once each; pronouns from coreference left out."""
    seen = {name.casefold()}
    out = []
    for a in aliases:
        if not isinstance(a, str) or a.casefold() in seen or a.casefold() in _PRONOUNS:
            continue
        seen.add(a.casefold())
        out.append(a)
    return out


def entity(
    conn: sqlite3.Connection, entity_id: str, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """A person or organisation: their statements, latest first, each with every
    article that carried it, and the latest articles that mention them.

    Paging walks the speaker's quotes newest-ingested first through the
    ``quotes_speaker`` index (a much-quoted person has tens of thousands), so a page
    costs the same whoever it is; ``limit``/``offset`` count quotes.
    """
    e = conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if e is None:
        raise NotFound(f"no entity {entity_id!r}")
    quote_count = conn.execute(
        "SELECT count(*) FROM quotes WHERE speaker_entity_id = ?", (entity_id,)
    ).fetchone()[0]
    window = conn.execute(
        "SELECT id, statement_id FROM quotes WHERE speaker_entity_id = ?"
        " ORDER BY rowid DESC LIMIT ? OFFSET ?",
        (entity_id, limit, offset),
    ).fetchall()
    # Complete each statement with its quotes outside the window (other outlets, copies).
    sids = sorted({r["statement_id"] for r in window if r["statement_id"]})
    lone = [r["id"] for r in window if not r["statement_id"]]
    rows: list[sqlite3.Row] = []
    if sids:
        rows += conn.execute(
            f"SELECT {_QUOTE_COLS} FROM quotes q JOIN articles a ON a.id = q.article_id"
            f" WHERE q.statement_id IN ({_placeholders(len(sids))}) LIMIT 5000",
            sids,
        ).fetchall()
    if lone:
        rows += conn.execute(
            f"SELECT {_QUOTE_COLS} FROM quotes q JOIN articles a ON a.id = q.article_id"
            f" WHERE q.id IN ({_placeholders(len(lone))})",
            lone,
        ).fetchall()
    rows.sort(key=lambda r: (r["published"] or "", r["article_id"], r["start"]))
    statements = _group_statements(rows)
    statements.sort(key=lambda st: st["first_published"] or "", reverse=True)
    timeline = entity_timeline(conn, entity_id)
    articles = conn.execute(
        f"SELECT {_ARTICLE_BRIEF} FROM articles a WHERE a.id IN"
        " (SELECT article_id FROM mentions WHERE entity_id = ? ORDER BY rowid DESC LIMIT 200)"
        " ORDER BY a.published_sort DESC LIMIT 20",
        (entity_id,),
    ).fetchall()
    return {
        "id": e["id"],
        "name": e["name"],
        "type": e["type"],
        "aliases": _clean_aliases(e["name"], _json_list(e["aliases"])),
        "article_count": e["article_count"],
        "mention_count": e["mention_count"],
        "quote_count": quote_count,
        "statements": statements,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if quote_count > offset + limit else None,
        "articles": [_brief(r) for r in articles],
        "timeline": timeline,
    }


# A much-mentioned entity has tens of thousands of mentions: its timeline is read from
# its latest mentions and quotes only, so the page costs the same whoever it is.
ENTITY_TIMELINE_WINDOW = 2000


def entity_timeline(
    conn: sqlite3.Connection, entity_id: str, limit: int = 200
) -> list[dict[str, Any]]:
    """Dated events involving an entity, merged across outlets, oldest first.

    An event involves the entity when one of its mentions (a name, or a pronoun that
    coreference linked to it) lies inside the event's sentence, or when one of its
    quotes overlaps the sentence. Only the latest ``ENTITY_TIMELINE_WINDOW`` mentions and
    quotes are read; of the merged entries the latest ``limit`` are kept.
    """
    rows = conn.execute(
        f"SELECT DISTINCT {_EVENT_COLS} FROM"
        " (SELECT article_id, start, end FROM mentions WHERE entity_id = ?"
        "  ORDER BY rowid DESC LIMIT ?) m"
        " JOIN events e ON e.article_id = m.article_id AND e.start <= m.start"
        "  AND m.end <= e.end"
        " JOIN articles a ON a.id = e.article_id"
        " UNION"
        f" SELECT {_EVENT_COLS} FROM"
        " (SELECT article_id, start, end FROM quotes WHERE speaker_entity_id = ?"
        "  ORDER BY rowid DESC LIMIT ?) q"
        " JOIN events e ON e.article_id = q.article_id AND e.start < q.end"
        "  AND q.start < e.end"
        " JOIN articles a ON a.id = e.article_id",
        (entity_id, ENTITY_TIMELINE_WINDOW, entity_id, ENTITY_TIMELINE_WINDOW),
    ).fetchall()
    return merged_timeline(conn, rows, limit=limit)


# --- outlets -------------------------------------------------------------------------


def outlets(conn: sqlite3.Connection, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Every outlet with its article and copy counts, biggest first."""
    # Both counts come from covering indexes (publisher; duplicate_of), never the rows.
    rows = conn.execute(
        "SELECT publisher, count(*) AS articles FROM articles WHERE publisher IS NOT NULL"
        " GROUP BY publisher ORDER BY articles DESC, publisher LIMIT ? OFFSET ?",
        (limit + 1, offset),
    ).fetchall()
    page = [r["publisher"] for r in rows[:limit]]
    copies: dict[str, int] = {}
    if page:
        # Walk the copies (a minority) by their index; left alone, the planner reads
        # every article through the publisher index to avoid sorting the groups.
        sql = (
            "SELECT publisher, count(*) FROM articles {hint} WHERE duplicate_of IS NOT NULL"
            f" AND publisher IN ({_placeholders(len(page))}) GROUP BY publisher"
        )
        try:
            found = conn.execute(sql.format(hint="INDEXED BY articles_duplicate"), page)
        except sqlite3.OperationalError:  # index renamed: same answer, slower
            found = conn.execute(sql.format(hint=""), page)
        copies = dict(found.fetchall())
    return {
        "outlets": [
            {
                "name": r["publisher"],
                "articles": r["articles"],
                "copies": copies.get(r["publisher"], 0),
            }
            for r in rows[:limit]
        ],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


def outlet(conn: sqlite3.Connection, name: str, limit: int = 30, offset: int = 0) -> dict[str, Any]:
    """One outlet: its figures, latest articles, stories it covered, who it quotes."""
    c = conn.execute(
        "SELECT count(*) AS n, count(duplicate_of) AS copies,"
        " min(nullif(published_sort, '')) AS first, max(nullif(published_sort, '')) AS last"
        " FROM articles WHERE publisher = ?",
        (name,),
    ).fetchone()
    if not c["n"]:
        raise NotFound(f"no outlet {name!r}")
    arts = conn.execute(
        f"SELECT {_ARTICLE_BRIEF} FROM articles a WHERE a.publisher = ?"
        " ORDER BY a.published_sort DESC, a.rowid DESC LIMIT ? OFFSET ?",
        (name, limit + 1, offset),
    ).fetchall()
    stories: list[dict[str, Any]] = []
    if _has_table(conn, "stories"):
        stories = [
            {
                "id": r["id"],
                "title": r["title"],
                "last_published": r["last_published"],
                "articles": r["n"],
            }
            for r in conn.execute(
                "SELECT s.id, s.title, s.last_published, x.n FROM"
                " (SELECT story_id, count(*) AS n FROM articles WHERE publisher = ?"
                "  AND story_id IS NOT NULL GROUP BY story_id) x"
                " JOIN stories s ON s.id = x.story_id"
                " ORDER BY s.last_published DESC LIMIT 20",
                (name,),
            )
        ]
    speakers = [
        {"speaker": r["speaker"], "speaker_entity_id": r["eid"], "quotes": r["n"]}
        for r in conn.execute(
            "SELECT q.speaker, max(q.speaker_entity_id) AS eid, count(*) AS n"
            " FROM quotes q JOIN articles a ON a.id = q.article_id"
            " WHERE a.publisher = ? AND q.speaker IS NOT NULL"
            " GROUP BY q.speaker ORDER BY n DESC, q.speaker LIMIT 15",
            (name,),
        )
    ]
    return {
        "name": name,
        "article_count": c["n"],
        "copy_count": c["copies"],
        "first_published": c["first"],
        "last_published": c["last"],
        "articles": [_brief(r) for r in arts[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(arts) > limit else None,
        "stories": stories,
        "speakers": speakers,
    }
