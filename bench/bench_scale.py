"""End-to-end scale: articles/s per core, worker speed-up, cost per article vs corpus size.

    .venv/bin/python bench/bench_scale.py --sizes 1000,10000 --workers 1,2 [--engine local|dask]

For each size a JSONL corpus is generated (bench/corpus.py: bodies from ../shared/data
with perturbations) and ingested by a ``newsdesk ingest`` subprocess into a fresh
database, with entities, quotes, time and stories. Reported per run: wall seconds,
articles/s, articles/s per worker, seconds per 1,000 articles, and the peak RSS of the
largest process (the writer or one worker).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_jsonl  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NEWSDESK = ROOT / ".venv" / "bin" / "newsdesk"


def run_once(corpus: Path, db: Path, workers: int, engine: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(NEWSDESK), "ingest", str(corpus), "--db", str(db), "--json",
         "--workers", str(workers), "--engine", engine],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed: {proc.stderr.strip().splitlines()[-1:]}")
    summary = json.loads(proc.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    n = summary["articles_added"]
    return {
        "articles": n,
        "workers": workers,
        "engine": engine,
        "seconds": round(wall, 1),
        "articles_per_s": round(n / wall, 2),
        "articles_per_s_per_worker": round(n / wall / workers, 2),
        "s_per_1000": round(wall / n * 1000, 1),
        "peak_rss_mb_max_process": round(max(peak, before) / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated corpus sizes")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--engine", default="local", choices=["local", "dask"])
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            corpus = write_jsonl(Path(tmp) / f"corpus-{size}.jsonl", size)
            for w in [int(x) for x in args.workers.split(",")]:
                db = Path(tmp) / f"db-{size}-{w}.db"
                res = {"size": size, **run_once(corpus, db, w, args.engine)}
                results.append(res)
                print(json.dumps(res), flush=True)
    by = {(r["size"], r["workers"]): r for r in results}
    for size in sorted({r["size"] for r in results}):
        one, two = by.get((size, 1)), by.get((size, 2))
        if one and two:
            print(json.dumps({"size": size, "speedup_2_vs_1": round(
                two["articles_per_s"] / one["articles_per_s"], 2)}))


if __name__ == "__main__":
    main()
