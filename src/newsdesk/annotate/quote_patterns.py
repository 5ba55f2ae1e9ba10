"""Character-level layout: paragraphs, quotation-mark spans and sentence-like units.

Everything here is pure string work (no spaCy): it finds the quoted stretches of an
article whatever marks it uses (straight, curly, single, guillemets), tells quotation
marks from apostrophes, follows a quote over several paragraphs, and cuts paragraphs into
units that never split a quotation, so a unit holds a quote together with its attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = "\u201c\u201e\u00ab"  # “ „ «
DOUBLE_CLOSE = "\u201d\u00bb"  # ” »
SINGLE_OPEN = "\u2018\u2039"  # ‘ ‹
SINGLE_CLOSE = "\u2019\u203a"  # ’ ›
ALL_MARKS = DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE + "\"'"
# characters that may stand before an opening mark / after a closing mark
_BEFORE_OPEN = set(" \t\n([{\u2014\u2013-/:;,")
_AFTER_CLOSE = set(" \t\n)]}.,;:!?\u2014\u2013-/") | set(DOUBLE_CLOSE + SINGLE_CLOSE + "\"'")
# The pairing loops jump from mark to mark instead of reading every character.
_DOUBLE_MARK = re.compile("[" + re.escape(DOUBLE_OPEN + DOUBLE_CLOSE + '"') + "]")
_SINGLE_OPENING = re.compile("[" + re.escape(SINGLE_OPEN + "'") + "]")
_SINGLE_CLOSING_OR_LINE_END = re.compile("[" + re.escape(SINGLE_CLOSE + "'") + "\n]")

_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "sen",
    "rep",
    "gov",
    "lt",
    "col",
    "sgt",
    "capt",
    "prof",
    "jr",
    "sr",
    "vs",
    "no",
    "inc",
    "corp",
    "co",
    "ltd",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "ft",
    "mt",
    "rev",
    "adm",
    "maj",
    "cmdr",
    "pres",
    "supt",
    "det",
    "insp",
}


@dataclass
class QuoteSpan:
    """A quoted stretch inside one paragraph; ``start:end`` excludes the marks."""

    start: int
    end: int
    open_pos: int  # position of the opening mark (== start - 1), or -1 when continued
    close_pos: int  # position of the closing mark, or -1 when it runs to paragraph end
    single: bool = False  # single quotation marks
    continued: bool = False  # continues a quote opened in the previous paragraph


def introducing_colon(text: str, q: QuoteSpan) -> int:
    """Position of the colon right before the quote ('gave one comment: "..."'), or -1."""
    i = q.open_pos - 1
    if q.open_pos < 0:
        return -1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i if i >= 0 and text[i] == ":" else -1


# a line that ends a sentence: "... end." / "... end.”" / "... list:"; a line ending
# in ",”" or mid-phrase runs on into the next line (hard-wrapped text)
_TERMINAL_RE = re.compile(r"[.!?:;][\"'\u201d\u2019)\]\u00bb]*$|[)\]]$")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph.

    Blank lines separate paragraphs; so does a single newline, unless the line before it
    stops mid-sentence (hard-wrapped text), in which case the lines are one paragraph.
    """
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        if out:
            ps, pe = out[-1]
            between = text[pe:s]
            if between.count("\n") == 1 and not _TERMINAL_RE.search(text, ps, pe):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def _is_open(text: str, i: int, lo: int) -> bool:
    """Can the straight or ambiguous mark at ``i`` open a quote?"""
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before in _BEFORE_OPEN or before in DOUBLE_OPEN) and not after.isspace()


def _is_close(text: str, i: int, hi: int) -> bool:
    """Can the straight or ambiguous mark at ``i`` close a quote?"""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < hi else " "
    return not before.isspace() and (after in _AFTER_CLOSE or after.isspace())


def _double_spans(text: str, lo: int, hi: int, open_at_start: bool) -> tuple[list, bool]:
    """Pair double quotation marks in ``text[lo:hi]``.

    Returns the spans and whether a quote is still open at the paragraph end.
    """
    spans: list[QuoteSpan] = []
    inside = open_at_start
    start = lo
    open_pos = -1
    for mark in _DOUBLE_MARK.finditer(text, lo, hi):
        i, ch = mark.start(), mark.group()
        if not inside:
            if ch in DOUBLE_OPEN or (ch == '"' and _is_open(text, i, lo)):
                inside, start, open_pos = True, i + 1, i
            elif ch == "\u201d" and _is_open(text, i, lo) and not _is_close(text, i, hi):
                inside, start, open_pos = True, i + 1, i  # a mis-typed opening mark
        else:
            closes = ch in DOUBLE_CLOSE or ch == '"' or ch == "\u201c"
            if ch == "\u201c" and _is_open(text, i, lo) and not _is_close(text, i, hi):
                closes = False  # a stray second opening mark: keep the first open
            if closes and i > start:
                spans.append(
                    QuoteSpan(start, i, open_pos, i, continued=open_pos < 0 and open_at_start)
                )
                inside = False
                open_pos = -1
            elif closes:
                inside = False
    if inside:
        spans.append(QuoteSpan(start, hi, open_pos, -1, continued=open_pos < 0))
    return spans, inside


def _single_spans(text: str, lo: int, hi: int, taken: list[QuoteSpan]) -> list[QuoteSpan]:
    """Single-quoted spans that are not apostrophes and not nested in double quotes."""

    def covered(i: int) -> bool:
        return any(s.start - 1 <= i <= s.end for s in taken)

    spans = []
    resume = lo  # after a quote found, the search for the next opening mark goes on there
    for mark in _SINGLE_OPENING.finditer(text, lo, hi):
        i = mark.start()
        if i < resume or covered(i) or not _is_open(text, i, lo):
            continue
        before = text[i - 1] if i > lo else " "
        if before.isalnum():  # an apostrophe inside a word
            continue
        # the closing mark: a single mark not between two letters (don't, Ukraine's),
        # within 300 characters and the same line
        found = -1
        for c_mark in _SINGLE_CLOSING_OR_LINE_END.finditer(text, i + 1, min(hi, i + 300)):
            j = c_mark.start()
            if c_mark.group() == "\n":
                break
            nxt = text[j + 1] if j + 1 < hi else " "
            prv = text[j - 1]
            # "Ukrainians' rights": a plural possessive, not a closing mark
            possessive = (
                prv == "s"
                and nxt == " "
                and j + 2 < hi
                and text[j + 2].islower()
                and text[i + 1].islower()
            )
            if not (prv.isalpha() and nxt.isalpha()) and _is_close(text, j, hi) and not possessive:
                found = j
                break
        if found > i + 2 and not covered(found):
            spans.append(QuoteSpan(i + 1, found, i, found, single=True))
            resume = found + 1
    return spans


def quote_spans(text: str) -> list[QuoteSpan]:
    """Every quoted stretch of ``text``, in order, one per paragraph piece.

    A quote left open at a paragraph's end continues only when the next paragraph opens
    with a quotation mark (the newspaper convention); otherwise the unmatched mark is
    ignored.
    """
    out: list[QuoteSpan] = []
    paras = paragraphs(text)
    carry = False
    for n, (lo, hi) in enumerate(paras):
        doubles, still_open = _double_spans(text, lo, hi, False)
        if carry:
            # the continued paragraph starts with its own opening mark: already paired
            for q in doubles[:1]:
                if q.open_pos == lo:
                    q.continued = True
        carry = False
        if still_open:
            nxt = paras[n + 1][0] if n + 1 < len(paras) else None
            last = doubles[-1]
            if nxt is not None and text[nxt] in DOUBLE_OPEN + '"' and last.end - last.start > 20:
                carry = True
            else:
                doubles.pop()
        for q in doubles:
            q.start, q.end = _trim(text, q.start, q.end)
        doubles = [q for q in doubles if q.end > q.start]
        singles = _single_spans(text, lo, hi, doubles)
        for q in singles:
            q.start, q.end = _trim(text, q.start, q.end)
        out.extend(sorted(doubles + [q for q in singles if q.end > q.start], key=lambda q: q.start))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")


def units(text: str, quotes: list[QuoteSpan]) -> list[tuple[int, int]]:
    """Sentence-like units of every paragraph that never cut through a quotation."""
    inside = [(q.open_pos if q.open_pos >= 0 else q.start, q.end) for q in quotes]
    out = []
    for lo, hi in paragraphs(text):
        s = lo
        for m in _BOUNDARY.finditer(text, lo, hi):
            e = m.end()
            if any(a < m.start() < b for a, b in inside) or any(a < e < b for a, b in inside):
                continue
            word = re.search(r"([A-Za-z.]+)[.!?]+\S*$", text[s : m.end()])
            if word and m.group(0).startswith(".") and _is_abbrev(word.group(1)):
                continue
            if e > s:
                out.append((s, e))
            s = e
            while s < hi and text[s].isspace():
                s += 1
        if hi > s:
            out.append((s, hi))
    return out


# A long quotation reaches the parser as a short stand-in clause. Its words never name
# a speaker (cue words inside quotes are skipped), only how it hangs on the speech verb
# matters, and the parse costs time per token: a quarter of the parsed text was quotes.
ELIDE_WORDS = 10
STAND_IN = "it is so"
_TAIL_RE = re.compile(r"[\s.,;:!?\u2026\u2013\u2014-]*$")


@dataclass
class ParseView:
    """The text a unit is parsed as, and where each piece of it lies in the article.

    ``pieces`` are ``(view_start, view_end, article_start, article_end, verbatim)``;
    a piece that is not verbatim is a stand-in for the article range of a quote's words.
    """

    text: str
    pieces: list[tuple[int, int, int, int, bool]]


def parse_view(text: str, lo: int, hi: int, quotes: list[QuoteSpan]) -> ParseView:
    """Unit ``text[lo:hi]`` with the words of its long quotations replaced by a stand-in.

    A quote's marks and closing punctuation stay ('"It is so," she said'), so the
    parser still sees a quoted clause where the quote was.
    """
    parts: list[str] = []
    pieces: list[tuple[int, int, int, int, bool]] = []
    view = 0
    pos = lo

    def keep(a: int, b: int) -> None:
        nonlocal view
        if b > a:
            parts.append(text[a:b])
            pieces.append((view, view + b - a, a, b, True))
            view += b - a

    for q in quotes:
        if q.start < pos or q.end > hi:
            continue
        words_end = _TAIL_RE.search(text, q.start, q.end).start()  # type: ignore[union-attr]
        if len(text[q.start : words_end].split()) < ELIDE_WORDS:
            continue
        keep(pos, q.start)
        stand_in = STAND_IN.capitalize() if text[q.start].isupper() else STAND_IN
        parts.append(stand_in)
        pieces.append((view, view + len(stand_in), q.start, words_end, False))
        view += len(stand_in)
        pos = words_end
    keep(pos, hi)
    return ParseView("".join(parts), pieces)


def _is_abbrev(word: str) -> bool:
    w = word.lower().rstrip(".")
    if len(w) == 1:  # an initial: "Dmitry S. Peskov"
        return True
    return w in _ABBREV or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", w))
