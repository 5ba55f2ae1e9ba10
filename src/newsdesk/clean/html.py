"""HTML article extraction: one page in, the article body and its metadata out.

The page is parsed once with lxml. The body comes from trafilatura (precision
focus, comments off), first in its fast mode and, only when that returns too
little, with its readability/justext comparison; a few post-processing steps
then drop trailing chrome. Metadata (title, date, authors, publisher, url) is
read cheaply from the same tree: JSON-LD, ``<meta>`` tags and a few microdata
attributes, never from a second parse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsdesk.clean import CleanError
from newsdesk.clean.metadata import (
    dateline_agencies,
    detect_language,
    format_datetime,
    is_agency,
    merge_agencies,
    parse_date,
    publisher_from_url,
    split_people_and_agencies,
)
from newsdesk.model import CleanResult, Precision, RemovedBlock

# Heavy modules (trafilatura pulls numpy via py3langid) are imported on first use so
# that importing newsdesk.clean stays cheap for text-only runs.
_TRAFILATURA: dict[str, Any] = {}

# A fast-mode body shorter than this (characters) is retried with trafilatura's
# external comparison (readability + justext); see bench/bench_extract.py.
FAST_MIN_CHARS = 350
# A paragraph container must hold this much text to count as an article chunk.
MERGE_MIN_CHARS = 400
# Fewer words than this is a menu or a stub, not an article.
MIN_BODY_WORDS = 8
# A description whose first words occur early in the body is an excerpt of it.
SUBTITLE_PROBE_WORDS = 8
SUBTITLE_SCAN_CHARS = 3000
# Trailing sections: scan this many final paragraphs; cut at most this share of text.
TAIL_SCAN = 8
TAIL_MAX_SHARE = 0.3
# A link-only block of at least this many words is a teaser, not body text.
TEASER_MIN_WORDS = 5
# ...and "all link" means at least this share of its words are link words.
TEASER_LINK_SHARE = 0.8
# The first ~2,000 characters decide the language (detection cost grows with the text).
LANG_SAMPLE = 2000

_NEVER_TEXT = (
    "script",
    "style",
    "noscript",
    "svg",
    "iframe",
    "link",
    "meta",
    "embed",
    "object",
    "canvas",
    "audio",
    "video",
    "source",
    "picture",
    "input",
    "select",
    "option",
    "button",
    "textarea",
)
_WORD_RE = re.compile(r"\w+")
_FINAL_PUNCT = (".", "!", "?", '"', "\u201d", "\u2019", "'", ")", "\u3002", "\uff01", "\uff1f")
_EMBED_XPATH = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'bluesky-embed')]"
)
_FURNITURE = ("header", "footer", "nav", "aside")
_INLINE_TAGS = ("span", "a", "em", "strong", "b", "i", "u", "font", "small", "sup", "sub")
_POPUP_CLASS_RE = re.compile(r"rollover|tooltip|popover|hover-?card|popup", re.I)
_HIDDEN_CLASS_RE = re.compile(r"hid|sr-only|screen-reader|visually|invisible|print", re.I)
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
}
_ISO_DATE_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_URL_DATE_RE = re.compile(r"/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|-|\.)")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BY_RE = re.compile(r"^\s*(?:by|von|par|por|di|door)\s*[:\s]\s*", re.IGNORECASE)
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|\||\band\b|&)\s*", re.IGNORECASE)
_ROLE_RE = re.compile(
    r"\b(?:(?:\w+ )?writer|correspondent|reporter|editor|columnist|contributor|staff)s?\b",
    re.IGNORECASE,
)
_DOMAIN_RE = re.compile(r"\w\.(?:com|net|org|co|info|news)\b|^@", re.IGNORECASE)
_TITLE_SEP_RE = re.compile(r"\s+[|\-\u2013\u2014\u00b7:\u2022\u00bb]\s+")

# In-body teaser lines: "READ MORE: <headline>", "Related: <headline>", "DON'T MISS".
_TEASER_LINE_RE = re.compile(
    r"^(?:read more|see more|more|related(?: articles?| stories| coverage)?|also read|read also|"
    r"recommended|don[’']?t miss|must read|watch|listen)\s*(?::|$)",
    re.IGNORECASE,
)

# Headings that open the trailing furniture of a page.
_TAIL_SECTION_RE = re.compile(
    r"^(?:tags|tagged(?: with)?|topics|filed under|categories|keywords|"
    r"related(?: articles| stories| posts| content| coverage| news)?|"
    r"more (?:great |top )?(?:\w+ ){0,3}(?:stories|news|articles)|you (?:may|might) also like|"
    r"recommended(?: for you| stories)?|read next|more from [\w .]{1,30}|about the author)"
    r"\s*:?$",
    re.IGNORECASE,
)

# Lines that end an article body on many sites: sharing, newsletter and "related"
# furniture that extractors often keep. General English/newsroom phrases only.
_TRAILING_CHROME_RE = re.compile(
    r"^(?:"
    r"(?:get|sign up for|subscribe to)\b.{0,80}\b(?:newsletters?|inbox|updates)\b"
    r"|have a (?:news )?tip\b"
    r"|(?:related|recommended|more from|read more|see also|also read|you may also like|"
    r"most read|most popular|trending)\b.{0,60}$"
    r"|share (?:this|on)\b"
    r"|follow (?:us|him|her) on\b"
    r"|(?:copyright|\u00a9)\s"
    r"|all rights reserved"
    r"|.{0,200}\bclick here\b"
    r"|.{0,120}\b(?:sign up|subscribe)\b.{0,120}\b(?:newsletters?|inbox|today|now)\b"
    r"|tell us what you think"
    r"|.{0,80}\bcontributed (?:to )?this report\.?$"
    r"|(?:this (?:article|story) (?:was|has been|is) )?(?:originally )?(?:published|appeared) "
    r"(?:on|in|at|first)\b.{0,80}$"
    r"|advertisement$"
    r"|the post\b.{1,300}\bappeared first on\b.{1,80}$"
    r"|(?:listen to|watch|hear) the (?:full|whole|complete) (?:report|interview|story|episode"
    r"|programme|program|broadcast|segment|conversation)\b.{0,120}$"
    r"|(?:comments?|leave a (?:comment|reply))$"
    r")",
    re.IGNORECASE,
)


def _traf() -> dict[str, Any]:
    """trafilatura's entry points and our two extractor configurations, built once."""
    if not _TRAFILATURA:
        from trafilatura import bare_extraction  # noqa: PLC0415
        from trafilatura.settings import Extractor  # noqa: PLC0415
        from trafilatura.utils import load_html  # noqa: PLC0415
        from trafilatura.xml import xmltotxt  # noqa: PLC0415

        def options(fast: bool, precision: bool) -> Any:
            return Extractor(
                output_format="python",
                fast=fast,
                precision=precision,
                recall=not precision,
                comments=False,
                tables=True,
            )

        _TRAFILATURA.update(
            bare_extraction=bare_extraction,
            load_html=load_html,
            xmltotxt=xmltotxt,
            fast=options(True, True),
            full=options(False, True),
            recall=options(False, False),
        )
    return _TRAFILATURA


# --------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------


def extract_html(html: str, url: str | None = None) -> CleanResult:
    """Extract the article of one HTML page.

    Returns the body (paragraphs separated by one blank line, in-body headings as
    their own paragraphs) with title, subtitle, date, authors/agencies, publisher,
    canonical url and language. Raises ``newsdesk.clean.CleanError`` when the page
    holds no article text.
    """
    if not html or not html.strip():
        raise CleanError("empty HTML page")
    tr = _traf()
    tree = tr["load_html"](html)
    if tree is None:
        raise CleanError("not an HTML page")

    meta = _page_metadata(tree)
    # Elements that never hold article text are dropped once here: every later
    # XPath pass inside trafilatura then walks a much smaller tree.
    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    # page furniture trafilatura deletes anyway (keeping tails), only later
    for el in list(tree.iter(*_FURNITURE)):
        if el.getparent() is not None:
            el.drop_tree()
    _neutralise_inline(tree)
    _plain_embeds(tree)
    _merge_split_body(tree)
    drop = _headline_keys(meta)
    teasers, linky = _link_only_blocks(tree)
    text, removed = _body_text(tree, url, drop, teasers, linky)
    if len(_WORD_RE.findall(text)) < MIN_BODY_WORDS:
        raise CleanError("no article text found in HTML page")

    page_url = _canonical_url(meta, url)
    authors, agencies = _authors(meta, text)
    published, precision = _published(meta, page_url or url)
    title = _title(meta)
    return CleanResult(
        text=text,
        title=title,
        subtitle=_subtitle(meta, title, text),
        published=published,
        published_precision=precision,
        authors=authors,
        agencies=agencies,
        publisher=_publisher(meta, page_url or url, text),
        url=page_url,
        language=_language(text),
        removed=removed,
        offset_map=_offset_map(text, html),
    )


# --------------------------------------------------------------------------
# body
# --------------------------------------------------------------------------


def _offset_map(text: str, html: str) -> list[tuple[int, int, int]]:
    """(clean_start, raw_start, length) runs for paragraphs found verbatim in the page.

    Paragraphs with entities or inline markup inside are simply not mapped; a
    forward cursor keeps repeated phrases tied to their first later occurrence.
    """
    runs: list[tuple[int, int, int]] = []
    cursor = 0
    start = 0
    for para in text.split("\n\n"):
        pos = html.find(para, cursor)
        if pos < 0:
            pos = html.find(para)
        if pos >= 0:
            runs.append((start, pos, len(para)))
            cursor = pos + len(para)
        start += len(para) + 2
    return runs


def _neutralise_inline(tree: Any) -> None:
    """Drop class/id of inline elements inside paragraphs.

    trafilatura's boilerplate XPaths test class names on spans too, so a link
    wrapped in ``<span class="link">`` inside a sentence loses its words. Inside a
    ``<p>`` such names are styling, not page structure; hidden text keeps its marks.
    """
    for p in tree.iter("p"):
        for el in list(p.iterdescendants(_INLINE_TAGS)):
            cls = el.get("class")
            if cls and _POPUP_CLASS_RE.search(cls):
                # hover cards inside a sentence (a person's bio and article links)
                el.drop_tree()
                continue
            if cls is not None and not _HIDDEN_CLASS_RE.search(cls):
                del el.attrib["class"]
            if el.get("id") is not None:
                del el.attrib["id"]


def _plain_embeds(tree: Any) -> None:
    """Keep embedded posts (tweets, Instagram captions) quoted in the article.

    Their links and "social embed" wrappers make trafilatura drop them as link
    farms, yet they are part of what the article reports.
    """
    for bq in tree.xpath(_EMBED_XPATH):
        etree.strip_tags(bq, "a")
        parent = bq.getparent()
        if parent is not None and parent.tag == "div" and len(parent) == 1:
            parent.attrib.pop("class", None)
            parent.attrib.pop("id", None)


def _merge_split_body(tree: Any) -> None:
    """Join an article body that the page splits into several same-class chunks.

    Some layouts cut the body into sibling-like containers (ads between them);
    trafilatura keeps only the first. When containers share the tag and class of
    the one holding the most paragraph text, each with real paragraphs, their
    lowest common ancestor takes that class instead, so all are kept in order.
    """
    text_by_parent: dict[Any, int] = {}
    count_by_parent: dict[Any, int] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is None:
            continue
        n = len(p.text_content())
        text_by_parent[parent] = text_by_parent.get(parent, 0) + n
        count_by_parent[parent] = count_by_parent.get(parent, 0) + 1
    if len(text_by_parent) < 2:
        return
    main = max(text_by_parent, key=text_by_parent.__getitem__)
    cls = main.get("class")
    if not cls or text_by_parent[main] < MERGE_MIN_CHARS:
        return
    chunks = [
        el
        for el, n in text_by_parent.items()
        if el is not main
        and el.tag == main.tag
        and el.get("class") == cls
        and n >= MERGE_MIN_CHARS
        and count_by_parent[el] >= 2
    ]
    if not chunks:
        return
    main_anc = set(main.iterancestors())
    chunks = [c for c in chunks if c not in main_anc and main not in set(c.iterancestors())]
    if not chunks:
        return
    # Give the chunks' lowest common ancestor the chunks' class so that trafilatura,
    # which takes the first matching container, takes all of them in page order.
    anc = [main, *main.iterancestors()]
    common = next((a for a in anc if all(a in set(c.iterancestors()) for c in chunks)), None)
    if common is None or common.tag in ("html", "body"):
        return
    for el in (main, *chunks):
        del el.attrib["class"]
    common.set("class", cls)


def _run(tree: Any, url: str | None, mode: str) -> str:
    """One trafilatura pass; the body as plain text lines ('' when nothing)."""
    tr = _traf()
    doc = tr["bare_extraction"](tree, url=url, options=tr[mode])
    if doc is None or doc.body is None:
        return ""
    return tr["xmltotxt"](doc.body, False) or ""


def _key(s: Any) -> str:
    """Comparison key of a line: its lower-cased \\w+ tokens ('' for a non-string)."""
    if not isinstance(s, str):
        return ""
    return " ".join(_WORD_RE.findall(s.casefold()))


def _headline_keys(meta: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Keys of the page's headline variants and of its description."""
    m = meta["meta"]
    heads = {_key(meta["title"]), _key(m.get("og:title")), _key(meta["ld_article"].get("headline"))}
    heads.add(_key(meta["h1"]))
    if meta["title"]:
        heads.add(_key(_strip_site_suffix(meta["title"], meta)))
    descs = {_key(m.get("description")), _key(m.get("og:description"))}
    ld_desc = meta["ld_article"].get("description")
    if isinstance(ld_desc, str):
        descs.add(_key(ld_desc))
    heads.discard("")
    descs.discard("")
    return heads, descs


def _link_only_blocks(tree: Any) -> tuple[set[str], set[str]]:
    """Keys of link-made blocks: (teasers, link-heavy list items).

    A block of several words that is (almost) all link text is a teaser ("Read:
    <headline>", related lists) rather than prose; a list item that is mostly link
    text is a related-stories entry when it ends the body.
    """
    teasers: set[str] = set()
    linky: set[str] = set()
    seen: set[Any] = set()
    for a in tree.iter("a"):
        # a card: the link wraps a heading or paragraph (image + headline teaser)
        for inner in a.iter("h2", "h3", "h4", "h5", "h6", "p"):
            key = _key(inner.text_content())
            if key.count(" ") + 1 >= TEASER_MIN_WORDS:
                teasers.add(key)
        block = a.getparent()
        while block is not None and block.tag in _INLINE_TAGS:
            block = block.getparent()
        if block is None or block in seen:
            continue
        seen.add(block)
        key = _key(block.text_content())
        words = key.count(" ") + 1 if key else 0
        if words < TEASER_MIN_WORDS:
            continue
        linked = sum(len(_WORD_RE.findall(x.text_content())) for x in block.iter("a"))
        if linked >= TEASER_LINK_SHARE * words:
            teasers.add(key)
        elif block.tag == "li" and linked >= 0.5 * words:
            linky.add(key)
    return teasers, linky


def _body_text(
    tree: Any,
    url: str | None,
    drop: tuple[set[str], set[str]],
    teasers: set[str],
    linky: set[str],
) -> tuple[str, list[RemovedBlock]]:
    """The article body as paragraphs, and the chrome cut from it."""
    raw = _run(tree, url, "fast")
    if len(raw) < FAST_MIN_CHARS:
        # Fast mode under-delivers on unusual layouts; the full cascade (readability,
        # justext) rescues most of them at several times the cost, so only here.
        full = _run(tree, url, "full")
        if len(full) > len(raw):
            raw = full
        if len(raw) < FAST_MIN_CHARS:
            rec = _run(tree, url, "recall")
            if len(rec) > 2 * len(raw):
                raw = rec
    paras = _paragraphs(raw)
    paras, removed = _drop_headlines(paras, *drop)
    kept = []
    for para in paras:
        if _key(para) in teasers or (len(para) < 200 and _TEASER_LINE_RE.match(para)):
            removed.append(RemovedBlock(text=para, reason="related"))
        else:
            kept.append(para)
    paras, tail = _trim_trailing_chrome(kept, teasers | linky)
    return "\n\n".join(paras), removed + tail


def _drop_headlines(
    paras: list[str], heads: set[str], descs: set[str]
) -> tuple[list[str], list[RemovedBlock]]:
    """Remove the headline (and a standfirst without final punctuation) repeated at
    the top of the body: they are metadata, not body text. A description that is a
    complete sentence is usually the lede itself and stays."""
    removed: list[RemovedBlock] = []
    i = 0
    while i < min(3, len(paras)) and len(paras) > 1:
        key = _key(paras[i])
        if key in heads or (key in descs and not paras[i].rstrip().endswith(_FINAL_PUNCT)):
            removed.append(RemovedBlock(text=paras.pop(i), reason="headline"))
            continue
        i += 1
    return paras, removed


def _paragraphs(raw: str) -> list[str]:
    """Split extractor output into paragraphs (one per line), whitespace collapsed.

    Repeated paragraphs are kept: articles do repeat a line (a refrain, a quote
    taken up again), and dropping repeats scored lower on the benchmark.
    """
    out: list[str] = []
    for line in raw.splitlines():
        line = _SPACE_RE.sub(" ", line).strip()
        if line:
            out.append(line)
    return out


def _trim_trailing_chrome(
    paras: list[str], linky: set[str]
) -> tuple[list[str], list[RemovedBlock]]:
    """Drop newsletter / related / sharing lines and link lists at the end of the body."""
    removed: list[RemovedBlock] = []
    # a section marker ("Tags", "Related stories") near the end: it and all after it go
    for i in range(max(1, len(paras) - TAIL_SCAN), len(paras)):
        if len(paras[i]) < 60 and _TAIL_SECTION_RE.match(paras[i]):
            rest = paras[i:]
            if sum(map(len, rest)) < TAIL_MAX_SHARE * sum(map(len, paras)):
                removed = [RemovedBlock(text=x, reason="related") for x in rest]
                paras = paras[:i]
            break
    while len(paras) > 1:
        last = paras[-1]
        if len(last) < 300 and _TRAILING_CHROME_RE.search(last):
            removed.append(RemovedBlock(text=last, reason=_chrome_reason(last)))
        elif last.startswith("- ") and _key(last) in linky:
            removed.append(RemovedBlock(text=last, reason="related"))
        else:
            break
        paras = paras[:-1]
    removed.reverse()
    return paras, removed


def _chrome_reason(line: str) -> str:
    """The RemovedBlock reason of a trailing chrome line."""
    low = line.casefold()
    if "newsletter" in low or "subscribe" in low or "inbox" in low:
        return "newsletter"
    if low.startswith(("related", "recommended", "more from", "read more", "see also")):
        return "related"
    return "footer"


# --------------------------------------------------------------------------
# metadata: collected once from the tree
# --------------------------------------------------------------------------


def _page_metadata(tree: Any) -> dict[str, Any]:
    """What the page says about itself, read before any element is removed: meta
    tags (lower-cased name/property/itemprop -> first content), the JSON-LD article
    object, <title>, first <h1>, <time> values, byline names and the canonical link."""
    metas: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                metas.setdefault(key.strip().lower(), content.strip())
    canonical = None
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href"):
            canonical = el.get("href").strip()
            break
    h1 = None
    for el in tree.iter("h1"):
        h1 = _norm(el.text_content())
        if h1:
            break
    times = [t for t in tree.xpath("//time/@datetime")[:3] if isinstance(t, str)]
    title_el = tree.find(".//title")
    ld = list(_jsonld_objects(tree))
    articles = [o for o in ld if _types(o) & ARTICLE_TYPES]
    return {
        "meta": metas,
        "canonical": canonical,
        "title": _norm(title_el.text_content()) if title_el is not None else None,
        "ld_article": articles[0] if articles else {},
        "h1": h1,
        "times": times,
        "bylines": _byline_names(tree),
    }


def _jsonld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts (@graph and lists flattened)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            # Some sites end the block with a stray comma or HTML comment; give up quietly.
            continue
        yield from _flatten_ld(data, 0)


def _flatten_ld(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten_ld(data["@graph"], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _norm(s: Any) -> str | None:
    """Whitespace-collapsed string, or None when empty / not a string."""
    if not isinstance(s, str):
        return None
    s = _SPACE_RE.sub(" ", s.replace("\n", " ")).strip()
    if not s:
        return None
    if "&" in s:
        import html as _html  # noqa: PLC0415

        s = _html.unescape(s)
    return s


def _ld_name(v: Any) -> str | None:
    """The name of a JSON-LD value: a string, or an object's ``name``."""
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, dict):
        v = v.get("name")
    return _norm(v)


def _first(*values: Any) -> str | None:
    for v in values:
        n = _norm(v)
        if n:
            return n
    return None


# -- title ------------------------------------------------------------------


def _title(meta: dict[str, Any]) -> str | None:
    """Headline: JSON-LD headline, og/twitter title, first <h1>, else <title>,
    with a trailing " | Site name" removed."""
    m = meta["meta"]
    ld = meta["ld_article"]
    h1 = meta["h1"]
    title = _first(ld.get("headline"), m.get("og:title"), m.get("twitter:title"), h1, meta["title"])
    if not title:
        return None
    if h1 and len(h1) >= 15 and title != h1 and title.startswith(h1):
        return h1
    return _strip_site_suffix(title, meta)


def _strip_site_suffix(title: str, meta: dict[str, Any]) -> str:
    """Drop " | Outlet" (or "Outlet - ") when that part is the site name."""
    parts = _TITLE_SEP_RE.split(title)
    if len(parts) < 2:
        return title
    site = (meta["meta"].get("og:site_name") or "").casefold()
    first, last = parts[0], parts[-1]
    if site and last.casefold() == site or (len(last) <= 25 and len(first) > 2 * len(last)):
        return title[: title.rfind(last)].rstrip(" |-\u2013\u2014\u00b7:\u2022\u00bb")
    if site and first.casefold() == site:
        return title[len(first) :].lstrip(" |-\u2013\u2014\u00b7:\u2022\u00bb")
    return title


# -- subtitle ---------------------------------------------------------------


def _subtitle(meta: dict[str, Any], title: str | None, text: str) -> str | None:
    """The standfirst, only when the description is clearly one: a complete
    sentence-like line that is not the title and not a cut of the lede."""
    m = meta["meta"]
    desc = _first(
        meta["ld_article"].get("description"),
        m.get("og:description"),
        m.get("description"),
        m.get("twitter:description"),
    )
    if not desc or len(desc) < 30 or len(desc) > 400:
        return None
    if desc.endswith(("...", "\u2026")) or (title and desc.casefold() == title.casefold()):
        return None
    # a description that repeats body words (the lede, a cut of it, a quote) is an
    # excerpt, not a standfirst
    dw = _key(desc).split()[:SUBTITLE_PROBE_WORDS]
    if dw and " ".join(dw) in _key(text[:SUBTITLE_SCAN_CHARS]):
        return None
    return desc


# -- url / publisher --------------------------------------------------------


def _canonical_url(meta: dict[str, Any], url: str | None) -> str | None:
    for cand in (meta["canonical"], meta["meta"].get("og:url")):
        if not cand:
            continue
        absolute = urljoin(url, cand) if url else cand
        if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
            return absolute
    return url


def _publisher(meta: dict[str, Any], url: str | None, text: str | None = None) -> str | None:
    m = meta["meta"]
    ld_pub = _ld_name(meta["ld_article"].get("publisher"))
    for cand in (m.get("og:site_name"), ld_pub, m.get("application-name")):
        name = _norm(cand)
        if not name or name.startswith("@"):
            continue
        if name.startswith(("http://", "https://")):
            return publisher_from_url(name)
        # "Outlet | Section | Section": the outlet is the first part
        parts = name.split(" | ")
        return parts[0] if len(parts) > 2 else name
    return publisher_from_url(url, text)


# -- authors ----------------------------------------------------------------


def _authors(meta: dict[str, Any], text: str) -> tuple[list[str], list[str]]:
    """People and wire agencies credited for the article, kept apart."""
    names: list[str] = []
    orgs: list[str] = []
    ld_author = meta["ld_article"].get("author")
    for a in ld_author if isinstance(ld_author, list) else [ld_author]:
        if isinstance(a, dict):
            name = _norm(a.get("name"))
            if name:
                # an Organization author is a wire service or the outlet, never a person
                is_org = _types(a) & {"organization", "newsmediaorganization", "corporation"}
                (orgs if is_org else names).extend(_split_names(name))
        elif isinstance(a, str):
            names.extend(_split_names(_norm(a)))
    m = meta["meta"]
    if not names:
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
            v = m.get(key)
            if v and not v.startswith(("http://", "https://", "/")):
                names.extend(_split_names(v))
                break
    if not names:
        names.extend(meta["bylines"])
    publisher = (_publisher(meta, None) or "").casefold()
    agencies = [x for x in (is_agency(o) for o in orgs) if x]
    kept: list[str] = []
    for n in _dedupe(names):
        if not 1 < len(n) <= 60 or n.casefold() == publisher or _DOMAIN_RE.search(n):
            continue
        role = _ROLE_RE.search(n)
        if role:
            # "AP Sports Writer": a wire credit, not a person
            agency = is_agency(n[: role.start()].strip()) or is_agency(n.split()[0])
            if agency and agency not in agencies:
                agencies.append(agency)
            continue
        kept.append(n)
    # a lone word next to full names is an outlet or desk ("Jane Doe, Futurism")
    if any(" " in n for n in kept):
        kept = [n for n in kept if " " in n or is_agency(n)]
    people, more = split_people_and_agencies(kept)
    agencies += [x for x in more if x not in agencies]
    # a wire dateline opening the body: "WASHINGTON (AP) —", "PORT CITY (XYZ) —"
    return people, merge_agencies(agencies + dateline_agencies(text))


def _byline_names(tree: Any) -> list[str]:
    """Names from in-page author markup (rel=author, itemprop=author, byline classes)."""
    out: list[str] = []
    for el in tree.xpath(
        '//*[@rel="author" or @itemprop="author"]'
        '|//*[contains(@class, "byline__name") or contains(@class, "author-name")]'
    )[:4]:
        name_el = el.find('.//*[@itemprop="name"]')
        src = name_el if name_el is not None else el
        name = _norm(src.get("content") or src.text_content())
        if name and len(name) <= 60:
            out.extend(_split_names(name))
    return out


def _split_names(s: str | None) -> list[str]:
    """Names of one author field: a leading "By" dropped, split on commas and "and"."""
    if not s:
        return []
    s = _BY_RE.sub("", s)
    return [p.strip(" .") for p in _NAME_SPLIT_RE.split(s) if p and p.strip(" .")]


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in items:
        if x.casefold() not in seen:
            seen.add(x.casefold())
            out.append(x)
    return out


# -- date -------------------------------------------------------------------

_DATE_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "article.published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "article:modified_time",
)


def _published(meta: dict[str, Any], url: str | None) -> tuple[str | None, Precision | None]:
    """Publication date from JSON-LD, meta tags, <time>, else a date in the URL."""
    m = meta["meta"]
    ld = meta["ld_article"]
    candidates: list[str] = [v for v in (ld.get("datePublished"), ld.get("dateCreated")) if v]
    candidates += [m[k] for k in _DATE_META_KEYS if k in m]
    candidates += meta["times"]
    for cand in candidates:
        if isinstance(cand, str):
            parsed = _parse_date(cand)
            if parsed:
                return parsed
    if url:
        mo = _URL_DATE_RE.search(url)
        if mo:
            y, mth, d = (int(x) for x in mo.groups())
            if 1990 <= y <= 2100:
                try:
                    return datetime(y, mth, d).date().isoformat(), "day"
                except ValueError:
                    pass
    return None, None


def _parse_date(s: str) -> tuple[str, Precision] | None:
    """A machine-readable page date -> (ISO string, precision); None if not one.

    ISO forms are read here (a bare midnight without zone is a date, not a time);
    anything else goes to the shared parser, relative dates excluded.
    """
    mo = _ISO_DATE_RE.search(s)
    if not mo:
        res = parse_date(s, relative_to=None)
        return res if res and res[1] != "approximate" else None
    y, mth, d, hh, mm, ss, tz = mo.groups()
    try:
        if hh is None or (not tz and int(hh) == 0 and mm == "00" and ss in (None, "00")):
            dt, precision = datetime(int(y), int(mth), int(d)), "day"
        else:
            tzs = "" if not tz else ("+00:00" if tz == "Z" else tz)
            if tzs and ":" not in tzs:
                tzs = tzs[:3] + ":" + tzs[3:]
            dt = datetime.fromisoformat(
                f"{int(y):04d}-{int(mth):02d}-{int(d):02d}T{int(hh):02d}:{mm}:{ss or '00'}{tzs}"
            )
            precision = "minute"
    except ValueError:
        return None
    if not 1990 <= dt.year <= 2100:
        return None
    return format_datetime(dt, precision), precision


# -- language ---------------------------------------------------------------


def _language(text: str) -> str | None:
    """ISO 639-1 code of the body (CLD2 first, py3langid only when it is unsure: see
    :func:`newsdesk.clean.metadata.detect_language`)."""
    return detect_language(text, LANG_SAMPLE)
