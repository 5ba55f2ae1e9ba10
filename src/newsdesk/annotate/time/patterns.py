"""The regexes of the TIMEX3 rules, built from the word tables in :mod:`.tables`.

Each rule pattern is written as a concatenation of commented pieces. All are compiled
case-insensitively by the engine; names that must be capitalised (months, weekdays,
holidays, time zones) switch that off locally with ``(?-i:...)``. Named groups carry
what the handlers in :mod:`.engine` need.
"""

from __future__ import annotations

import re

from newsdesk.annotate.time import tables as T


def alt(words: list[str] | dict) -> str:
    """Alternation of escaped words, longest first (so "Sept" beats "Sep")."""
    ws = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ws)


def _month_alt() -> str:
    parts = []
    for name in sorted(T.MONTHS, key=len, reverse=True):
        # Abbreviations may carry a full stop; "May" is handled by context checks.
        parts.append(re.escape(name) + (r"\.?" if len(name) <= 4 and name != "May" else ""))
    return "(?-i:" + "|".join(parts) + ")"


# --- fragments ----------------------------------------------------------------------

MONTH = _month_alt()  # "March", "Mar.", "Sept."
# Bare month names only in full: "Jan" alone is more often a first name.
MONTH_FULL = "(?-i:" + "|".join(n for n in T.MONTHS if len(n) > 3 or n == "May") + "|Sept\\.)"
WEEKDAY = r"(?-i:" + "|".join(T.WEEKDAY_NAMES) + ")"
YEAR = r"(?:1[6-9]\d\d|20\d\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
TENS = "|".join(w for w, n in T.NUMBER_WORDS.items() if 20 <= n <= 90)
ONES = "|".join(w for w, n in T.NUMBER_WORDS.items() if 1 <= n <= 9 and w not in ("a", "an"))
TEENS = "|".join(w for w, n in T.NUMBER_WORDS.items() if 10 <= n <= 19)
NUMWORD = (
    rf"(?:(?:{TENS})(?:[\s-](?:{ONES}))?"  # "twenty", "twenty-four"
    rf"|{alt([w for w in T.NUMBER_WORDS if w not in ('a', 'an')])})"
)
NUM = (
    r"(?:\d+(?:\.\d+)?(?:\s+1/2)?"  # "30", "2.5", "5 1/2"
    rf"|{NUMWORD}(?:\s+and\s+a\s+half)?"  # "two and a half"
    r"|an?(?:\s+and\s+a\s+half)?"  # "a", "an hour and a half"
    rf"|{alt(T.VAGUE_NUMBERS)})"  # "several", "a few"
)
UNIT_SG = alt(list(T.UNITS))
UNIT_ANY = alt(list(T.UNITS) + list(T.UNIT_PLURALS))
PART = alt(list(T.PARTS_OF_DAY))
SEASON = alt(list(T.SEASONS))
ORD = alt(list(T.ORDINALS))
TZ = "(?-i:" + alt(T.TIMEZONES) + ")"
EDGE = r"(?:early|late|mid-?|the\s+(?:end|beginning|start|middle)\s+of)"
NB = r"(?<![\w$£€#.,-])"  # not glued to a preceding word or number


def _words(name: str, words: list[str]) -> str:
    """A named group matching one of ``words``."""
    return rf"(?P<{name}>{alt(words)})"


# --- rule patterns (one per rule, in the engine's priority order) -----------------

ISO = (
    rf"{NB}(?P<y>{YEAR})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)"  # 2025-04-07
    r"(?:[T ](?P<hh>[0-2]\d):(?P<mi>[0-5]\d)(?::\d\d(?:\.\d+)?)?"  # T15:00(:00.0)
    r"(?:Z|[+-]\d\d:?\d\d)?)?(?![\w-])"  # time zone offset
)
NUMDATE = rf"{NB}(?P<a>[01]?\d|[23]\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d\d|\d\d)(?![\w/])"
MDY = (
    rf"\b(?:(?P<wd>{WEEKDAY}),?\s+)?"  # "Monday, "
    rf"(?P<mon>{MONTH})\s+(?P<day>{DAY})(?!\d)"  # "Oct. 27"
    rf"(?:(?:,\s*|\s+)(?P<year>{YEAR})(?!\d))?\b"  # ", 2025"
)
DMY = (
    rf"\b(?:(?P<wd>{WEEKDAY}),?\s+)?(?:the\s+)?"
    rf"(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MONTH})"  # "7 April", "the 7th of April"
    rf"(?:,?\s+(?P<year>{YEAR})(?!\d))?\b"
)
MONTH_YEAR = rf"\b(?:{EDGE}\s+)?(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<year>{YEAR})(?!\d)"
MONTH_RULE = (
    rf"\b(?P<pre>(?:{EDGE})[\s-]+)?"  # "late", "mid-", "the end of"
    r"(?:(?P<rel>last|next|this|this\s+past|this\s+coming)\s+)?"
    rf"(?P<mon>{MONTH_FULL})"
    r"(?:\s+(?P<yrel>this|last|next)\s+year)?\b(?!\s*\d)"  # "July last year"
)
FISCAL = rf"\b(?:fiscal(?:\s+year)?|FY)[\s-]?(?P<year>{YEAR}|'\d\d|\d\d)\b"
YEAR_RULE = (
    rf"\b(?:(?:{EDGE}|the\s+year|the\s+end\s+of)[\s-]+)?"
    rf"(?<![\d,.$£€#/])(?P<year>{YEAR})"
    r"(?![\d,]\d|s\b|'s\b|-\d|\.\d|/)"  # not "1,990", "1990s", "2012-13", "/2025/"
)
DECADE = (
    r"\b(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?"
    r"(?:(?P<full>(?:1[6-9]|20)\d0)['’]?s"  # "1990s"
    r"|['’](?P<short>\d0)['’]?s\b"  # "'80s"
    rf"|(?P<word>{alt(T.DECADE_WORDS)}))\b"  # "the nineties"
)
CENTURY = (
    rf"\b(?:(?:the\s+)?(?P<ord>{ORD})[\s-]+century"
    r"|(?P<rel>this|the\s+current|last|the\s+last|the\s+past|next)\s+century)\b"
)
QUARTER = (
    r"\b(?:(?P<rel>"
    r"the\s+year-(?:ago|earlier)|the\s+same|this|the\s+current|the\s+present|next|the\s+next"
    r"|the\s+coming|last|the\s+last|the\s+previous|the\s+past|the\s+prior|the\s+latest"
    r"|the\s+most\s+recent|the|year-(?:ago|earlier))\s+)?"
    rf"(?:(?:(?P<pyear>{YEAR})|(?P<pyrel>this|last|next)\s+year['’]s)\s+)?"  # "the 1988"
    r"(?:(?:(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th)|Q(?P<qnum>[1-4]))[\s-]+)?"
    r"(?:fiscal[\s-]+)?(?:quarter|period)(?!-\w)"
    rf"(?:\s+of\s+(?:(?P<year>{YEAR})"  # "of 2023"
    r"|(?P<yrel>this|last|next|the\s+previous|the\s+current)\s+year))?\b"
)
QSHORT = rf"\b(?-i:Q(?P<qnum>[1-4]))(?:\s+(?P<year>{YEAR}))?\b(?P<qord>)(?P<rel>)(?P<yrel>)"
HALF = (
    r"\b(?:the\s+)?(?P<h>first|second)\s+half\s+of\s+"
    rf"(?:(?P<year>{YEAR})|(?P<yrel>this|last|next)\s+year)\b"
)
SEASON_RULE = (
    r"\b(?:(?:the\s+)?(?:early|late|mid)[\s-]+)?"
    r"(?:(?P<rel>this\s+past|this|last|next)\s+|the\s+|in\s+the\s+(?=\w+\b(?!\s+of\b)))?"
    rf"(?P<season>{SEASON})\b"
    rf"(?:\s+of\s+(?P<year>{YEAR})|\s+(?P<year2>{YEAR}))?"  # "the fall of 2022", "fall 2022"
)
WEEKDAY_RULE = (
    r"\b(?:(?P<edge>early|late|earlier|later)\s+)?"
    r"(?:(?P<rel>last|next|this|this\s+past|this\s+coming|coming|past|(?:the\s+)?previous"
    r"|(?:the\s+)?preceding)\s+)?"
    rf"(?P<wd>{WEEKDAY})(?:['’]s)?"
    rf"(?:\s+(?P<part>{PART}))?\b"  # "Friday night"
)
WEEKDAY_SET = (
    rf"\b(?:on\s+)?(?P<wd>{WEEKDAY})s(?:\s+(?P<part>mornings|afternoons|evenings|nights))?\b"
    rf"|\b(?P<wd2>{WEEKDAY})\s+(?P<part2>mornings|afternoons|evenings|nights)\b"
)
RELDAY = (
    r"\b(?:(?:early|late|earlier|later)\s+)?"
    r"(?P<word>today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday"
    r"|the\s+day\s+after\s+tomorrow|last\s+night|this|that)(?:['’]s)?"
    rf"(?:\s+(?P<part>{PART}))?\b"
)
CLOCK = (
    rf"{NB}(?:around\s+)?(?:(?P<word>noon|midday|midnight)"
    r"|(?P<hh>[012]?\d)(?::(?P<mi>[0-5]\d))?"
    r"(?:\s*(?P<ap>[ap]\.\s?m\b\.?|[ap]m\b)"  # "3 p.m.", "3pm"
    r"|\s+o['’]clock"
    r"|\s+in\s+the\s+(?P<pod>morning|afternoon|evening|night)"
    rf"|(?=\s+{TZ}\b)))"  # "15:00 GMT"
    rf"(?:\s+(?P<tz>{TZ})\b)?"
    rf"(?:,?\s+(?:on\s+)?(?:(?P<dwd>{WEEKDAY})|(?P<drel>today|yesterday|tomorrow)"
    rf"|(?P<dmon>{MONTH})\s+(?P<dday>{DAY})))?"  # "9 a.m. Tuesday"
    # a final "a.m." keeps its full stop unless it also ends the sentence (as in TimeBank)
    r"(?:\b|(?<=\.)(?!\s*(?:$|\n|(?-i:[\x22“A-Z]))))"
)
RELUNIT = (
    r"\b(?:(?:early|late|earlier|later)\s+)?"
    r"(?P<rel>the\s+previous|the\s+following|the\s+same|the\s+current|this\s+past"
    r"|this\s+coming|last|this|next|the\s+prior|that|current)\s+"
    r"(?P<unit>week|weekend|month|fiscal\s+year|year)\b(?!-)"
)
THE_YEAR = (
    r"\bthe\s+(?:fiscal\s+|full\s+|calendar\s+|current\s+fiscal\s+)?year\b"
    r"(?![\s-]+(?:ago|earlier|before|after|later|\d))"
)
AGO = (
    r"\b(?:(?:nearly|almost|more\s+than|less\s+than|some|over|at\s+least)\s+)?"
    rf"(?:(?P<n>{NUM})\s+)?(?P<unit>{UNIT_ANY})\s+"
    r"(?P<dir>ago|earlier|later|from\s+now|hence)\b"
)
_MODIFIERS = alt(T.DURATION_MODIFIERS)
DURATION = (
    rf"\b(?:(?P<mod>{_MODIFIERS})\s+)?"  # "more than"
    r"(?:(?P<det>the|a|an|another|those|these)\s+)?"
    rf"(?:(?P<seq>{alt(T.DURATION_SEQUENCE)})\s+)?"  # "the past", "the first"
    rf"(?:(?P<mod2>{_MODIFIERS})\s+)?"
    rf"(?P<n>{NUM})(?:\s+(?:to|or)\s+(?P<n2>{NUM}))?\s+"  # "two to three"
    r"(?:(?:more|additional|straight|consecutive|full|long)\s+)?"
    rf"(?P<unit>{UNIT_ANY})\b(?![-'’]\w|\s+old\b)"  # not "52 years old"
)
ADJ_DURATION = (
    rf"\b(?P<n>\d+(?:\.\d+)?|{NUMWORD})[\s-]+(?P<unit>{UNIT_SG})(?:-long)?\b"  # "30-day"
    r"(?!-old|-olds|\s+old\b)(?=[\s-]+[a-z])"  # before a noun, not "a 44-year-old"
)
PLURAL = (
    r"\b(?:(?P<rel>in\s+the\s+coming|in\s+coming|the\s+coming|coming|in\s+recent"
    r"|the\s+recent|recent|the\s+past\s+few|the\s+last\s+few|the\s+next\s+few|for)\s+)"
    r"(?P<unit>years|months|weeks|decades|days|centuries)\b(?![-'’])"
)
AHEAD = r"\b(?:in\s+)?the\s+(?:days|weeks|months|years)\s+ahead\b"
YEAR_AGO_ADJ = r"\byear-(?:ago|earlier)\b"
SPELLED_YEAR = (
    rf"\b(?:(?P<cent>{TEENS})[\s-]+"  # "nineteen ninety-six", "nineteen oh five"
    rf"(?P<rest>(?:{TENS})(?:[\s-](?:{ONES}))?|oh[\s-](?:{ONES})|{TEENS})"
    r"|(?:the\s+year\s+)?two\s+thousand"  # "two thousand (and) three"
    rf"(?:\s+(?:and\s+)?(?P<rest2>(?:{TENS})(?:[\s-](?:{ONES}))?|{ONES}|{TEENS}))?)\b"
)
WEEKEND = r"\bthe\s+weekend\b"
WEEK_OF = rf"\bthe\s+week\s+of\s+(?P<mon>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?\b"
PERIOD_END = (
    r"\b(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+the\s+(?P<unit>month|year|week)"
    r"|(?:the\s+)?(?P<unit2>year)[-\s]end"  # "year-end"
    r"|(?:the\s+)?year['’]s\s+end)\b"
)
THAT_DAY = (
    r"\b(?:(?:earlier|later)\s+)?"
    r"(?:that\s+(?:same\s+)?|the\s+(?P<rel>same|next|following|previous|preceding)\s+)"
    rf"(?P<part>day|{PART})\b"
)
SEQ_UNIT = (
    r"\b(?:the\s+)?(?:past|coming|the\s+last|the\s+next)\s+"
    r"(?P<unit>hour|day|week|month|year|decade|century)\b(?![-'’])"
)
REF = (
    r"\b(?:right\s+now|just\s+now|now|currently"
    rf"|current(?!\s+(?:{alt(T.CURRENT_NOT_TIME)})\b)"  # "the current account" is not a time
    r"|nowadays|these\s+days|at\s+present|presently|at\s+the\s+moment"
    r"|(?:more\s+|most\s+)?recently|recent(?=\s+(?:years|months|weeks|days|decades)\b)|lately"
    r"|in\s+the\s+past(?!\s+(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten"
    r"|year|month|week|decade|day))"
    r"|the\s+(?:near\s+|foreseeable\s+|distant\s+)?future"
    r"|the\s+(?:near|short|long|medium)\s+term)\b"
)
SET = (
    rf"\b(?:{alt(list(T.SET_ADVERBS))}"  # "daily", "weekly"
    rf"|(?:every|each|per)\s+(?:(?P<other>other)\s+|(?P<n>{NUM})\s+)?"
    rf"(?:(?P<wd>{WEEKDAY})|(?P<mon>{MONTH})|(?P<season>{SEASON})|(?P<part>{PART})"
    rf"|(?P<unit>{UNIT_ANY})))\b"
)
HOLIDAY = (
    r"\b(?:(?P<rel>last|next|this)\s+)?"
    r"(?P<hname>(?-i:New\s+Year['’]s\s+(?:Day|Eve)|Christmas(?:\s+(?:Day|Eve))?"
    r"|Valentine['’]s\s+Day|Independence\s+Day|Halloween|Veterans\s+Day|Boxing\s+Day"
    r"|Bastille\s+Day|Thanksgiving(?:\s+Day)?|Election\s+Day|Easter(?:\s+Sunday)?))"
    rf"(?:,?\s+(?P<year>{YEAR}))?\b"
)
