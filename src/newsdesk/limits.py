"""Per-input guards: one hostile document must not hang or sink an ingest.

Inputs are already size-capped when read (see :mod:`newsdesk.sources`). What remains
is work whose cost is not proportional to size (a regex that backtracks, a parser fed
10 000 nested tables) and memory blow-ups inside a stage. This module bounds both:

* :func:`time_limit` raises :class:`TimeLimitExceeded` in the calling thread after
  ``seconds`` of wall time (``SIGALRM`` via ``setitimer``). It only works in the main
  thread of a process (signals are delivered there); elsewhere it is a no-op, and it
  cannot interrupt one long call into C code (the handler runs when that call returns).
  :class:`TimeLimitExceeded` derives from ``BaseException`` so that the stages' own
  ``except Exception`` blocks cannot swallow it.
* :func:`guard` runs one function on one input under the time limit and turns a
  timeout, ``MemoryError`` or any other exception into a :class:`~newsdesk.model.Skip`.
* :func:`limit_memory` caps the address space of a worker process (``RLIMIT_AS``), so a
  blow-up becomes a ``MemoryError`` in that process instead of the OOM killer.

Limits come from the environment so an operator can loosen them without code changes:
``NEWSDESK_INPUT_SECONDS`` (default 60; ``0`` disables) and ``NEWSDESK_WORKER_MEMORY_MB``
(default 4096; ``0`` disables).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from newsdesk.model import Skip

T = TypeVar("T")

DEFAULT_INPUT_SECONDS = 60.0
"""Wall-time budget for cleaning (and, separately, annotating) one input."""
DEFAULT_WORKER_MEMORY_MB = 4096
"""Address-space cap of a worker process; spaCy and its model need about 1 GB of it."""


class TimeLimitExceeded(BaseException):  # noqa: N818 - reads better at the raise site
    """The work on one input ran past its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


def input_seconds() -> float:
    """The per-input time budget in seconds (``NEWSDESK_INPUT_SECONDS``; 0 = none)."""
    return _env_float("NEWSDESK_INPUT_SECONDS", DEFAULT_INPUT_SECONDS)


def worker_memory_bytes() -> int:
    """The worker address-space cap in bytes (``NEWSDESK_WORKER_MEMORY_MB``; 0 = none)."""
    return int(_env_float("NEWSDESK_WORKER_MEMORY_MB", DEFAULT_WORKER_MEMORY_MB) * 1024 * 1024)


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return max(0.0, value)


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` if the body runs longer than ``seconds``.

    ``None`` uses :func:`input_seconds`. Nests: an inner limit never extends an outer
    one, and the outer timer is re-armed with what is left of it on exit.
    """
    budget = input_seconds() if seconds is None else seconds
    if budget <= 0 or not _can_alarm():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(budget)

    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left < budget:
        # The outer limit fires first and raises its own (longer) budget: keep it.
        yield
        return
    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            # An outer limit that expired meanwhile fires at once (smallest positive delay).
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))


def guard(source: str, stage: str, fn: Callable[[], T], seconds: float | None = None) -> T | Skip:
    """``fn()``, or a Skip naming ``stage`` when it times out, runs out of memory or fails."""
    try:
        with time_limit(seconds):
            return fn()
    except TimeLimitExceeded as exc:
        return Skip(source, f"{stage} {exc}: input too costly to process")
    except MemoryError:
        return Skip(source, f"{stage} ran out of memory: input too large to process")
    except RecursionError:
        return Skip(source, f"{stage} failed: input nested too deeply")
    except Exception as exc:  # a stage bug on one input must not end the run
        msg = " ".join(str(exc).split())[:200]
        return Skip(source, f"{stage} failed: {type(exc).__name__}: {msg}")


def limit_memory(max_bytes: int | None = None) -> bool:
    """Cap this process's address space (``RLIMIT_AS``); True when a cap was set.

    Meant for worker processes only: the writer process keeps no cap, so a worker's
    ``MemoryError`` turns into a Skip while stored work stays safe.
    """
    cap = worker_memory_bytes() if max_bytes is None else max_bytes
    if cap <= 0:
        return False
    try:
        import resource
    except ImportError:  # not on POSIX
        return False
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        return False  # already at least as tight
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        return False
    return True
