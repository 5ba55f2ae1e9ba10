"""Article metadata helpers shared by the text and HTML cleaners.

Dates (:func:`parse_date`, :func:`find_dates`), bylines (:func:`parse_byline`,
:func:`split_people_and_agencies`), publishers (:func:`publisher_from_url`) and language
(:func:`detect_language`). Everything here is pure, cheap and never guesses silently: an
inferred value is marked ``approximate`` or left as ``None``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from newsdesk.model import Precision

__all__ = [
    "AGENCIES",
    "brand_in_text",
    "dateline_agencies",
    "detect_language",
    "feed_origin",
    "find_dates",
    "format_datetime",
    "given_published",
    "is_agency",
    "merge_agencies",
    "parse_byline",
    "parse_date",
    "publisher_from_url",
    "split_people_and_agencies",
]

# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME_RE = (
    r"(?:,?\s*(?:at\s+|[-–—|]\s*)?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?::\d{2})?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*(?P<tz>utc|gmt|z)\b)?)?"
)
_MDY = re.compile(
    r"\b"
    + _WEEKDAY_RE
    + _MONTH_RE
    + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"
    + _TIME_RE,
    re.I,
)
_DMY = re.compile(
    r"\b"
    + _WEEKDAY_RE
    + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH_RE
    + r",?\s+(?P<year>(?:19|20)\d\d)\b"
    + _TIME_RE,
    re.I,
)
_ISO = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?::(?P<ss>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?![\d:])"
)
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d\d)\b")
_RELATIVE = re.compile(
    r"\b(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|few)\s+"
    r"(?P<unit>sec(?:ond)?|min(?:ute)?|hr|hour|day|week|month|year)s?\s+ago\b",
    re.I,
)
_YEARISH = re.compile(r"(?:19|20)\d\d")
_RELATIVE_GATE = re.compile(r"ago\b|yesterday|today|just now", re.I)
_RELATIVE_WORD = re.compile(r"\b(?P<w>just now|yesterday|today)\b", re.I)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "few": 3,
}  # fmt: skip
_UNIT_SECONDS = {
    "sec": 1, "second": 1, "min": 60, "minute": 60, "hr": 3600, "hour": 3600,
    "day": 86400, "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400,
}  # fmt: skip


def format_datetime(dt: datetime, precision: Precision) -> str:
    """ISO form used throughout newsdesk: a date for ``day``, date+minutes otherwise."""
    if precision == "day":
        return dt.date().isoformat()
    return dt.isoformat(timespec="minutes")


def _build(year: int, month: int, day: int, m: re.Match[str]) -> tuple[datetime, Precision] | None:
    """A datetime from matched parts, with a time when the match has one."""
    gd = m.groupdict()
    hh, mm = gd.get("hh"), gd.get("mm")
    try:
        if hh is None or mm is None:
            return datetime(year, month, day), "day"
        hour, minute = int(hh), int(mm)
        ampm = (gd.get("ampm") or "").replace(".", "").replace(" ", "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                return datetime(year, month, day), "day"
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        tz = (gd.get("tz") or "").upper()
        tzinfo = None
        if tz in ("UTC", "GMT", "Z"):
            tzinfo = UTC
        elif tz:
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            tzinfo = _offset(sign, int(digits[:2]), int(digits[2:4] or 0))
        return datetime(year, month, day, hour, minute, tzinfo=tzinfo), "minute"
    except ValueError:
        return None


def _offset(sign: int, hours: int, minutes: int):  # noqa: ANN202 - a tzinfo
    from datetime import timezone

    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def find_dates(
    text: str, *, relative_to: datetime | None = None
) -> list[tuple[int, int, str, Precision]]:
    """Every explicit date in ``text`` as ``(start, end, iso, precision)``, in text order.

    Relative expressions ("7 hours ago", "yesterday") are included only when
    ``relative_to`` is given, with precision ``approximate``.
    """
    found: list[tuple[int, int, str, Precision]] = []
    taken: list[tuple[int, int]] = []
    # cheap gates: every absolute form has a year, every relative one a keyword
    absolute = _YEARISH.search(text) is not None
    relative = relative_to is not None and _RELATIVE_GATE.search(text) is not None
    if not absolute and not relative:
        return found

    def add(m: re.Match[str], res: tuple[datetime, Precision] | None) -> None:
        if res is None or any(m.start() < e and s < m.end() for s, e in taken):
            return
        dt, prec = res
        if not 1990 <= dt.year <= 2100:
            return
        taken.append((m.start(), m.end()))
        found.append((m.start(), m.end(), format_datetime(dt, prec), prec))

    # absolute dates are only looked for in windows around a year (regexes are costly)
    windows: list[list[int]] = []
    for y in _YEARISH.finditer(text) if absolute else ():
        ws = text.rfind(" ", 0, max(0, y.start() - 40)) + 1
        we = min(len(text), y.end() + 40)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = we
        else:
            windows.append([ws, we])
    for ws, we in windows:
        for m in _ISO.finditer(text, ws, we):
            add(m, _build(int(m["year"]), int(m["month"]), int(m["day"]), m))
        for rx in (_MDY, _DMY):
            for m in rx.finditer(text, ws, we):
                add(m, _build(int(m["year"]), _MONTHS[m["mon"].lower()[:3]], int(m["day"]), m))
        for m in _NUMERIC.finditer(text, ws, we):
            a, b = int(m["a"]), int(m["b"])
            month, day = (b, a) if a > 12 else (a, b)  # US order unless impossible
            add(m, _build(int(m["year"]), month, day, m))
    if relative:
        for m in _RELATIVE.finditer(text):
            n = m["n"].lower()
            count = int(n) if n.isdigit() else _NUMBER_WORDS.get(n, 1)
            unit = m["unit"].lower()
            dt = relative_to - timedelta(seconds=count * _UNIT_SECONDS[unit])
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            fine = unit in ("sec", "second", "min", "minute", "hr", "hour")
            iso = dt.isoformat(timespec="minutes") if fine else dt.date().isoformat()
            found.append((m.start(), m.end(), iso, "approximate"))
        for m in _RELATIVE_WORD.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            days = 1 if m["w"].lower() == "yesterday" else 0
            taken.append((m.start(), m.end()))
            day = (relative_to - timedelta(days=days)).date().isoformat()
            found.append((m.start(), m.end(), day, "approximate"))
    found.sort()
    return found


def parse_date(s: str, *, relative_to: datetime | None = None) -> tuple[str, Precision] | None:
    """The first date in ``s`` as ``(ISO string, precision)``, or None.

    "April 28, 2025 12:42 PM" -> ("2025-04-28T12:42", "minute"); "April 07, 2025" ->
    ("2025-04-07", "day"); "7 hours ago" -> the time 7 hours before ``relative_to``,
    precision "approximate" (None without ``relative_to``). RFC 2822 feed dates work too.
    """
    if not s or not s.strip():
        return None
    hits = find_dates(s, relative_to=relative_to)
    if hits:
        return hits[0][2], hits[0][3]
    try:
        dt = parsedate_to_datetime(s.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None or not 1990 <= dt.year <= 2100:
        return None
    return format_datetime(dt, "minute"), "minute"


def given_published(value: object) -> tuple[str | None, Precision | None]:
    """A ``published`` value given by the input: kept as given, precision by its form."""
    if value is None:
        return None, None
    s = str(value).strip()
    if not s:
        return None, None
    m = _ISO.fullmatch(s)
    if m:
        return s, ("minute" if m["hh"] else "day")
    parsed = parse_date(s)
    if parsed:
        return parsed
    return s, None


# ---------------------------------------------------------------------------
# people and agencies
# ---------------------------------------------------------------------------

# canonical short name -> surface forms (case-insensitive)
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("afp", "agence france-presse", "agence france presse", "france-presse"),
    "Reuters": ("reuters", "thomson reuters"),
    "AP": ("ap", "associated press", "the associated press"),
    "dpa": ("dpa", "deutsche presse-agentur"),
    "Xinhua": ("xinhua", "xinhua news agency"),
    "TASS": ("tass", "itar-tass"),
    "RIA Novosti": ("ria novosti", "ria"),
    "Interfax": ("interfax",),
    "UPI": ("upi", "united press international"),
    "Bloomberg": ("bloomberg", "bloomberg news"),
    "Kyodo": ("kyodo", "kyodo news"),
    "Yonhap": ("yonhap",),
    "ANSA": ("ansa",),
    "EFE": ("efe",),
    "PTI": ("pti", "press trust of india"),
    "ANI": ("ani",),
    "IANS": ("ians",),
    "Anadolu": ("anadolu", "anadolu agency", "aa"),
    "PA Media": ("pa media", "press association", "pa"),
    "AAP": ("aap", "australian associated press"),
    "The Canadian Press": ("canadian press", "the canadian press", "cp"),
    "Ukrinform": ("ukrinform",),
    "UNIAN": ("unian",),
    "ANP": ("anp",),
    "Europa Press": ("europa press",),
    "Bernama": ("bernama",),
    "Antara": ("antara",),
    "KCNA": ("kcna",),
    "CNA": ("cna",),
    "KUNA": ("kuna", "kuwait news agency"),
    "WAFA": ("wafa",),
    "IRNA": ("irna",),
    "SANA": ("sana",),
    "MENA": ("mena", "middle east news agency"),
    "PAP": ("pap", "polish press agency"),
    "ČTK": ("čtk", "ctk"),
    "MTI": ("mti",),
    "BTA": ("bta",),
    "Lusa": ("lusa",),
    "Belga": ("belga",),
    "NTB": ("ntb",),
}
_AGENCY_OF = {form: canon for canon, forms in AGENCIES.items() for form in forms}
_AGENCY_SUFFIX = re.compile(r"\s+(?:staff|wire|newswire|news agency|writers?|reporters?)$", re.I)
# an organisation named as a wire service by its own name: "Kestrel Press Agency", "X Newswire"
_GENERIC_AGENCY = re.compile(
    r"^(?:the\s+)?(?:[A-Z][\w'’.&-]*\s+){1,5}(?:news|press|wire)\s+(?:agency|service)$"
    r"|^(?:the\s+)?(?:[A-Z][\w'’.&-]*\s+){1,5}(?:newswire|wire service|press association)$",
    re.I,
)
# not people: desks, staff, boards ("The Lakeside Herald news desk", "Staff reports")
_NOT_PERSON = re.compile(
    r"\b(?:news ?desk|desk|staff|newsroom|editorial board|editors?|reports?|wire services?"
    r"|contributors?|team|bureau|agenc(?:y|ies)|media|news|press)\b",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*", re.I)
_PERSON_TOKEN = re.compile(
    r"^(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|van|von|de|da|del|der|den|la|le|bin|al|el|du|di|dos|ibn)$"
)
# a bare credit abbreviation ("KPA", "AFP"): an organisation, never a person's name
_ABBREV = re.compile(r"^[A-Z]{2,5}$")
# a US broadcaster's call sign ("BUFFALO, N.Y. (WXYZ) —"): the station's own credit, not a wire
_CALL_SIGN = re.compile(r"^[KW][A-Z]{3}$")


def is_agency(name: str) -> str | None:
    """The canonical agency name if ``name`` is a wire service ("Reuters Staff" -> "Reuters").

    Well-known services get their short name; an organisation that calls itself a news or
    press agency ("Kestrel Press Agency") is one too and keeps its own name."""
    s = re.sub(r"^(?:by|from)\s+", "", name.strip().strip(".,;:()[]"), flags=re.I)
    s = _AGENCY_SUFFIX.sub("", s).strip() if not _GENERIC_AGENCY.match(s) else s
    known = _AGENCY_OF.get(s.casefold())
    if known:
        return known
    if _GENERIC_AGENCY.match(s):
        return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", s), flags=re.I)
    return None


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def merge_agencies(agencies: Iterable[str]) -> list[str]:
    """Agencies without repeats, a full name folded into the abbreviation that is also
    credited ("Kestrel Press Agency" + "KPA" -> "KPA")."""
    items = dedupe(a for a in agencies if a)
    abbrevs = {a for a in items if _ABBREV.match(a)}
    return [a for a in items if not (" " in a and _initials(a) in abbrevs)]


# A wire dateline opening the body: "PORT CITY (AGENCY) —", "LONDON, Oct 5 (Reuters) -",
# "NEW HAVEN, Conn. (AP) —", "(Reuters) -". The place is written in capitals; the credit is a
# known wire service or a short all-caps abbreviation.
_DATELINE = re.compile(
    r"^(?:(?P<place>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’-]*(?:[ -][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’-]*){0,4})"
    r"(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?"  # ", Ukraine" / ", Calif."
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?))?\s*)?"  # ", Oct 5"
    r"\((?P<credit>[^()\n]{2,40})\)\s*[-–—:]"
)
_LOOSE_DATELINE = re.compile(r"^[A-Z][\w .,'’-]{0,60}?\((?P<credit>[^()\n]{2,40})\)\s*[-–—:]")


def dateline_agencies(text: str) -> list[str]:
    """Wire services credited by a dateline at the start of ``text`` ("KESSBRIDGE (XYZ) —"
    -> ["XYZ"]; "LONDON, Oct 5 (Reuters) -" -> ["Reuters"]). Empty when there is none."""
    head = text[:160].lstrip()
    m = _DATELINE.match(head)
    strict = m is not None
    if m is None:
        m = _LOOSE_DATELINE.match(head)
        if m is None:
            return []
    out: list[str] = []
    for part in re.split(r"\s*(?:/|,|;|&|\band\b)\s*", m["credit"].strip()):
        known = is_agency(part)
        if known:
            out.append(known)
        elif strict and _ABBREV.match(part) and not _CALL_SIGN.match(part):
            # an unknown credit abbreviation after a capitals dateline is a wire credit too
            out.append(part)
        else:
            return []  # "(photo)", "(updated)", "(2)": not a credit line
    return dedupe(out)


def strip_dateline(text: str) -> str:
    """``text`` without a leading wire dateline ("KESSBRIDGE (XYZ) — Water rose" -> "Water
    rose"), for places that show a sentence on its own (story summaries)."""
    if not dateline_agencies(text):
        return text
    head = text.lstrip()
    m = _DATELINE.match(head) or _LOOSE_DATELINE.match(head)
    return head[m.end() :].lstrip() if m else text


def _tidy_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" .,;:|()[]*_-–—")
    if name.isupper() and len(name) > 3:  # "ISABELLA O’MALLEY" -> "Isabella O’Malley"
        name = " ".join(_cap_apos(w) for w in name.split())
    return name


def _cap_apos(word: str) -> str:
    parts = re.split(r"(['’])", word)
    return "".join(p.capitalize() if p not in ("'", "’") else p for p in parts)


def _looks_like_person(name: str) -> bool:
    if not name or any(ch.isdigit() for ch in name) or "@" in name or "/" in name:
        return False
    toks = name.split()
    if not 2 <= len(toks) <= 5 and not (len(toks) == 1 and len(name) > 2 and name[0].isupper()):
        return False
    if _NOT_PERSON.search(name):
        return False
    return all(_PERSON_TOKEN.match(t) for t in toks)


def split_people_and_agencies(names: list[str]) -> tuple[list[str], list[str]]:
    """Split byline names into ``(people, agencies)``.

    Items may hold several names ("A and B", "A, B & C"); wire services are returned under
    their canonical short name (AFP, Reuters, AP, ...); desks, staff and outlets ("X and The Y
    news desk") are neither and are dropped.
    """
    people: list[str] = []
    agencies: list[str] = []
    for item in names:
        if not item:
            continue
        item = re.sub(r"^\s*(?:written\s+)?by\s+", "", item.strip(), flags=re.I)
        for part in _NAME_SPLIT.split(item):
            bare = part.strip(" .,;:|()[]*_-–—")
            part = _tidy_name(part)
            if not part:
                continue
            # a credit of two to four capitals ("By KPA") is an organisation, not a person
            abbrev = bare if _ABBREV.match(bare) and len(bare) <= 4 else None
            agency = is_agency(part) or abbrev
            if agency:
                if agency not in agencies:
                    agencies.append(agency)
                continue
            if _looks_like_person(part) and part not in people:
                people.append(part)
    return people, agencies


_BYLINE_HEAD = re.compile(r"^\s*(?:(?:written\s+|words\s+)?by\b|authors?:)[:\s]*", re.I)
_READ_TIME = re.compile(r"\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read\b", re.I)
_DESK = re.compile(
    r"(?:^|,|\band\b)\s*(?P<outlet>(?:the\s+)?[A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*){0,5})"
    r"\s+(?:news\s*desk|newsroom|staff)\b"
)
# "By A · Outlet · 9 October 2026": bylines whose parts are set apart by dots or bars
_BYLINE_SEP = re.compile(r"\s+[·•|]\s+")
_OUTLET_SEG = re.compile(r"^(?:The\s+)?[A-Z][\w'’.&-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w'’.&-]*){0,5}$")
_SECTION_RANK = 20000  # a single word at most this frequent in English is no outlet name
_ROLE = re.compile(
    r"\b(?:writer|correspondent|reporter|editor|columnist|contributor|staff|producer"
    r"|photographer|analyst|chief|senior|special|political|economics|business)\b",
    re.I,
)


def _section(seg: str) -> bool:
    """A byline part that names a role or a section ("Senior Writer", "Opinion", "World
    News"), not an outlet: a role word, or one common English word (before "News")."""
    if _ROLE.search(seg):
        return True
    words = seg.split()
    if len(words) == 2 and words[1] == "News":
        words = words[:1]
    return len(words) == 1 and _segmenter()[1](words[0].casefold()) <= _SECTION_RANK


def _outlet_name(name: str) -> str:
    """An outlet as the page writes it: a capitalised "The" is part of the name ("The Lakeside
    Herald"), a lower-case "the" is only the article ("the Quorven Herald news desk")."""
    name = name.strip()
    return name[4:].strip() if name.startswith("the ") else name


def parse_byline(line: str) -> dict[str, object] | None:
    """Parse a byline such as "by A and The X news desk April 28, 2025 12:42 PM 2 min read"
    or "By A · Outlet · 9 October 2026".

    Returns ``{"authors", "agencies", "published", "precision", "publisher"}`` (values may be
    empty/None), or None when the line does not start with "By".
    """
    m = _BYLINE_HEAD.match(line)
    if not m:
        return None
    rest = _READ_TIME.sub(" ", line[m.end() :])
    published = precision = None
    publisher = None
    extra_agencies: list[str] = []
    segments = _BYLINE_SEP.split(rest)
    if len(segments) > 1:
        rest = segments[0]
        for seg in segments[1:]:
            seg = seg.strip(" *_")
            dates = find_dates(seg)
            if dates:
                published = published or dates[0][2]
                precision = precision or dates[0][3]
            elif is_agency(seg):
                extra_agencies.append(is_agency(seg) or seg)
            elif publisher is None and _OUTLET_SEG.match(seg) and not _section(seg):
                # the part after the names is the outlet: people are joined by "and" or ","
                publisher = _outlet_name(seg)
    dates = find_dates(rest)
    if dates:
        s, _e, iso, prec = dates[0]
        published, precision = published or iso, precision or prec
        rest = rest[:s]
    rest = re.sub(r"\b(?:updated|published|posted)\b:?.*$", "", rest, flags=re.I)
    d = _DESK.search(rest)
    if d:
        publisher = _outlet_name(d["outlet"])
    rest = re.sub(r"\S+@\S+", " ", rest)
    authors, agencies = split_people_and_agencies([rest])
    return {
        "authors": authors,
        "agencies": dedupe(agencies + extra_agencies),
        "published": published,
        "precision": precision,
        "publisher": publisher,
    }


# ---------------------------------------------------------------------------
# publishers
# ---------------------------------------------------------------------------

# A few well-known outlets whose names cannot be read off the domain; everything else goes
# through the readable-domain fallback below.
_KNOWN_PUBLISHERS = {
    "apnews.com": "AP News",
    "ap.org": "AP",
    "reuters.com": "Reuters",
    "afp.com": "AFP",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "cnn.com": "CNN",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "theguardian.com": "The Guardian",
    "ft.com": "Financial Times",
    "npr.org": "NPR",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "foxnews.com": "Fox News",
    "aljazeera.com": "Al Jazeera",
    "dw.com": "DW",
    "france24.com": "France 24",
    "euronews.com": "Euronews",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "axios.com": "Axios",
    "bloomberg.com": "Bloomberg",
    "usatoday.com": "USA Today",
    "latimes.com": "Los Angeles Times",
    "huffpost.com": "HuffPost",
    "breitbart.com": "Breitbart",
    "tass.com": "TASS",
    "tass.ru": "TASS",
    "ria.ru": "RIA Novosti",
    "rt.com": "RT",
    "xinhuanet.com": "Xinhua",
    "news.cn": "Xinhua",
    "theatlantic.com": "The Atlantic",
    "newsweek.com": "Newsweek",
    "time.com": "Time",
    "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph",
    "dailymail.co.uk": "Daily Mail",
    "lemonde.fr": "Le Monde",
    "spiegel.de": "Der Spiegel",
    "calmatters.org": "CalMatters",
    "vtdigger.org": "VTDigger",
    "laist.com": "LAist",
}
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"}
_BRAND_WORD = re.compile(r"[\w'’&.-]+")
_SEGMENTER: list = []  # (split, rank), loaded on first use (~0.1 s)
# A piece of three letters or fewer that is rarer than this (its rank in wordninja's
# frequency list) is a fragment of an unknown name ("ves" + "kar"), not a word of it.
RARE_SHORT_RANK = 15000


def _segmenter() -> tuple[Any, Any]:
    """(split, rank): wordninja's English word segmentation (Wikipedia unigram frequencies)
    and a word's frequency rank in its list (infinite when unknown)."""
    if not _SEGMENTER:
        try:
            import wordninja  # noqa: PLC0415 - builds its cost table on import

            costs = getattr(wordninja.DEFAULT_LANGUAGE_MODEL, "_wordcost", {})
            scale = math.log(max(2, len(costs)))

            def rank(word: str) -> float:
                cost = costs.get(word)  # wordninja's cost is log(rank * log(N))
                return math.inf if cost is None else math.exp(cost) / scale

            _SEGMENTER.extend((wordninja.split, rank))
        except ImportError:  # pragma: no cover - a declared dependency
            _SEGMENTER.extend((lambda x: [x], lambda _w: math.inf))
    return _SEGMENTER[0], _SEGMENTER[1]


def _split_label(label: str) -> list[str] | None:
    """Readable words of a glued label ("thedailystar" -> the/daily/star, by wordninja's
    English word frequencies), or None when no credible split exists.

    Short pieces that are not common words are fragments of a name: a run of them making
    four letters or more is one word ("or" + "la" -> "orla", "ves" + "kar" -> "veskar"), a
    leading two-letter one an acronym ("sf" + "chronicle"). Any other fragment means the
    label is not made of English words ("norm" + "at" + "ivy"): no split."""
    split, rank = _segmenter()
    parts = [p for p in split(label) if p]
    if len(parts) < 2 or "".join(parts) != label:
        return None
    words: list[str] = []
    short = ""
    for p in [*parts, ""]:
        if p and (len(p) < 3 or (len(p) == 3 and rank(p) > RARE_SHORT_RANK)):
            short += p
            continue
        if short:
            if len(short) >= 4 or (not words and len(short) == 2 and p):
                words.append(short)
            else:
                return None
            short = ""
        if p:
            words.append(p)
    return words if len(words) >= 2 else None


def _readable(label: str) -> str:
    """A readable name for a domain label: hyphens split, glued words segmented, short
    pieces that are no common word read as acronyms ("gto-normativy" -> "GTO Normativy")."""
    pieces = [p for p in re.split(r"[-_]", label) if p]
    if len(pieces) == 1 and len(label) <= 4:
        return label.upper()  # "bbc", "npr": an acronym
    words: list[str] = []
    for piece in pieces:
        if len(piece) <= 3 and piece.isalpha():
            _split, rank = _segmenter()
            # only very common words are words here ("new-york"); "abc-news" is an acronym
            words.append(piece.upper() if rank(piece) > 2000 else piece.capitalize())
            continue
        split = _split_label(piece) if len(piece) > 5 and piece.isalpha() else None
        for j, w in enumerate(split or [piece]):
            # a short first piece of a split is an acronym ("SF Chronicle", "NY Post")
            words.append(w.upper() if split and j == 0 and len(w) <= 2 else w.capitalize())
    return " ".join(words)


def _letters(word: str) -> str:
    word = re.sub(r"['’]s$", "", word)
    return "".join(ch for ch in word.casefold() if ch.isalnum())


def brand_in_text(label: str, text: str) -> str | None:
    """The outlet name as the page writes it, found by its letters: a run of capitalised
    words whose letters spell the domain label ("orlenvalecourier" -> "Orlen Vale Courier"
    in "... Orlen Vale Courier / Per Aslund"). A leading "the" of the label may be missing
    in the text. None when no such run exists."""
    target = _letters(label)
    if len(target) < 4 or not text:
        return None
    targets = [target] + ([target[3:]] if target.startswith("the") and len(target) > 6 else [])
    words = [(m.start(), m.end(), _letters(m.group())) for m in _BRAND_WORD.finditer(text)]
    for want in targets:
        for i, (start, _end, letters) in enumerate(words):
            if not letters or not want.startswith(letters):
                continue
            acc = ""
            for j in range(i, min(i + 7, len(words))):
                w_start, w_end, w_letters = words[j]
                word = text[w_start:w_end]
                if not (word[:1].isupper() or word[:1].isdigit()) or not w_letters:
                    break
                if j > i and text[words[j - 1][1] : w_start].strip():
                    break  # the run must be one phrase: words separated by spaces only
                acc += w_letters
                if not want.startswith(acc):
                    break
                if acc == want:
                    name = re.sub(r"['’]s$", "", text[start:w_end]).strip(".-")
                    if name.isupper() and " " in name and len(name) > 5:
                        break  # a shouted label ("ORLA VALLEY GAZETTE"): keep looking
                    return name
    return None


def publisher_from_url(url: str | None, text: str | None = None) -> str | None:
    """A publisher name for ``url``: a known outlet; else the name as the page ``text``
    writes it (see :func:`brand_in_text`); else a readable form of the domain
    ("https://www.example-daily.com/x" -> "Example Daily")."""
    if not url:
        return None
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:
        return None
    host = re.sub(r"^(?:www\d?|m|amp|mobile|edition|en|english)\.", "", host)
    if not host or "." not in host:
        return None
    labels = host.split(".")
    for i in range(len(labels) - 1):
        name = _KNOWN_PUBLISHERS.get(".".join(labels[i:]))
        if name:
            return name
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        label = labels[-3]
    else:
        label = labels[-2]
    if label.isdigit():
        return None
    if text:
        found = brand_in_text(label, text)
        if found:
            return found
    return _readable(label)


# ---------------------------------------------------------------------------
# feed footers
# ---------------------------------------------------------------------------

_FEED_ORIGIN = re.compile(
    r"^\W*the post\b.{1,300}?\bappeared first on\s+(?P<site>[^\n]{2,80}?)\s*[.!]?\s*$",
    re.I | re.S,
)


def feed_origin(line: str) -> str | None:
    """The site named by a feed footer "The post <title> appeared first on <site>."."""
    m = _FEED_ORIGIN.match(line.strip())
    return m["site"].strip(" .") if m else None


# ---------------------------------------------------------------------------
# language
# ---------------------------------------------------------------------------

_LANG_SAMPLE = 500
_LETTERS = re.compile(r"[^\W\d_]")
_ASCII_WORD = re.compile(r"[a-z]+")
_EN_WORDS = (
    "the of and to in a is that for on it with as was he said by at from his be are have"
    " has had not this but they an which or were their been would will its who there"
)
_EN_FUNCTION_WORDS = frozenset(_EN_WORDS.split())


# CLD2 still answers with a few retired ISO 639 codes
_CLD2_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi", "mo": "ro"}


def _cld2(sample: str) -> str | None:
    """CLD2's answer when it is sure of one language holding most of ``sample``, else None."""
    try:
        import pycld2  # noqa: PLC0415

        reliable, _, details = pycld2.detect(sample.encode("utf-8", "ignore").decode("utf-8"))
    except Exception:  # noqa: BLE001 - pycld2 missing or refusing odd bytes
        return None
    code, percent = (details[0][1], details[0][2]) if details else ("un", 0)
    # "unreliable" also flags mixed text (code snippets, English names); a language
    # holding most of the text is still the article's language
    if code in ("un", "xxx", "") or not (reliable or percent >= 50):
        return None
    code = code.split("-")[0].lower()
    return _CLD2_CODES.get(code, code)


def detect_language(text: str, sample_chars: int = _LANG_SAMPLE) -> str | None:
    """ISO 639-1 code of ``text``; None for too little text.

    Plain English prose is recognised by its function words; otherwise CLD2 (pycld2, no
    model to load) decides, and py3langid (whose model costs most of a second per process
    to load) only when CLD2 is unsure."""
    sample = text[:sample_chars]
    if len(_LETTERS.findall(sample, 0, 400)) < 20:
        return None
    words = _ASCII_WORD.findall(sample[:_LANG_SAMPLE].lower())
    if len(words) >= 40 and sum(w in _EN_FUNCTION_WORDS for w in words) >= 0.3 * len(words):
        return "en"
    code = _cld2(sample)
    if code:
        return code
    import py3langid  # noqa: PLC0415 - lazy: loading the model costs ~0.7 s

    code, _score = py3langid.classify(sample)
    return code or None


def dedupe(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without case-insensitive repeats."""
    seen: set[str] = set()
    out: list[str] = []
    for x in items:
        k = x.casefold()
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out
