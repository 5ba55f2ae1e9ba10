"""Timeline entries: sentences that carry a calendar date, and their merging across outlets.

:func:`timeline_events` turns one annotated :class:`~newsdesk.model.Article` into
:class:`TimelineEvent` rows (the ``events`` table of ``store/schema.py``): each sentence
with a time expression whose TIMEX3 value is a calendar date (``2025-04-07``,
``2025-W14``, ``2025-03``, ``2025-Q1``, ``2022-FA``, ``2025``...) becomes one entry,
dated by its most precise such expression. :func:`merge_events` folds the same event
reported by several outlets (same date, similar words) into one :class:`MergedEvent`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from newsdesk.model import Article, Timex

# TIMEX3 calendar values -> precision. Vague values (PAST_REF, P3D, XXXX-WXX-1,
# decades "199") do not place a sentence on a timeline.
_CALENDAR = re.compile(
    r"^(?P<y>\d{4})(?:"
    r"-(?P<m>\d\d)(?:-(?P<d>\d\d)(?:T.*)?)?"
    r"|-W(?P<w>\d\d)(?:-WE)?"
    r"|-Q(?P<q>[1-4])"
    r"|-H(?P<h>[12])"
    r"|-(?P<s>SP|SU|FA|WI)"
    r")?$"
)
_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "half": 4, "year": 5}
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# Mention types that name an actor (spaCy labels); dates and numbers are not "who".
_ACTOR_TYPES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_MAX_WHAT = 300  # longer sentences are cut to the clause around the date


@dataclass
class TimelineEvent:
    """One timeline entry: the fields of the ``events`` table (``store/schema.py``).

    ``quote_index`` and ``timex_index`` index ``article.quotes`` / ``article.timexes``;
    the store turns them into the ``quote_id`` / ``timex_id`` of the rows it writes.
    """

    date: str  # TIMEX3 value: 2025-04-07, 2025-W14, 2025-03, 2025-Q1, 2022-FA, 2025
    precision: str  # day, week, month, quarter, season, half, year
    sort_date: str  # first day of the period (YYYY-MM-DD), for ordering
    start: int  # the sentence's offsets in article.text
    end: int
    what: str  # the sentence (or the clause around the date when it is very long)
    who: list[str] = field(default_factory=list)  # entity names mentioned in the sentence
    quote_index: int | None = None  # a quote overlapping the sentence, if any
    timex_index: int = 0
    article_id: str = ""


@dataclass
class MergedEvent:
    """The same event as reported by one or more sources (see :func:`merge_events`)."""

    date: str
    precision: str
    sort_date: str
    what: str  # the wording of the first report
    who: list[str]
    sources: list[str]  # distinct sources, in input order
    events: list[TimelineEvent]  # every report, in input order


def calendar_precision(value: str) -> tuple[str, str] | None:
    """``(precision, sort_date)`` for a calendar TIMEX3 value, else None.

    >>> calendar_precision("2025-W14")
    ('week', '2025-03-31')
    """
    m = _CALENDAR.match(value)
    if not m:
        return None
    y = int(m["y"])
    try:
        if m["d"]:
            return "day", date(y, int(m["m"]), int(m["d"])).isoformat()
        if m["m"]:
            return "month", date(y, int(m["m"]), 1).isoformat()
        if m["w"]:
            monday = date.fromisocalendar(y, int(m["w"]), 1)
            return "week", monday.isoformat()
        if m["q"]:
            return "quarter", date(y, 3 * int(m["q"]) - 2, 1).isoformat()
        if m["h"]:
            return "half", date(y, 1 if m["h"] == "1" else 7, 1).isoformat()
        if m["s"]:
            return "season", date(y, _SEASON_MONTH[m["s"]], 1).isoformat()
    except ValueError:  # "2025-02-30", week 54
        return None
    return "year", date(y, 1, 1).isoformat()


# Sentence ends: . ! ? (plus closing quotes/brackets) before a space and a capital or
# an opening quote; never after a short abbreviation or an initial ("Mr.", "U.S.", "Jan.").
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9])|\n\s*\n")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Maj|Capt|Sgt|St|Jr|Sr|Co|Corp|Inc|Ltd"
    r"|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun"
    r"|a\.m|p\.m|U\.S|U\.K|U\.N|E\.U)|\b[A-Z])\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence, whitespace trimmed; paragraphs always split."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(0)[0] == "." and _ABBREV.search(text, max(0, m.start() - 6), m.start() + 1):
            continue
        end = m.start() + len(m.group(0).rstrip())
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _clause(text: str, s: int, e: int, t: Timex) -> tuple[int, int]:
    """Cut a long sentence down to the clause(s) around the date, at , ; : boundaries."""
    if e - s <= _MAX_WHAT:
        return s, e
    cuts = sorted({s, e, *(s + m.end() for m in re.finditer(r"[,;:]\s+", text[s:e]))})
    lo = max(c for c in cuts if c <= t.start)
    hi = min(c for c in cuts if c >= t.end)
    while hi - lo < 80:  # widen clause by clause so that "what" reads as a statement
        after = [c for c in cuts if c > hi]
        before = [c for c in cuts if c < lo]
        if after:
            hi = after[0]
        elif before:
            lo = before[-1]
        else:
            break
    if hi - lo > _MAX_WHAT:  # one huge clause: a window around the date, whole words
        lo = max(lo, t.start - _MAX_WHAT // 2)
        hi = min(hi, lo + _MAX_WHAT)
        while lo > s and not text[lo - 1].isspace():
            lo -= 1
        while hi < e and not text[hi].isspace():
            hi += 1
    while hi > lo and text[hi - 1] in " ,;:":
        hi -= 1
    return lo, hi


def timeline_events(article: Article) -> list[TimelineEvent]:
    """The timeline entries of one annotated article (uses ``article.timexes`` as given).

    One entry per sentence that holds a calendar-valued timex, dated by the most
    precise one (the first of equals). ``who`` lists the names (canonical when known)
    of PERSON/ORG/GPE/NORP/LOC/FAC mentions inside the sentence, in order, without
    repeats; ``quote_index`` is the first quote that overlaps the sentence.
    """
    text = article.text
    dated: list[tuple[int, Timex, str, str]] = []
    for i, t in enumerate(article.timexes):
        cal = calendar_precision(t.value)
        if cal is not None:
            dated.append((i, t, cal[0], cal[1]))
    if not dated:
        return []
    events: list[TimelineEvent] = []
    for s, e in sentence_spans(text):
        inside = [d for d in dated if s <= d[1].start and d[1].end <= e]
        if not inside:
            continue
        idx, t, precision, sort_date = min(inside, key=lambda d: (_RANK[d[2]], d[1].start))
        lo, hi = _clause(text, s, e, t)
        who: list[str] = []
        for mnt in article.mentions:
            if s <= mnt.start and mnt.end <= e and mnt.type in _ACTOR_TYPES:
                name = mnt.canonical or mnt.text
                if name not in who:
                    who.append(name)
        quote_index = next(
            (qi for qi, q in enumerate(article.quotes) if q.start < e and s < q.end), None
        )
        events.append(
            TimelineEvent(
                date=t.value.split("T")[0] if precision == "day" else t.value,
                precision=precision,
                sort_date=sort_date,
                start=s,
                end=e,
                what=" ".join(text[lo:hi].split()),
                who=who,
                quote_index=quote_index,
                timex_index=idx,
                article_id=article.id,
            )
        )
    return events


_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the and or but of to in on at by for with from as that this these those is are "
        "was were be been has have had will would said says say told it its he she they his "
        "her their who which what when after before over about into than not no also up out",
    )
)


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"\w+", s.lower()) if w not in _STOP and len(w) > 1}


def _same(a: set[str], b: set[str], threshold: float) -> bool:
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


def merge_events(
    events_with_sources: Iterable[tuple[TimelineEvent, str]], threshold: float = 0.5
) -> list[MergedEvent]:
    """Fold reports of the same event by several sources into one entry each.

    ``events_with_sources`` yields ``(event, source)`` pairs, where ``source`` names
    who reported it (an article id or a publisher). Two reports are the same event
    when they have the same ``date`` value and their content words overlap: shared
    words / words of the shorter sentence >= ``threshold`` (containment, so a
    shortened wire copy still matches). Linking is transitive. The result is sorted
    by ``sort_date``, then by first appearance; ``what`` is the first report's wording.
    """
    items = list(events_with_sources)
    words = [_words(ev.what) for ev, _ in items]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_date: dict[str, list[int]] = {}
    for i, (ev, _src) in enumerate(items):
        by_date.setdefault(ev.date, []).append(i)
    for idxs in by_date.values():
        for a_pos, a in enumerate(idxs):
            for b in idxs[a_pos + 1 :]:
                if find(a) != find(b) and _same(words[a], words[b], threshold):
                    parent[find(b)] = find(a)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    merged: list[tuple[str, int, MergedEvent]] = []
    for members in groups.values():
        first = items[members[0]][0]
        who: list[str] = []
        sources: list[str] = []
        for i in members:
            ev, src = items[i]
            who.extend(n for n in ev.who if n not in who)
            if src not in sources:
                sources.append(src)
        merged.append(
            (
                first.sort_date,
                members[0],
                MergedEvent(
                    date=first.date,
                    precision=first.precision,
                    sort_date=first.sort_date,
                    what=first.what,
                    who=who,
                    sources=sources,
                    events=[items[i][0] for i in members],
                ),
            )
        )
    merged.sort(key=lambda x: (x[0], x[1]))
    return [m for _, _, m in merged]


__all__ = [
    "MergedEvent",
    "TimelineEvent",
    "calendar_precision",
    "merge_events",
    "sentence_spans",
    "timeline_events",
]
