"""Helpers shared by the benchmark scripts: timing, medians, memory, one-core pinning."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def pin_one_core() -> None:
    """Run on one core: pin the process and keep numeric libraries single-threaded."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_runs(fn: Callable[[], int], repeat: int) -> list[float]:
    """Run ``fn`` (which returns how many items it processed) and return items/s per run."""
    rates = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - t0))
    return rates


def report(name: str, rates: list[float], unit: str, **extra: Any) -> dict[str, Any]:
    """Print a one-line human summary and a JSON line; return the figures."""
    result = {
        "bench": name,
        "median": round(statistics.median(rates), 1),
        "runs": [round(r, 1) for r in rates],
        "unit": unit,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        **extra,
    }
    print(
        f"{name}: median {result['median']} {unit} over {len(rates)} runs {result['runs']}",
        file=sys.stderr,
    )
    print(json.dumps(result))
    return result
