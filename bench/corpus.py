"""Synthetic benchmark corpora: real-shaped articles with perturbations, written as inputs.

Bodies come from ``../shared/data`` (article-extraction gold bodies and BASIL, 233 bodies of
more than 150 words) when present, else from the bundled demo corpus; each generated
article is a base body with its paragraphs after the second shuffled and a unique
closing line, so no two inputs are byte-identical (re-ingesting identical bytes would
add nothing). With so few bases nearly every article of a large corpus is a near copy
of an earlier one: dedup, copy re-dating and story assignment get their worst case,
while the annotators still see every article in full.
"""

from __future__ import annotations

import ast
import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def base_bodies(limit: int = 2000) -> list[tuple[str, str]]:
    """(title, body) pairs to build articles from."""
    bodies: list[tuple[str, str]] = []
    gt = SHARED / "article-extraction" / "ground-truth.json"
    if gt.exists():
        for item in json.loads(gt.read_text()).values():
            body = item.get("articleBody") or ""
            slug = (item.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
            title = re.sub(r"[-_]+", " ", re.sub(r"\.\w+$", "", slug)).strip().capitalize()
            if len(body.split()) > 150:
                bodies.append((title or body.split(".")[0][:80], body))
    basil = SHARED / "basil"
    if basil.exists():
        for f in sorted(basil.rglob("*.json")):
            d = json.loads(f.read_text())
            paras = d.get("body-paragraphs") or []
            if isinstance(paras, str):
                paras = ast.literal_eval(paras)
            text = "\n\n".join(" ".join(p) for p in paras)
            if len(text.split()) > 150:
                bodies.append((d.get("title") or "Untitled", text))
    if not bodies:
        from newsdesk.demo import CORPUS_DIR

        for f in sorted(CORPUS_DIR.rglob("*.txt")):
            text = f.read_text(encoding="utf-8")
            bodies.append((text.strip().splitlines()[0], text))
    return bodies[:limit]


OUTLETS = ["Harbour Gazette", "Northline Post", "Valley Courier", "Daily Compass",
           "Meridian Ledger", "Coastal Chronicle", "Estmark Times", "Radio Veskar"]  # fmt: skip


def articles(n: int, seed: int = 7) -> Iterator[dict]:
    """``n`` JSON-ready article records with perturbed bodies and spread-out dates."""
    rng = random.Random(seed)
    bases = base_bodies()
    for i in range(n):
        title, body = bases[i % len(bases)]
        paras = [p for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
        if len(paras) > 3:
            head, rest = paras[:2], paras[2:]
            rng.shuffle(rest)
            paras = head + rest
        paras.append(f"Reference {i:07d} for this edition.")
        day = 1 + (i * 28 // max(n, 1)) % 28
        yield {
            "id": f"bench-{i}",
            "title": f"{title} ({i})",
            "published": f"2025-03-{day:02d}",
            "publisher": OUTLETS[i % len(OUTLETS)],
            "text": "\n\n".join(paras),
        }


def write_text_inputs(folder: Path, n: int) -> Path:
    """One scraped-text file per article, with a little page chrome."""
    folder.mkdir(parents=True, exist_ok=True)
    for rec in articles(n):
        (folder / f"{rec['id']}.txt").write_text(
            f"Skip to content\n\n{rec['title']}\n\nBy Staff Reporter\n\n{rec['published']}\n\n"
            f"{rec['text']}\n\nSubscribe to our newsletter\n",
            encoding="utf-8",
        )
    return folder


def write_html_inputs(folder: Path, n: int, compress: bool = False) -> Path:
    """One HTML page per article, with navigation and footer chrome."""
    import html

    folder.mkdir(parents=True, exist_ok=True)
    for rec in articles(n):
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in rec["text"].split("\n\n"))
        page = (
            f"<html><head><title>{html.escape(rec['title'])}</title>"
            f'<meta property="og:site_name" content="{rec["publisher"]}">'
            f'<meta property="article:published_time" content="{rec["published"]}"></head>'
            f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{html.escape(rec['title'])}</h1>{paras}</article>"
            f"<footer>Copyright {rec['publisher']}. All rights reserved.</footer></body></html>"
        )
        name = folder / f"{rec['id']}.html"
        if compress:
            (folder / f"{rec['id']}.html.gz").write_bytes(gzip.compress(page.encode()))
        else:
            name.write_text(page, encoding="utf-8")
    return folder


def write_jsonl(path: Path, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in articles(n):
            fh.write(json.dumps(rec) + "\n")
    return path
