"""The ``newsdesk`` command line (a thin layer over ``pipeline``, ``export`` and ``web``).

Every command exits non-zero with a one-line message on stderr when it cannot do what
was asked, and never prints a traceback for a user error.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

try:  # typer >= 0.2x vendors its own click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exc  # type: ignore[no-redef]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="newsdesk: turn a pile of news articles into a searchable record of stories.",
)

DEFAULT_DB = "newsdesk.db"


class UserError(Exception):
    """A problem with what the user asked for: reported in one line, exit 1."""


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class What(StrEnum):
    articles = "articles"
    quotes = "quotes"
    timexes = "timexes"
    entities = "entities"
    stories = "stories"
    events = "events"


def _parse_when(value: str | None) -> datetime | None:
    from newsdesk.sources.files import parse_iso_datetime

    if value is None:
        return None
    when = parse_iso_datetime(value)
    if when is None:
        raise UserError(f"--crawled-at {value!r}: not an ISO 8601 date or datetime")
    return when


def _check_paths(paths: list[str]) -> None:
    for p in paths:
        if "://" not in p and not Path(p).exists():
            raise UserError(f"{p}: no such file or folder")


def _warn(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to read.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON record per line.")] = False,
    crawled_at: Annotated[
        str | None, typer.Option(help="When the inputs were fetched (ISO 8601).")
    ] = None,
) -> None:
    """Clean each input without a database and print one article record per article."""
    from newsdesk.model import Skip
    from newsdesk.pipeline import extract as run_extract

    _check_paths(paths)
    when = _parse_when(crawled_at)
    out = sys.stdout
    for rec in run_extract(paths, crawled_at=when):
        if isinstance(rec, Skip):
            _warn(f"skipped {rec.source}: {rec.reason}")
            continue
        if jsonl:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            out.write(json.dumps(rec, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to read.")],
    db: Annotated[str, typer.Option(help="The database file.")] = DEFAULT_DB,
    crawled_at: Annotated[
        str | None,
        typer.Option(help="Time relative dates resolve against (default: file times)."),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail on the first skipped input.")] = False,
    json_summary: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes for cleaning and annotation.")] = 1,
    engine: Annotated[Engine, typer.Option(help="local processes or a Dask cluster.")] = (
        "local"  # type: ignore[assignment]
    ),
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (default: start a local cluster)."),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(help="Let http(s) inputs fetch private, loopback and link-local hosts."),
    ] = False,
    fetch_timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds per connect/read when fetching URLs.")
    ] = 20.0,
    batch_size: Annotated[
        int, typer.Option(min=1, hidden=True, help="Documents per write transaction.")
    ] = 64,
) -> None:
    """Read, clean, de-duplicate, annotate and cluster inputs (files, folders, URLs)."""
    from newsdesk.annotate.inference import PrecisionError
    from newsdesk.pipeline import IngestFailed
    from newsdesk.pipeline import ingest as run_ingest
    from newsdesk.sources import urls

    _check_paths(paths)
    urls.configure(allow_private=allow_private, timeout=fetch_timeout)
    when = _parse_when(crawled_at)
    try:
        summary = run_ingest(
            paths, db, crawled_at=when, strict=strict, workers=workers,
            engine=Engine(engine).value, scheduler=scheduler, batch_size=batch_size,
            on_skip=lambda s: _warn(f"skipped {s.source}: {s.reason}"),
        )  # fmt: skip
    except IngestFailed as exc:
        raise UserError(f"--strict: {exc}") from exc
    except PrecisionError as exc:
        raise UserError(str(exc)) from exc
    if json_summary:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    print(
        f"{summary.files_read} files read, {summary.documents} documents, "
        f"{summary.articles_added} articles added ({summary.duplicates} duplicates), "
        f"{summary.already_present} already present, {len(summary.skipped)} skipped "
        f"-> {summary.db}"
    )
    for s in summary.skipped:
        print(f"  skipped {s.source}: {s.reason}")


@app.command()
def export(
    what: Annotated[What, typer.Option(help="Which records to write.")] = What.articles,
    db: Annotated[str, typer.Option(help="The database file.")] = DEFAULT_DB,
    format: Annotated[Format, typer.Option(help="Output format.")] = Format.jsonl,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Output file (default stdout).")
    ] = None,
) -> None:
    """Write one record per row (JSON Lines on stdout by default)."""
    from newsdesk.export import export_records

    if not Path(db).exists():
        raise UserError(f"{db}: no such database")
    if format is Format.parquet and output is None:
        raise UserError("--format parquet needs -o DIR (a dataset partitioned by date)")
    export_records(db, what.value, format.value, output)


@app.command()
def serve(
    db: Annotated[str, typer.Option(help="The database file.")] = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
) -> None:
    """Serve the web interface and the JSON API."""
    if not Path(db).exists():
        raise UserError(f"{db}: no such database")
    _serve(db, host, port, workers)


@app.command()
def demo(
    db: Annotated[str, typer.Option(help="Where to build the demo database.")] = "demo.db",
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the database and stop.")
    ] = False,
) -> None:
    """Ingest the bundled demo corpus into a fresh database and serve it."""
    from newsdesk.demo import CORPUS_DIR, crawled_at
    from newsdesk.pipeline import ingest as run_ingest

    path = Path(db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    summary = run_ingest(
        [str(CORPUS_DIR)], path, crawled_at=crawled_at(),
        on_skip=lambda s: _warn(f"skipped {s.source}: {s.reason}"),
    )  # fmt: skip
    print(
        f"demo: {summary.articles_added} articles ({summary.duplicates} duplicates) "
        f"from {summary.files_read} files -> {path.resolve()}"
    )
    if not no_serve:
        _serve(str(path), host, port)


def _serve(db: str, host: str, port: int, workers: int = 1) -> None:
    import os

    import uvicorn

    from newsdesk.web import create_app

    app = create_app(db)  # opens the database now: a bad file fails here, in one line
    print(f"serving {db} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    if workers > 1:  # worker processes build their own app from the environment
        os.environ["NEWSDESK_DB"] = str(Path(db).resolve())
        uvicorn.run(
            "newsdesk.web.app:app_from_env", factory=True, host=host, port=port,
            workers=workers, log_level="warning",
        )  # fmt: skip
    else:
        uvicorn.run(app, host=host, port=port, log_level="warning")


def _terminated(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C: the batch in flight rolls back, the run is recorded
    # as failed and the worker pool is shut down (the default action skips all that).
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning every user error into one line on stderr."""
    from newsdesk.export import ExportError
    from newsdesk.store import StoreError

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        app(args=argv, standalone_mode=False)
    except click_exc.NoArgsIsHelpError:
        return 0
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        _warn("newsdesk: aborted")
        return 130
    except click_exc.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        where = f" {ctx.info_name}" if ctx is not None and ctx.parent is not None else ""
        _warn(f"newsdesk{where}: {exc.format_message()}")
        return exc.exit_code
    except (UserError, StoreError, ExportError) as exc:
        _warn(f"newsdesk: {exc}")
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        _warn("newsdesk: interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
