"""Where the per-document stages run: inline, in a local process pool, or on Dask.

The per-document work (clean, annotate, timeline) is :func:`process_batch`, a pure
function of a batch of documents. An engine maps it over batches and yields the
results **in input order**, with a bounded number of batches in flight, so memory
stays flat however large the corpus and every engine gives the same results as the
single-process run. The corpus stages (dedup, linking, stories) and all database
writes stay in the calling process.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Protocol

from newsdesk.model import Article, Document, Mention, Quote, RemovedBlock, Skip, Timex

Batch = list[tuple[Document, str]]  # documents with their content hashes
Results = list[Article | Skip]


def process_batch(batch: Batch) -> Results:
    """Clean, annotate and date one batch of documents (runs on any worker)."""
    from newsdesk.pipeline import article_from, clean_one

    out: Results = []
    articles: list[Article] = []
    for doc, content_hash in batch:
        cleaned = clean_one(doc)
        if isinstance(cleaned, Skip):
            out.append(cleaned)
            continue
        article = article_from(doc, cleaned, content_hash)
        out.append(article)
        articles.append(article)
    if articles:
        failed = _annotate_guarded(articles)
        if failed:
            out = [failed.get(id(item), item) for item in out]
    return out


def _annotate(articles: list[Article]) -> None:
    from newsdesk.annotate import annotate_articles
    from newsdesk.annotate.timeline import timeline_events

    annotate_articles(articles)
    for a in articles:
        a.events = timeline_events(a)


def _annotate_guarded(articles: list[Article]) -> dict[int, Skip]:
    """Annotate under the per-input time limit; return the Skips of articles that failed.

    The batch runs as one (fast: spaCy batches it) with a budget of one input plus a
    second per article; if it trips, each article is redone alone under its own budget
    so only the costly ones become Skips.
    """
    from newsdesk.limits import guard, input_seconds

    budget = input_seconds()
    whole = guard("batch", "annotation", lambda: _annotate(articles), budget + len(articles))
    if not isinstance(whole, Skip):
        return {}
    if len(articles) == 1:  # the batch's failure is its one article's failure
        return {id(articles[0]): Skip(articles[0].source, whole.reason)}
    failed: dict[int, Skip] = {}
    for a in articles:
        a.mentions, a.quotes, a.timexes, a.events = [], [], [], []
        result = guard(a.source, "annotation", lambda a=a: _annotate([a]))
        if isinstance(result, Skip):
            failed[id(a)] = result
    return failed


def _for_worker(batch: Batch) -> Batch:
    # The raw bytes stay with the writer; workers only need the decoded content.
    return [(replace(doc, raw=b""), h) for doc, h in batch]


class Engine(Protocol):
    def map(self, batches: Iterator[Batch]) -> Iterator[tuple[Batch, Results]]: ...

    def close(self) -> None: ...


class InlineEngine:
    """Everything in this process."""

    def map(self, batches: Iterator[Batch]) -> Iterator[tuple[Batch, Results]]:
        for batch in batches:
            yield batch, process_batch(batch)

    def close(self) -> None:
        return None


def _ordered(
    batches: Iterator[Batch], submit: Any, result: Any, window: int
) -> Iterator[tuple[Batch, Results]]:
    """Submit batches with at most ``window`` in flight; yield results in input order."""
    inflight: deque[tuple[Batch, Any]] = deque()
    for batch in batches:
        inflight.append((batch, submit(_for_worker(batch))))
        if len(inflight) >= window:
            done, fut = inflight.popleft()
            yield done, result(fut)
    while inflight:
        done, fut = inflight.popleft()
        yield done, result(fut)


# Python's cycle collector runs a young collection every 700 new container objects. A
# batch allocates tens of thousands that live as long as the batch, so most get promoted
# to the old generations, whose full collections then traverse every long-lived index
# object as well (~7% of the writer's time, measured). Collecting once per batch's worth
# of objects lets them die young; cycles are still collected, only later (~20 MB more
# peak memory per process, measured on an inline ingest of 2,000 articles).
GC_YOUNG_OBJECTS = 50_000


@contextmanager
def batch_sized_gc() -> Iterator[None]:
    """Young collections every ``GC_YOUNG_OBJECTS`` objects in the block (then as before)."""
    before = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_OBJECTS, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _warm() -> None:
    """Load the language model once per worker process, before the first batch."""
    _exit_with_parent()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    gc.set_threshold(GC_YOUNG_OBJECTS, *gc.get_threshold()[1:])  # see batch_sized_gc
    from newsdesk.annotate.nlp import get_nlp
    from newsdesk.limits import limit_memory

    limit_memory()  # a blow-up becomes a MemoryError (a Skip) in the worker, not an OOM kill

    get_nlp()


def _exit_with_parent(every: float = 1.0) -> None:
    """End this worker when the process that started it is gone.

    A pool worker waits on its task queue forever: if the ingest is killed (SIGKILL,
    an unhandled SIGTERM, an OOM kill) nothing else would stop it, and it would keep
    its model in memory. On Linux the kernel does it (``PR_SET_PDEATHSIG``); elsewhere
    a thread polls the parent. The kernel way is preferred: a second thread in the
    worker costs ~5% of its CPU time (every nogil section of the model then pays for
    real GIL hand-offs).
    """
    parent = os.getppid()
    if _kill_on_parent_death():
        if os.getppid() != parent:  # the parent died before the request was in place
            os._exit(1)
        return

    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _kill_on_parent_death() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


class ProcessEngine:
    """A local pool of ``workers`` processes (``--workers N``)."""

    def __init__(self, workers: int) -> None:
        import multiprocessing

        # spawn: the parent holds a database connection and a progress thread.
        ctx = multiprocessing.get_context("spawn")
        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_warm)

    def map(self, batches: Iterator[Batch]) -> Iterator[tuple[Batch, Results]]:
        def result(fut: Future[Results]) -> Results:
            return fut.result()

        return _ordered(
            batches, lambda b: self.pool.submit(process_batch, b), result, 2 * self.workers
        )

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


# --------------------------------------------------------------------------- Dask


def process_batch_to_shard(batch: Batch, shard_path: str) -> str:
    """Run :func:`process_batch` and write its results as one Parquet shard."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [_to_row(item) for item in process_batch(batch)]
    tmp = shard_path + ".tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=_SHARD_SCHEMA()), tmp)
    os.replace(tmp, shard_path)  # a shard is either whole or absent
    return shard_path


def _SHARD_SCHEMA() -> Any:  # noqa: N802 - built lazily so pyarrow loads only for Dask
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()), ("source", pa.string()), ("published", pa.string()),
            ("publisher", pa.string()), ("title", pa.string()), ("text", pa.string()),
            ("skip_reason", pa.string()), ("record", pa.string()),
        ]
    )  # fmt: skip


def _to_row(item: Article | Skip) -> dict[str, Any]:
    if isinstance(item, Skip):
        return {"id": None, "source": item.source, "published": None, "publisher": None,
                "title": None, "text": None, "skip_reason": item.reason, "record": None}  # fmt: skip
    record = asdict(item)
    return {
        "id": item.id, "source": item.source, "published": item.published,
        "publisher": item.publisher, "title": item.title, "text": item.text,
        "skip_reason": None, "record": json.dumps(record, ensure_ascii=False),
    }  # fmt: skip


def _from_row(row: dict[str, Any]) -> Article | Skip:
    from newsdesk.annotate.timeline import TimelineEvent

    if row["skip_reason"] is not None:
        return Skip(row["source"], row["skip_reason"])
    d = json.loads(row["record"])
    d["removed"] = [RemovedBlock(**r) for r in d["removed"]]
    d["offset_map"] = [tuple(r) for r in d["offset_map"]]
    d["mentions"] = [Mention(**m) for m in d["mentions"]]
    d["quotes"] = [Quote(**q) for q in d["quotes"]]
    d["timexes"] = [Timex(**t) for t in d["timexes"]]
    d["events"] = [TimelineEvent(**e) for e in d["events"]]
    d["time_found"] = [tuple(f) for f in d["time_found"]]
    return Article(**d)


def read_shard(path: str) -> Results:
    import pyarrow.parquet as pq

    return [_from_row(r) for r in pq.read_table(path).to_pylist()]


class DaskEngine:
    """Batches as tasks on a Dask cluster, each writing a Parquet shard the writer merges.

    Without a scheduler address a LocalCluster of ``workers`` single-threaded processes
    is started. ``shard_dir`` must be visible to the workers and to this process.
    """

    def __init__(self, workers: int, scheduler: str | None, shard_dir: Path) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            )  # fmt: skip
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.shard_dir = shard_dir
        shard_dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def map(self, batches: Iterator[Batch]) -> Iterator[tuple[Batch, Results]]:
        def submit(batch: Batch) -> Any:
            self.count += 1
            path = str(self.shard_dir / f"shard-{self.count:06d}.parquet")
            return self.client.submit(process_batch_to_shard, batch, path, pure=False)

        def result(fut: Any) -> Results:
            path = fut.result()
            items = read_shard(path)
            Path(path).unlink(missing_ok=True)
            return items

        return _ordered(batches, submit, result, 2 * self.workers)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(
    engine: str = "local", workers: int = 1, scheduler: str | None = None,
    shard_dir: Path | None = None,
) -> Engine:  # fmt: skip
    if engine == "dask":
        import tempfile

        return DaskEngine(workers, scheduler, shard_dir or Path(tempfile.mkdtemp(prefix="nd-")))
    if workers > 1:
        return ProcessEngine(workers)
    return InlineEngine()
