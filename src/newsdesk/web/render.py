"""Server-side HTML pieces built from offsets: highlighted text and the timeline chart.

Article text is untrusted. Every piece of text and every attribute value goes
through :func:`markupsafe.escape`; markup is only ever produced here from fixed
tag names, so nothing in an article can open a tag or an attribute.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape


def url_part(value: str) -> str:
    """Percent-encode one path segment (ids and outlet names may hold any character)."""
    return quote(value, safe="")


@dataclass
class Span:
    """One highlighted range of the text: ``text[start:end]``."""

    start: int
    end: int
    cls: str
    rank: int = 0  # at equal ranges, lower rank is drawn outside
    href: str | None = None
    title: str | None = None
    anchor: str | None = None  # an id for in-page links


def _open(span: Span, inside_link: bool) -> tuple[str, str, bool]:
    attrs = f' class="{escape(span.cls)}"'
    if span.anchor:
        attrs += f' id="{escape(span.anchor)}"'
    if span.title:
        attrs += f' title="{escape(span.title)}"'
    # Links cannot nest: inside another link the span stays a plain <span>.
    if span.href and not inside_link:
        return f'<a href="{escape(span.href)}"{attrs}>', "</a>", True
    return f"<span{attrs}>", "</span>", False


def highlight(text: str, spans: list[Span]) -> Markup:
    """Escape ``text`` and wrap each span in its own element.

    Spans are nested by range (outer first). A span that crosses the end of the one
    it starts in is split there and continues after it (as browsers do with
    misnested tags), so the markup is always well formed and every span still
    covers all of its characters. Spans outside the text are ignored; an empty span
    is kept only as a link target (an empty element carrying its ``anchor`` id).
    """
    n = len(text)
    heap: list[tuple[int, int, int, int, Span]] = []
    for seq, s in enumerate(spans):
        if 0 <= s.start <= s.end <= n and (s.start < s.end or s.anchor):
            heap.append((s.start, -s.end, s.rank, seq, s))
    heapq.heapify(heap)
    seq = len(spans)
    out: list[str] = []
    pos = 0
    stack: list[tuple[int, str, bool]] = []  # (end, closing tag, is or is inside a link)

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1][0] <= limit:
            end, close, _ = stack.pop()
            out.append(str(escape(text[pos:end])))
            out.append(close)
            pos = end

    while heap:
        start, _, _, _, s = heapq.heappop(heap)
        close_until(start)
        out.append(str(escape(text[pos:start])))
        pos = start
        if start == s.end:
            out.append(f'<span id="{escape(s.anchor)}"></span>')
            continue
        end = s.end
        if stack and stack[-1][0] < end:
            # Crossing: draw up to the enclosing element's end, resume after it.
            end = stack[-1][0]
            rest = replace(s, start=end, anchor=None)
            seq += 1
            heapq.heappush(heap, (rest.start, -rest.end, rest.rank, seq, rest))
        inside_link = bool(stack) and stack[-1][2]
        opener, close, link = _open(s, inside_link)
        out.append(opener)
        stack.append((end, close, link or inside_link))
    close_until(n)
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def marked(piece: dict[str, Any] | None) -> Markup:
    """Render ``{"text", "highlights": [[start, end], ...]}`` with ``<mark>``."""
    if not piece:
        return Markup("")
    spans = [Span(s, e, "m") for s, e in piece.get("highlights", [])]
    html = highlight(piece.get("text", ""), spans)
    return Markup(str(html).replace('<span class="m">', "<mark>").replace("</span>", "</mark>"))


def article_spans(art: dict[str, Any]) -> list[Span]:
    """The highlight spans of an article page: quotes, speakers, entities, dates."""
    spans: list[Span] = []
    for q in art["quotes"]:
        who = q["speaker"] or "unattributed"
        spans.append(
            Span(
                q["start"],
                q["end"],
                f"hl-quote hl-{q['kind']}",
                rank=0,
                title=f"{q['kind']} quote · {who}",
                anchor=f"q-{q['id']}",
            )
        )
        if q.get("speaker_start") is not None and q.get("speaker_end") is not None:
            href = (
                f"/entities/{url_part(q['speaker_entity_id'])}" if q["speaker_entity_id"] else None
            )
            spans.append(
                Span(
                    q["speaker_start"],
                    q["speaker_end"],
                    "hl-speaker",
                    rank=1,
                    href=href,
                    title=f"speaker: {who}",
                )
            )
    for m in art["mentions"]:
        href = f"/entities/{url_part(m['entity_id'])}" if m["entity_id"] else None
        label = m["entity_name"] or m["text"]
        spans.append(
            Span(
                m["start"],
                m["end"],
                f"hl-ent hl-{m['type']}",
                rank=2,
                href=href,
                title=f"{m['type']}: {label}",
            )
        )
    for ev in art.get("events", []):
        # An empty target where the sentence starts, for the timeline's links.
        spans.append(Span(ev["start"], ev["start"], "", anchor=f"c-{ev['start']}"))
    for t in art["timexes"]:
        spans.append(
            Span(
                t["start"],
                t["end"],
                "hl-timex",
                rank=3,
                title=f"{t['type']} {t['value']}",
                anchor=f"t-{t['id']}",
            )
        )
    return spans


# --- timeline ------------------------------------------------------------------------


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def _period_end(start: date, precision: str) -> date:
    """The day after the period an event's date names (a day is drawn as a point)."""
    if precision == "week":
        return start + timedelta(days=7)
    if precision == "month":
        return _add_months(start, 1)
    if precision in ("quarter", "season"):
        return _add_months(start, 3)
    if precision == "year":
        return date(start.year + 1, 1, 1)
    return start


def _ticks(lo: date, hi: date, room: float) -> list[tuple[date, str]]:
    """Readable axis ticks between two days, about one per 110 px of ``room``."""
    want = max(1, int(room // 110))
    span = max(1, (hi - lo).days)
    if span <= 120:
        step = max(1, -(-span // want))
        days = [lo + timedelta(days=i) for i in range(0, span + 1, step)]
        return [(d, f"{d.day} {d:%b}") for d in days]
    if span <= 1100:
        months = []
        d = _add_months(date(lo.year, lo.month, 1), 1)
        while d <= hi:
            months.append(d)
            d = _add_months(d, 1)
        step = max(1, -(-len(months) // want))
        return [(d, f"{d:%b %Y}") for d in months[::step]]
    years = [date(y, 1, 1) for y in range(lo.year + 1, hi.year + 1)]
    step = max(1, -(-len(years) // want))
    return [(d, str(d.year)) for d in years[::step]]


def _segments(intervals: list[tuple[date, date]], max_breaks: int = 3) -> list[tuple[date, date]]:
    """Split the covered dates where an empty gap dwarfs everything else (a broken axis).

    ``intervals`` are inclusive (first day, last day) pairs. Background events ("the
    last strike, in 2019") would otherwise squeeze the story's own weeks into a few
    pixels.
    """
    merged: list[list[date]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    # Split a segment at its widest gap while that gap is long (45+ days), a good part
    # of the segment (a quarter), and much longer than the time its events cover; an
    # evenly spread timeline is never cut.
    segments = [merged]
    for _ in range(max_breaks):
        best = None
        for si, seg in enumerate(segments):
            if len(seg) < 2:
                continue
            span = (seg[-1][1] - seg[0][0]).days
            covered = sum((hi - lo).days + 1 for lo, hi in seg)
            gap, k = max(((seg[k][0] - seg[k - 1][1]).days, k) for k in range(1, len(seg)))
            if (
                gap >= 45
                and gap >= span / 4
                and gap >= 3 * covered
                and (best is None or gap > best[0])
            ):
                best = (gap, si, k)
        if best is None:
            break
        _, si, k = best
        seg = segments[si]
        segments[si : si + 1] = [seg[:k], seg[k:]]
    return [(seg[0][0], seg[-1][1]) for seg in segments]


def _source_count(e: dict[str, Any]) -> int:
    """How many sources reported a timeline entry (1 for a plain event)."""
    return max(1, int(e.get("source_count") or len(e.get("sources") or []) or 1))


def _radius(e: dict[str, Any]) -> float:
    """Circle radius: 5 for one source, growing with more (capped, so rows stay short)."""
    n = _source_count(e)
    return 5.0 if n == 1 else min(11.0, 6.5 + 1.5 * (n - 1))


def timeline_svg(events: list[dict[str, Any]], width: int = 880) -> Markup:
    """Draw timeline entries as an inline SVG (no JavaScript needed).

    ``events`` are entries of :func:`newsdesk.web.queries.merged_timeline` (or any
    dicts with ``sort_date``, ``precision``, ``date``, ``what``, ``article_id``,
    ``start``). Each entry is one circle at its date linking to its sentence in the
    first article that reported it; an entry reported by several sources is drawn
    bigger, with the number of sources inside. A period (week, month, year ...) also
    gets a bar over its length. Entries too close to share a row go to the next row.
    Long empty stretches are cut out of the axis (drawn as a break) so that distant
    background dates do not flatten the rest.
    """
    points = []
    for e in events:
        start = _parse_day(e.get("sort_date") or "")
        if start is None:
            continue
        points.append((start, _period_end(start, e.get("precision") or "day"), e))
    if not points:
        return Markup("")
    points.sort(key=lambda p: p[0])
    # Periods longer than a week ("in March", "in 2019") count as their first day when
    # deciding where to cut the axis: their extent would otherwise bridge the gaps
    # around the story's own days and squeeze those into a few pixels.
    segs = _segments(
        [
            (p[0], max(p[0], p[1] - timedelta(days=1)) if (p[1] - p[0]).days <= 7 else p[0])
            for p in points
        ],
        max_breaks=5,
    )
    radius = {id(p[2]): _radius(p[2]) for p in points}
    margin, gutter, top = 24, 28, 10
    row_h = max(18, int(2 * max(radius.values())) + 4)
    inner = width - 2 * margin - gutter * (len(segs) - 1)
    # Pad each segment so edge points are not on the frame.
    padded = []
    for lo, hi in segs:
        pad = timedelta(days=max(1, (hi - lo).days // 20))
        padded.append((lo - pad, hi + pad))
    # Width follows how many events a segment holds (the story's own weeks hold most),
    # with a floor so a lone background date still gets room for its label.
    weights = [1 + sum(1 for p in points if lo <= p[0] <= hi) for lo, hi in segs]
    floor = min(120.0, inner / len(segs) / (2 if len(segs) > 3 else 1))
    raw = [inner * wt / sum(weights) for wt in weights]
    short = sum(max(0.0, floor - r) for r in raw)
    big = sum(r for r in raw if r > floor) or 1.0
    widths = [floor if r <= floor else r - short * r / big for r in raw]
    layout = []
    x0 = float(margin)
    for (lo, hi), w in zip(padded, widths, strict=True):
        layout.append((lo, hi, x0, w))
        x0 += w + gutter

    def x(d: date) -> float:
        for lo, hi, sx, w in layout:
            if d <= hi:
                d = max(d, lo)
                return round(sx + w * (d - lo).days / max(1, (hi - lo).days), 1)
        lo, hi, sx, w = layout[-1]
        return round(sx + w, 1)

    def seg_end(d: date) -> float:
        for _lo, hi, sx, w in layout:
            if d <= hi:
                return sx + w
        return layout[-1][2] + layout[-1][3]

    rows_end: list[float] = []  # rightmost x used in each row
    shapes: list[str] = []
    max_rows = 8
    for start, end, e in points:
        cx = x(start)
        x2 = min(x(end), seg_end(start)) if end > start else cx
        rad = radius[id(e)]
        row = next((i for i, r in enumerate(rows_end) if cx - rad - r >= 3), None)
        if row is None:
            if len(rows_end) < max_rows:
                rows_end.append(-1e9)
                row = len(rows_end) - 1
            else:
                row = min(range(len(rows_end)), key=lambda i: rows_end[i])
        rows_end[row] = max(cx + rad, x2)
        cy = top + row * row_h + row_h // 2
        n = _source_count(e)
        when = e.get("label") or e.get("date")
        tip = f"{when} — {e.get('what', '')}"
        outlets = [s.get("publisher") or "unknown outlet" for s in e.get("sources") or []]
        if not outlets and e.get("publisher"):
            outlets = [e["publisher"]]
        if outlets:
            tip += f" ({', '.join(outlets)})"
        href = f"/articles/{url_part(str(e.get('article_id', '')))}#c-{int(e.get('start') or 0)}"
        bar = ""
        if x2 > cx:
            bar = (
                f'<rect class="tl-range" x="{cx}" y="{cy - 3}" width="{round(x2 - cx, 1)}"'
                ' height="6" rx="3"/>'
            )
        prec = escape(e.get("precision") or "day")
        count = ""
        if n > 1:
            count = f'<text class="tl-n" x="{cx}" y="{cy + 3.5}" text-anchor="middle">{n}</text>'
        shapes.append(
            f'<a href="{escape(href)}">{bar}<circle class="tl-point tl-{prec}"'
            f' cx="{cx}" cy="{cy}" r="{rad}" data-sources="{n}">'
            f"<title>{escape(tip)}</title></circle>{count}</a>"
        )
    n_rows = max(1, len(rows_end))
    axis_y = top + n_rows * row_h + 6
    height = axis_y + 26
    axis: list[str] = []
    for i, (lo, hi, sx, w) in enumerate(layout):
        axis.append(
            f'<line class="tl-axis" x1="{round(sx, 1)}" y1="{axis_y}"'
            f' x2="{round(sx + w, 1)}" y2="{axis_y}"/>'
        )
        ticks = [(d, lab) for d, lab in _ticks(lo, hi, w) if lo <= d <= hi] if w >= 220 else []
        # Keep labels clear of the segment's edges (and its neighbour's labels).
        ticks = [(d, lab) for d, lab in ticks if sx + 22 <= x(d) <= sx + w - 22]
        if not ticks:
            mid = lo + (hi - lo) / 2
            # A segment of whole years ("in 2019") is labelled with the year alone.
            precs = {e.get("precision") for d0, _, e in points if lo <= d0 <= hi}
            if precs <= {"year"} or (hi - lo).days > 400:
                label = str(mid.year)
            elif precs <= {"month", "quarter", "season", "half", "year"} or (hi - lo).days > 120:
                label = f"{mid:%b %Y}"
            else:
                label = f"{mid.day} {mid:%b %Y}"
            ticks = [(mid, label)]
        for d, label in ticks:
            tx = x(d)
            axis.append(
                f'<line class="tl-tick" x1="{tx}" y1="{top - 6}" x2="{tx}" y2="{axis_y + 4}"/>'
                f'<text class="tl-label" x="{tx}" y="{axis_y + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
        if i:
            # The break mark: two slanted strokes in the gutter before this segment.
            gx = sx - gutter / 2
            axis.append(
                f'<path class="tl-break" d="M{gx - 5} {axis_y + 5} L{gx - 1} {axis_y - 5}'
                f' M{gx + 1} {axis_y + 5} L{gx + 5} {axis_y - 5}"/>'
            )
    return Markup(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%"'
        f' role="img" aria-label="Timeline of {len(points)} dated events"'
        ' xmlns="http://www.w3.org/2000/svg">' + "".join(axis) + "".join(shapes) + "</svg>"
    )
