"""Pages per second of ``extract_html`` on one core, median of several runs.

    .venv/bin/python bench/bench_extract.py [DIR] [--repeat 3] [--limit N]

DIR holds ``*.html`` / ``*.htm`` / ``*.html.gz`` pages (default: the shared
article-extraction set). Pages are read and decoded before timing; the first
call (imports, trafilatura's lazy setup) is timed separately as ``warmup_s``.
Prints a one-line summary on stderr and a JSON line on stdout (``median`` is
wall-clock pages/s, ``cpu_median`` the same from process CPU time).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import pin_one_core, report, timed_runs  # noqa: E402

DEFAULT_DIR = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "article-extraction" / "html"
)


def load_pages(folder: Path, limit: int) -> list[str]:
    """Decoded pages of ``folder`` (sorted by name), at most ``limit`` when > 0."""
    files = sorted(
        p for p in folder.rglob("*") if p.name.endswith((".html", ".htm", ".html.gz", ".htm.gz"))
    )
    if limit:
        files = files[:limit]
    pages = []
    for p in files:
        raw = p.read_bytes()
        if p.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        pages.append(raw.decode("utf-8", "replace"))
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not args.folder.is_dir():
        print(
            f"bench_extract: skipped, no folder {args.folder} (../shared not present?)",
            file=sys.stderr,
        )
        return 0
    pages = load_pages(args.folder, args.limit)
    if not pages:
        print(f"bench_extract: skipped, no HTML pages in {args.folder}", file=sys.stderr)
        return 0
    pin_one_core()

    t0 = time.perf_counter()
    from newsdesk.clean import CleanError
    from newsdesk.clean.html import extract_html

    with contextlib.suppress(CleanError):
        extract_html(pages[0])
    warmup = time.perf_counter() - t0
    failed: list[int] = []

    cpu_rates: list[float] = []

    def run() -> int:
        failed.clear()
        c0 = time.process_time()
        for i, html in enumerate(pages):
            try:
                extract_html(html)
            except CleanError:
                failed.append(i)
        cpu_rates.append(len(pages) / max(time.process_time() - c0, 1e-9))
        return len(pages)

    rates = timed_runs(run, args.repeat)
    # CPU-time rate too: on a shared machine wall time mostly measures the neighbours
    report(
        "extract_html",
        rates,
        "pages/s",
        cpu_median=round(statistics.median(cpu_rates), 1),
        pages=len(pages),
        no_article=len(failed),
        warmup_s=round(warmup, 3),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
