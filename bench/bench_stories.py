"""Benchmark: story assignment throughput over generated articles.

    .venv/bin/python bench/bench_stories.py [--articles 100000] [--finalize] [--seed 1]

Generates a stream of synthetic articles (invented pseudo-words, no real text): events
spread over a year, each with its own words, names and figures, reported by 1-8
articles over a few days, some of them syndicated copies. The articles are assigned in
publication order, as the pipeline does, and the script prints the assignment rate
(articles/s on one core), the B-cubed F1 against the generating events, and with
``--finalize`` the time of ``finalize()`` (which reads the stored article rows).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _common import peak_rss_mb, pin_one_core  # noqa: E402

from newsdesk.model import Article  # noqa: E402
from newsdesk.store.db import connect  # noqa: E402
from newsdesk.stories import StoryAssigner  # noqa: E402

SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]


def pseudo_word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def generate(n_articles: int, seed: int) -> tuple[list[Article], dict[str, int]]:
    """Articles in publication order and the event each one reports."""
    rng = random.Random(seed)
    common = [pseudo_word(rng, rng.randint(2, 4)) for _ in range(5000)]
    cum: list[float] = []  # Zipf-like background words (cumulative weights: faster draws)
    for i in range(len(common)):
        cum.append((cum[-1] if cum else 0.0) + 1.0 / (i + 1))
    by_id: dict[str, Article] = {}
    topics = [[pseudo_word(rng, 3) for _ in range(12)] for _ in range(300)]
    start = date(2024, 1, 1)
    articles: list[tuple[str, Article, int]] = []
    event = 0
    while len(articles) < n_articles:
        event += 1
        # Events of one topic share half their words (two earthquakes): hard negatives.
        words = rng.sample(topics[rng.randrange(len(topics))], 4)
        words += [pseudo_word(rng, 3) for _ in range(4)]
        names = [pseudo_word(rng, 2).title() + " " + pseudo_word(rng, 3).title() for _ in range(3)]
        figure = str(rng.randint(2, 9999))
        day0 = rng.randint(0, 364)
        originals: list[str] = []
        for k in range(rng.randint(1, 8)):
            aid = f"a{event}-{k}"
            day = start + timedelta(days=day0 + rng.randint(0, 3))
            if originals and rng.random() < 0.1:
                src = by_id[originals[0]]
                art = Article(id=aid, source=aid, text=src.text, title=src.title,
                              published=day.isoformat(), publisher="Aggregator",
                              duplicate_of=src.id)  # fmt: skip
            else:
                title = " ".join(rng.sample(words, 4) + rng.choices(common, cum_weights=cum, k=3))
                sents = []
                for _ in range(12):
                    sent = rng.choices(common, cum_weights=cum, k=10) + rng.sample(words, 2)
                    if rng.random() < 0.5:
                        sent.append(rng.choice(names))
                    if rng.random() < 0.2:
                        sent.append(figure)
                    rng.shuffle(sent)
                    sents.append("The " + " ".join(sent) + ".")
                text = "\n\n".join(" ".join(sents[i : i + 3]) for i in range(0, 12, 3))
                art = Article(id=aid, source=aid, text=text, title=title.capitalize(),
                              published=day.isoformat(), publisher=f"Outlet {k}")  # fmt: skip
                originals.append(aid)
                by_id[aid] = art
            articles.append((art.published or "", art, event))
    articles.sort(key=lambda x: (x[0], x[1].duplicate_of is not None))
    arts = [a for _, a, _ in articles[:n_articles]]
    gold = {a.id: e for _, a, e in articles[:n_articles]}
    return arts, gold


def bcubed_f1(pred: dict[str, str], gold: dict[str, int]) -> float:
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[int, set[str]] = {}
    for a, s in pred.items():
        by_pred.setdefault(s, set()).add(a)
        by_gold.setdefault(gold[a], set()).add(a)
    p = statistics.fmean(
        len(by_pred[pred[a]] & by_gold[gold[a]]) / len(by_pred[pred[a]]) for a in pred
    )
    r = statistics.fmean(
        len(by_pred[pred[a]] & by_gold[gold[a]]) / len(by_gold[gold[a]]) for a in pred
    )
    return 2 * p * r / (p + r)


def insert_rows(conn: sqlite3.Connection, arts: list[Article]) -> None:
    conn.executemany(
        "INSERT INTO articles (id, source, text, title, published, published_sort, publisher,"
        " duplicate_of, story_id) VALUES (?,?,?,?,?,?,?,?,?)",
        [(a.id, a.source, a.text, a.title, a.published, a.published or "", a.publisher,
          a.duplicate_of, a.story_id) for a in arts],
    )  # fmt: skip


def run_once(arts: list[Article], gold: dict[str, int], finalize: bool) -> dict[str, object]:
    """Assign every article in a fresh database (one transaction); measure and score."""
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "bench.db")
        sa = StoryAssigner(conn, run_id=1)
        conn.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        for a in arts:
            a.story_id = sa.assign(a)
            sa.similarities(a.id)
        assign_s = time.perf_counter() - t0
        result: dict[str, object] = {
            "articles": len(arts),
            "events": len(set(gold.values())),
            "assign_s": round(assign_s, 2),
            "articles_per_s": round(len(arts) / assign_s, 1),
            "stories_online": len({a.story_id for a in arts}),
        }
        if finalize:
            insert_rows(conn, arts)
            t0 = time.perf_counter()
            sa.finalize()
            result["finalize_s"] = round(time.perf_counter() - t0, 2)
            conn.execute("COMMIT")
            pred = dict(conn.execute("SELECT id, story_id FROM articles"))
        else:
            conn.execute("COMMIT")
            pred = {a.id: a.story_id or "" for a in arts}
        result["stories"] = len(set(pred.values()))
        result["bcubed_f1"] = round(bcubed_f1(pred, gold), 4)
        conn.close()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--finalize", action="store_true", help="also store rows and finalize")
    ap.add_argument("--runs", type=int, default=1, help="repeat and report the median")
    args = ap.parse_args(argv)
    pin_one_core()

    t0 = time.perf_counter()
    arts, gold = generate(args.articles, args.seed)
    gen_s = time.perf_counter() - t0
    rates: list[float] = []
    result: dict[str, object] = {}
    for _ in range(args.runs):
        for a in arts:
            a.story_id = None
        result = run_once(arts, gold, args.finalize)
        rates.append(float(result["articles_per_s"]))  # type: ignore[arg-type]
    result["generate_s"] = round(gen_s, 2)
    result["runs"] = [round(r, 1) for r in rates]
    result["median_articles_per_s"] = round(statistics.median(rates), 1)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
