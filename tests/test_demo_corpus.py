"""The bundled demo corpus: well-formed, in every format, consistent with EXPECTED.json."""

from __future__ import annotations

import filecmp
import gzip
import html
import importlib.util
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from newsdesk.demo import CORPUS_DIR, EXPECTED_PATH
from newsdesk.model import Document, Skip
from newsdesk.sources import read_inputs

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_demo_corpus.py"


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    out: dict[str, Document] = {}
    for d in read_inputs([CORPUS_DIR]):
        assert isinstance(d, Document), f"demo corpus input skipped: {d}"
        out[Path(d.source).relative_to(CORPUS_DIR).as_posix()] = d
    return out


def _visible(doc: Document) -> str:
    """The document's words with tags, Markdown links and entities removed, spaces collapsed."""
    text = doc.content
    if doc.kind == "html":
        text = re.sub(r"<[^>]+>", " ", text)
        text = html.unescape(text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split())


def _norm(s: str) -> str:
    return " ".join(s.split())


def test_reads_without_skips_and_matches_expected(
    demo_corpus: Path, docs: dict[str, Document], expected: dict[str, Any]
) -> None:
    assert demo_corpus == CORPUS_DIR
    sources = {a["source"] for a in expected["articles"]}
    assert set(docs) == sources
    assert len(docs) == expected["counts"]["articles"] >= 40
    assert "EXPECTED.json" not in {Path(s).name for s in docs}  # kept out by .newsdeskignore


def test_every_input_format_is_present(docs: dict[str, Document]) -> None:
    def fmt(source: str) -> str:
        name = source.split(":")[0].split("#")[0]
        for ext in (".warc.gz", ".html.gz", ".jsonl", ".html", ".txt", ".md", ".rss", ".atom"):
            if name.endswith(ext):
                return ext
        return "?"

    counts = Counter(fmt(s) for s in docs)
    for ext in (".txt", ".md", ".html", ".html.gz", ".jsonl", ".warc.gz", ".rss", ".atom"):
        assert counts[ext] >= 1, f"no {ext} article in the demo corpus: {counts}"
    assert counts[".txt"] + counts[".md"] >= 10
    assert counts[".jsonl"] >= 5 and counts[".warc.gz"] >= 3
    kinds = Counter(d.kind for d in docs.values())
    assert kinds["text"] >= 15 and kinds["html"] >= 15
    assert any(d.clean is False for d in docs.values())
    assert any(d.kind == "html" and ":" in Path(s).name for s, d in docs.items())  # JSONL html


def test_outlets_aggregators_events_and_days(expected: dict[str, Any]) -> None:
    arts = expected["articles"]
    publishers = {a["publisher"] for a in arts}
    assert len(publishers) >= 6 and publishers <= set(expected["outlets"])
    aggregators = {a["aggregator"] for a in arts if a["aggregator"]}
    assert 1 <= len(aggregators) <= 2
    events = Counter(a["event"] for a in arts)
    multi = [e for e, n in events.items() if n >= 8]
    assert len(multi) == 3, events
    for event in multi:
        days = {a["published"] for a in arts if a["event"] == event and a["published"]}
        span = date.fromisoformat(max(days)) - date.fromisoformat(min(days))
        assert len(days) >= 3 and span.days >= 2, (event, days)
    # syndicated agency copies republished by several outlets
    wire = [a for a in arts if a["agencies"]]
    assert len({a["publisher"] for a in wire}) >= 4
    assert any(a["aggregator"] and a["agencies"] for a in arts)


def test_gold_bodies_are_in_the_inputs_and_chrome_is_not_in_the_bodies(
    docs: dict[str, Document], expected: dict[str, Any]
) -> None:
    for a in expected["articles"]:
        doc = docs[a["source"]]
        visible = _visible(doc)
        body = _norm(" ".join(a["body"]))
        for p in a["body"]:
            assert _norm(p) in visible, (a["key"], p[:60])
        for marker in a["boilerplate_markers"]:
            assert _norm(html.unescape(marker)) in visible, (a["key"], marker)
            assert _norm(marker) not in body, (a["key"], marker)
        for neg in a["negative_quotes"]:
            assert neg in visible and neg not in body
        assert a["title"] in visible or a["title"] == doc.given.get("title"), a["key"]


def test_chrome_of_every_kind_is_present(docs: dict[str, Document]) -> None:
    everything = "\n".join(_visible(d) for d in docs.values())
    for phrase in (
        "Skip to content",
        "Related article",
        "Read Entire Article",
        "hours ago",
        "Dear readers",
        "Original url",
        "News Feed",
        "indicates required",
        "Subscribe",
        "Read more:",
        "appeared first on",
        "Most read",
        "Accept all",
    ):
        assert phrase in everything, phrase
    raw = "\n".join(d.content for d in docs.values())
    assert "[said](#)" in raw and "<nav" in raw and "<figcaption>" in raw
    assert re.search(r"^— .+ \(@\w+\) \w+ \d+, \d{4}$", raw, re.M)  # embedded post


def test_quotes_and_time_expressions(expected: dict[str, Any]) -> None:
    arts = {a["key"]: a for a in expected["articles"]}
    kinds, cues, mentions = Counter(), Counter(), set()
    for q in expected["quotes"]:
        body = "\n".join(arts[q["article"]]["body"])
        assert q["text"] in body, q
        assert q["speaker"] in body or q["speaker"] in "\n".join(
            b for a in arts.values() for b in a["body"]
        )
        kinds[q["kind"]] += 1
        cues[q["cue"]] += 1
        mentions.add(q["speaker_mention"])
    assert kinds["direct"] >= 15 and kinds["partial"] >= 3
    assert {"said", "told", "wrote"} <= set(cues)
    assert {"he", "she"} & mentions and "the minister" in mentions
    assert any(q["medium"] == "X" for q in expected["quotes"])
    assert any(q["medium"] == "reporters" for q in expected["quotes"])
    bodies = "\n".join(b for a in arts.values() for b in a["body"])
    assert "\u201c" in bodies and '"' in bodies  # curly and straight quotes
    # a quote running over two paragraphs: an opening mark with no closing one
    assert any(p.count('"') == 1 and p.startswith('"') for a in arts.values() for p in a["body"])
    for t in expected["timexes"]:
        assert "\n".join(arts[t["article"]]["body"]).count(t["context"]) == 1, t
        assert re.fullmatch(r"\d{4}(-\d\d(-\d\d(T(MO|AF|EV|NI))?)?|-W\d\d)?", t["value"]), t
    contexts = " ".join(t["context"] for t in expected["timexes"])
    assert "last week" in contexts and "said Monday" in contexts and "On October" in contexts


def test_duplicates_and_stories_are_consistent(expected: dict[str, Any]) -> None:
    arts = {a["key"]: a for a in expected["articles"]}
    seen: set[str] = set()
    for group in expected["duplicates"]:
        orig = arts[group["original"]]
        assert orig["duplicate_of"] is None
        for c in group["copies"]:
            assert arts[c]["duplicate_of"] == group["original"]
            assert arts[c]["event"] == orig["event"]
            if arts[c]["published"]:
                assert arts[c]["published"] >= orig["published"]
            assert c not in seen
            seen.add(c)
    assert len(expected["duplicates"]) >= 4 and len(seen) >= 12
    assert any(arts[c]["aggregator"] for c in seen)
    members = [k for s in expected["stories"] for k in s["articles"]]
    assert sorted(members) == sorted(arts)
    assert sum(len(s["articles"]) >= 8 for s in expected["stories"]) == 3


def test_no_real_article_text(shared_dir: Path) -> None:
    """No 8-word run of the real seed scrapes appears in the invented corpus."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    seeds: set[tuple[str, ...]] = set()
    for p in sorted((shared_dir / "seeds").glob("*.txt")):
        seeds |= shingles(p.read_text(encoding="utf-8"))
    assert seeds
    for p in CORPUS_DIR.rglob("*"):
        if p.is_file():
            data = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
            overlap = shingles(data.decode("utf-8", "replace")) & seeds
            assert not overlap, (p.name, sorted(overlap)[:3])


def test_corpus_is_what_the_generator_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SCRIPT.is_file():
        pytest.skip("scripts/make_demo_corpus.py not present (installed package)")
    spec = importlib.util.spec_from_file_location("make_demo_corpus", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, mod)  # dataclasses look their module up
    spec.loader.exec_module(mod)
    data = mod.build(tmp_path / "c")
    assert data == json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))
    cmp = filecmp.dircmp(tmp_path / "c", CORPUS_DIR, ignore=["EXPECTED.json", "__pycache__"])
    stack = [cmp]
    while stack:
        c = stack.pop()
        assert not c.left_only and not c.right_only, (c.left_only, c.right_only)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        assert not mismatch and not errors, f"stale corpus files {mismatch}: rerun the script"
        stack.extend(c.subdirs.values())


def test_read_skips_nothing_in_subfolders(demo_corpus: Path) -> None:
    out = list(read_inputs([demo_corpus / "feeds", demo_corpus / "crawl"]))
    assert out and not [o for o in out if isinstance(o, Skip)]
    assert len(out) == 3 + 4 + 5


@pytest.mark.slow
def test_pipeline_end_to_end_against_expected(tmp_db: Path, expected: dict[str, Any]) -> None:
    """Ingest the corpus and compare with EXPECTED.json (loose bars: the stages improve)."""
    from newsdesk.pipeline import ingest
    from newsdesk.store import connect
    from newsdesk.store.records import iter_records

    summary = ingest([CORPUS_DIR], tmp_db)
    assert not summary.skipped, summary.skipped
    conn = connect(tmp_db, readonly=True)
    arts = list(iter_records(conn, "articles"))
    quotes = list(iter_records(conn, "quotes"))
    stories = list(iter_records(conn, "stories"))
    src_key = {e["source"]: e["key"] for e in expected["articles"]}
    key_of = {a["id"]: src_key[a["source"].removeprefix(f"{CORPUS_DIR}/")] for a in arts}
    assert len(arts) == len(key_of) == len(expected["articles"])
    gold = {e["key"]: e for e in expected["articles"]}
    by_key = {key_of[a["id"]]: a for a in arts}

    # duplicate groups: exactly the expected ones, each kept copy an acceptable original
    root = {a["id"]: a["duplicate_of"] or a["id"] for a in arts}
    groups: dict[str, set[str]] = {}
    for aid in root:
        r = aid
        while root[r] != r:
            r = root[r]
        groups.setdefault(r, set()).add(key_of[aid])
    got = {frozenset(g) for g in groups.values() if len(g) > 1}
    want = {frozenset([d["original"], *d["copies"]]) for d in expected["duplicates"]}
    assert got == want
    for d in expected["duplicates"]:
        kept = [k for k in [d["original"], *d["copies"]] if by_key[k]["duplicate_of"] is None]
        assert len(kept) == 1 and kept[0] in d["acceptable_originals"], (d, kept)

    titles = sum(_norm(by_key[k]["title"] or "") == _norm(g["title"]) for k, g in gold.items())
    assert titles >= 0.85 * len(gold)

    def toks(s: str) -> list[str]:
        return re.findall(r"\w+", s.lower())

    found = 0
    for q in expected["quotes"]:
        aid = by_key[q["article"]]["id"]
        want_t = toks(q["text"])
        found += any(
            p["article_id"] == aid
            and (toks(p["text"]) == want_t or " ".join(want_t) in " ".join(toks(p["text"])))
            for p in quotes
        )
    assert found >= 0.8 * len(expected["quotes"])

    # story purity: no story joins the core articles of two different events
    event_of = {k: g["event"] for k, g in gold.items()}
    cross = {k for s in expected["stories"] for k in s["cross_event"]}
    for s in stories:
        events = {event_of[key_of[i]] for i in s["article_ids"] if key_of[i] not in cross}
        assert len(events) <= 1, (s["title"], events)
