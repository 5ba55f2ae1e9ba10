"""End-to-end scale: articles/s per core, worker speed-up, cost per article vs corpus size.

    .venv/bin/python bench/bench_scale.py --sizes 1000,100000 --workers 1,2 [--engine local|dask]
    .venv/bin/python bench/bench_scale.py --sizes 3000 --workers 1,2 --repeat 3

For each size a JSONL corpus is generated (bench/corpus.py: bodies from ../shared/data
with perturbations) and ingested by a ``newsdesk ingest`` subprocess into a fresh
database, with entities, quotes, time and stories. While it runs, the article count in
the database and the resident memory of the whole process tree (the writer and its
workers) are sampled every few seconds, so one long run also gives the cost per 1,000
articles at each decile of the corpus (flat = the corpus size does not slow ingest
down). Reported per run: wall seconds, articles/s, articles/s per worker, seconds per
1,000 articles overall and per decile, and peak RSS (largest process and whole tree).
Then per size: the median of each worker count's runs and the speed-up of two workers
over one (with ``--repeat``, the median of the rounds' ratios; see ``summarize``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_jsonl  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NEWSDESK = ROOT / ".venv" / "bin" / "newsdesk"


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """(largest process, sum) of resident memory over ``pid`` and its descendants, MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            status = (d / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(d.name)] = int(line.split()[1]) / 1024
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += children.get(p, [])
    values = [rss.get(p, 0.0) for p in seen]
    return max(values, default=0.0), sum(values)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def _deciles(samples: list[tuple[float, int]], n: int) -> list[float | None]:
    """Seconds per 1,000 articles within each tenth of the corpus (by articles stored)."""
    out: list[float | None] = []
    for k in range(10):
        lo, hi = n * k / 10, n * (k + 1) / 10
        inside = [(t, c) for t, c in samples if lo <= c <= hi]
        if len(inside) < 2 or inside[-1][1] == inside[0][1]:
            out.append(None)
            continue
        (t0, c0), (t1, c1) = inside[0], inside[-1]
        out.append(round((t1 - t0) / (c1 - c0) * 1000, 1))
    return out


def run_once(corpus: Path, db: Path, workers: int, engine: str, every: float) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(NEWSDESK), "ingest", str(corpus), "--db", str(db), "--json",
         "--workers", str(workers), "--engine", engine],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    samples: list[tuple[float, int]] = []
    peak_one = peak_tree = 0.0
    while proc.poll() is None:
        one, tree = _tree_rss_mb(proc.pid)
        peak_one, peak_tree = max(peak_one, one), max(peak_tree, tree)
        samples.append((time.perf_counter() - t0, _count(db)))
        # a wait, not a sleep: the wall time must not round up to the sampling period
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=every)
    wall = time.perf_counter() - t0
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed: {err.strip().splitlines()[-1:]}")
    summary = json.loads(out)
    n = summary["articles_added"]
    samples.append((wall, n))
    return {
        "articles": n,
        "workers": workers,
        "engine": engine,
        "seconds": round(wall, 1),
        "articles_per_s": round(n / wall, 2),
        "articles_per_s_per_worker": round(n / wall / workers, 2),
        "s_per_1000": round(wall / n * 1000, 1),
        "s_per_1000_by_decile": _deciles(samples, n),
        "peak_rss_mb_largest_process": round(peak_one, 1),
        "peak_rss_mb_process_tree": round(peak_tree, 1),
    }


def summarize(results: list[dict]) -> list[dict]:
    """Per size: the median run of each worker count, and the 2-vs-1 speed-up.

    With ``--repeat`` the runs are interleaved (1, 2, 1, 2, ...) and each round's two runs
    give one ratio: the host's speed drifts by tens of percent within an hour, and a
    ratio of neighbours cancels most of it. The median of those ratios is the speed-up.
    """
    out = []
    for size in sorted({r["size"] for r in results}):
        runs = [r for r in results if r["size"] == size]
        line: dict = {"size": size}
        for w in sorted({r["workers"] for r in runs}):
            rates = [r["articles_per_s"] for r in runs if r["workers"] == w]
            line[f"workers_{w}"] = {
                "runs": len(rates),
                "median_articles_per_s": round(statistics.median(rates), 2),
                "median_articles_per_s_per_worker": round(statistics.median(rates) / w, 2),
                "range": [min(rates), max(rates)],
            }
        by_round: dict[int, dict[int, float]] = {}
        for r in runs:
            by_round.setdefault(r["round"], {})[r["workers"]] = r["articles_per_s"]
        ratios = [rd[2] / rd[1] for rd in by_round.values() if 1 in rd and 2 in rd]
        if ratios:
            line["speedup_2_vs_1"] = round(statistics.median(ratios), 2)
            line["speedup_by_round"] = [round(x, 2) for x in ratios]
        out.append(line)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated corpus sizes")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--engine", default="local", choices=["local", "dask"])
    ap.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    ap.add_argument(
        "--repeat", type=int, default=1, help="rounds per size; the worker counts interleave"
    )
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            corpus = write_jsonl(Path(tmp) / f"corpus-{size}.jsonl", size)
            for k in range(args.repeat):
                for w in [int(x) for x in args.workers.split(",")]:
                    db = Path(tmp) / f"db-{size}-{w}.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    run = run_once(corpus, db, w, args.engine, args.every)
                    res = {"size": size, "round": k + 1, **run}
                    results.append(res)
                    print(json.dumps(res), flush=True)
    for line in summarize(results):
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
