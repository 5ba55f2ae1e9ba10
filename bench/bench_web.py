"""Web benchmark: page latency (p50/p95) and /api/search throughput on a big database.

    .venv/bin/python bench/make_big_db.py --out /tmp/newsdesk_big.db      # once, ~2 min
    .venv/bin/python bench/bench_web.py --db /tmp/newsdesk_big.db

Latency: one uvicorn worker on a loopback port, one client sending requests one at a
time (so the figure is the server's time plus loopback HTTP, not queueing).
Latency runs with the response cache off. Throughput: uvicorn with ``--workers``
(default 2) and ``wrk`` (Debian package) for a bounded time over a rotating list of
search URLs, once with the response cache off and once on (after the first pass every
URL is a hit: that is the repeated-query case); without wrk an asyncio httpx client in
this process is used instead (it competes for the same cores, so reads lower).
Targets: search p95 < 50 ms, story page p95 < 150 ms, >= 300 requests/s on /api/search.
The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(db: Path, workers: int, cache: int = 0) -> Iterator[str]:
    """Run uvicorn on a free loopback port in a child process."""
    port = free_port()
    env = {**os.environ, "NEWSDESK_DB": str(db), "NEWSDESK_WEB_CACHE": str(cache)}
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "newsdesk.web.app:app_from_env",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/stories?limit=1", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def sample_urls(db: Path, n: int, seed: int) -> dict[str, list[str]]:
    """Realistic request mixes drawn from the database itself."""
    r = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    people = [
        x[0]
        for x in conn.execute(
            "SELECT name FROM entities WHERE type = 'PERSON' ORDER BY article_count DESC LIMIT 300"
        )
    ]
    places = [x[0] for x in conn.execute("SELECT name FROM entities WHERE type = 'GPE'")]
    outlets = [x[0] for x in conn.execute("SELECT DISTINCT publisher FROM articles LIMIT 50")]
    # Words from titles of random articles: common and rare ones both occur.
    words = []
    for (title,) in conn.execute("SELECT title FROM articles ORDER BY random() LIMIT 400"):
        words.extend(w for w in (title or "").lower().split() if len(w) > 3)
    story_ids = [
        x[0] for x in conn.execute("SELECT id FROM stories ORDER BY random() LIMIT ?", (n,))
    ]
    article_ids = [
        x[0] for x in conn.execute("SELECT id FROM articles ORDER BY random() LIMIT ?", (n,))
    ]
    entity_ids = [
        x[0]
        for x in conn.execute(
            "SELECT id FROM entities WHERE type = 'PERSON' ORDER BY random() LIMIT ?", (n,)
        )
    ]
    conn.close()

    def search_params() -> dict[str, str]:
        kind = r.random()
        if kind < 0.3:
            p = {"q": r.choice(people)}
        elif kind < 0.5:
            p = {"q": f"{r.choice(words)} {r.choice(words)}"}
        elif kind < 0.65:
            p = {"q": r.choice(words)}
        elif kind < 0.75:
            p = {"q": f'"{r.choice(places)}" {r.choice(words)}'}
        elif kind < 0.85:
            p = {"q": r.choice(words), "outlet": r.choice(outlets)}
        elif kind < 0.95:
            p = {"q": r.choice(people), "from": "2024-06-01", "to": "2024-12-31"}
        else:
            p = {"q": r.choice(words), "speaker": r.choice(people)}
        return p

    searches = [search_params() for _ in range(n)]
    return {
        "api_search": ["/api/search?" + urlencode(p) for p in searches],
        "search_page": ["/search?" + urlencode(p) for p in searches],
        "story_page": [f"/stories/{quote(s)}" for s in story_ids],
        "api_story": [f"/api/stories/{quote(s)}" for s in story_ids],
        "article_page": [f"/articles/{quote(a)}" for a in article_ids],
        "entity_page": [f"/entities/{quote(e)}" for e in entity_ids],
        "home": ["/"] * max(1, n // 10),
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def latency(base: str, urls: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for u in urls["api_search"][:20] + urls["story_page"][:10]:  # warm caches
            client.get(u)
        for name, items in urls.items():
            times = []
            for u in items:
                t = time.perf_counter()
                resp = client.get(u)
                times.append((time.perf_counter() - t) * 1000)
                if resp.status_code != 200:
                    raise RuntimeError(f"{u}: HTTP {resp.status_code} {resp.text[:200]}")
            out[name] = {
                "n": len(times),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(pct(times, 95), 1),
                "max_ms": round(max(times), 1),
            }
    return out


LUA = """
local urls = {}
for line in io.lines("%s") do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i %% #urls + 1
  return wrk.format("GET", urls[i])
end
"""


def throughput_wrk(base: str, urls: list[str], seconds: int, conns: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "urls.txt"
        listing.write_text("\n".join(urls) + "\n")
        script = Path(tmp) / "rotate.lua"
        script.write_text(LUA % listing)
        res = subprocess.run(
            ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "-s", str(script), base],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        )
    rps = float(next(ln for ln in res.stdout.splitlines() if "Requests/sec" in ln).split()[-1])
    errors = [ln.strip() for ln in res.stdout.splitlines() if "Non-2xx" in ln or "errors" in ln]
    return {
        "tool": "wrk",
        "requests_per_s": rps,
        "connections": conns,
        "seconds": seconds,
        "errors": errors,
    }


def throughput_httpx(base: str, urls: list[str], seconds: int, conns: int) -> dict[str, float]:
    async def run() -> tuple[int, int]:
        done = bad = 0
        stop = time.monotonic() + seconds
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def worker(k: int) -> None:
                nonlocal done, bad
                i = k
                while time.monotonic() < stop:
                    r = await client.get(urls[i % len(urls)])
                    done += 1
                    bad += r.status_code != 200
                    i += conns

            await asyncio.gather(*(worker(k) for k in range(conns)))
        return done, bad

    done, bad = asyncio.run(run())
    return {
        "tool": "httpx",
        "requests_per_s": round(done / seconds, 1),
        "connections": conns,
        "seconds": seconds,
        "errors": bad,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="Benchmark the web app on a big database.")
    ap.add_argument("--db", type=Path, default=Path("/tmp/newsdesk_big.db"))
    ap.add_argument("--requests", type=int, default=200, help="requests per page kind")
    ap.add_argument("--seconds", type=int, default=10, help="throughput test length")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db}: no such database (run bench/make_big_db.py first)")
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    urls = sample_urls(args.db, args.requests, args.seed)
    with server(args.db, 1) as base:
        lat = latency(base, urls)
    for name, figures in lat.items():
        print(
            f"{name:13s} n={figures['n']:4d} p50={figures['p50_ms']:7.1f} ms"
            f"  p95={figures['p95_ms']:7.1f} ms  max={figures['max_ms']:7.1f} ms"
        )
    tput = {}
    run = throughput_wrk if shutil.which("wrk") else throughput_httpx
    for label, cache in (("uncached", 0), ("cached", 1024)):
        with server(args.db, args.workers, cache) as base:
            tput[label] = run(base, urls["api_search"], args.seconds, args.connections)
        print(
            f"/api/search throughput, {label} ({tput[label]['tool']}, {args.workers} workers,"
            f" {args.connections} connections, {len(urls['api_search'])} distinct URLs):"
            f" {tput[label]['requests_per_s']} requests/s"
        )
    result = {
        "articles": n_articles,
        "cores": os.cpu_count(),
        "latency": lat,
        "throughput": tput,
        "targets_met": {
            "search_p95_lt_50ms": lat["api_search"]["p95_ms"] < 50,
            "story_p95_lt_150ms": lat["story_page"]["p95_ms"] < 150,
            "search_rps_ge_300_uncached": tput["uncached"]["requests_per_s"] >= 300,
            "search_rps_ge_300_cached": tput["cached"]["requests_per_s"] >= 300,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
