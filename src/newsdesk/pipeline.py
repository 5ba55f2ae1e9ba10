"""Runs the stages: sources -> clean -> annotate -> dedup -> stories -> store.

The per-document stages (clean, annotate) are pure functions of one document and
can run anywhere (a local process pool, a Dask worker). The corpus stages (dedup,
entity linking, stories) keep state in the database and run in one writer, in
publication-date order within each batch. Each batch is written in one transaction,
so an interrupted ingest loses at most the batch in flight and re-running it
converges on what an uninterrupted run gives.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newsdesk.model import Article, CleanResult, Document, Skip
from newsdesk.store import writer

BATCH_SIZE = 64


class IngestFailed(Exception):
    """``--strict`` and an input was skipped."""


@dataclass
class IngestSummary:
    run_id: int
    db: str
    files_read: int = 0
    documents: int = 0
    articles_added: int = 0
    already_present: int = 0
    duplicates: int = 0
    stories_touched: int = 0
    skipped: list[Skip] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["skipped"] = [{"source": s.source, "reason": s.reason} for s in self.skipped]
        return d


def document_hash(doc: Document) -> str:
    """Identity of an input: its bytes plus everything given alongside that shapes it."""
    h = hashlib.sha256()
    h.update(doc.kind.encode())
    h.update(b"\0clean" if doc.clean else b"\0raw")
    h.update(json.dumps(doc.given, sort_keys=True, default=str).encode())
    h.update(b"\0")
    h.update(doc.raw or doc.content.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def article_from(doc: Document, cleaned: CleanResult, content_hash: str) -> Article:
    return Article(
        id="a" + content_hash[:15],
        source=doc.source,
        text=cleaned.text,
        input_id=doc.input_id,
        url=cleaned.url,
        title=cleaned.title,
        subtitle=cleaned.subtitle,
        published=cleaned.published,
        published_precision=cleaned.published_precision,
        authors=list(cleaned.authors),
        agencies=list(cleaned.agencies),
        publisher=cleaned.publisher,
        aggregator=cleaned.aggregator,
        language=cleaned.language,
        content_hash=content_hash,
        removed=list(cleaned.removed),
        offset_map=list(cleaned.offset_map),
    )


def clean_one(doc: Document) -> CleanResult | Skip:
    """Clean one document; a document that yields no article becomes a Skip."""
    from newsdesk.clean import CleanError, clean_document
    from newsdesk.limits import TimeLimitExceeded, time_limit

    try:
        with time_limit():  # per-input wall-time budget (NEWSDESK_INPUT_SECONDS)
            return clean_document(doc)
    except CleanError as exc:
        return Skip(doc.source, str(exc))
    except TimeLimitExceeded as exc:
        return Skip(doc.source, f"cleaning {exc}: input too costly to process")
    except MemoryError:
        return Skip(doc.source, "cleaning ran out of memory: input too large to process")
    except RecursionError:
        return Skip(doc.source, "document nested too deeply to parse")
    except Exception as exc:  # a cleaner bug must not end the run or lose stored work
        return Skip(doc.source, f"cleaning failed: {type(exc).__name__}: {exc}")


def extract(paths: Iterable[str], *, crawled_at: datetime | None = None) -> Iterator[dict | Skip]:
    """Clean inputs without a database: one article record (or Skip) per document."""
    from newsdesk.sources import read_inputs

    for item in read_inputs(paths, crawled_at=crawled_at):
        if isinstance(item, Skip):
            yield item
            continue
        cleaned = clean_one(item)
        if isinstance(cleaned, Skip):
            yield cleaned
            continue
        rec = article_from(item, cleaned, document_hash(item)).record()
        rec.pop("duplicate_of")
        rec.pop("story_id")
        yield rec


def _sort_key(article: Article) -> tuple[int, str]:
    # Known dates first in time order; undated articles keep arrival order after them.
    return (0, article.published) if article.published else (1, "")


class CorpusWriter:
    """The sequential corpus stages and the database writes for one ingest run."""

    def __init__(self, conn: sqlite3.Connection, run_id: int) -> None:
        self.conn = conn
        self.run_id = run_id
        from newsdesk.annotate.linking import EntityLinker
        from newsdesk.dedup import Deduper
        from newsdesk.stories import StoryAssigner

        self.deduper = Deduper(conn)
        self.linker = EntityLinker(conn)
        self.stories = StoryAssigner(conn, run_id=run_id)

    def write_batch(self, batch: list[tuple[Article, Document]]) -> int:
        """Write one batch in one transaction; return how many were duplicates."""
        duplicates = 0
        batch = sorted(batch, key=lambda pair: _sort_key(pair[0]))
        with self._transaction():
            # one batched dedup pass; each list is what assign() would give at that point
            grouped = self.deduper.assign_batch_grouped([article for article, _ in batch])
            for (article, doc), updates in zip(batch, grouped, strict=True):
                for aid, dup in updates:
                    if aid == article.id:
                        article.duplicate_of = dup
                others = [(aid, dup) for aid, dup in updates if aid != article.id]
                if article.duplicate_of:
                    duplicates += 1
                    self._reanchor_copy(article)
                self.linker.link(article)
                article.story_id = self.stories.assign(article)
                similarity = getattr(self.stories, "similarities", None)
                writer.insert_raw(
                    self.conn, article.content_hash, doc.source, doc.kind,
                    doc.raw or doc.content.encode("utf-8", "surrogatepass"), self.run_id,
                )  # fmt: skip
                writer.insert_article(
                    self.conn, article, raw_hash=article.content_hash, run_id=self.run_id,
                    similarity=similarity(article.id) if similarity else None,
                )  # fmt: skip
                writer.insert_events(self.conn, article.id, article.events)
                if others:
                    writer.set_duplicate_of(self.conn, others)
            self.linker.flush()  # before the story rows, which read entity names
            # Story rows and clusterer state go with the batch's articles, so readers never
            # see a story id without its story and a resumed run starts from this state.
            self.stories.finalize()
        return duplicates

    def finish(self) -> None:
        """End of run: recompute the story rows left stale while their stories grew."""
        with self._transaction():
            self.stories.refresh_stale()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Commit what the block wrote, or roll all of it back."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.linker.reset()  # its in-memory index may have run ahead of the rows
            raise

    def _reanchor_copy(self, article: Article) -> None:
        """A copy's "Monday" means the original's Monday: re-resolve its dates against it.

        Copies are republished later (or undated, with only "7 hours ago"), so their
        relative dates would otherwise resolve against the wrong day. A copy whose
        dates are all absolute keeps them as they are.
        """
        from newsdesk.annotate.time import redate, tag_timexes
        from newsdesk.annotate.timeline import timeline_events

        if not article.time_found:
            return
        row = self.conn.execute(
            "SELECT published FROM articles WHERE id = ?", (article.duplicate_of,)
        ).fetchone()
        anchor = row[0] if row else None
        if not anchor or anchor == article.published:
            return
        try:  # the worker's findings, normalised again: no second search of the text
            timexes = redate(article.text, article.time_found, anchor)
        except ValueError:  # found by another version of the rules (a remote worker)
            timexes = tag_timexes(article.text, anchor)
        if timexes != article.timexes:  # events follow from the timexes (and the text)
            article.timexes = timexes
            article.events = timeline_events(article)


def ingest(
    paths: Iterable[str],
    db_path: str | Path,
    *,
    crawled_at: datetime | None = None,
    strict: bool = False,
    on_skip: Callable[[Skip], None] | None = None,
    progress: bool | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> IngestSummary:
    """Read, clean, annotate, de-duplicate and cluster ``paths`` into the database.

    ``workers``/``engine``/``scheduler`` choose where the per-document stages run
    (see :mod:`newsdesk.parallel`); the results are the same whichever is chosen.
    """
    from newsdesk.annotate.inference import model_precision
    from newsdesk.parallel import Batch, batch_sized_gc, make_engine
    from newsdesk.sources import read_inputs
    from newsdesk.store import connect

    paths = [str(p) for p in paths]
    precision = model_precision()  # a bad setting fails now, not as one skip per article
    conn = connect(db_path)
    run_id = writer.start_run(
        conn,
        {"paths": paths, "crawled_at": crawled_at.isoformat() if crawled_at else None,
         "workers": workers, "engine": engine, "model_precision": precision},
    )  # fmt: skip
    summary = IngestSummary(run_id=run_id, db=str(db_path))
    sources_seen: set[str] = set()
    status = "failed"

    def skip(s: Skip) -> None:
        summary.skipped.append(s)
        writer.record_skip(conn, run_id, s)
        if on_skip:
            on_skip(s)
        if strict:
            raise IngestFailed(f"{s.source}: {s.reason}")

    def batches() -> Iterator[Batch]:
        pending: Batch = []
        seen_hashes: set[str] = set()
        position = 0
        for item in read_inputs(paths, crawled_at=crawled_at):
            sources_seen.add(_file_of(item.source))
            if isinstance(item, Skip):
                skip(item)
                continue
            summary.documents += 1
            position += 1
            content_hash = document_hash(item)
            if content_hash in seen_hashes or writer.known_hashes(conn, [content_hash]):
                summary.already_present += 1
            else:
                seen_hashes.add(content_hash)
                pending.append((item, content_hash))
            # Cut batches at fixed positions of the input, not after N new documents: a
            # re-run after a crash then forms exactly the batches of an uninterrupted run
            # (documents cleaning skipped are not stored, so they would shift the cuts).
            if position % batch_size == 0 and pending:
                yield pending
                pending = []
        if pending:
            yield pending

    bar = _progress(progress)
    runner = None
    try:
        corpus = CorpusWriter(conn, run_id)
        runner = make_engine(engine, workers, scheduler, Path(str(db_path) + ".shards"))
        with bar, batch_sized_gc():
            task = bar.add_task("ingest", total=None)
            for batch, results in runner.map(batches()):
                pairs: list[tuple[Article, Document]] = []
                for (doc, _), result in zip(batch, results, strict=True):
                    if isinstance(result, Skip):
                        skip(result)
                    else:
                        pairs.append((result, doc))
                if pairs:
                    summary.duplicates += corpus.write_batch(pairs)
                    summary.articles_added += len(pairs)
                bar.advance(task, len(batch))
            corpus.finish()
        status = "done"
    finally:
        if runner is not None:
            runner.close()
        summary.files_read = len(sources_seen)
        writer.finish_run(
            conn, run_id, status=status, files_read=summary.files_read,
            articles_added=summary.articles_added, duplicates=summary.duplicates,
            skipped=len(summary.skipped),
        )  # fmt: skip
        conn.close()
    return summary


def _file_of(source: str) -> str:
    """The input file a source string names (``path:LINE`` and ``path#N`` -> path)."""
    for sep in ("#", ":"):
        head, _, tail = source.rpartition(sep)
        if head and tail.isdigit():
            return head
    return source


def _progress(enabled: bool | None) -> Any:
    """A rich progress bar on a terminal, a silent stand-in otherwise."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), transient=False,
    )  # fmt: skip


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def advance(self, *args: Any, **kwargs: Any) -> None:
        return None
