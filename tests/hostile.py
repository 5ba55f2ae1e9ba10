"""Builds a corpus of hostile inputs in a folder at test time (nothing big is committed).

Each :class:`Case` is one file; ``expect`` says what a correct ingest does with it:
``"skip"`` (every document of it ends as a Skip with a reason), ``"article"`` (at least
one clean article comes out) or ``"any"`` (either is acceptable, as long as it ends).
Big inputs are sparse files or compressed streams, so the corpus costs a few MB of disk.
All article sentences are invented.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SENTENCES = [
    "The harbour council of Velmora voted on Tuesday to close the old ferry pier.",
    '"We cannot keep patching it every winter," said Ilsa Marrow, the council chair.',
    "Repairs since 2019 have cost the town about 4.2 million crowns, officials said.",
    "Fishermen who moor at the pier were told to move to the north basin by March 3.",
    "A group of residents said they would challenge the decision at the regional court.",
    "The ferry company said its timetable would not change before the summer season.",
]


def article_text(seed: int = 0, paragraphs: int = 6) -> str:
    """An invented news article of a few paragraphs."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        paras.append(" ".join(rng.sample(SENTENCES, 3)))
    return "Pier to close after council vote\n\n" + "\n\n".join(paras) + "\n"


def article_html(body_extra: str = "", head_extra: str = "", seed: int = 0) -> str:
    paras = "".join(f"<p>{p}</p>\n" for p in article_text(seed).split("\n\n")[1:])
    return (
        f"<!doctype html><html><head><title>Pier to close</title>{head_extra}</head>"
        f"<body><article><h1>Pier to close after council vote</h1>{paras}</article>"
        f"{body_extra}</body></html>"
    )


@dataclass
class Case:
    name: str  # file name (its extension picks the reader)
    expect: str  # "skip", "article" or "any"
    build: Callable[[Path], None]  # writes the file at the given path
    what: str  # one line: what is hostile about it
    # Its cost sits in one long C call (libxml2) that SIGALRM cannot interrupt.
    uninterruptible: bool = False


def _write(data: bytes | str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return build


def _sparse(size: int, head: bytes = b"", tail: bytes = b"") -> Callable[[Path], None]:
    """A file of ``size`` bytes that is a hole except ``head`` and ``tail``."""

    def build(path: Path) -> None:
        with path.open("wb") as f:
            f.write(head)
            f.truncate(size - len(tail))
            f.seek(size - len(tail))
            f.write(tail)

    return build


def _gzip_bomb(size: int, unit: bytes = b" ") -> Callable[[Path], None]:
    def build(path: Path) -> None:
        chunk = unit * (1 << 20)
        with gzip.open(path, "wb", compresslevel=9) as f:
            f.write(b"<html><body><p>")
            for _ in range(size >> 20):
                f.write(chunk)

    return build


def _jsonl_long_line(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        good = json.dumps({"id": "ok-1", "title": "Pier vote", "text": article_text(1)})
        with path.open("w", encoding="utf-8") as f:
            f.write(good + "\n")
            f.write('{"id": "huge", "text": "')
            block = "word " * 200_000  # 1 MB
            for _ in range(size // len(block)):
                f.write(block)
            f.write('"}\n')
            f.write(good.replace("ok-1", "ok-2").replace("Pier vote", "Pier vote 2") + "\n")

    return build


def _warc_garbage(path: Path) -> None:
    rng = random.Random(3)
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"Content-Length: 999999\r\nWARC-Target-URI: http://example.invalid/a\r\n\r\n"
    )
    path.write_bytes(head + bytes(rng.randrange(256) for _ in range(20_000)))


def _warc_random(path: Path) -> None:
    rng = random.Random(4)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(50_000)))


def _warc_truncated_gz(path: Path) -> None:
    body = article_html().encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    rec = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>\r\n"
        b"WARC-Date: 2025-03-01T10:00:00Z\r\nWARC-Target-URI: http://example.invalid/b\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {len(http)}\r\n\r\n".encode()
        + http
        + b"\r\n\r\n"
    )
    data = gzip.compress(rec)
    path.write_bytes(data[: len(data) // 2])


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>
"""

XXE_FEED = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>XXE</title>
<item><title>Secret</title><description>&xxe; The pier will close, the council said.</description>
</item></channel></rss>
"""


def _many_entries_feed(path: Path) -> None:
    items = "".join(
        f"<item><title>Note {i}</title><description>{SENTENCES[i % 6]}</description></item>"
        for i in range(3000)
    )
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>')


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def cases() -> list[Case]:
    """The hostile corpus (at least 30 inputs)."""
    text = article_text()
    html = article_html()
    rng = random.Random(11)
    rand_bytes = bytes(rng.randrange(256) for _ in range(64_000))
    return [
        Case("random-bytes.txt", "skip", _write(rand_bytes), "64 KB of random bytes"),
        Case("png-named.html", "skip", _write(b"\x89PNG\r\n\x1a\n" + rand_bytes[:4000]),
             "a PNG image named .html"),
        Case("elf-named.md", "skip", _write(b"\x7fELF" + rand_bytes[:4000]), "an executable"),
        Case("gzip-bomb.html.gz", "skip", _gzip_bomb(300 << 20),
             "gzip that inflates to 300 MB"),
        Case("gzip-bomb-in-plain.html", "skip",
             lambda p: p.write_bytes(gzip.compress(b" " * (120 << 20), 9)),
             "gzip bytes inside a plain .html name (inflates to 120 MB)"),
        Case("one-gigabyte-line.txt", "skip", _sparse(1 << 30, b"Pier " * 10),
             "a 1 GB single line (sparse file)"),
        Case("one-gigabyte-line.jsonl", "any",
             _sparse(1 << 30, b'{"text": "', b'"}\n' + json.dumps({"text": text}).encode()
                     + b"\n"),
             "JSONL whose first line is 1 GB (sparse), then a good record"),
        Case("hundred-mb-line.jsonl", "article", _jsonl_long_line(100 << 20),
             "JSONL with a 100 MB line between two good records"),
        Case("nested-divs.html", "any", _write("<div>" * 200_000 + html + "</div>" * 10),
             "200 000 nested <div>"),
        Case("nested-tables.html", "any",
             _write("<table><tr><td>" * 60_000 + html), "60 000 nested tables, never closed"),
        Case("nested-inline.html", "any", _write(html.replace("<p>", "<p>" + "<b><i>" * 20_000)),
             "20 000-deep inline nesting inside paragraphs"),
        Case("invalid-utf8.txt", "any",
             _write(text.encode() + b"\xc3\x28\xa0\xa1\xe2\x28\xa1" * 500 + "é".encode() * 50),
             "UTF-8 with thousands of invalid sequences"),
        Case("cesu8-surrogates.txt", "any",
             _write(text.encode() + b"\xed\xa0\xbd\xed\xb8\x80" * 20),
             "CESU-8 encoded surrogates"),
        Case("bom-utf8.txt", "article", _write(b"\xef\xbb\xbf" + text.encode()), "UTF-8 BOM"),
        Case("bom-utf16le.txt", "article", _write(b"\xff\xfe" + text.encode("utf-16-le")),
             "UTF-16-LE with BOM"),
        Case("bom-utf32be.html", "article", _write(b"\x00\x00\xfe\xff" + html.encode("utf-32-be")),
             "UTF-32-BE with BOM"),
        Case("bom-only.txt", "skip", _write(b"\xef\xbb\xbf"), "nothing but a BOM"),
        Case("utf16-no-bom.txt", "skip", _write(text.encode("utf-16-le")),
             "UTF-16 without a BOM (NUL bytes)"),
        Case("null-bytes.txt", "skip", _write(text.replace(" ", "\x00", 40)),
             "NUL bytes inside text"),
        Case("control-chars.txt", "skip",
             _write("".join(chr(rng.randrange(1, 31)) + c for c in text)),
             "a control character after every letter"),
        Case("rtl-arabic.txt", "any", _write(
            "\u0625\u063a\u0644\u0627\u0642 \u0627\u0644\u0631\u0635\u064a\u0641\n\n"
            + ("\u0642\u0627\u0644 \u0627\u0644\u0645\u062c\u0644\u0633 \u0625\u0646 "
               "\u0627\u0644\u0631\u0635\u064a\u0641 \u0633\u064a\u063a\u0644\u0642. ") * 60),
            "right-to-left Arabic text"),
        Case("bidi-controls.txt", "any",
             _write(text.replace("council", "\u202ecouncil\u202c\u200f")),
             "bidi override and RTL marks inside English"),
        Case("emoji.txt", "any", _write(("🚢🌊 " * 20 + "\n\n") * 30 + "👩‍👩‍👧‍👦" * 500),
             "emoji only, with ZWJ sequences"),
        Case("emoji-in-article.txt", "article",
             _write(text.replace(".", " 🚢👩🏽‍⚖️.", 8).replace('"', "“", 2)),
             "an article with emoji and modifiers inside quoted sentences"),
        Case("combining-marks.txt", "any", _write("Pi\u0301e\u0308r" * 5 + "a" + "\u0301" * 50_000),
             "one letter with 50 000 combining marks"),
        Case("script-laden.html", "article",
             _write(article_html(body_extra="<script>var x=1;" + "x+=1;" * 50 + "</script>" * 1
                                 + "<script>document.write('<p>ad</p>')</script>" * 5000)),
             "an article followed by 5000 script blocks"),
        Case("unclosed-script.html", "any",
             _write("<html><body><script>" + "var a = '<p>text</p>';" * 20_000 + html),
             "a <script> that never closes"),
        Case("huge-attribute.html", "any",
             _write(article_html(head_extra='<meta name="x" content="' + "A" * (20 << 20) + '">')),
             "a 20 MB attribute value"),
        Case("many-attributes.html", "any",
             _write(html.replace("<article>", "<article " + " ".join(
                 f"data-a{i}='{i}'" for i in range(60_000)) + ">")),
             "an element with 60 000 attributes (libxml2 checks them pairwise)",
             uninterruptible=True),
        Case("unclosed-comment.html", "any", _write(html[:200] + "<!--" + html[200:] * 50),
             "a comment that never closes"),
        Case("million-paragraphs.html", "any",
             _write("<html><body>" + "<p>a</p>" * 1_000_000 + "</body></html>"),
             "a million one-letter paragraphs"),
        Case("bogus-charset.html", "any",
             _write(article_html(head_extra='<meta charset="x-unknown-7">').encode("latin-1",
                                                                                  "replace")),
             "a <meta charset> naming no real encoding"),
        Case("no-spaces.txt", "any", _write("Pier" + "a" * 3_000_000),
             "a 3 MB word without spaces"),
        Case("quote-storm.txt", "any",
             _write(('"' * 5000 + " said " + "“" * 3000 + "\n\n") * 20),
             "thousands of unbalanced quotation marks and speech verbs"),
        Case("date-storm.txt", "any",
             _write("On 3 March 2024 and on Tuesday, 12:30, last week, 2019-05-01. " * 30_000),
             "60 000 date expressions in one text"),
        Case("newline-storm.txt", "any", _write("Pier\n" + "\n" * 2_000_000 + "closed.\n"),
             "two million newlines"),
        Case("long-article.txt", "any", _write(article_text(5, paragraphs=3000)),
             "a 1.6 MB article of ordinary sentences"),
        Case("empty.txt", "skip", _write(b""), "an empty file"),
        Case("whitespace.md", "skip", _write(" \n\t\n" * 1000), "whitespace only"),
        Case("corrupt.html.gz", "skip", _write(b"\x1f\x8b\x08\x00" + rand_bytes[:3000]),
             "corrupt gzip"),
        Case("garbage.warc", "skip", _warc_garbage, "a WARC header followed by garbage"),
        Case("random.warc", "skip", _warc_random, "random bytes named .warc"),
        Case("truncated.warc.gz", "any", _warc_truncated_gz, "a gzipped WARC cut in half"),
        Case("billion-laughs.rss", "any", _write(BILLION_LAUGHS),
             "a feed with billion-laughs entity expansion"),
        Case("xxe.rss", "any", _write(XXE_FEED), "a feed with an external entity (local file)"),
        Case("many-entries.rss", "any", _many_entries_feed, "a feed with 3000 entries"),
        Case("deep.json", "skip", _write("[" * 200_000 + "]" * 200_000),
             "JSON nested 200 000 deep"),
        Case("bad-records.jsonl", "any", _write("\n".join([
            '{"text": null}', '{"text": 42}', '{"text": ["a"]}', "not json",
            '{"text": "' + text.replace("\n", "\\n").replace('"', '\\"') + '", '
            '"published": "the day after never", "authors": {"x": 1}}',
            '{"id": 1e999999, "text": "x"}', '{"text": "' + "9" * 10_000 + '"}',
            "[1, 2, 3]", '"just a string"',
        ])), "JSONL records of wrong types and garbage dates"),
        Case("fifo.txt", "skip", _fifo, "a named pipe (would block a naive reader)"),
    ]  # fmt: skip


def build(folder: Path) -> list[tuple[Case, Path]]:
    """Write every case into ``folder``; return (case, path) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in cases():
        path = folder / case.name
        case.build(path)
        out.append((case, path))
    return out
