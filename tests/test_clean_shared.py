"""Checks of the text cleaner against ../shared: the seed gold, the sourcing articles and
the page-chrome pools of the dedup evaluation. Skipped when ../shared is absent."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.clean import clean_document
from newsdesk.model import Document

pytestmark = pytest.mark.shared

CRAWLED = datetime(2025, 4, 7, 19, 0, tzinfo=UTC)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _recall(gold: str, pred: str, n: int = 4) -> float:
    """Share of gold word n-grams found in the prediction (multiset)."""

    def grams(t: str) -> Counter[tuple[str, ...]]:
        tok = _tokens(t)
        return Counter(tuple(tok[i : i + n]) for i in range(max(0, len(tok) - n + 1)))

    g, p = grams(gold), grams(pred)
    return sum((g & p).values()) / max(1, sum(g.values()))


def _seed_results(shared: Path) -> list[tuple[dict, object]]:
    gold = json.loads((shared / "gold" / "seeds.json").read_text(encoding="utf-8"))
    out = []
    for name, g in sorted(gold.items()):
        raw = (shared / "seeds" / name).read_text(encoding="utf-8")
        doc = Document(source=name, kind="text", content=raw, crawled_at=CRAWLED)
        out.append((g, clean_document(doc)))
    return out


def test_seed_bodies_match_gold(shared_dir: Path) -> None:
    for g, r in _seed_results(shared_dir):
        body = "\n".join(g["body"])
        assert _recall(body, r.text) >= 0.98, g["title"]
        assert _recall(r.text, body) >= 0.98, g["title"]  # precision
        low = " ".join(r.text.lower().split())
        for marker in g["boilerplate_markers"]:
            assert " ".join(marker.lower().split()) not in low, marker


def test_seed_metadata_matches_gold(shared_dir: Path) -> None:
    for g, r in _seed_results(shared_dir):
        assert r.title == g["title"]
        assert (r.publisher or None) == g.get("publisher")
        assert (r.url or None) == g.get("url")
        names = {x.casefold() for x in r.authors + r.agencies}
        assert all(a.casefold() in names for a in g.get("authors") or [])
        rng = g.get("published_range")
        day = r.published[:10] if r.published else None
        if rng:
            assert day is None or rng[0] <= day <= rng[1]
        elif g.get("published") is None:
            assert day is None or r.published_precision == "approximate"
        else:
            assert day == g["published"][:10]


def _sourcing_files(shared: Path) -> list[Path]:
    files = sorted((shared / "data" / "sourcing" / "articles").glob("*.txt"))
    if not files:
        pytest.skip("../shared/data/sourcing not present")
    return files


def _strip_header(raw: str) -> str:
    """Drop the 'Headline:/Date:' lines or the '=====' block, as the evaluator does."""
    lines = raw.lstrip("\ufeff").splitlines()
    i = 0
    if lines and set(lines[0].strip()) == {"="}:
        i = 1 + next(j for j in range(1, len(lines)) if set(lines[j].strip()) == {"="})
    else:
        while i < len(lines) and re.match(r"\s*[A-Za-z]+:\s", lines[i]) and i < 6:
            i += 1
    return "\n".join(lines[i:]).strip("\n")


def test_sourcing_articles_keep_their_body(shared_dir: Path) -> None:
    kept = total = 0
    for f in _sourcing_files(shared_dir):
        body = _strip_header(f.read_text(encoding="utf-8"))
        r = clean_document(Document(source=f.name, kind="text", content=body))
        kept += len(r.text.split())
        total += len(body.split())
        # never more than a quarter of one article's words (captions of a PDF copy)
        assert len(r.text.split()) >= 0.75 * len(body.split()), f.name
    assert kept >= 0.95 * total


def _dedup_pools(shared: Path) -> dict[str, list[str]]:
    path = shared / "eval" / "tasks" / "dedup.py"
    if not path.is_file():
        pytest.skip("../shared/eval not present")
    sys.path.insert(0, str(path.parents[1]))
    try:
        spec = importlib.util.spec_from_file_location("_dedup_task", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
    finally:
        sys.path.pop(0)
    return {
        "wrap": mod.BOILERPLATE,
        "header": mod.CHROME_HEADER,
        "appeal": mod.CHROME_APPEAL,
        "most_read": mod.CHROME_MOST_READ,
        "footer": mod.CHROME_FOOTER,
    }


BODY = [
    "The regional water board agreed on Monday to raise prices by four percent from January, "
    "citing the cost of repairing aging pipes.",
    "Board chair Lina Okafor said the increase was the smallest in a decade and would pay for "
    "new meters in every district.",
    '"Nobody likes paying more, but the pipes will not fix themselves," she told the meeting.',
    "Consumer groups said they would ask the state regulator to review the decision.",
]


def test_dedup_chrome_pools_are_removed(shared_dir: Path) -> None:
    pools = _dedup_pools(shared_dir)
    outlet, body = "The Elmstead Observer", "\n\n".join(BODY)

    def fill(lines: list[str]) -> list[str]:
        return [x.format(outlet=outlet, year=2022, publisher=outlet) for x in lines]

    wrap = pools["wrap"]
    for k in range(0, len(wrap), 6):  # every wrap line, before and after the body
        before, after = wrap[k : k + 6], wrap[(k + 13) % len(wrap) : (k + 13) % len(wrap) + 5]
        text = "\n".join(before) + "\n\n" + body + "\n\n" + "\n".join(after)
        r = clean_document(Document(source="w", kind="text", content=text, given={"title": "T"}))
        assert r.text.split("\n\n") == BODY, (before, after)
    for k in range(3):  # outlet template chrome in a few shapes
        header = fill(pools["header"][k : k + 6])
        appeal = fill(pools["appeal"][k * 5 : k * 5 + 12])
        most = ["Most read", *pools["most_read"][k : k + 5]]
        footer = fill(pools["footer"][k * 3 : k * 3 + 7])
        text = (
            "\n".join(header)
            + "\n\n"
            + body
            + "\n\n"
            + "\n\n".join("\n".join(b) for b in (appeal, most, footer))
        )
        r = clean_document(Document(source="t", kind="text", content=text, given={"title": "T"}))
        assert r.text.split("\n\n") == BODY, k
