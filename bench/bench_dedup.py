"""Benchmark of the dedup stage alone on generated articles with copies.

    .venv/bin/python bench/bench_dedup.py [--n 100000] [--runs 3] [--batch 1000] [--per-article]

Generates a stream of synthetic articles (Zipf-distributed pseudo-words, 6-16
paragraphs) in which about a third are copies of a recent article (light: chrome
lines around the body, truncation, typos; edited: paragraphs dropped and added;
excerpt: the first paragraphs) and a few are follow-ups reusing one background
paragraph (not copies). Only the ``Deduper`` calls are timed, inside one write
transaction per batch on a database file, as in the pipeline. Prints articles/s per
run and the median, peak RSS, and pairwise precision/recall against the generated truth.
Pinned to one core when the OS allows it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsdesk.dedup import Deduper  # noqa: E402
from newsdesk.model import Article  # noqa: E402
from newsdesk.store.db import connect  # noqa: E402

START = datetime(2025, 1, 1)
CHROME = [
    "Sign up for our newsletter to get the top stories every morning",
    "This article was automatically republished from a partner feed",
    "Share this story with your friends and family on social media",
    "We use cookies to improve your experience on this site",
    "Support independent journalism with a small monthly donation today",
    "Read more stories like this one in our world news section",
]


class Generator:
    """A deterministic stream of (Article, base id or None) pairs."""

    def __init__(self, seed: int = 1, vocab: int = 30_000) -> None:
        self.rng = np.random.default_rng(seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        lengths = self.rng.integers(2, 10, size=vocab)
        self.words = ["".join(self.rng.choice(letters, size=n)) for n in lengths.tolist()]
        ranks = np.arange(1, vocab + 1, dtype=np.float64)
        p = 1.0 / ranks**1.05
        self.cdf = np.cumsum(p / p.sum())
        self.recent: list[tuple[str, list[str]]] = []
        self.count = 0

    def _paragraph(self) -> str:
        sentences = []
        for _ in range(int(self.rng.integers(1, 4))):
            u = self.rng.random(int(self.rng.integers(12, 30)))
            idx = np.minimum(np.searchsorted(self.cdf, u), len(self.words) - 1)
            words = [self.words[i] for i in idx.tolist()]
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + ".")
        return " ".join(sentences)

    def _typos(self, para: str) -> str:
        words = para.split(" ")
        for i in self.rng.integers(0, len(words), size=max(1, len(words) // 100)).tolist():
            words[i] = words[i][::-1]
        return " ".join(words)

    def _copy(self, paras: list[str]) -> list[str]:
        kind = self.rng.random()
        if kind < 0.55:  # light
            keep = paras[: max(2, int(len(paras) * self.rng.uniform(0.7, 1.0)))]
            keep = [self._typos(p) for p in keep]
            k = int(self.rng.integers(1, 4))
            head = [CHROME[i] for i in self.rng.choice(len(CHROME), size=k, replace=False)]
            return head + keep + [CHROME[int(self.rng.integers(len(CHROME)))]]
        if kind < 0.85:  # edited: lede kept, middle paragraphs dropped, local ones added
            rest = paras[1:]
            drop = set(self.rng.choice(len(rest), size=len(rest) // 4, replace=False).tolist())
            body = [paras[0]] + [p for i, p in enumerate(rest) if i not in drop]
            body.insert(int(self.rng.integers(2, len(body) + 1)), self._paragraph())
            return body
        return paras[:3] + ["Read the full story on the original site."]  # excerpt

    def __iter__(self) -> Iterator[tuple[Article, str | None]]:
        return self

    def __next__(self) -> tuple[Article, str | None]:
        self.count += 1
        aid = f"a{self.count:07d}"
        # one article a minute: a copy is always published after its original
        date = (START + timedelta(minutes=self.count)).isoformat()
        r = self.rng.random()
        base: str | None = None
        if r < 0.3 and self.recent:  # a copy of a recent article
            base, paras = self.recent[int(self.rng.integers(len(self.recent)))]
            paras = self._copy(paras)
            art = Article(id=aid, source="bench", text="\n\n".join(paras), published=date)
            return art, base
        paras = [self._paragraph() for _ in range(int(self.rng.integers(6, 17)))]
        if r < 0.35 and self.recent:  # follow-up reusing one background paragraph
            _, other = self.recent[int(self.rng.integers(len(self.recent)))]
            paras.insert(3, other[-1])
        self.recent.append((aid, paras))
        if len(self.recent) > 2000:
            self.recent.pop(0)
        url = f"https://example.org/{aid}"
        art = Article(id=aid, source="bench", text="\n\n".join(paras), published=date, url=url)
        return art, None


def run_once(n: int, batch: int, per_article: bool, seed: int) -> dict:
    """Generate and deduplicate ``n`` articles; return timing and quality figures."""
    gen = Generator(seed)
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "bench.db")
        dd = Deduper(conn)
        truth: dict[str, str | None] = {}
        dup: dict[str, str | None] = {}
        elapsed = cpu = 0.0
        done = 0
        while done < n:
            items = [next(gen) for _ in range(min(batch, n - done))]
            for art, base in items:
                truth[art.id] = base
            arts = [a for a, _ in items]
            t0, c0 = time.perf_counter(), time.process_time()
            conn.execute("BEGIN IMMEDIATE")
            if per_article:
                for a in arts:
                    dup.update(dd.assign(a))
            else:
                dup.update(dd.assign_batch(arts))
            conn.execute("COMMIT")
            elapsed += time.perf_counter() - t0
            cpu += time.process_time() - c0
            done += len(arts)
        conn.close()

    # quality: a copy is right when it lands in its base's group (roots compared)
    def root(a: str) -> str:
        return dup.get(a) or a

    copies = [a for a, b in truth.items() if b]
    found = sum(1 for a in copies if root(a) == root(truth[a]))
    marked = [a for a, d in dup.items() if d]
    false = sum(1 for a in marked if not truth[a] or root(a) != root(truth[a]))
    return {
        "articles_per_s": n / elapsed,
        "cpu_articles_per_s": n / cpu,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "copies": len(copies),
        "copy_recall": found / max(1, len(copies)),
        "marked": len(marked),
        "false_marked": false,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="articles per run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=1000, help="articles per transaction")
    ap.add_argument("--per-article", action="store_true", help="call assign() per article")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rates, cpu_rates = [], []
    for i in range(args.runs):
        r = run_once(args.n, args.batch, args.per_article, args.seed)
        rates.append(r["articles_per_s"])
        cpu_rates.append(r["cpu_articles_per_s"])
        print(
            f"run {i + 1}: {r['articles_per_s']:.0f} articles/s wall ({r['seconds']:.1f} s), "
            f"{r['cpu_articles_per_s']:.0f} articles/s CPU ({r['cpu_seconds']:.1f} s), "
            f"copies {r['copies']}, copy recall {r['copy_recall']:.4f}, "
            f"marked {r['marked']}, false {r['false_marked']}",
            flush=True,
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mode = "assign per article" if args.per_article else f"assign_batch of {args.batch}"
    print(
        f"median {statistics.median(rates):.0f} articles/s wall, "
        f"{statistics.median(cpu_rates):.0f} articles/s CPU, over {args.runs} runs of {args.n} "
        f"({mode}); peak RSS {peak_mb:.0f} MB (whole process, generator included)"
    )


if __name__ == "__main__":
    main()
