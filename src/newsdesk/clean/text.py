"""Clean scraped article text: drop page chrome, keep every body paragraph, read metadata.

The cleaner thinks in *units* (paragraphs rebuilt from lines: a line that the scrape split
mid-sentence is rejoined) and classifies each by features, not by remembered sentences:

* phrase families of page chrome (navigation, newsletter, appeal, related, feed, footer,
  aggregator, caption credits, bylines, date lines, embeds), matched on short units only
  unless the phrase is unambiguous;
* shape: a body paragraph is a sentence (terminal punctuation, several words);
* position: chrome clusters before the first and after the last body paragraph, so the head
  and the tail are trimmed up to the body, and a section header such as "Most read" or "A
  message from ..." late in the text ends the article when little body follows it;
* blocks: in a document whose paragraphs are separated by blank lines, a block of several
  short lines that is mostly chrome is chrome as a whole (donation appeals, footers);
* repetition: within the document (a repeated title, an embedded post that repeats the
  body) and, optionally, across the corpus (``line_counts``, see :func:`normalise_line`).

Every kept character comes from the raw text: ``offset_map`` holds the runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.clean import metadata as md
from newsdesk.model import CleanResult, RemovedBlock

__all__ = ["clean_text", "corpus_line_counts", "line_set", "normalise_line"]

# ---------------------------------------------------------------------------
# line normalisation (also used by the pipeline for corpus line counts)
# ---------------------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]*)(?:\s+\"[^\"\n]*\")?\)")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_EMPH = re.compile(r"\*\*|__")
_BOLD_TAIL = re.compile(r"\*\*([^*\n]{2,120})\*\*\s*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_ITALIC_LINE = re.compile(r"^([*_])(?![*_\s]).*[^*_\s\\]\1$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "ʼ": "'", "`": "'"})


def normalise_line(line: str) -> str:
    """The key under which a line is counted across documents.

    Markdown link syntax is reduced to its text, case and quote styles are folded, every
    run of digits becomes "0" (so "© 2023" and "© 2024", "3 hours ago" and "7 hours ago"
    agree) and punctuation/whitespace runs become one space. Empty for a line with no words.
    """
    s = unicodedata.normalize("NFKC", line)
    s = _MD_IMAGE.sub(" ", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _MD_AUTOLINK.sub(" ", s)
    s = s.translate(_QUOTES).casefold()
    s = re.sub(r"\d+", "0", s)
    s = re.sub(r"[\W_]+", " ", s)
    return s.strip()


def line_set(text: str) -> set[str]:
    """The distinct non-empty normalised lines of one document."""
    return {k for k in (normalise_line(x) for x in text.splitlines()) if k}


def corpus_line_counts(texts: Iterable[str]) -> Counter[str]:
    """How many of ``texts`` contain each normalised line (each document counted once).

    Pass it to ``clean_document(doc, line_counts=counts, counts_include_self=True)``.
    """
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(line_set(t))
    return counts


# ---------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------


@dataclass
class _Line:
    start: int
    end: int
    block: int  # blank-line separated block number
    segs: list[tuple[int, int]]  # kept raw spans after markdown removal
    text: str
    heading: bool = False  # "# ..." markdown heading
    bold_tail: str | None = None  # a trailing **bold** run (a photo credit, usually)
    urls: list[str] = field(default_factory=list)
    link_chars: int = 0  # characters of real (non-"#") link text


@dataclass
class _Unit:
    lines: list[_Line]
    text: str
    runs: list[tuple[int, int, int]]  # (unit offset, raw start, length)
    reason: str | None = None  # chrome family, if any
    strength: int = 0  # 0 none, 1 weak evidence, 2 strong
    keep: bool = True
    role: str | None = None  # title / subtitle when taken as metadata
    _words: int = -1
    head: bool = False  # before the first body paragraph

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def block(self) -> int:
        return self.lines[0].block

    def words(self) -> int:
        if self._words < 0:
            # scripts written without spaces count one word per two characters
            cjk = len(_CJK.findall(self.text))
            self._words = len(self.text.split()) + cjk // 2
        return self._words


_EPOCH = datetime(2000, 1, 1)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WS = " \t\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff\u200b"


def _split_lines(raw: str) -> list[tuple[int, int, int]]:
    """(start, end, block) of every non-blank line, whitespace-stripped."""
    out = []
    block = 0
    pos = 0
    blank_run = True
    for piece in raw.split("\n"):
        s, e = pos, pos + len(piece)
        pos = e + 1
        while s < e and raw[s] in _WS:
            s += 1
        while e > s and raw[e - 1] in _WS:
            e -= 1
        if s == e:
            if not blank_run:
                block += 1
            blank_run = True
            continue
        blank_run = False
        out.append((s, e, block))
    return out


def _markdown(raw: str, s: int, e: int, block: int) -> _Line:
    """Strip markdown syntax from one line, keeping raw spans of what remains."""
    line = raw[s:e]
    drop: list[tuple[int, int]] = []
    urls: list[str] = []
    link_chars = 0
    heading = False
    m = _MD_HEADING.match(line)
    if m:
        heading = True
        drop.append((0, m.end()))
    elif _MD_ITALIC_LINE.match(line):
        # a whole line in *italics* (a byline, a caption): the marks are markup
        drop += [(0, 1), (len(line) - 1, len(line))]
    has_bracket = "[" in line
    for m in _MD_IMAGE.finditer(line) if has_bracket else ():
        drop.append((m.start(), m.end()))
    for m in _MD_LINK.finditer(line) if has_bracket else ():
        if any(a <= m.start() < b for a, b in drop):
            continue
        drop.append((m.start(), m.start(1)))
        drop.append((m.end(1), m.end()))
        href = m.group(2)
        if href and href != "#":
            urls.append(href)
            link_chars += m.end(1) - m.start(1)
    for m in _MD_AUTOLINK.finditer(line) if "<" in line else ():
        drop.append((m.start(), m.end()))
        urls.append(m.group(1))
    bold_tail = None
    emph = "**" in line or "__" in line
    bm = _BOLD_TAIL.search(line) if emph and line.rstrip().endswith("**") else None
    if bm and bm.start() > 0:
        bold_tail = bm.group(1).strip()
    for m in _MD_EMPH.finditer(line) if emph else ():
        drop.append((m.start(), m.end()))
    drop.sort()
    segs: list[tuple[int, int]] = []
    cur = 0
    for a, b in drop:
        if a > cur:
            segs.append((cur, a))
        cur = max(cur, b)
    if cur < len(line):
        segs.append((cur, len(line)))
    # trim whitespace at the ends of the kept text
    segs = [(a, b) for a, b in segs if b > a]
    while segs and not line[segs[0][0] : segs[0][1]].strip():
        segs.pop(0)
    while segs and not line[segs[-1][0] : segs[-1][1]].strip():
        segs.pop()
    if segs:
        a, b = segs[0]
        while a < b and line[a] in _WS:
            a += 1
        segs[0] = (a, b)
        a, b = segs[-1]
        while b > a and line[b - 1] in _WS:
            b -= 1
        segs[-1] = (a, b)
    abs_segs = [(s + a, s + b) for a, b in segs if b > a]
    text = "".join(raw[a:b] for a, b in abs_segs)
    return _Line(s, e, block, abs_segs, text, heading, bold_tail, urls, link_chars)


_TERMINAL = re.compile(r"[.!?…]['\"’”)\]»]*$|[\"”»]$")
_SOFT_END = re.compile(r"[\w,;–—-]$")


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text[-8:]))


def _starts_lower(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit() or ch in "\"'“‘(*-•#[":
            return False
    return False


def _wrapped(lines: list[_Line]) -> tuple[bool, int]:
    """Is the text hard-wrapped at a fixed width (a PDF or e-mail copy)? And the width."""
    lens = sorted(len(x.text) for x in lines)
    if len(lines) < 6:
        return False, 0
    width = lens[int(0.9 * (len(lens) - 1))]
    long_lines = [i for i, x in enumerate(lines) if len(x.text) >= 25]
    if not long_lines or width > 160:
        return False, width
    cont = 0
    for i in long_lines:
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and nxt.block == lines[i].block and not _ends_sentence(lines[i].text):
            cont += _starts_lower(nxt.text)
    return cont >= 3 and cont / len(long_lines) >= 0.2, width


def _should_join(prev: _Line, nxt: _Line, wrapped: bool, width: int) -> bool:
    p, n = prev.text, nxt.text
    if not p or not n or prev.heading or nxt.heading:
        return False
    if _ends_sentence(p):
        return wrapped and nxt.block == prev.block and _starts_lower(n)
    if _starts_lower(n) and _SOFT_END.search(p):
        # a paragraph split mid-sentence: "... Peskov added," / "blaming ..."
        return nxt.block == prev.block or p.endswith(",") or wrapped
    # a hard-wrapped line that is full: the sentence goes on in the next line
    return wrapped and nxt.block == prev.block and len(p) >= 0.6 * width and p[-1].isalnum()


def _units(raw: str) -> list[_Unit]:
    lines = [_markdown(raw, s, e, b) for s, e, b in _split_lines(raw)]
    wrapped, width = _wrapped([x for x in lines if x.text])
    units: list[_Unit] = []
    for ln in lines:
        if units and ln.text and _should_join(units[-1].lines[-1], ln, wrapped, width):
            u = units[-1]
            prev = u.lines[-1].text
            joiner = "" if wrapped and prev.endswith("-") and prev[-2:-1].isalpha() else " "
            u.text += joiner
            for a, b in ln.segs:
                u.runs.append((len(u.text), a, b - a))
                u.text += raw[a:b]
            u.lines.append(ln)
            continue
        runs = []
        text = ""
        for a, b in ln.segs:
            runs.append((len(text), a, b - a))
            text += raw[a:b]
        units.append(_Unit([ln], text, runs))
    return units


# ---------------------------------------------------------------------------
# chrome families
# ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    s = text.translate(_QUOTES).casefold()
    return re.sub(r"\s+", " ", s).strip(" .:;,!|*-–—•")


def _rx(*alts: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alts) + ")", re.I)


# Whole-unit matches: the unit is exactly this piece of chrome (strong evidence).
_FULL: list[tuple[str, re.Pattern[str]]] = [
    ("navigation", _rx(
        r"skip to (?:main |the )?(?:content|navigation|main|article)", r"skip navigation",
        r"edit (?:post|page|article)", r"(?:main )?menu", r"(?:open|close|toggle) (?:menu|navigation|search)",
        r"search(?: [\w' .&-]{1,40})?", r"home", r"back to top", r"go to top", r"log ?in", r"log ?out",
        r"sign ?in", r"register", r"my account", r"print(?: this (?:page|article))?", r"email",
        r"share(?: on [\w ]{1,20}| this(?: article| story| page)?| via [\w ]{1,20})?", r"copy link",
        r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|instagram|youtube)",
        r"tweet", r"next(?: article| story)?", r"previous(?: article| story)?", r"listen",
        r"today'?s (?:paper|e-?edition)", r"e-?edition", r"view (?:all|more|gallery)",
        r"(?:photo|image|video) gallery", r"watch(?: now| live| video)?", r"play video",
        r"accept(?: all)?(?: cookies)?", r"continue(?: reading)?(?: the main story)?",
        r"loading\W*", r"close", r"click here", r"see more", r"show more", r"our standards.*",
    )),
    ("advertisement", _rx(
        r"advertisement", r"advertising", r"ad", r"sponsored(?: content)?", r"paid (?:content|post)",
        r"scroll (?:down )?to continue(?: with content| reading)?",
        r"story continues below(?: advertisement)?", r"article continues below(?: advertisement)?",
    )),
    ("related", _rx(
        r"related", r"related (?:articles?|stories|news|content|coverage|links|posts|reading|topics|video)",
        r"more (?:news|stories|articles|headlines|videos?)", r"more (?:from|on|in|about) [\w' .&-]{1,40}",
        r"read (?:more|next|also)", r"see also", r"also read", r"latest(?: news| stories| articles| headlines)?",
        r"top (?:stories|news|headlines)", r"recommended(?: for you| stories| reading| articles)?",
        r"you (?:may|might) (?:also )?(?:like|be interested in)", r"editors?'? picks?",
        r"most (?:read|popular|viewed|shared|commented)(?: this week| today| stories| articles| now)?",
        r"trending(?: now| stories| news)?", r"popular(?: now| stories| articles)?",
        r"what to read next", r"in other news", r"around the web", r"from (?:our|the) partners",
        r"(?:must|don'?t) miss", r"tags?", r"topics", r"filed under",
    )),
    ("feed", _rx(r"news feed", r"live(?: feed| updates| blog| coverage)?", r"breaking(?: news)?", r"just in")),
    ("newsletter", _rx(
        r"newsletters?", r"subscribe(?: now| today| here)?", r"sign ?up(?: now| today| here| for free)?",
        r"enter (?:your )?e-?mail(?: address)?", r"e-?mail address", r"your e-?mail", r"submit",
        r"\W*indicates required", r"successfully subscribed", r"successfuly subscribed",
        r"please,? enter (?:a )?(?:correct|valid) e-?mail(?: address)?",
    )),
    ("appeal", _rx(
        r"donate(?: now| today| here)?", r"give (?:monthly|once|today|now)", r"maybe later",
        r"remind me later", r"not now", r"no,? thanks", r"(?:payment|paiment) methods?",
        r"support (?:us|our (?:work|journalism|newsroom)|independent journalism)(?: today| now)?",
        r"become a (?:member|supporter|subscriber)", r"join (?:us|now|today)",
    )),
    ("footer", _rx(
        r"original (?:url|article|source|link|story)", r"source(?: url| link)?",
        r"about(?: us)?", r"contact(?: us)?", r"advertise(?: with us)?", r"careers", r"jobs",
        r"privacy(?: policy| notice| settings)?", r"terms(?: of (?:service|use))?(?: and conditions)?",
        r"cookie (?:policy|settings|preferences)", r"site ?map", r"accessibility", r"corrections?",
        r"republishing guidelines", r"send us a (?:news )?tip", r"rss(?: feeds?)?",
        r"comments?(?: \(\d+\))?", r"\d+ comments?", r"show comments(?: \(\d+\))?",
        r"view comments(?: \(\d+\))?", r"leave a comment", r"join the conversation",
        r"(?:comments|this article) (?:are|is) closed.*", r"report an? (?:error|correction|typo).*",
    )),
]  # fmt: skip
_FULL_RE = [(r, re.compile(r"(?:" + p.pattern + r")", re.I)) for r, p in _FULL]

# Section headers that start the end matter of a page ("cut markers").
_CUT = re.compile(
    r"^(?:related(?: (?:articles?|stories|news|content|coverage|reading))?|more (?:news|stories|articles"
    r"|headlines|from [\w' .&-]{1,40})|read (?:more|next|also)|latest(?: news| stories)?"
    r"|top stories|recommended(?: for you| stories)?|you (?:may|might) (?:also )?like"
    r"|editors?'? picks?|most (?:read|popular|viewed|shared)(?: this week| today)?|trending(?: now)?"
    r"|news feed|live updates|comments?(?: \(\d+\))?|show comments.*|original (?:url|article|source)"
    r"|a (?:message|note) from .{2,60}|dear (?:readers?|friends)\b.*|before you go\b.*"
    r"|we need your (?:help|support)\b.*|support (?:us|our (?:work|journalism)|independent journalism)"
    r"|read entire article|read the full (?:article|story)\b.*)$",
    re.I,
)

# Phrases that mark a short unit as chrome (strong on <= 14 words, weak on longer units).
_PHRASES: list[tuple[str, re.Pattern[str]]] = [
    ("navigation", _rx(r"skip to (?:main )?content", r"\bedit post\b", r"\bback to top\b",
                       r"\bshare on (?:facebook|x|twitter|whatsapp|linkedin|telegram)\b",
                       r"\b(?:log|sign) in to (?:your account|continue|keep reading)\b",
                       r"\bget the [\w' .&-]{1,40} app\b")),
    ("newsletter", _rx(r"\bnewsletters?\b", r"\bsubscri(?:be|bed|bing|ption)\b", r"\bsign(?:ing|ed)? up\b",
                       r"\benter (?:your )?e-?mail\b", r"\be-?mail address\b", r"\bindicates required\b",
                       r"\bcheck your inbox\b", r"\bconfirmation e-?mail\b", r"\bunsubscribe\b")),
    ("appeal", _rx(r"\bdonat(?:e|ion|ions|ing)\b", r"\bdear readers?\b", r"\ba message from\b",
                   r"\bsupport (?:us|our (?:work|journalism|newsroom|reporting)|independent|local (?:news|journalism)|quality journalism)\b",
                   r"\breader[- ](?:funded|supported)\b", r"\bpaywalls?\b", r"\btax[- ]deductible\b",
                   r"\bremind me later\b", r"\bmaybe later\b", r"\bnot ready to (?:support|give|donate|subscribe)\b",
                   r"\bmonthly (?:gift|donation|contribution)\b", r"\bmake a (?:contribution|donation|gift)\b",
                   r"\bbefore you go\b", r"\bcan we count on you\b", r"\bchip in\b", r"\bmembers? get\b",
                   r"\balready a (?:member|subscriber)\b", r"\bgifts? of any size\b",
                   r"\bindependent(?:,)? (?:local )?(?:journalism|news(?:room)?|media)\b",
                   r"\bcancel any ?time\b", r"\bsecure payment\b", r"\bchoose an amount\b")),
    ("aggregator", _rx(r"\bread (?:the )?entire article\b", r"\bread the full (?:article|story)\b",
                       r"\bautomatically aggregated\b", r"\bpowered by [\w' .&-]{1,40} aggregator\b",
                       r"\boriginally (?:published|appeared) (?:at|on|in)\b")),
    ("cookie", _rx(r"\bcookies?\b.*\b(?:accept|settings|consent|preferences|experience)\b",
                   r"\bprivacy settings\b", r"\bdo not sell (?:or share )?my personal information\b")),
    ("promo", _rx(r"\bclick here\b", r"\bour standards\b", r"\btrust principles\b",
                  r"\bfollow (?:us|[\w' .&-]{1,40}) on (?:facebook|twitter|x|instagram|telegram|whatsapp|linkedin|youtube|tiktok)\b",
                  r"\bdownload (?:our|the) (?:free )?app\b", r"\bbreaking news alerts\b",
                  r"\bthis audio is (?:created|generated)\b", r"\blisten to (?:this|the) (?:article|story)\b",
                  r"\b(?:listen to|watch|hear) the (?:full|whole|complete) (?:report|interview|story|episode"
                  r"|programme|program|broadcast|segment|conversation)\b",
                  r"\b\d+\s*min(?:ute)?s? read\b")),
    ("footer", _rx(r"\ball rights reserved\b", r"©", r"\bcopyright (?:©\s*)?(?:19|20)\d\d\b",
                   r"\bprivacy policy\b", r"\bterms of (?:service|use)\b", r"\bcontact us\b.*\|",
                   r"\brepublication without permission\b", r"\bcomments are closed\b",
                   r"\breport an? (?:error|correction)\b", r"\bsend us a (?:news )?tip\b",
                   r"\bstaff directory\b", r"\bletter to the editor\b", r"\bmanage your subscription\b",
                   r"\bplace an? (?:obituary|classified)\b", r"\bhelp center\b", r"\bsite map\b")),
    ("related", _rx(r"^(?:tags?|topics|filed under|more on this story)\s*:",
                    r"^(?:related|read more|read also|see also|see more|also read|more|watch|listen)\s*(?:articles?|stories|coverage)?\s*[:|]",
                    r"^related\s*(?:articles?|stories)?\s*[:|-]", r"\bmost read this week\b",
                    r"\bmore from this section\b", r"\btrending now\b")),
    ("credit", _rx(r"\bcontributed (?:reporting )?to this (?:report|story|article)\b",
                   r"^(?:with )?(?:additional )?reporting by\b", r"^staff and wire reports\b",
                   r"\breporting from wire services\b", r"^(?:writing|editing) by\b")),
]  # fmt: skip

# Words one of which must occur for a family's phrases to be tried (regexes are costly).
_TRIGGERS: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "navigation": "skip edit back share log sign get",
        "newsletter": "newsletter newsletters subscribe subscribed subscribing subscription sign "
        "signing signed enter email mail indicates inbox confirmation unsubscribe",
        "appeal": "donate donation donations donating dear message support reader paywall "
        "paywalls tax remind maybe ready monthly make before count chip member members "
        "already gift gifts independent cancel secure choose",
        "aggregator": "read automatically powered originally",
        "cookie": "cookie cookies privacy sell",
        "promo": "follow download breaking audio listen watch hear read click standards principles",
        "footer": "rights copyright privacy terms contact republication comments report send "
        "staff letter manage place help site",
        "related": "related read see also more watch listen most trending tags tag topics filed",
        "credit": "contributed reporting staff writing editing",
    }.items()
}
_WORD = re.compile(r"[a-z]+")
_SOFT_FAMILIES = frozenset({"appeal", "newsletter", "promo", "related"})


# A photo credit at the end of a caption: "(Contributor/Getty Images)", "(AFP)", "(AP Photo/X)".
_CREDIT_WORDS = (
    r"getty|images?|photo|afp|ap|reuters|epa|shutterstock|istock|alamy|pool|courtesy|via|file"
    r"|tass|sputnik|xinhua|anadolu|bloomberg|dpa|efe|ansa|upi|credit|illustration|handout"
)
_CREDIT_TAIL = re.compile(
    r"\((?=[^()]{2,90}\)\s*\.?$)(?:[^()]*\b(?:"
    + _CREDIT_WORDS
    + r")\b[^()]*|[^()\s/]+(?: [^()\s/]+){0,4}"
    r"\s*/\s*[^()]+)\)\s*\.?$",
    re.I,
)
_CREDIT_ONLY = re.compile(
    r"\b(?:getty images|ap photo|afp via getty|via getty|shutterstock|istock|alamy|pool photo"
    r"|file photo|epa-efe|reuters/|/reuters|/afp|afp/|/ap\b|/epa)",
    re.I,
)
_CAPTION_HEAD = re.compile(
    r"^(?:photo|image|picture|illustration|caption|file photo|video|graphic)s?\s*"
    r"(?::|by\b|credits?\b|source\b|caption\b)"
    r"|^(?:file|photo)\s*[-–—]\s",
    re.I,
)
_EMBED_ATTRIB = re.compile(r"^[—–-]\s*[^()\n]{1,80}\(@\w{1,30}\)(?:\s.*)?$")
_EMBED_KEYS = ("pic.twitter.com/", "//t.co/", " t.co/", "instagram.com/p/")
_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.I)
_TIMESTAMP = re.compile(
    r"^\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[a-z]{2,4})?\s*(?:\(?\s*updated:?\s*[^)]*\)?)?$",
    re.I,
)
_BRAND_YEAR = re.compile(
    r"^(?:©\s*)?(?:(?:19|20)\d\d\s+)?(?P<name>[A-Z][\w&'’.\- ]{1,50}?)\s*[@©]\s*(?:19|20)\d\d\.?$"
    r"|^(?:©|copyright)\s*(?:(?:19|20)\d\d\s*)?(?P<name2>[A-Z][\w&'’.\- ]{1,50}?)(?:[.,]|\s+all rights|$)",
    re.I,
)
_SOURCE_URL = re.compile(
    r"^(?:original|source|canonical|originally published at)(?: (?:url|link|article|source))?$"
)
_SOURCE_URL_INLINE = re.compile(
    r"^\W*(?:original(?: url| article| source| link)?|source(?: url| link)?|canonical(?: url)?"
    r"|originally published at)\s*:?\s*<?(https?://[^\s>]+)>?\s*$",
    re.I,
)
_MESSAGE_FROM = re.compile(r"^a (?:message|note) from (?P<name>[\w&'’.\- ]{2,60}?)\s*:?$", re.I)
_POWERED_BY = re.compile(r"\bpowered by (?P<name>[\w&'’.\- ]{1,40}?)(?: aggregator)?\s*\.?$", re.I)
_SUMMARY_HEAD = re.compile(
    r"^[*•-]?\s*(?:in )?(?:summary|key points|highlights|at a glance|the gist|tl;?dr)\s*:?$", re.I
)
_NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+\w")
_BULLET = re.compile(r"^\s*[*•▪◦·-]\s+")
# "3 hours ago · via Outlet": an aggregator's date line naming the source outlet
_VIA = re.compile(r"\s*[·•|,-]?\s*\bvia\s+(?P<name>[A-Z][\w&'’.\- ]{1,60}?)\s*$")
# "Read the full story at Outlet": an excerpt's pointer to the outlet that published it
_READ_AT = re.compile(
    r"^(?i:read the (?:full|entire|original|whole) (?:article|story|report)\s+(?:at|on))\s+"
    r"(?P<name>[A-Z][\w&'’.\- ]{1,60}?)\s*\.?$"
)
# a picture credit naming an outlet or agency: "... on Thursday (Marlow Gazette)"
_NAME_CREDIT_TAIL = re.compile(r"\s\((?:[A-Z][\w&'’.-]*)(?: [A-Z][\w&'’.-]*){0,3}\)\s*$")
_DATE_NOISE = re.compile(
    r"\b(?:updated|published|posted|last|modified|on|at|date|time|first|edited)\b|[:|,()\-–—/]|\b\d+\b"
    r"|\b(?:et|est|edt|pt|pst|pdt|ct|cst|cdt|gmt|utc|bst|cet|cest|msk|[ap]\.?m\.?)(?!\w)"
    r"|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\b\.?",
    re.I,
)


def _shouting(t: str) -> bool:
    """An all-capitals label ("MORE NEWS"); text in scripts without case is not."""
    if any(c.islower() for c in t):
        return False
    letters = sum(c.isalpha() for c in t)
    cased = sum(c.isupper() for c in t)
    return cased > 0 and cased >= 0.5 * letters


def _sentence_like(u: _Unit) -> bool:
    return u.words() >= 4 and _ends_sentence(u.text) and not _shouting(u.text)


def _headline_like(u: _Unit) -> bool:
    w = u.words()
    t = u.text
    return 2 <= w <= 30 and not t.endswith(".") and any(c.isupper() for c in t[:3]) and "|" not in t


def _classify(u: _Unit, relative_to: datetime | None) -> tuple[str | None, int]:
    """(chrome family, strength) of one unit by its own text."""
    t = u.text
    words = u.words()
    if not re.search(r"\w", t):
        return "separator", 2
    # menu items and section labels are not sentences ("Remind me later." is short enough)
    if words <= 3 or words <= 12 and not _ends_sentence(t):
        n = _norm(t)
        for reason, rx in _FULL_RE:
            if rx.fullmatch(n):
                return reason, 2
    low = t.lower()
    if (t[0] in "—–-" and _EMBED_ATTRIB.match(t)) or (
        words <= 60 and any(k in low for k in _EMBED_KEYS)
    ):
        return "embed", 2
    if len(u.lines) == 1 and u.lines[0].bold_tail and words <= 60:
        tail = u.lines[0].bold_tail
        if not _norm(tail).startswith(("related", "read", "update", "editor")):
            return "caption", 2
    if (
        words <= 80
        and t[-3:].rstrip(".").endswith(")")
        and not any(q in t for q in '"“”')  # a caption does not quote; a body sentence may
        and _CREDIT_TAIL.search(t)
    ):
        return "caption", 2
    if words <= 80 and md.feed_origin(t):
        return "feed", 2  # "The post <title> appeared first on <site>."
    if _CAPTION_HEAD.match(t) and words <= 60:
        return "caption", 2
    if words <= 10 and not _ends_sentence(t) and _CREDIT_ONLY.search(t):
        return "caption", 2  # a bare credit line: "Jane Roe / Getty Images"
    if (
        words <= 30
        and re.match(r"^(?:(?:[Ww]ritten\s+)?[Bb][Yy]\s+|[Aa]uthors?:\s*)[A-Z\[]", t)
        and (words <= 8 or not _ends_sentence(t))
    ):
        return "byline", 2
    if words <= 6 and md.is_agency(t):
        return "byline", 2
    if words <= 16:
        # any reference time will do to recognise "7 hours ago" as a date line
        via = _VIA.search(t)
        td = t[: via.start()] if via else t
        dates = md.find_dates(td, relative_to=relative_to or _EPOCH)
        if dates:
            rest = td
            for s, e, _iso, _p in reversed(dates):
                rest = rest[:s] + " " + rest[e:]
            rest = _DATE_NOISE.sub(" ", rest)
            if len(rest.split()) <= 1:
                return "dateline", 2
    if t.count("|") >= 2 and all(len(x.split()) <= 4 for x in t.split("|")):
        return "navigation", 2  # "Home | News | Sports | Opinion"
    if _TIMESTAMP.match(t):
        return "feed", 2
    if _SUMMARY_HEAD.match(t):
        return "summary", 2
    if words <= 10 and _BRAND_YEAR.match(t):
        return "footer", 2
    if words <= 14 and _URL.search(t) and not _ends_sentence(t):
        return "link", 2
    if words > 80:  # a long paragraph is not chrome by its wording alone
        return None, 0
    present = set(_WORD.findall(low))
    for reason, rx in _PHRASES:
        if (present & _TRIGGERS[reason] or (reason == "footer" and "©" in t)) and rx.search(t):
            if words > 14 or (reason in _SOFT_FAMILIES and words >= 6 and _ends_sentence(t)):
                # a sentence that merely mentions donating or subscribing may be news
                return reason, 1
            return reason, 2
    line = u.lines[0]
    if line.link_chars and line.link_chars >= 0.6 * len(t) and words <= 30:
        return "related", 2
    return None, 0


# ---------------------------------------------------------------------------
# the cleaner
# ---------------------------------------------------------------------------


@dataclass
class _Meta:
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    precision: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    publisher: str | None = None
    aggregator: str | None = None
    url: str | None = None


def _is_body(u: _Unit) -> bool:
    """A body paragraph by shape; weak chrome evidence only counts on a long one."""
    return (u.strength == 0 or u.strength == 1 and u.words() > 14) and _sentence_like(u)


def _same_title(a: str, b: str) -> bool:
    if len(a) > 2 * len(b) + 20 or len(b) > 2 * len(a) + 20:
        return False
    x, y = normalise_line(a), normalise_line(b)
    if not x or not y:
        return False
    if x == y:
        return True
    short, long_ = sorted((x, y), key=len)
    return len(short) >= 0.6 * len(long_) and short in long_


def clean_text(
    raw: str,
    *,
    given_title: str | None = None,
    given_subtitle: str | None = None,
    crawled_at: datetime | None = None,
    line_counts: Mapping[str, int] | None = None,
    infer_date: bool = True,
) -> CleanResult:
    """Clean one scraped article. Returns the body (paragraphs separated by a blank line),
    the removed chrome with reasons, derived metadata and the offset map. An empty body is
    returned as an empty ``text``; the caller decides whether that is an error."""
    units = [u for u in _units(raw) if u.text or u.lines[0].urls]
    for u in units:
        u.reason, u.strength = _classify(u, crawled_at)
        if line_counts and u.strength < 2:
            # copies of one story share sentences too: a sentence needs many more sightings
            c = line_counts.get(normalise_line(u.text), 0)
            sentence = _sentence_like(u)
            if c >= 8 and u.words() <= 25:
                u.reason, u.strength = "repeated", 2
            elif c >= 3 and u.strength == 0 and not sentence and not _NUMBERED.match(u.text):
                u.reason, u.strength = "repeated", 1

    meta = _Meta()
    n = len(units)

    # -- repeats inside the document (a title printed twice, a lede shown as standfirst)
    seen: dict[str, int] = {}
    for i, u in enumerate(units):
        key = " ".join(u.text.lower().split())
        if u.words() >= 6:
            if key in seen and u.strength < 2:
                u.reason, u.strength = "repeat", 2
            seen.setdefault(key, i)

    # -- given title / subtitle printed at the top
    for u in units[:6]:
        if given_title and _same_title(u.text, given_title) and u.words() <= 40:
            u.reason, u.strength, u.role = "title", 2, "given"
        elif given_subtitle and _same_title(u.text, given_subtitle):
            u.reason, u.strength, u.role = "subtitle", 2, "given"

    # -- embedded posts: the attribution line and the post text before it
    for i, u in enumerate(units):
        if u.reason == "embed" and _EMBED_ATTRIB.match(u.text) and i > 0:
            prev = units[i - 1]
            if prev.strength < 2 or prev.reason == "embed":
                prev.reason, prev.strength = "embed", 2

    # -- summary bullets at the top ("* Summary" / "* point" ...)
    for i, u in enumerate(units):
        if _SUMMARY_HEAD.match(u.text):
            j = i + 1
            while j < n and _BULLET.match(units[j].lines[0].text):
                units[j].reason, units[j].strength = "summary", 2
                j += 1
            if j == i + 1 and j < n and i < 4 and units[j].words() <= 60:
                units[j].reason, units[j].strength = "summary", 2

    # -- related lists: a related header and the headline-like items after it
    for i, u in enumerate(units):
        if u.reason == "related" and u.strength == 2 and u.words() <= 6:
            j = i + 1
            while j < n and not _sentence_like(units[j]) and units[j].words() <= 40:
                if units[j].strength < 2:
                    units[j].reason, units[j].strength = "related", 2
                j += 1

    # -- blocks of short lines that are mostly chrome (appeals, footers, link lists)
    blocks: dict[int, list[_Unit]] = {}
    for u in units:
        blocks.setdefault(u.block, []).append(u)
    # only where the body is laid out as blank-line separated paragraphs
    singles = sum(1 for b in blocks.values() if len(b) == 1 and _sentence_like(b[0]))
    block_layout = len(blocks) >= 4 and singles >= 2 and singles >= 0.3 * len(blocks)
    if block_layout:
        for members in blocks.values():
            if len(members) >= 3:
                flagged = [m for m in members if m.strength >= 1]
                if len(flagged) >= 0.4 * len(members):
                    reason = Counter(m.reason for m in flagged).most_common(1)[0][0]
                    for m in members:
                        if m.strength < 2:
                            m.reason, m.strength = reason or "chrome", 2

    # -- head: everything before the first body paragraph (title, subtitle, byline, ...)
    # (a long plain paragraph counts even without a full stop: sources drop them)
    first = next(
        (
            i
            for i, u in enumerate(units)
            if u.reason != "repeat"
            and (_is_body(u) or u.strength == 0 and u.words() >= 20 and not _shouting(u.text))
        ),
        None,
    )
    if first is None:
        # no sentence-shaped paragraph at all: take any long, non-chrome unit as body
        first = next((i for i, u in enumerate(units) if u.strength < 2 and u.words() >= 8), n)
    # a standfirst between the headline and the head chrome is a subtitle, not the lede
    if given_subtitle is None and first < n and 0 < first <= 3:
        head_before = [x for x in units[:first] if x.strength < 2 or x.role]
        nxt = units[first + 1] if first + 1 < n else None
        if (
            head_before
            and _headline_like(head_before[-1])
            and nxt is not None
            and nxt.reason in ("separator", "caption", "byline", "dateline", "promo")
            and units[first].words() <= 60
        ):
            units[first].reason, units[first].strength, units[first].role = "subtitle", 2, "derived"
            first = next((i for i in range(first + 1, n) if _is_body(units[i])), n)

    # -- a picture caption in the head, credited to a name: "... on Thursday (Outlet)"; the
    # headline itself comes first, so the first candidate of the page is never one
    seen_head = False
    for u in units[:first]:
        if u.strength >= 2:
            continue
        if seen_head and u.words() <= 40 and _NAME_CREDIT_TAIL.search(u.text):
            u.reason, u.strength = "caption", 2
        seen_head = True

    # -- title (when not given): a markdown heading, else the fullest headline in the head
    if not given_title:
        head = units[:first]
        cand = [u for u in head if u.lines[0].heading and u.strength < 2]
        if not cand:
            cand = [u for u in head if u.strength < 2 and _headline_like(u) and u.words() >= 3]
            cand.sort(key=lambda u: -u.words())
        if cand:
            meta.title = cand[0].text
            cand[0].role = "title"
            cand[0].reason, cand[0].strength = "title", 2
    for u in units[:first]:
        u.keep = False
        u.head = True
        if u.reason is None:
            u.reason = "header"

    # -- end matter: a late section header with little body after it ends the article
    body_words = [u.words() if _is_body(u) and u.strength == 0 else 0 for u in units]
    total = sum(body_words)
    before = 0
    cut = n
    for i in range(first, n):
        u = units[i]
        marker = u.words() <= 12 and (u.reason == "feed" or _CUT.match(_norm(u.text)))
        if before >= 30 and marker:
            after = total - before
            if after < 0.6 * before:
                cut = i
                break
        before += body_words[i]
    for u in units[cut:]:
        u.keep = False
        if u.reason is None:
            u.reason = _cut_reason(units[cut])

    # -- a teaser for another article just before the end matter: a headline with its blurb
    # set as one block, where the body's paragraphs each stand alone
    if block_layout and n > cut and cut - first >= 4:
        head_u, blurb = units[cut - 2], units[cut - 1]
        if (
            head_u.block == blurb.block
            and not head_u.lines[0].heading
            and len(blocks[head_u.block]) == 2
            and head_u.strength == 0
            and _headline_like(head_u)
            and not _ends_sentence(head_u.text)
            and blurb.words() <= 60
            and len(blocks.get(units[cut - 3].block, ())) == 1
        ):
            for x in (head_u, blurb):
                x.keep = False
                x.reason = x.reason or "teaser"
            cut -= 2

    # -- tail: trim back to the last body paragraph
    last = cut - 1
    while last >= first and not (
        units[last].strength == 0 and (_is_body(units[last]) or _NUMBERED.match(units[last].text))
    ):
        units[last].keep = False
        if units[last].reason is None:
            units[last].reason = "trailer" if units[last].words() < 40 else "teaser"
        last -= 1
    # -- middle: strong chrome goes; weak chrome goes when sandwiched by chrome
    for u in units[first : last + 1]:
        if u.strength >= 2:
            u.keep = False
    changed = True
    while changed:
        changed = False
        kept_idx = [i for i in range(first, last + 1)]
        for i in kept_idx:
            u = units[i]
            if u.keep and u.strength == 1:
                left = units[i - 1] if i > 0 else None
                right = units[i + 1] if i + 1 < n else None
                if (left is None or not left.keep) and (right is None or not right.keep):
                    u.keep = False
                    changed = True

    if not any(u.keep and u.text for u in units):
        # nothing sentence-shaped (a table, a list of dates): keep whatever is not chrome
        for u in units:
            u.keep = u.strength < 2 and u.role is None and u.reason not in ("title", "subtitle")
    if not any(u.keep and u.text for u in units):
        # a text that is only its headline (headline corpora): the headline is the body
        for u in units:
            u.keep = u.reason in ("title", "subtitle", "repeat") or u.strength < 2
    _read_metadata(units, meta, raw, crawled_at, infer_date)

    # -- assemble the body and its offset map
    parts: list[str] = []
    offset_map: list[tuple[int, int, int]] = []
    pos = 0
    for u in units:
        if not u.keep or not u.text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        for off, rs, ln in u.runs:
            if (
                offset_map
                and offset_map[-1][0] + offset_map[-1][2] == pos + off
                and (offset_map[-1][1] + offset_map[-1][2] == rs)
            ):
                cs0, rs0, ln0 = offset_map[-1]
                offset_map[-1] = (cs0, rs0, ln0 + ln)
            else:
                offset_map.append((pos + off, rs, ln))
        parts.append(u.text)
        pos += len(u.text)
    text = "".join(parts)
    removed = [
        RemovedBlock(text=raw[u.start : u.end], reason=u.reason or "chrome")
        for u in units
        if not u.keep
    ]
    return CleanResult(
        text=text,
        title=meta.title,
        subtitle=meta.subtitle,
        published=meta.published,
        published_precision=meta.precision,  # type: ignore[arg-type]
        authors=meta.authors,
        agencies=meta.agencies,
        publisher=meta.publisher,
        aggregator=meta.aggregator,
        url=meta.url,
        removed=removed,
        offset_map=offset_map,
    )


def _cut_reason(marker: _Unit) -> str:
    n = _norm(marker.text)
    if marker.reason:
        return marker.reason
    if re.match(r"(?:a (?:message|note) from|dear|before you go|we need|support)", n):
        return "appeal"
    if n.startswith(("news feed", "live")):
        return "feed"
    if n.startswith(("original", "comment", "show comment")):
        return "footer"
    if n.startswith("read "):
        return "aggregator"
    return "related"


def _read_metadata(
    units: list[_Unit], meta: _Meta, raw: str, crawled_at: datetime | None, infer_date: bool
) -> None:
    """Fill ``meta`` from the removed head/tail units and the lede."""
    removed = [u for u in units if not u.keep]
    kept = [u for u in units if u.keep]
    for u in removed:
        if u.role == "subtitle" or (u.reason == "subtitle" and u.role == "derived"):
            meta.subtitle = meta.subtitle or u.text
    # bylines
    desk_publisher = None
    for u in removed:
        if u.reason == "byline":
            info = md.parse_byline(u.text)
            if info is None:
                agency = md.is_agency(u.text)
                if agency and agency not in meta.agencies:
                    meta.agencies.append(agency)
                continue
            meta.authors = md.dedupe(meta.authors + list(info["authors"]))  # type: ignore[arg-type]
            meta.agencies = md.dedupe(meta.agencies + list(info["agencies"]))  # type: ignore[arg-type]
            if info["published"] and not meta.published:
                meta.published, meta.precision = info["published"], info["precision"]  # type: ignore[assignment]
            desk_publisher = desk_publisher or info["publisher"]
    # an agency dateline opening the lede: "WASHINGTON (Reuters) - ..."
    if kept:
        meta.agencies = md.merge_agencies(meta.agencies + md.dateline_agencies(kept[0].text))
    else:
        meta.agencies = md.merge_agencies(meta.agencies)
    # dates: a date line in the head, else a relative one ("7 hours ago")
    if not meta.published:
        # only the head's date lines: a date further down may belong to something else
        for u in removed:
            if u.reason == "dateline" and u.head:
                hit = md.parse_date(u.text, relative_to=crawled_at)
                if hit and (hit[1] != "approximate" or not meta.published):
                    meta.published, meta.precision = hit
                    if hit[1] != "approximate":
                        break
    # url and publisher from an "Original url" footer
    url = None
    for i, u in enumerate(units):
        inline = _SOURCE_URL_INLINE.match(u.text) if u.words() <= 8 else None
        if inline:
            url = inline.group(1)
            break
        if u.words() <= 4 and _SOURCE_URL.match(_norm(u.text)):
            for v in units[i : i + 3]:
                urls = v.lines[0].urls + _URL.findall(v.text)
                if urls:
                    url = urls[0].rstrip(">).,")
                    break
        if url:
            break
    meta.url = url
    brands: list[str] = []
    wrapper = False
    source_outlet = None  # the outlet an aggregator credits: "via X", "Read the full story at X"
    for u in removed:
        t = u.text.strip()
        m = _MESSAGE_FROM.match(t)
        if m:
            meta.publisher = meta.publisher or m["name"].strip()
        via = _VIA.search(t) if u.reason == "dateline" and u.head else None
        read_at = _READ_AT.match(t) if u.words() <= 16 else None
        if (via or read_at) and source_outlet is None:
            source_outlet = (via or read_at)["name"].strip(" .")  # type: ignore[index]
            wrapper = True
        if u.reason == "aggregator":
            wrapper = True
            pm = _POWERED_BY.search(t)
            if pm:
                meta.aggregator = meta.aggregator or pm["name"].strip()
        bm = _BRAND_YEAR.match(t)
        if bm and u.words() <= 10:
            name = (bm["name"] or bm["name2"] or "").strip(" .,-")
            if name and not re.match(r"^(?:all rights|copyright|updated|published)", name, re.I):
                brands.append(name)
    if wrapper and brands and not meta.aggregator:
        meta.aggregator = brands[-1]
    publisher = (
        desk_publisher
        or (md.publisher_from_url(url, raw) if url else None)
        or meta.publisher
        or source_outlet
    )
    if not publisher and brands and not wrapper:
        publisher = brands[-1]
    meta.publisher = publisher
    # no date stated: the latest explicit full date in the page, marked approximate
    if not meta.published and infer_date:
        best = None
        later = None
        # a date after the crawl (or after today) is more likely a plan than the publication,
        # so the latest date up to the crawl wins; when every date is later (the crawl time is
        # off), the earliest of them is still the best inference from the page itself
        limit = (crawled_at or datetime.now()).date().isoformat()
        for _s, _e, iso, prec in md.find_dates(raw):
            if prec == "approximate":
                continue
            if iso[:10] > limit:
                later = iso[:10] if later is None else min(later, iso[:10])
            elif best is None or iso[:10] > best:
                best = iso[:10]
        best = best or later
        if best:
            meta.published, meta.precision = best, "approximate"
