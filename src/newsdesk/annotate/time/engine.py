"""Rule engine: find time expressions and normalise them to TIMEX3 values.

The rule table (:data:`RULES`) pairs each precompiled regex (:mod:`.patterns`, built
from the word lists in :mod:`.tables`) with a handler that turns a match into
``(type, value)``. One pass splits the text into tokens and finds the "trigger" tokens
(units, month and weekday names, years...); each rule is tried only at the few token
starts before one of its triggers. Overlapping candidates are resolved longest-first
(ties: the earlier rule), then the survivors are normalised left to right so that
anaphoric expressions ("a year earlier", "that day", "the quarter") can use the last
date mentioned before them.

Direction: an anchor-relative name without a modifier ("Monday", "in March") is taken
from the tense around it: a speech verb right before it ("said Monday") or the nearest
past/future cue in the sentence; news reports the past, so the default is the latest
instance not after the anchor. Dates within four months of the anchor ("Jan. 14") and
months next to the anchor's are taken as the nearest instance whatever the tense.

Span conventions follow TimeBank / TempEval-3: no leading preposition ("on Monday"
-> "Monday"), determiners and modifiers kept ("last week", "the past two months",
"late November", "more than four hours"), but approximators dropped ("about five
hours" -> "five hours").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from newsdesk.annotate.time import patterns as P
from newsdesk.annotate.time import tables as T
from newsdesk.annotate.time.patterns import MONTH, WEEKDAY, alt
from newsdesk.model import Timex

F = re.I


@dataclass
class _Ctx:
    """What the handlers need: the text, the anchor and the discourse reference."""

    text: str
    _anchor: date | None
    ref: date | None = None  # last calendar date mentioned (for "that day", "a year earlier")
    ref_gran: str = "day"
    ref_quarter: tuple[int, int] | None = None
    ref_quarter_pos: int = -(10**9)
    anchor_read: bool = False  # some value (or the lack of one) depends on the anchor

    @property
    def anchor(self) -> date | None:
        self.anchor_read = True
        return self._anchor


Result = tuple[str, str] | tuple[str, str, int, int] | None
Handler = Callable[[re.Match[str], _Ctx], Result]


# ---------------------------------------------------------------------------
# Value helpers
# ---------------------------------------------------------------------------


def _d(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _num(s: str) -> float | None:
    """Number words and digits -> value; None for vague quantities ("several")."""
    s = " ".join(s.lower().replace("-", " ").split())
    half = 0.0
    for suffix in (" and a half", " 1/2"):
        if s.endswith(suffix):
            s, half = s[: -len(suffix)], 0.5
    if s in ("a", "an", "one"):
        return 1 + half
    if s in T.VAGUE_NUMBERS or s.replace(" ", "_") in T.VAGUE_NUMBERS:
        return None
    try:
        return float(s.replace(",", "")) + half
    except ValueError:
        pass
    if s in T.NUMBER_WORDS:
        return T.NUMBER_WORDS[s] + half
    total = 0
    for w in s.split():
        if w not in T.NUMBER_WORDS:
            return None
        total += T.NUMBER_WORDS[w]
    return total + half


def _fmt_n(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def _duration(n: float | None, unit: str) -> str:
    """TIMEX3 duration: (2, "year") -> P2Y, (4, "hour") -> PT4H, (None, "day") -> PXD."""
    unit = T.UNIT_PLURALS.get(unit.lower(), unit.lower())
    letter, is_time, mult = T.UNITS[unit]
    pre = "PT" if is_time else "P"
    if n is None:
        return f"{pre}X{'E' if unit == 'decade' else 'C' if unit == 'century' else letter}"
    n = n * mult
    if not float(n).is_integer():
        whole, frac = int(n), n - int(n)
        sub = {"Y": ("M", 12), "H": ("M", 60), "D": ("H", 24), "M": ("S", 60)}
        if letter in sub and not (letter == "M" and not is_time):
            sl, k = sub[letter]
            tpre = "T" if (letter == "D" and not is_time) else ""
            head = f"{whole}{letter}" if whole else ""
            return f"{pre}{head}{tpre}{round(frac * k)}{sl}"
        if letter == "M" and not is_time:
            return f"P{whole}M{round(frac * 30)}D" if whole else f"P{round(frac * 30)}D"
        if letter == "W":
            return f"P{round(n * 7)}D"
    return f"{pre}{_fmt_n(n)}{letter}"


def _month_num(s: str) -> int:
    return T.MONTHS[s.rstrip(".").strip()]


def _season_year(season: str, d: date) -> int:
    """The season instance ``d`` falls in, named by year (winter by its December)."""
    return d.year - 1 if season == "WI" and d.month < 12 else d.year


def _season_of(d: date) -> str:
    return {12: "WI", 1: "WI", 2: "WI"}.get(d.month) or (
        "SP" if d.month <= 5 else "SU" if d.month <= 8 else "FA"
    )


def _easter(y: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    return date(y, month, (h + l_ - 7 * m + 114) % 31 + 1)


def _holiday(name: str, y: int) -> date | None:
    name = " ".join(name.lower().replace("’", "'").split())
    if name in T.HOLIDAYS:
        m, d = T.HOLIDAYS[name]
        return date(y, m, d)
    if name.startswith("thanksgiving"):  # fourth Thursday of November
        first = date(y, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    if name == "election day":  # Tuesday after the first Monday of November
        first = date(y, 11, 1)
        return first + timedelta(days=(0 - first.weekday()) % 7 + 1)
    if name.startswith("easter"):
        return _easter(y)
    return None


# ---------------------------------------------------------------------------
# Tense: which way does an anchor-relative expression point?
# ---------------------------------------------------------------------------

_FUT_RX = re.compile(
    r"\b(?:" + alt([c for c in T.FUTURE_CUES if c[0] not in "'’"]) + r")\b|['’]ll\b"
    r"|\bdue\b(?!\s+to\b)",  # "due Friday", not "due to the storm"
    F,
)
_PAST_RX = re.compile(
    r"\b(?:" + alt(T.PAST_CUES) + r")\b"
    r"|(?-i:\b(?!(?:need|speed|seed|feed|indeed|hundred|proceed|exceed|succeed|breed)\b)[a-z]{2,}ed\b)",
    F,
)
_SPEECH_BEFORE = re.compile(
    r"\b(?:"
    + alt(T.SPEECH_VERBS)
    + r")(?:\s+(?:reporters|journalists|the\s+\w+|\w+))?\s*,?\s*(?:on\s+)?$",
    F,
)
_SPEECH_SET = set(T.SPEECH_VERBS)
_DEADLINE_BEFORE = re.compile(r"\b(?:until|till|by|before)\s+(?:early\s+|late\s+|mid-?)?$", F)
_SENT_BREAK = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]*[A-Z])|\n\s*\n")


def _direction(text: str, start: int, end: int) -> int:
    """-1 past, +1 future, 0 unknown, from the nearest tense cue in the same sentence."""
    left = text[max(0, start - 80) : start]
    breaks = list(_SENT_BREAK.finditer(left))
    if breaks:
        left = left[breaks[-1].end() :]
    if _SPEECH_BEFORE.search(left):
        return -1
    if _DEADLINE_BEFORE.search(left) and not re.search(r"\bhad\b", left):
        return 1
    right = text[end : end + 60]
    m = _SENT_BREAK.search(right)
    if m:
        right = right[: m.start()]
    best: tuple[int, int] | None = None  # (distance, direction)
    for rx, sign in ((_FUT_RX, 1), (_PAST_RX, -1)):
        for m in rx.finditer(left):
            dist = len(left) - m.end() + _weak(m)
            if best is None or dist < best[0] or (dist == best[0] and sign == 1):
                best = (dist, sign)
        for m in rx.finditer(right):
            if (
                sign < 0
                and m.group(0).lower() in _SPEECH_SET
                and re.search(r"[,\"'”’]\s*(?:[\w.]+\s+){0,4}$", right[: m.start()])
            ):
                continue  # "..., he said": the reporting, not the event's tense
            dist = m.start() + 15 + _weak(m)  # words after the expression weigh a little less
            if best is None or dist < best[0]:
                best = (dist, sign)
    return best[1] if best else 0


def _weak(m: re.Match[str]) -> int:
    """Extra distance for a bare "-ed" word: it may be an adjective ("unspecified")."""
    return 20 if m.group(0).lower() not in _CUE_WORDS else 0


_CUE_WORDS = {w.lower() for w in [*T.PAST_CUES, *T.FUTURE_CUES, "due"]}


def _pick(cands: list[tuple[date, str]], anchor: date, direction: int) -> str:
    """Choose among candidate instances: past/future by tense, else the nearest."""
    past = [c for c in cands if c[0] <= anchor]
    fut = [c for c in cands if c[0] >= anchor]
    if direction < 0 and past:
        return max(past)[1]
    if direction > 0 and fut:
        return min(fut)[1]
    return min(cands, key=lambda c: (abs((c[0] - anchor).days), c[0] > anchor))[1]


# ---------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------


def _h_iso(m: re.Match[str], c: _Ctx) -> Result:
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    try:
        dt = date(y, mo, d)
    except ValueError:
        return None
    if m["hh"]:
        return "TIME", f"{_d(dt)}T{int(m['hh']):02d}:{m['mi']}"
    c.ref, c.ref_gran = dt, "day"
    return "DATE", _d(dt)


def _h_numdate(m: re.Match[str], c: _Ctx) -> Result:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 50 else 1900
    mo, d = (a, b) if a <= 12 else (b, a)
    try:
        dt = date(y, mo, d)
    except ValueError:
        return None
    c.ref, c.ref_gran = dt, "day"
    return "DATE", _d(dt)


def _month_day(mo: int, d: int, year: str | None, m: re.Match[str], c: _Ctx) -> Result:
    if year:
        try:
            dt = date(int(year), mo, d)
        except ValueError:
            return None
        c.ref, c.ref_gran = dt, "day"
        return "DATE", _d(dt)
    if c.anchor is None:
        return "DATE", f"XXXX-{mo:02d}-{d:02d}"
    cands = []
    for y in (c.anchor.year - 1, c.anchor.year, c.anchor.year + 1):
        try:
            cands.append((date(y, mo, d), ""))
        except ValueError:
            continue
    if not cands:
        return None
    cands = [(dt, _d(dt)) for dt, _ in cands]
    near = min(cands, key=lambda x: abs((x[0] - c.anchor).days))
    if abs((near[0] - c.anchor).days) <= 120:
        v = near[1]  # a date within four months either way is that one, whatever the tense
    else:
        # Farther away, the tense decides; with no cue, news reports the past.
        v = _pick(cands, c.anchor, _direction(c.text, m.start(), m.end()) or -1)
    c.ref, c.ref_gran = date.fromisoformat(v), "day"
    return "DATE", v


def _h_mdy(m: re.Match[str], c: _Ctx) -> Result:
    d = int(re.match(r"\d+", m["day"]).group())
    return _month_day(_month_num(m["mon"]), d, m["year"], m, c)


def _h_dmy(m: re.Match[str], c: _Ctx) -> Result:
    d = int(re.match(r"\d+", m["day"]).group())
    return _month_day(_month_num(m["mon"]), d, m["year"], m, c)


def _h_month_year(m: re.Match[str], c: _Ctx) -> Result:
    mo, y = _month_num(m["mon"]), int(m["year"])
    c.ref, c.ref_gran = date(y, mo, 1), "month"
    return "DATE", _ym(y, mo)


def _h_month(m: re.Match[str], c: _Ctx) -> Result:
    mo_s = m["mon"]
    pre = (m["pre"] or "").lower().split()
    rel = (m["rel"] or "").lower()
    if mo_s == "May" and not pre and not rel:
        # "May" opening a sentence is usually the modal verb: need a preposition before it.
        before = c.text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(r"\b(?:in|since|until|by|of|from|through|during|early|late)\s+$", before):
            return None
    if (
        not pre
        and not rel
        and re.match(r"\s+(?:for|of|on|against|to)\s+(?-i:[A-Z])", c.text[m.end() :])
    ):
        return None  # "the March for Life": a name, not the month
    mo = _month_num(mo_s)
    yrel = (m["yrel"] or "").lower()
    if c.anchor is None:
        return "DATE", f"XXXX-{mo:02d}"
    a = c.anchor
    if yrel:
        y = a.year + {"this": 0, "last": -1, "next": 1}[yrel.split()[0]]
        c.ref, c.ref_gran = date(y, mo, 1), "month"
        return "DATE", _ym(y, mo)
    cands = [(date(y, mo, 1), _ym(y, mo)) for y in range(a.year - 2, a.year + 3)]
    am = date(a.year, a.month, 1)
    if rel == "last":  # the latest one before this month
        v = max(x for x in cands if x[0] < am)[1]
    elif rel == "next":  # the first one after this month
        v = min(x for x in cands if x[0] > am)[1]
    elif rel == "this":
        v = _ym(a.year, mo)
    elif abs(a.month - mo) <= 1:
        v = _ym(a.year, mo)  # this month or a neighbour: whatever the tense
    elif mo == 1 and a.month == 12:
        v = _ym(a.year + 1, 1)
    elif mo == 12 and a.month == 1:
        v = _ym(a.year - 1, 12)
    else:
        v = _pick(cands, am, _direction(c.text, m.start(), m.end()))
    c.ref, c.ref_gran = date.fromisoformat(v + "-01"), "month"
    return "DATE", v


def _h_year(m: re.Match[str], c: _Ctx) -> Result:
    y = int(m["year"])
    before = c.text[max(0, m.start() - 2) : m.start()]
    if "$" in before:
        return None
    after = c.text[m.end() : m.end() + 16].lower()
    if re.match(r"\s*(?:%|percent|people|troops|soldiers|residents|workers|votes|members|jobs"
                r"|homes|feet|meters|metres|miles|km|tons|tonnes|barrels|shares|points"
                r"|dollars|euros|yen|pounds|times|units|cars|copies|pages|words)\b", after):  # fmt: skip
        return None
    c.ref, c.ref_gran = date(y, 1, 1), "year"
    return "DATE", f"{y:04d}"


def _h_decade(m: re.Match[str], c: _Ctx) -> Result:
    if m["full"]:
        return "DATE", m["full"][:3]
    dig = int(m["short"][0]) if m["short"] else T.DECADE_WORDS[m["word"].lower()]
    ay = c.anchor.year if c.anchor else None
    if ay is None:
        return "DATE", f"XX{dig}"
    cent = ay // 100
    if cent * 100 + dig * 10 > ay:
        cent -= 1
    return "DATE", f"{cent:02d}{dig}"


def _h_century(m: re.Match[str], c: _Ctx) -> Result:
    if m["ord"]:
        n = T.ORDINALS[m["ord"].lower()]
        return "DATE", f"{n - 1:02d}"
    if c.anchor is None:
        return None
    k = {"this": 0, "the current": 0, "last": -1, "the last": -1, "the past": -1, "next": 1}
    rel = " ".join(m["rel"].lower().split())
    return "DATE", f"{c.anchor.year // 100 + k.get(rel, 0):02d}"


def _quarter_default(a: date) -> tuple[int, int]:
    """The last quarter that has ended by ``a`` (what an earnings report is about)."""
    q = (a.month - 1) // 3 + 1
    return (a.year, q - 1) if q > 1 else (a.year - 1, 4)


def _set_quarter(c: _Ctx, y: int, q: int, pos: int) -> str:
    c.ref_quarter, c.ref_quarter_pos = (y, q), pos
    c.ref, c.ref_gran = date(y, 3 * q - 2, 1), "quarter"
    return f"{y:04d}-Q{q}"


def _h_quarter(m: re.Match[str], c: _Ctx) -> Result:
    # "qshort" ("Q3") shares this handler but not every group of the long pattern
    g = m.groupdict()
    word = m.group(0).lower()
    rel0 = " ".join((g.get("rel") or "").lower().split())
    has_num = bool(g.get("qord") or g.get("qnum"))
    year_prefix = bool(g.get("pyear") or g.get("pyrel"))
    vague_period = not re.search(r"latest|year-|same|recent", rel0)
    if word.endswith("period") and not (has_num or year_prefix) and vague_period:
        return None  # "a period of calm"
    if not has_num and rel0 in ("", "a", "its") and not year_prefix:
        return None  # "a quarter of the vote"
    qn = T.ORDINALS.get((g.get("qord") or "").lower()) or (
        int(g.get("qnum")) if g.get("qnum") else None
    )
    if qn is not None and not 1 <= qn <= 4:
        return None
    year = g.get("year") or g.get("pyear")
    yrel = (g.get("yrel") or g.get("pyrel") or "").lower()
    rel = " ".join((g.get("rel") or "").lower().split())
    a = c.anchor
    if (year or yrel) and not qn:
        # "the 1988 period", "last year's quarter": the quarter under discussion, that year.
        if c.ref_quarter is None and a is None:
            return None
        qn = (c.ref_quarter or _quarter_default(a))[1]  # type: ignore[arg-type]
    if year:
        y = int(year)
    elif a is None:
        return ("DATE", f"XXXX-Q{qn}") if qn else None
    elif yrel:  # noqa: SIM114
        y = a.year + {"this": 0, "last": -1, "next": 1, "the previous": -1, "the current": 0}.get(
            yrel, 0
        )
    elif qn:
        # The latest quarter with that number that has begun by the anchor.
        y = a.year if 3 * qn - 2 <= a.month else a.year - 1
        if "year-ago" in rel or "year-earlier" in rel:
            y -= 1
    else:
        cur = ((a.month - 1) // 3) + 1
        if rel in ("this", "the current", "the present"):
            y, qn = a.year, cur
        elif rel in ("next", "the next", "the coming"):
            y, qn = (a.year, cur + 1) if cur < 4 else (a.year + 1, 1)
        elif rel in ("last", "the last", "the previous", "the past", "the prior"):
            y, qn = _quarter_default(a)
        elif em := re.match(
            r"\s+(?:ended|ending|that\s+ended)\s+(" + MONTH + ")", c.text[m.end() :]
        ):
            # A three-month period ending in month M lies mostly in the quarter of M - 1.
            mid = _month_num(em.group(1)) - 1 or 12
            y = a.year if mid <= a.month else a.year - 1
            qn = (mid - 1) // 3 + 1
        elif "latest" in rel or "recent" in rel:
            y, qn = _quarter_default(a)
        else:  # "the quarter", "the year-ago quarter"
            y, qn = c.ref_quarter or _quarter_default(a)
            if "year" in rel:
                y -= 1
                return "DATE", f"{y:04d}-Q{qn}"
    value = _set_quarter(c, y, qn, m.start())
    if rel == "the" and g.get("qord") and re.match(r"[\w]+-quarter", c.text[m.start("qord") :]):
        # "the third-quarter loss": the article belongs to the noun, not to the date
        return "DATE", value, m.start("qord"), m.end()
    return "DATE", value


def _h_half(m: re.Match[str], c: _Ctx) -> Result:
    h = 1 if m["h"].lower() == "first" else 2
    if m["year"]:
        y = int(m["year"])
    elif c.anchor is not None:
        y = c.anchor.year + {"this": 0, "last": -1, "next": 1}[m["yrel"].lower()]
    else:
        return None
    return "DATE", f"{y:04d}-H{h}"


def _h_season(m: re.Match[str], c: _Ctx) -> Result:
    s = T.SEASONS[m["season"].lower()]
    rel = " ".join((m["rel"] or "").lower().split())
    if m["year"]:
        return "DATE", f"{m['year']}-{s}"
    if c.anchor is None:
        return "DATE", f"XXXX-{s}"
    a = c.anchor
    cur_y = _season_year(s, a)
    start_this = date(cur_y, T.SEASON_START[s], 1)
    in_it = _season_of(a) == s
    if rel in ("this", "this past"):
        y = cur_y if (in_it or start_this > a or rel == "this") else cur_y
        if rel == "this past" and not in_it and start_this > a:
            y -= 1
    elif rel == "last":
        y = cur_y - 1 if (in_it or start_this > a) else cur_y
    elif rel == "next":
        y = cur_y + 1 if (in_it or start_this <= a) else cur_y
    else:
        d = _direction(c.text, m.start(), m.end())
        if in_it:
            y = cur_y
        elif d > 0:
            y = cur_y if start_this > a else cur_y + 1
        else:
            y = cur_y if start_this <= a else cur_y - 1
    return "DATE", f"{y:04d}-{s}"


def _weekday_date(wd: int, a: date, rel: str, direction: int) -> date:
    back = (a.isoweekday() - wd) % 7
    ahead = (wd - a.isoweekday()) % 7
    if rel == "last":
        return a - timedelta(days=back or 7)
    if rel in ("next", "coming", "this coming"):
        return a + timedelta(days=ahead or 7)
    if rel == "this":
        return a - timedelta(days=a.isoweekday() - wd)
    if rel in ("past", "this past"):
        return a - timedelta(days=back or 7)
    if direction > 0:
        return a + timedelta(days=ahead)
    return a - timedelta(days=back)


def _h_weekday(m: re.Match[str], c: _Ctx) -> Result:
    wd_s = m["wd"]
    wd = T.WEEKDAYS[wd_s.lower()]
    part = (m["part"] or "").lower()
    rel = " ".join((m["rel"] or "").lower().split())
    suffix = f"T{T.PARTS_OF_DAY[part]}" if part else ""
    if c.anchor is None:
        return "DATE", f"XXXX-WXX-{wd}{suffix}"
    if rel in ("previous", "the previous", "preceding", "the preceding"):
        # "the previous Friday": the one before the day under discussion
        base = c.ref if c.ref is not None and c.ref_gran == "day" else c.anchor
        dt = base - timedelta(days=(base.isoweekday() - wd) % 7 or 7)
        c.ref, c.ref_gran = dt, "day"
        return "DATE", _d(dt) + suffix
    if m.group(0).endswith(("'s", "’s")):
        direction = -1  # "Wednesday's ruling": something that has happened
    else:
        direction = _direction(c.text, m.start(), m.end()) if not rel else 0
    dt = _weekday_date(wd, c.anchor, rel, direction)
    c.ref, c.ref_gran = dt, "day"
    # "Friday night" is typed DATE as in the TempEval-3 data (TimeML would say TIME).
    return "DATE", _d(dt) + suffix


def _h_weekday_set(m: re.Match[str], c: _Ctx) -> Result:
    wd = T.WEEKDAYS[m["wd"].lower()]
    part = (m["part"] or "").lower().rstrip("s")
    suffix = f"T{T.PARTS_OF_DAY[part]}" if part else ""
    return "SET", f"XXXX-WXX-{wd}{suffix}"


_RELDAY = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


def _h_relday(m: re.Match[str], c: _Ctx) -> Result:
    word = " ".join(m["word"].lower().split())
    if word == "today" and not m["part"] and re.match(r"['’]s\s+[a-z]", c.text[m.end() - 2 :]):
        return None  # "today's youth": the present in general, not the day
    part = (m["part"] or "").lower()
    if word == "tonight":
        part = "night"
    if word == "the day before yesterday":
        k = -2
    elif word == "the day after tomorrow":
        k = 2
    elif word in ("last night",):
        k, part = -1, "night"
    elif word.startswith(("this", "that")):
        k = 0
    else:
        k = _RELDAY[word]
    if word.startswith("that"):
        base = c.ref if c.ref is not None and c.ref_gran == "day" else c.anchor
    else:
        base = c.anchor
    if base is None:
        return None
    dt = base + timedelta(days=k)
    if not word.startswith("that"):
        c.ref, c.ref_gran = dt, "day"
    if part:
        return "TIME", _d(dt) + "T" + T.PARTS_OF_DAY[part]
    return "DATE", _d(dt)


def _h_clock(m: re.Match[str], c: _Ctx) -> Result:
    word = (m["word"] or "").lower()
    if re.search(r"\bhigh\s+$", c.text[max(0, m.start() - 6) : m.start()], F):
        return None  # "high noon"
    if word in ("noon", "midday"):
        hh, mi = 12, 0
    elif word == "midnight":
        hh, mi = 24, 0
    else:
        hh = int(m["hh"])
        mi = int(m["mi"] or 0)
        ap = (m["ap"] or "").lower().replace(".", "").replace(" ", "")
        pod = (m["pod"] or "").lower()
        if hh > 24 or mi > 59:
            return None
        if ap == "pm" or pod in ("afternoon", "evening", "night"):
            hh = hh + 12 if hh < 12 else hh
        elif (ap == "am" or pod == "morning") and hh == 12:
            hh = 0
        if not ap and not pod and not m["tz"] and not m["mi"]:
            return None
    # The day: one named right after the time, or the last day mentioned, or the anchor.
    day_val: str | None = None
    if m["dwd"]:
        res = _h_weekday(_FakeMatch({"wd": m["dwd"], "part": None, "rel": None}, m), c)
        day_val = res[1] if res else None
    elif m["drel"]:
        k = _RELDAY.get(m["drel"].lower(), 0)
        if c.anchor is not None:
            day_val = _d(c.anchor + timedelta(days=k))
    elif m["dmon"]:
        res = _month_day(
            _month_num(m["dmon"]), int(re.match(r"\d+", m["dday"]).group()), None, m, c
        )
        day_val = res[1] if res else None
    if day_val is None:
        nearby = c.text[m.end() : m.end() + 30]
        base = c.ref if (c.ref is not None and c.ref_gran == "day") else c.anchor
        wm = re.match(r"[^.;\n]{0,25}?\b(" + WEEKDAY + r")\b", nearby)
        if wm and c.anchor is not None:
            wd = T.WEEKDAYS[wm.group(1).lower()]
            base = _weekday_date(wd, c.anchor, "", _direction(c.text, m.start(), m.end()))
        if base is None:
            return "TIME", f"XXXX-XX-XXT{hh:02d}:{mi:02d}"
        day_val = _d(base)
    return "TIME", f"{day_val[:10]}T{hh:02d}:{mi:02d}"


class _FakeMatch:
    """A stand-in match for reusing a handler on a sub-part of a composite match."""

    def __init__(self, groups: dict[str, str | None], m: re.Match[str]) -> None:
        self._g, self._m = groups, m

    def __getitem__(self, k: str) -> str | None:
        return self._g.get(k)

    def group(self, _k: int = 0) -> str:
        return self._g.get("_text") or ""

    def start(self) -> int:
        return self._m.start()

    def end(self) -> int:
        return self._m.end()


_REL_SHIFT = {
    "last": -1, "past": -1, "previous": -1, "the previous": -1, "the past": -1,
    "the last": -1, "this": 0, "the current": 0, "current": 0, "this past": -1,
    "next": 1, "the next": 1, "the coming": 1, "coming": 1, "the following": 1,
    "the same": 0, "that": 0, "the prior": -1, "prior": -1, "this coming": 1,
}  # fmt: skip


def _h_relunit(m: re.Match[str], c: _Ctx) -> Result:
    rel = " ".join(m["rel"].lower().split())
    if (
        m.group(0)[:1].isupper()
        and m["unit"][:1].isupper()
        and c.text[m.start() - 1 : m.start()] in "\"“'‘"
    ):
        return None  # a quoted title ("This Week"), not a time
    unit = m["unit"].lower()
    k = _REL_SHIFT[rel]
    anaphoric = rel in ("the following", "the previous", "the same", "that", "the prior")
    base = c.ref if (anaphoric and c.ref is not None) else c.anchor
    if base is None:
        return None
    if unit == "weekend":
        sat = base - timedelta(days=(base.isoweekday() - 6) % 7)  # last Saturday <= base
        if base.isoweekday() == 7 or base.isoweekday() == 6:
            this_we = sat
        else:
            this_we = sat + timedelta(days=7)  # the coming weekend of this ISO week
        if rel in ("last", "the past", "past", "this past"):
            dt = sat if base.isoweekday() < 6 else sat - timedelta(days=7)
        elif rel in ("next", "the next", "the coming", "coming", "the following"):
            dt = this_we if base.isoweekday() < 6 else this_we + timedelta(days=7)
        else:
            dt = this_we
        return "DATE", _week(dt) + "-WE"
    if unit == "week":
        dt = base + timedelta(weeks=k)
        c.ref, c.ref_gran = dt, "week"
        return "DATE", _week(dt)
    if unit == "month":
        y, mo = _add_months(base.year, base.month, k)
        c.ref, c.ref_gran = date(y, mo, 1), "month"
        return "DATE", _ym(y, mo)
    before = c.text[max(0, m.start() - 60) : m.start()]
    if (
        unit == "year"
        and rel == "last"
        and c.ref_quarter
        and m.start() - c.ref_quarter_pos < 800
        and re.search(r"(?:compared\s+with|from|than|versus|vs\.?)\s[^.;]{0,40}$", before)
    ):
        y, q = c.ref_quarter  # "up from $3 million last year": the same quarter a year back
        return "DATE", f"{y - 1:04d}-Q{q}"
    if unit in ("year", "fiscal year"):
        y = base.year + k
        c.ref, c.ref_gran = date(y, 1, 1), "year"
        return "DATE", f"{y:04d}"
    if unit == "day":
        dt = base + timedelta(days=k)
        c.ref, c.ref_gran = dt, "day"
        return "DATE", _d(dt)
    return None


def _h_the_year(m: re.Match[str], c: _Ctx) -> Result:
    after = c.text[m.end() : m.end() + 12].lower()
    if re.match(r"\s+(?:ended|ending|to\s+date|through)", after):
        return "DURATION", "P1Y"
    if c.anchor is None:
        return None
    base = c.ref if c.ref is not None else c.anchor
    return "DATE", f"{base.year:04d}"


def _h_ago(m: re.Match[str], c: _Ctx) -> Result:
    unit = T.UNIT_PLURALS.get(m["unit"].lower(), m["unit"].lower())
    plural = unit != m["unit"].lower()
    n = _num(m["n"]) if m["n"] else (None if plural else 1.0)
    word = m["dir"].lower()
    sign = 1 if word in ("later", "from now", "hence", "after") else -1
    anaphoric = word in ("earlier", "later", "before", "after")
    base = c.ref if (anaphoric and c.ref is not None) else c.anchor
    if base is None:
        return None
    if n is None:  # "a few years ago": only the direction is known
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
    k = int(n) if float(n).is_integer() else n
    # In an earnings report "a year ago" is the same quarter one year back.
    if unit == "year" and k == 1 and c.ref_quarter and m.start() - c.ref_quarter_pos < 800:
        y, q = c.ref_quarter
        return "DATE", f"{y + sign:04d}-Q{q}"
    if unit in ("day", "night"):
        return "DATE", _d(base + timedelta(days=sign * int(k)))
    if unit == "week":
        return "DATE", _week(base + timedelta(weeks=sign * int(k)))
    if unit == "fortnight":
        return "DATE", _week(base + timedelta(weeks=sign * 2 * int(k)))
    if unit == "month":
        y, mo = _add_months(base.year, base.month, sign * int(k))
        return "DATE", _ym(y, mo)
    if unit == "quarter":
        q0 = (base.month - 1) // 3 + sign * int(k)
        return "DATE", f"{base.year + q0 // 4:04d}-Q{q0 % 4 + 1}"
    if unit == "year":
        return "DATE", f"{base.year + sign * int(k):04d}"
    if unit == "decade":
        return "DATE", f"{base.year + sign * 10 * int(k):04d}"
    if unit == "hour" and c.anchor is not None:
        return "TIME", "PAST_REF" if sign < 0 else "FUTURE_REF"
    return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"


_SET_BEFORE = re.compile(
    r"(?:\d|%|percent|cents?|dollars?|euros?|pounds|yen|million|billion|trillion|times|share"
    r"|hundreds|thousands|millions|billions|dozens"
    r"|barrels|tons|tonnes|people|units)[\s,]*$",
    F,
)


def _h_duration(m: re.Match[str], c: _Ctx) -> Result:
    nstr = m["n"]
    n = _num(nstr) if nstr else 1.0
    if m["n2"]:  # "two to three weeks": the range is vague
        n = None
    unit = m["unit"]
    text = m.group(0)
    # "$5 a year", "twice a week": a frequency, not a length of time.
    if (
        nstr
        and nstr.lower() in ("a", "an")
        and not (m["mod"] or m["mod2"] or m["det"])
        and _SET_BEFORE.search(c.text[max(0, m.start() - 25) : m.start()])
    ):
        return "SET", _duration(1, unit)
    if nstr and nstr.lower() in ("a", "an") and unit.lower() == "second":
        return None  # "a second time": the ordinal
    if unit.lower().startswith("quarter") and re.match(r"\s+of\b", c.text[m.end() :]):
        return None  # "a quarter of the vote": a share
    if re.match(r"(?i)one\s+day$", text) and _direction(c.text, m.start(), m.end()) > 0:
        return "DATE", "FUTURE_REF"
    det = (m["det"] or "").lower()
    if det in ("a", "an") and nstr and n is not None and nstr.lower() not in ("a", "an"):
        # "a two-day visit": the article belongs to the noun phrase, not to the duration
        return (
            "DURATION",
            _duration(n, unit),
            m.start("mod2") if m["mod2"] else m.start("n"),
            m.end(),
        )
    return "DURATION", _duration(n, unit)


def _h_adj_duration(m: re.Match[str], c: _Ctx) -> Result:
    n = _num(m["n"])
    if n is None:
        return None
    return "DURATION", _duration(n, m["unit"])


def _h_plural(m: re.Match[str], c: _Ctx) -> Result:
    rel = " ".join((m["rel"] or "").lower().split())
    if rel in ("recent", "the recent", "in recent", "the past few", "the last few"):
        return "DATE", "PAST_REF"
    if rel in ("coming", "the coming", "in the coming", "the next few", "in coming"):
        return "DATE", "FUTURE_REF"
    return "DURATION", _duration(None, m["unit"])


def _h_ahead(m: re.Match[str], c: _Ctx) -> Result:
    return "DATE", "FUTURE_REF"


_REF_WORDS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "just now": "PAST_REF",
    "currently": "PRESENT_REF", "current": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
    "at the moment": "PRESENT_REF", "the present": "PRESENT_REF",
    "recently": "PAST_REF", "more recently": "PAST_REF", "most recently": "PAST_REF",
    "recent": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF",
    "in the past": "PAST_REF", "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
    "the foreseeable future": "FUTURE_REF", "the distant future": "FUTURE_REF",
    "the near term": "FUTURE_REF", "the short term": "FUTURE_REF",
    "the long term": "FUTURE_REF", "the medium term": "FUTURE_REF",
}  # fmt: skip


def _h_ref(m: re.Match[str], c: _Ctx) -> Result:
    w = " ".join(m.group(0).lower().split())
    return "DATE", _REF_WORDS[w]


def _h_set(m: re.Match[str], c: _Ctx) -> Result:
    w = m.group(0).lower()
    adverbs = T.SET_ADVERBS
    if w in adverbs:
        return "SET", adverbs[w]
    if m["wd"]:
        return "SET", f"XXXX-WXX-{T.WEEKDAYS[m['wd'].lower()]}"
    if m["mon"]:
        return "SET", f"XXXX-{_month_num(m['mon']):02d}"
    if m["season"]:
        return "SET", f"XXXX-{T.SEASONS[m['season'].lower()]}"
    if m["part"]:
        return "SET", f"XXXX-XX-XXT{T.PARTS_OF_DAY[m['part'].lower()]}"
    n = 2.0 if m["other"] else (_num(m["n"]) if m["n"] else 1.0)
    return "SET", _duration(n, m["unit"])


def _h_holiday(m: re.Match[str], c: _Ctx) -> Result:
    name = m["hname"]
    rel = (m["rel"] or "").lower()
    if m["year"]:
        dt = _holiday(name, int(m["year"]))
        return ("DATE", _d(dt)) if dt else None
    if c.anchor is None:
        return None
    a = c.anchor
    cands = [(d, _d(d)) for y in (a.year - 1, a.year, a.year + 1) if (d := _holiday(name, y))]
    if rel == "last":
        v = max(x for x in cands if x[0] < a)[1]
    elif rel == "next":
        v = min(x for x in cands if x[0] > a)[1]
    else:
        v = _pick(cands, a, _direction(c.text, m.start(), m.end()))
    c.ref, c.ref_gran = date.fromisoformat(v), "day"
    return "DATE", v


def _h_fiscal(m: re.Match[str], c: _Ctx) -> Result:
    y = m["year"]
    if len(y) == 2:
        y = ("20" if int(y) < 50 else "19") + y
    c.ref, c.ref_gran = date(int(y), 1, 1), "year"
    return "DATE", y


def _h_year_ago_adj(m: re.Match[str], c: _Ctx) -> Result:
    """ "year-earlier profit": the reference quarter (or year) one year back."""
    if c.ref_quarter and m.start() - c.ref_quarter_pos < 800:
        y, q = c.ref_quarter
        return "DATE", f"{y - 1:04d}-Q{q}"
    base = c.ref or c.anchor
    return ("DATE", f"{base.year - 1:04d}") if base else None


_SPELLED_TENS = {w: n for w, n in T.NUMBER_WORDS.items() if 10 <= n <= 19}


def _h_spelled_year(m: re.Match[str], c: _Ctx) -> Result:
    """ "nineteen ninety-seven" -> 1997, "two thousand (and) three" -> 2003 (speech transcripts)."""
    if m["cent"]:
        cent = _SPELLED_TENS[m["cent"].lower()]
        rest = _num(m["rest"]) if m["rest"] else None
        if rest is None or rest >= 100:
            return None
        y = cent * 100 + int(rest)
    else:
        y = 2000 + (int(_num(m["rest2"]) or 0) if m["rest2"] else 0)
    c.ref, c.ref_gran = date(y, 1, 1), "year"
    return "DATE", f"{y:04d}"


def _h_weekend(m: re.Match[str], c: _Ctx) -> Result:
    """ "the weekend" / "over the weekend": the latest weekend (this one if it is one)."""
    a = c.anchor
    if a is None:
        return None
    if a.isoweekday() >= 6:
        return "DATE", _week(a) + "-WE"
    if _direction(c.text, m.start(), m.end()) > 0:
        return "DATE", _week(a) + "-WE"
    return "DATE", _week(a - timedelta(days=7)) + "-WE"


def _h_that_day(m: re.Match[str], c: _Ctx) -> Result:
    """ "that day", "the next morning", "the following day": relative to the last date."""
    base = c.ref if (c.ref is not None and c.ref_gran == "day") else None
    if base is None:
        return None
    rel = (m["rel"] or "").lower()
    k = 1 if rel in ("next", "following") else -1 if rel in ("previous", "preceding") else 0
    dt = base + timedelta(days=k)
    part = (m["part"] or "").lower()
    if part in T.PARTS_OF_DAY:
        return "TIME", _d(dt) + "T" + T.PARTS_OF_DAY[part]
    return "DATE", _d(dt)


def _h_week_of(m: re.Match[str], c: _Ctx) -> Result:
    """ "the week of March 6": the ISO week holding that date."""
    res = _month_day(_month_num(m["mon"]), int(re.match(r"\d+", m["day"]).group()), m["year"], m, c)
    if res is None or not re.match(r"\d{4}-\d\d-\d\d$", res[1]):
        return None
    return "DATE", _week(date.fromisoformat(res[1]))


def _h_period_end(m: re.Match[str], c: _Ctx) -> Result:
    """ "the end of the month", "year-end": the anchor's month / year / week."""
    a = c.anchor
    if a is None:
        return None
    unit = (m["unit"] or m["unit2"] or "year").lower()
    if unit == "month":
        return "DATE", _ym(a.year, a.month)
    if unit == "week":
        return "DATE", _week(a)
    if re.search(r"\bsince\s+$", c.text[max(0, m.start() - 8) : m.start()], F):
        return "DATE", f"{a.year - 1:04d}"  # "since year-end": the last one
    return "DATE", f"{a.year:04d}"


def _h_seq_unit(m: re.Match[str], c: _Ctx) -> Result:
    return "DURATION", _duration(1, m["unit"])


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule: a regex, the handler that turns a match into (type, value), the trigger
    kinds it is tried near, and how many tokens before a trigger a match may start."""

    name: str
    pattern: str
    handler: Handler | None  # None: a wrapper in _WRAPPED checks the match first
    triggers: tuple[str, ...]
    lookback: int = 3


# Priority order: when two matches have the same length, the earlier rule wins.
RULES: list[Rule] = [
    Rule("iso", P.ISO, _h_iso, ("digit",)),
    Rule("numdate", P.NUMDATE, _h_numdate, ("digit",)),
    Rule("mdy", P.MDY, _h_mdy, ("month",)),
    Rule("dmy", P.DMY, _h_dmy, ("month",)),
    Rule("month_year", P.MONTH_YEAR, _h_month_year, ("month",)),
    Rule("month", P.MONTH_RULE, _h_month, ("month",)),
    Rule("fiscal", P.FISCAL, _h_fiscal, ("digit",)),
    Rule("year", P.YEAR_RULE, _h_year, ("digit",)),
    Rule("decade", P.DECADE, _h_decade, ("digit", "decade")),
    Rule("century", P.CENTURY, _h_century, ("century",)),
    Rule("quarter", P.QUARTER, _h_quarter, ("quarter",), lookback=5),
    Rule("qshort", P.QSHORT, _h_quarter, ("digit",)),
    Rule("half", P.HALF, _h_half, ("half",)),
    Rule("season", P.SEASON_RULE, None, ("season",)),
    Rule("weekday", P.WEEKDAY_RULE, _h_weekday, ("weekday",)),
    Rule("weekday_set", P.WEEKDAY_SET, None, ("weekday",)),
    Rule("relday", P.RELDAY, None, ("relday",)),
    Rule("clock", P.CLOCK, _h_clock, ("clock",)),
    Rule("relunit", P.RELUNIT, _h_relunit, ("calendar",)),
    Rule("the_year", P.THE_YEAR, _h_the_year, ("calendar",)),
    Rule("ago", P.AGO, _h_ago, ("unit",), lookback=7),
    Rule("duration", P.DURATION, _h_duration, ("unit",), lookback=7),
    Rule("adj_duration", P.ADJ_DURATION, _h_adj_duration, ("unit",)),
    Rule("plural", P.PLURAL, _h_plural, ("plural",), lookback=5),
    Rule("ahead", P.AHEAD, _h_ahead, ("ahead",), lookback=4),
    Rule("year_ago_adj", P.YEAR_AGO_ADJ, _h_year_ago_adj, ("calendar",)),
    Rule("spelled_year", P.SPELLED_YEAR, _h_spelled_year, ("spelled",)),
    Rule("weekend", P.WEEKEND, _h_weekend, ("weekend",)),
    Rule("week_of", P.WEEK_OF, _h_week_of, ("calendar",), lookback=2),
    Rule("period_end", P.PERIOD_END, _h_period_end, ("calendar",), lookback=5),
    Rule("that_day", P.THAT_DAY, _h_that_day, ("unit", "relday")),
    Rule("seq_unit", P.SEQ_UNIT, _h_seq_unit, ("unit",)),
    Rule("ref", P.REF, _h_ref, ("ref",), lookback=4),
    Rule("set", P.SET, _h_set, ("set",), lookback=4),
    Rule("holiday", P.HOLIDAY, _h_holiday, ("holiday",)),
]


def _h_season_wrap(m: re.Match[str], c: _Ctx) -> Result:
    word = m["season"]
    txt = m.group(0).lower()
    # A bare season word is only temporal with a determiner or a year ("the fall of
    # Rome" and "hot spring" are not); "summer" and "winter" are rarely anything else.
    if word.lower() in ("fall", "spring", "autumn") and txt.strip() == word.lower():
        return None
    if txt.startswith("the ") and not m["year"] and word.lower() in ("fall", "spring"):
        before = c.text[max(0, m.start() - 8) : m.start()].lower()
        if not re.search(r"\b(?:in|by|until|during|since|over|through)\s+$", before):
            return None
    if m["year2"] and not m["year"]:
        return _h_season(_FakeMatch({"season": word, "rel": m["rel"], "year": m["year2"]}, m), c)
    return _h_season(m, c)


def _h_weekday_set_wrap(m: re.Match[str], c: _Ctx) -> Result:
    wd = m["wd"] or m["wd2"]
    part = m["part"] or m["part2"]
    return _h_weekday_set(_FakeMatch({"wd": wd, "part": part}, m), c)


def _h_relday_wrap(m: re.Match[str], c: _Ctx) -> Result:
    word = m["word"].lower()
    if word in ("this", "that") and not m["part"]:
        return None
    if word == "that":
        return None  # "that morning": needs a reference day; too ambiguous alone
    return _h_relday(m, c)


_WRAPPED = {"season": _h_season_wrap, "weekday_set": _h_weekday_set_wrap, "relday": _h_relday_wrap}


# Speed: scanning a 4,000-character text with ~35 regexes that begin with optional
# modifiers is far too slow. Instead the text is split into tokens once; tokens that
# are "triggers" (a unit word, a month name, a year, a weekday...) are looked up in a
# dict, and each rule is only tried (anchored, with ``match``) at the starts of the
# few tokens before one of its triggers.
def _trigger_table() -> dict[str, tuple[str, ...]]:
    """Token -> the trigger kinds it fires (case variants and "'s" forms included)."""
    kinds: dict[str, set[str]] = {}

    def add(word: str, kind: str, exact: bool = False) -> None:
        forms = {word} if exact else {word, word.lower(), word.capitalize(), word.upper()}
        for f in forms:
            for g in (f, f + "'s", f + "’s"):
                kinds.setdefault(g, set()).add(kind)

    for name in T.MONTHS:
        add(name, "month", exact=True)
    for name in T.WEEKDAY_NAMES:
        add(name, "weekday", exact=True)
        add(name + "s", "weekday", exact=True)
    for kind, words in T.TRIGGER_WORDS.items():
        for w in words:
            add(w, kind)
    for z in T.TIMEZONES:
        add(z, "clock", exact=True)
    return {k: tuple(sorted(v)) for k, v in kinds.items()}


_TRIGGER_KINDS = _trigger_table()
_SPLIT = re.compile(r"([\w'’]+)")
_DIGITISH = frozenset("0123456789'’")
_CENTURIES = frozenset({"16", "17", "18", "19", "20"})


def _token_triggers(text: str) -> tuple[list[int], dict[str, list[int]]]:
    """Token starts, and for each trigger kind the indices of its trigger tokens."""
    parts = _SPLIT.split(text)  # separator, token, separator, token, ..., separator
    offsets = list(accumulate(map(len, parts), initial=0))
    tokens = parts[1::2]
    starts = offsets[1::2][: len(tokens)]
    table, digitish = _TRIGGER_KINDS, _DIGITISH
    hits: dict[str, list[int]] = {k: [] for k in _ALL_KINDS}
    for i in [i for i, t in enumerate(tokens) if t in table or t[0] in digitish]:
        tok = tokens[i]
        found = table.get(tok)
        if found:
            for k in found:
                hits[k].append(i)
            continue
        if tok[0] in "'’" or (tok[:4].isdigit() and tok[:2] in _CENTURIES):
            hits["digit"].append(i)  # a year, a decade ("1990s", "'80s")
        sep = parts[2 * i + 2]
        if sep[:1] == ":":
            hits["clock"].append(i)  # "10:35"
        elif sep[:1] == "/":
            hits["digit"].append(i)  # "4/7/2025"
    return starts, hits


_ALL_KINDS = sorted({k for r in RULES for k in r.triggers})
# (priority, rule, compiled regex, handler)
_COMPILED: list[tuple[int, Rule, re.Pattern[str], Handler]] = [
    (i, r, re.compile(r.pattern, F), r.handler or _WRAPPED[r.name]) for i, r in enumerate(RULES)
]


# Words that TimeBank leaves out of a span even when a rule takes them in.
_TRIM_LEFT = re.compile(
    r"(?:on|in|at|for|during|since|by)\s+(?!least\b|most\b)"  # not "at least"
    r"|over\s+(?=the\b|this\b|these\b|those\b)",  # "over the past year", not "over an hour"
    re.I,
)
_POSSESSIVE = ("'s", "’s")


def _anchor_date(anchor: str | None) -> date | None:
    if not anchor:
        return None
    try:
        return date.fromisoformat(anchor.strip()[:10])
    except ValueError:
        return None


def tag_timexes(text: str, anchor: str | None) -> list[Timex]:
    """Find the time expressions in ``text`` and normalise them against ``anchor``.

    ``anchor`` is the publication date or datetime (ISO 8601) or None. Without an
    anchor, expressions that need one get TIMEX3 underspecified values where TIMEX3
    has them ("Monday" -> ``XXXX-WXX-1``, "March 3" -> ``XXXX-03-03``, "in May" ->
    ``XXXX-05``) and purely deictic ones ("yesterday", "last week", "two days ago")
    are left out. Offsets are into ``text``; ``text[start:end] == timex.text``.
    """
    return [t for t, _rule in _resolve(text, _find(text), anchor)[0]]


# An expression found in a text before it is normalised: (start, end, rule index).
# Finding does not depend on the anchor; only normalising does.
Found = tuple[int, int, int]


@dataclass(frozen=True)
class TimeTags:
    """The timexes of a text, and what re-dating them against another anchor takes."""

    timexes: list[Timex]
    # Some value (or the lack of one) depends on the anchor. False when every
    # expression is absolute ("March 6, 2025", "2024"): any anchor gives the same.
    anchored: bool
    found: list[Found]  # the expressions before normalising, for :func:`redate`


def tag_text(text: str, anchor: str | None) -> TimeTags:
    """:func:`tag_timexes`, with whether it depends on ``anchor`` and what it found."""
    taken = _find(text)
    tagged, anchored = _resolve(text, taken, anchor)
    found = [(s, e, prio) for s, e, prio, _m, _h in taken]
    return TimeTags([t for t, _rule in tagged], anchored, found)


def redate(text: str, found: list[Found], anchor: str | None) -> list[Timex]:
    """The timexes of ``text`` against another ``anchor``, from what :func:`tag_text`
    found in it: the same as ``tag_timexes(text, anchor)`` without finding them again.

    Raises ValueError if ``found`` does not belong to ``text`` (another text, or found
    by another version of the rules).
    """
    taken = []
    for s, e, prio in found:
        if not 0 <= prio < len(_COMPILED):
            raise ValueError(f"no time rule {prio}")
        _prio, _rule, rx, handler = _COMPILED[prio]
        m = rx.match(text, s)
        if m is None or m.end() != e:
            raise ValueError(f"rule {prio} finds no expression at {s}-{e} of this text")
        taken.append((s, e, prio, m, handler))
    return [t for t, _rule in _resolve(text, taken, anchor)[0]]


def tag_with_rules(text: str, anchor: str | None) -> list[tuple[Timex, str]]:
    """:func:`tag_timexes`, with the name of the rule that found each expression."""
    return _resolve(text, _find(text), anchor)[0]


_Taken = tuple[int, int, int, re.Match[str], Handler]
_RULE_NAMES = [rule.name for _prio, rule, _rx, _h in _COMPILED]


def _find(text: str) -> list[_Taken]:
    """The expressions in ``text``, in text order, before normalising."""
    cands: list[_Taken] = []
    starts, hits = _token_triggers(text)
    for prio, rule, rx, handler in _COMPILED:
        back = rule.lookback
        pos: set[int] = set()
        for key in rule.triggers:
            for i in hits[key]:
                pos.update(starts[max(0, i - back) : i + 1])
        match = rx.match
        for p in pos:
            m = match(text, p)
            if m is not None and m.end() > p:
                cands.append((p, m.end(), prio, m, handler))
    # Longest span first, then rule order; keep those that overlap nothing kept.
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[_Taken] = []
    occupied = bytearray(len(text))
    for cand in cands:
        s, e = cand[0], cand[1]
        if any(occupied[s:e]):
            continue
        occupied[s:e] = b"\x01" * (e - s)
        taken.append(cand)
    taken.sort(key=lambda c: c[0])
    return taken


def _resolve(
    text: str, taken: list[_Taken], anchor: str | None
) -> tuple[list[tuple[Timex, str]], bool]:
    """Normalise the expressions found, left to right (see the module's docstring)."""
    ctx = _Ctx(text=text, _anchor=_anchor_date(anchor))
    out: list[tuple[Timex, str]] = []
    for s, e, prio, m, handler in taken:
        try:
            res = handler(m, ctx)
        except (ValueError, OverflowError):
            # an anchor at the calendar's edge (feeds use 9999-12-31 as "never"):
            # "next year" has no value there, so the expression gets none
            continue
        if res is None:
            continue
        typ, value = res[0], res[1]
        if len(res) == 4:
            s, e = res[2], res[3]
        tm = _TRIM_LEFT.match(text, s, e)
        if tm and tm.end() < e:
            s = tm.end()
        span = text[s:e]
        stripped = span.rstrip(" ,;")
        e -= len(span) - len(stripped)
        if text[e - 2 : e] in _POSSESSIVE and e - 2 > s:
            e -= 2  # "Friday's": TimeBank leaves the possessive out
        timex = Timex(start=s, end=e, text=text[s:e], type=typ, value=value)  # type: ignore[arg-type]
        out.append((timex, _RULE_NAMES[prio]))
    return out, ctx.anchor_read


_FULL_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def latest_explicit_date(text: str) -> str | None:
    """The latest fully written date in ``text`` ("April 11, 2025", "2025-04-11"), or None.

    A fallback anchor for an article without a publication date: a caption or a
    sign-off usually carries the day of writing. Only dates that state their year
    count, so nothing here depends on an anchor.
    """
    best: str | None = None
    for t in tag_timexes(text, None):
        if t.type == "DATE" and _FULL_DATE.match(t.value) and (best is None or t.value > best):
            best = t.value
    return best
