"""Throughput of the annotate stage (entities + quotes + speakers) on ~700-word articles.

    .venv/bin/python bench/bench_quotes.py [--n 60] [--repeat 3] [--words 700]

Runs on one pinned core. Articles are cut from the PolNeAR texts in ../shared when they
are there (real news prose), else built from invented sentences. The model load is
excluded; each run annotates every article once with ``annotate_articles``. Reports
articles/s by wall clock (``median``) and by process CPU time (``cpu_median``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import pin_one_core, report, timed_runs  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"

_SENTENCES = [
    '"We will not accept these terms," Minister Anna Kovacs told reporters on Tuesday.',
    "The finance ministry said that revenue fell by 4 percent in the third quarter.",
    "According to the agency, about 3,000 households lost power after the storm.",
    "Mayor Leon Brandt, a former teacher, argued the budget left schools underfunded.",
    '"This is a turning point," he said. "Nobody expected it to happen so quickly."',
    "Officials in the northern province described the flooding as \u201cunprecedented.\u201d",
    "The company plans to open two new plants near the border next spring.",
    "Kovacs later wrote on social media that talks would resume within a week.",
    "Analysts at the central bank expect inflation to ease by the end of the year.",
    "Residents gathered outside the town hall, where the council met until midnight.",
]


def articles(n: int, words: int) -> list[str]:
    """``n`` article texts of about ``words`` words each."""
    rng = random.Random(7)
    pool: list[str] = []
    if SHARED.is_dir():
        for f in sorted((SHARED / "dev" / "text").glob("*.txt")):
            pool += [p for p in f.read_text(encoding="utf-8").split("\n\n") if len(p) > 80]
    if not pool:
        pool = [" ".join(rng.sample(_SENTENCES, 3)) for _ in range(200)]
    out = []
    for _ in range(n):
        paras: list[str] = []
        count = 0
        while count < words:
            p = rng.choice(pool)
            paras.append(p)
            count += len(p.split())
        out.append("\n\n".join(paras))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60, help="articles per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs (the median is reported)")
    ap.add_argument("--words", type=int, default=700, help="words per article")
    args = ap.parse_args()
    pin_one_core()

    from newsdesk.annotate import annotate_articles
    from newsdesk.annotate.nlp import get_nlp
    from newsdesk.model import Article

    texts = articles(args.n, args.words)
    get_nlp()
    warm = [Article(id="w", source="w", text=texts[0])]
    annotate_articles(warm)
    n_quotes = 0

    def run() -> int:
        nonlocal n_quotes
        arts = [Article(id=str(i), source="bench", text=t) for i, t in enumerate(texts)]
        annotate_articles(arts)
        n_quotes = sum(len(a.quotes) for a in arts)
        return len(arts)

    # CPU seconds as well as wall time: on a shared machine the wall clock counts the
    # time other processes hold the core, the process CPU time does not
    cpu_rates = []

    def run_cpu() -> int:
        t0 = time.process_time()
        n = run()
        cpu_rates.append(n / (time.process_time() - t0))
        return n

    rates = timed_runs(run_cpu, args.repeat)
    report(
        "annotate (entities+quotes)",
        rates,
        "articles/s",
        articles=args.n,
        words_per_article=args.words,
        quotes_per_run=n_quotes,
        source="polnear" if SHARED.is_dir() else "synthetic",
        cpu_median=round(statistics.median(cpu_rates), 1),
        cpu_runs=[round(r, 1) for r in cpu_rates],
    )


if __name__ == "__main__":
    main()
