"""A small invented database for the web tests, screenshots and trying the app.

Everything here is made up (places, people, outlets, sentences). One article is
hostile on purpose: markup and event handlers in every field a page shows, to prove
the pages escape article text.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from newsdesk.store.db import connect

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

# (id, publisher, published, title, paragraphs, duplicate_of)
_ARTICLES: list[tuple[str, str, str, str, list[str], str | None]] = [
    (
        "a1",
        "The Harbor Courier",
        "2025-03-03T08:00:00Z",
        "Dockworkers in Valmora vote to strike over night shifts",
        [
            "Dockworkers at the port of Valmora voted on Sunday to strike from March 10,"
            " the Coastal Transport Union said.",
            '"We have asked for six months and heard nothing back," union leader Elena'
            " Marsh told reporters after the vote.",
            "The port authority said it remained open to talks. Its spokesman Tomas Reyes"
            ' called the decision "premature and damaging".',
            "The last stoppage, in 2019, lasted three weeks.",
        ],
        None,
    ),
    (
        "a2",
        "Northern Wire",
        "2025-03-10T06:30:00Z",
        "Valmora port strike begins as talks stall",
        [
            "The strike at the port of Valmora began on Monday after talks broke down late"
            " on Sunday.",
            '"Nobody wants ships waiting at anchor, but our members were left no choice,"'
            " Elena Marsh said in a statement.",
            "Tomas Reyes said the authority would publish its offer in full next week.",
            "Shipping agents said about 40 vessels were delayed in March.",
        ],
        None,
    ),
    (
        "a3",
        "Coastal Daily",
        "2025-03-10T09:00:00Z",
        "Valmora port strike begins as talks stall",
        [
            "The strike at the port of Valmora began on Monday after talks broke down late"
            " on Sunday.",
            '"Nobody wants ships waiting at anchor, but our members were left no choice,"'
            " Elena Marsh said in a statement.",
            "Tomas Reyes said the authority would publish its offer in full next week.",
            "Shipping agents said about 40 vessels were delayed in March.",
        ],
        "a2",
    ),
    (
        "a4",
        "The Harbor Courier",
        "2025-03-21T17:45:00Z",
        "Valmora strike ends with deal on shift pay",
        [
            "The Valmora port strike ended on Friday after the union accepted a new offer"
            " on night-shift pay.",
            '"This is a fair result and our members earned it," Elena Marsh said.',
            '"We are glad cargo can move again," Tomas Reyes told the Harbor Radio show.',
            "Work resumes on Saturday morning.",
            "Port agents counted about 40 delayed vessels in March.",
        ],
        None,
    ),
    (
        "x1",
        HOSTILE,
        "2025-02-01",
        f"Hostile {HOSTILE} title",
        [
            f"Plain words then {HOSTILE} in the body.",
            f'"Quoted {HOSTILE} words," said <b onmouseover="alert(1)">Mallory</b>.',
            "A last line with <iframe src=javascript:alert(1)></iframe> and "
            '<a href="javascript:alert(1)">a link</a>.',
        ],
        None,
    ),
]

_ENTITIES = [
    ("e-marsh", "Elena Marsh", "PERSON", ["Marsh"]),
    ("e-reyes", "Tomas Reyes", "PERSON", ["Reyes"]),
    ("e-union", "Coastal Transport Union", "ORG", []),
    ("e-valmora", "Valmora", "GPE", []),
    ("e-hostile", f"Mallory {HOSTILE}", "PERSON", [HOSTILE]),
]


def _span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def build_sample_db(path: str | Path) -> Path:
    """Create (or overwrite) a small invented newsdesk database at ``path``."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = connect(path)
    try:
        _fill(conn)
    finally:
        conn.close()
    return path


def _fill(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN")
    conn.execute("INSERT INTO runs(id, started, status) VALUES (1, '2025-03-22T00:00:00Z', 'done')")
    texts: dict[str, str] = {}
    for aid, pub, published, title, paras, dup in _ARTICLES:
        text = "\n\n".join(paras)
        texts[aid] = text
        story = "s-hostile" if aid.startswith("x") else "s-valmora"
        removed = [{"text": "Subscribe to our newsletter", "reason": "newsletter"}]
        if aid == "x1":
            removed.append({"text": HOSTILE, "reason": f"related {HOSTILE}"})
        conn.execute(
            "INSERT INTO articles(id, source, url, title, published, published_precision,"
            " published_sort, authors, agencies, publisher, language, text, duplicate_of,"
            " story_id, removed, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
            (
                aid,
                f"sample/{aid}.txt",
                "javascript:alert(1)" if aid == "x1" else f"https://example.org/{aid}",
                title,
                published,
                "minute" if "T" in published else "day",
                published,
                json.dumps([HOSTILE] if aid == "x1" else ["Staff Reporter"]),
                "[]",
                pub,
                "en",
                text,
                dup,
                story,
                json.dumps(removed),
            ),
        )
    for eid, name, etype, aliases in _ENTITIES:
        conn.execute(
            "INSERT INTO entities(id, name, type, aliases, article_count, mention_count)"
            " VALUES (?,?,?,?,?,?)",
            (eid, name, etype, json.dumps(aliases), 3, 6),
        )

    quotes: list[dict[str, Any]] = []

    def quote(
        aid: str,
        words: str,
        kind: str,
        speaker: str | None,
        eid: str | None,
        mention: str | None,
        cue: str,
        statement: str | None,
        medium: str | None = None,
    ) -> None:
        text = texts[aid]
        start, end = _span(text, words)
        ss = se = None
        if mention:
            ss, se = _span(text, mention, end if text.find(mention, end) >= 0 else 0)
        quotes.append(
            dict(
                id=f"q{len(quotes) + 1}",
                article_id=aid,
                start=start,
                end=end,
                text=words,
                kind=kind,
                speaker=speaker,
                speaker_entity_id=eid,
                speaker_mention=mention,
                speaker_start=ss,
                speaker_end=se,
                cue=cue,
                medium=medium,
                statement_id=statement,
            )
        )

    quote(
        "a1",
        "We have asked for six months and heard nothing back",
        "direct",
        "Elena Marsh",
        "e-marsh",
        "Elena Marsh",
        "told",
        "st-1",
        "reporters",
    )
    quote(
        "a1",
        "premature and damaging",
        "partial",
        "Tomas Reyes",
        "e-reyes",
        "Tomas Reyes",
        "called",
        "st-2",
    )
    for aid in ("a2", "a3"):
        quote(
            aid,
            "Nobody wants ships waiting at anchor, but our members were left no choice",
            "direct",
            "Elena Marsh",
            "e-marsh",
            "Elena Marsh",
            "said",
            "st-3",
            "a statement",
        )
        quote(
            aid,
            "the authority would publish its offer in full next week",
            "indirect",
            "Tomas Reyes",
            "e-reyes",
            "Tomas Reyes",
            "said",
            "st-4",
        )
    quote(
        "a4",
        "This is a fair result and our members earned it",
        "direct",
        "Elena Marsh",
        "e-marsh",
        "Elena Marsh",
        "said",
        "st-5",
    )
    quote(
        "a4",
        "We are glad cargo can move again",
        "direct",
        "Tomas Reyes",
        "e-reyes",
        "Tomas Reyes",
        "told",
        "st-6",
        "Harbor Radio",
    )
    quote(
        "x1",
        f"Quoted {HOSTILE} words",
        "direct",
        f"Mallory {HOSTILE}",
        "e-hostile",
        "Mallory",
        "said",
        "st-x",
    )
    for q in quotes:
        conn.execute(
            "INSERT INTO quotes(id, article_id, start, end, text, kind, speaker,"
            " speaker_entity_id, speaker_mention, speaker_start, speaker_end, cue, medium,"
            " statement_id) VALUES (:id, :article_id, :start, :end, :text, :kind, :speaker,"
            " :speaker_entity_id, :speaker_mention, :speaker_start, :speaker_end, :cue,"
            " :medium, :statement_id)",
            q,
        )
    statements: dict[str, dict[str, Any]] = {}
    for q in quotes:
        st = statements.setdefault(
            q["statement_id"],
            dict(
                id=q["statement_id"],
                speaker=q["speaker"],
                eid=q["speaker_entity_id"],
                text=q["text"],
                n=0,
            ),
        )
        st["n"] += 1
    for st in statements.values():
        conn.execute(
            "INSERT INTO statements(id, speaker, speaker_entity_id, text, quote_count)"
            " VALUES (?,?,?,?,?)",
            (st["id"], st["speaker"], st["eid"], st["text"], st["n"]),
        )

    # Entity mentions: every occurrence of each name in each article.
    for aid, text in texts.items():
        for cluster, (eid, name, etype, _) in enumerate(_ENTITIES, 1):
            key = "Mallory" if eid == "e-hostile" else name
            pos = text.find(key)
            while pos >= 0:
                conn.execute(
                    "INSERT INTO mentions(article_id, start, end, text, type, cluster, entity_id)"
                    " VALUES (?,?,?,?,?,?,?)",
                    (aid, pos, pos + len(key), key, etype, cluster, eid),
                )
                pos = text.find(key, pos + len(key))

    # Time expressions and timeline events (sentence offsets).
    timexes = [
        ("a1", "on Sunday", "DATE", "2025-03-02"),
        ("a1", "March 10", "DATE", "2025-03-10"),
        ("a1", "in 2019", "DATE", "2019"),
        ("a2", "on Monday", "DATE", "2025-03-10"),
        ("a2", "next week", "DATE", "2025-W12"),
        ("a2", "in March", "DATE", "2025-03"),
        ("a3", "on Monday", "DATE", "2025-03-10"),
        ("a3", "next week", "DATE", "2025-W12"),
        ("a3", "in March", "DATE", "2025-03"),
        ("a4", "on Friday", "DATE", "2025-03-21"),
        ("a4", "on Saturday morning", "TIME", "2025-03-22TMO"),
        # Another outlet reports the March delays in its own words: one merged entry.
        ("a4", "in March", "DATE", "2025-03"),
    ]
    precision = {10: "day", 7: "month", 4: "year", 8: "week"}
    for i, (aid, words, ttype, value) in enumerate(timexes, 1):
        text = texts[aid]
        start, end = _span(text, words)
        conn.execute(
            "INSERT INTO timexes(id, article_id, start, end, text, type, value)"
            " VALUES (?,?,?,?,?,?,?)",
            (f"t{i}", aid, start, end, words, ttype, value),
        )
        date = value[:10]
        prec = "week" if "-W" in date else precision.get(len(date), "day")
        sort = {"week": "2025-03-17", "month": date + "-01", "year": date + "-01-01"}.get(
            prec, date
        )
        s_start = text.rfind(". ", 0, start)
        s_start = 0 if s_start < 0 else s_start + 2
        para = text.rfind("\n\n", 0, start)
        s_start = max(s_start, para + 2 if para >= 0 else 0)
        s_end = text.find(".", end)
        s_end = len(text) if s_end < 0 else s_end + 1
        # The event's quote: the first quote that overlaps its sentence.
        quote_id = next(
            (
                q["id"]
                for q in quotes
                if q["article_id"] == aid and q["start"] < s_end and s_start < q["end"]
            ),
            None,
        )
        conn.execute(
            "INSERT INTO events(id, article_id, date, precision, sort_date, start, end, what,"
            " who, timex_id, quote_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                f"ev{i}",
                aid,
                date,
                prec,
                sort,
                s_start,
                s_end,
                text[s_start:s_end],
                json.dumps([]),
                f"t{i}",
                quote_id,
            ),
        )
    x_text = texts["x1"]
    conn.execute(
        "INSERT INTO events(id, article_id, date, precision, sort_date, start, end, what, who)"
        " VALUES ('ev-x', 'x1', '2025-02-01', 'day', '2025-02-01', 0, ?, ?, ?)",
        (len(x_text.split("\n\n")[0]), x_text.split("\n\n")[0], json.dumps([HOSTILE])),
    )

    conn.execute(
        "INSERT INTO stories(id, title, summary, first_published, last_published, publishers,"
        " independent_sources, article_count, copy_count, entities) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            "s-valmora",
            "Valmora port strike",
            "Dockworkers struck for eleven days over night-shift pay before accepting a new offer.",
            "2025-03-03T08:00:00Z",
            "2025-03-21T17:45:00Z",
            json.dumps(["The Harbor Courier", "Northern Wire", "Coastal Daily"]),
            json.dumps(["The Harbor Courier", "Northern Wire"]),
            4,
            1,
            json.dumps(
                [
                    {"id": "e-marsh", "name": "Elena Marsh", "type": "PERSON", "count": 4},
                    {"id": "e-reyes", "name": "Tomas Reyes", "type": "PERSON", "count": 4},
                    {"id": "e-union", "name": "Coastal Transport Union", "type": "ORG", "count": 1},
                    {"id": "e-valmora", "name": "Valmora", "type": "GPE", "count": 5},
                ]
            ),
        ),
    )
    conn.execute(
        "INSERT INTO stories(id, title, summary, first_published, last_published, publishers,"
        " independent_sources, article_count, copy_count, entities) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            "s-hostile",
            f"Story {HOSTILE}",
            HOSTILE,
            "2025-02-01",
            "2025-02-01",
            json.dumps([HOSTILE]),
            json.dumps([HOSTILE]),
            1,
            0,
            json.dumps([{"id": "e-hostile", "name": HOSTILE, "type": "PERSON", "count": 1}]),
        ),
    )
    conn.execute(
        "INSERT INTO stories(id, title, first_published, last_published, merged_into)"
        " VALUES ('s-old', 'Old duplicate story', '2025-03-03', '2025-03-03', 's-valmora')"
    )
    conn.execute("COMMIT")
