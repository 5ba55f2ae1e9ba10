"""Word tables for the TIMEX3 rules: general English, nothing taken from any article.

The engine builds its regexes from these tables, so adding a spelling here (a month
abbreviation, a number word, a speech verb) extends every rule that uses it.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "January": 1, "Jan": 1, "February": 2, "Feb": 2, "March": 3, "Mar": 3,
    "April": 4, "Apr": 4, "May": 5, "June": 6, "Jun": 6, "July": 7, "Jul": 7,
    "August": 8, "Aug": 8, "September": 9, "Sept": 9, "Sep": 9, "October": 10,
    "Oct": 10, "November": 11, "Nov": 11, "December": 12, "Dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 1, "mon": 1, "tuesday": 2, "tues": 2, "tue": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thurs": 4, "thu": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
    "sunday": 7, "sun": 7,
}  # fmt: skip
# Only the full names are matched in running text; abbreviations are too ambiguous.
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a": 1, "an": 1, "a single": 1, "a couple of": 2, "a couple": 2, "couple of": 2,
    "a dozen": 12, "dozen": 12, "half a": 0.5, "a half": 0.5,
}  # fmt: skip
# Vague quantities: the TIMEX3 value uses X for the number ("several years" -> PXY).
VAGUE_NUMBERS = ["a few", "few", "several", "many", "some", "a number of", "numerous"]

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
    "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
    "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "eleventh": 11,
    "11th": 11, "twelfth": 12, "12th": 12, "thirteenth": 13, "13th": 13, "fourteenth": 14,
    "14th": 14, "fifteenth": 15, "15th": 15, "sixteenth": 16, "16th": 16,
    "seventeenth": 17, "17th": 17, "eighteenth": 18, "18th": 18, "nineteenth": 19,
    "19th": 19, "twentieth": 20, "20th": 20, "twenty-first": 21, "21st": 21,
}  # fmt: skip

# Duration units: (singular form, TIMEX3 letter, is a time unit (after "T"), multiplier).
UNITS: dict[str, tuple[str, bool, int]] = {
    "second": ("S", True, 1), "minute": ("M", True, 1), "hour": ("H", True, 1),
    "day": ("D", False, 1), "night": ("D", False, 1), "week": ("W", False, 1),
    "fortnight": ("W", False, 2), "month": ("M", False, 1), "quarter": ("Q", False, 1),
    "year": ("Y", False, 1), "decade": ("Y", False, 10), "century": ("Y", False, 100),
}  # fmt: skip
UNIT_PLURALS = {
    "seconds": "second", "minutes": "minute", "hours": "hour", "days": "day",
    "nights": "night", "weeks": "week", "fortnights": "fortnight", "months": "month",
    "quarters": "quarter", "years": "year", "decades": "decade", "centuries": "century",
}  # fmt: skip

PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "overnight": "NI",
}
SEASONS: dict[str, str] = {
    "spring": "SP",
    "summer": "SU",
    "fall": "FA",
    "autumn": "FA",
    "winter": "WI",
}
# First month of each season (winter starts in December of the year it is named by).
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}

DECADE_WORDS: dict[str, int] = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
    "seventies": 7, "eighties": 8, "nineties": 9,
}  # fmt: skip

# Fixed-date holidays (month, day); moving ones are computed in the engine.
HOLIDAYS: dict[str, tuple[int, int]] = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "christmas day": (12, 25),
    "christmas eve": (12, 24), "christmas": (12, 25), "valentine's day": (2, 14),
    "independence day": (7, 4), "halloween": (10, 31), "veterans day": (11, 11),
    "boxing day": (12, 26), "bastille day": (7, 14), "may day": (5, 1),
}  # fmt: skip
MOVING_HOLIDAYS = ["thanksgiving day", "thanksgiving", "election day", "easter sunday", "easter"]

TIMEZONES = [
    "GMT", "UTC", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "CET", "CEST",
    "BST", "ET", "PT", "CT", "MSK", "EET", "EEST", "IST", "JST",
]  # fmt: skip

# Words before a bare weekday / month that point ahead in time.
FUTURE_CUES = [
    "will", "won't", "'ll", "’ll", "shall", "going to", "expected to", "expected",
    "scheduled", "scheduled to", "set to", "plans to", "plan to", "planned",
    "planning", "intends to", "hopes to", "is to", "are to", "to be held", "upcoming",
    "aims to", "would", "as soon as", "as early as", "as late as", "ahead",
]  # fmt: skip
# Past-tense cues, checked against the words nearest the expression.
PAST_CUES = [
    "said", "told", "announced", "reported", "was", "were", "had", "did", "wrote", "added",
    "confirmed", "agreed", "met", "took", "began", "came", "went", "made", "held", "sent",
    "gave", "killed", "died", "left", "arrived", "ago", "brought", "became", "fell", "rose",
    "won", "lost", "bought", "sold", "paid", "spent", "saw", "found", "got", "thought", "kept",
    "led", "ran", "shot", "spoke", "stood", "struck", "threw", "fought", "fled", "hit",
    "knew", "drew", "grew", "flew", "broke", "chose", "drove", "forgot", "froze", "hid",
    "rode", "sank", "stole", "swore", "woke", "wore", "caught", "taught", "sought",
]  # fmt: skip

# Speech verbs: "said Monday" is the past Monday even in a sentence about the future.
SPEECH_VERBS = [
    "said", "says", "told", "announced", "reported", "wrote", "added", "stated",
    "confirmed", "declared", "warned", "noted", "insisted", "claimed", "argued",
]  # fmt: skip

# Trigger words: a rule is only tried near a token of one of its kinds (see the engine).
# Month and weekday names are triggers by themselves; digits are handled in the engine.
TRIGGER_WORDS: dict[str, list[str]] = {
    "unit": list(UNITS) + list(UNIT_PLURALS) + ["period", "periods", "weekend", "weekends"],
    # narrower unit kinds, so that a rule is not tried near every "day" in the text
    "calendar": ["week", "weekend", "month", "year", "years", "end"],
    "quarter": ["quarter", "quarters", "period", "periods"],
    "century": ["century", "centuries"],
    "weekend": ["weekend", "weekends"],
    "half": ["half"],
    "ahead": ["ahead"],
    "plural": list(UNIT_PLURALS),
    "ref": [
        "now", "current", "currently", "recent", "recently", "lately", "past", "present",
        "presently", "future", "term", "moment", "days", "nowadays",
    ],
    "relday": [
        "today", "tonight", "yesterday", "tomorrow", "morning", "afternoon", "evening", "night",
    ],
    "season": list(SEASONS),
    "set": [
        "daily", "nightly", "weekly", "monthly", "yearly", "hourly", "biweekly", "every",
        "each", "per",
    ],
    "spelled": ["nineteen", "thousand"],
    "decade": list(DECADE_WORDS),
    "holiday": [
        "christmas", "thanksgiving", "easter", "halloween", "valentine's", "valentine’s",
        "independence", "veterans", "boxing", "bastille", "election", "new",
    ],
    "clock": [
        "morning", "afternoon", "evening", "night", "noon", "midnight", "midday", "o'clock",
        "o’clock", "m", "am", "pm",
    ],
    "digit": ["fy", "q1", "q2", "q3", "q4"],
}  # fmt: skip

# Words before a number of units that belong to a duration's span ("more than four
# hours"); approximators such as "about" are left out of the span, as in TimeBank.
DURATION_MODIFIERS = [
    "more than", "less than", "fewer than", "at least", "at most", "up to", "nearly",
    "almost", "over", "under", "no more than", "no less than", "just over", "just under",
    "well over",
]  # fmt: skip
# "the past two months", "the first nine months", "the next few days"
DURATION_SEQUENCE = [
    "past", "last", "next", "first", "coming", "previous", "final", "remaining", "following",
    "latest", "initial", "preceding", "last few", "past few", "next few",
]  # fmt: skip
# "current" is PRESENT_REF except before these nouns ("the current account").
CURRENT_NOT_TIME = [
    "account", "events", "affairs", "policy", "system", "law", "rules", "situation",
    "president", "government", "leader", "administration", "member", "members", "chairman",
    "ceo", "and", "state", "form", "level", "levels", "rate", "rates", "price", "prices",
    "crisis", "conflict", "war", "talks",
]  # fmt: skip
# Frequency adverbs -> TIMEX3 SET values. ("annually" and "quarterly" are left out: in
# news they mostly qualify figures, "rising 8% annually", and TimeBank rarely tags them.)
SET_ADVERBS = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y",
    "hourly": "PT1H", "biweekly": "P2W",
}  # fmt: skip
