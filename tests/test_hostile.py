"""Hostile inputs: each ends with a reason (or a clean article) within a time and memory bound.

The corpus is generated at test time by ``tests/hostile.py`` (sparse files and gzip
streams, a few MB on disk). Run with ``-s`` to see the per-input table.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402
from newsdesk.limits import TimeLimitExceeded, guard, time_limit  # noqa: E402
from newsdesk.model import Article, Skip  # noqa: E402

BUDGET = 3.0  # NEWSDESK_INPUT_SECONDS for these tests: low, so timeouts are quick
# Per file: cleaning + annotating the batch + re-annotating alone, each within budget,
# plus reading; generous because the machine is shared.
FILE_BOUND = 8 * BUDGET + 10
UNINTERRUPTIBLE_BOUND = 180.0  # a long C call finishes before the alarm can act
PEAK_RSS_BOUND_MB = 3000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[hostile.Case, Path]]:
    return hostile.build(tmp_path_factory.mktemp("hostile"))


def test_corpus_has_thirty_distinct_hostile_inputs() -> None:
    cases = hostile.cases()
    assert len(cases) >= 30
    assert len({c.name for c in cases}) == len(cases)
    assert all(c.expect in ("skip", "article", "any") and c.what for c in cases)


def test_time_limit_interrupts_python_code() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.3):
        while True:
            sum(range(1000))
    assert time.monotonic() - started < 2.0


def test_time_limit_nested_keeps_the_outer_deadline() -> None:
    started = time.monotonic()
    # The inner limit is longer than the outer one: it must not extend it.
    with pytest.raises(TimeLimitExceeded) as info, time_limit(0.4), time_limit(5.0):
        while True:
            pass
    assert info.value.seconds == 0.4
    assert time.monotonic() - started < 2.0


def test_guard_turns_failures_into_skips() -> None:
    def spin() -> None:
        while True:
            pass

    def boom() -> None:
        raise ValueError("bad\nthing")

    timeout = guard("in.txt", "cleaning", spin, seconds=0.2)
    assert isinstance(timeout, Skip) and "took longer than 0.2 s" in timeout.reason
    failed = guard("in.txt", "annotation", boom)
    assert isinstance(failed, Skip) and failed.reason == "annotation failed: ValueError: bad thing"
    assert guard("in.txt", "cleaning", lambda: 7) == 7


def _check_article(a: Article) -> None:
    for rec in [*a.mentions, *a.quotes, *a.timexes]:
        assert a.text[rec.start : rec.end] == rec.text, (a.source, rec)
    assert "root:x:0" not in a.text  # an external entity must never pull in a local file


def _run_file(path: Path) -> tuple[list[Article], list[Skip], float]:
    """Read and process one input as the pipeline does (batches of 64); time it."""
    from newsdesk.parallel import process_batch
    from newsdesk.pipeline import document_hash
    from newsdesk.sources import read_inputs

    started = time.monotonic()
    arts: list[Article] = []
    skips: list[Skip] = []
    batch = []

    def flush() -> None:
        for r in process_batch(batch):
            (skips if isinstance(r, Skip) else arts).append(r)  # type: ignore[arg-type]
        batch.clear()

    for item in read_inputs([str(path)]):
        if isinstance(item, Skip):
            skips.append(item)
            continue
        batch.append((item, document_hash(item)))
        if len(batch) >= 64:
            flush()
    if batch:
        flush()
    return arts, skips, time.monotonic() - started


@pytest.mark.slow
def test_every_hostile_input_ends_within_bounds(
    corpus: list[tuple[hostile.Case, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.annotate.nlp import get_nlp

    monkeypatch.setenv("NEWSDESK_INPUT_SECONDS", str(BUDGET))
    get_nlp()  # load the model outside the timings
    rows = []
    for case, path in corpus:
        arts, skips, seconds = _run_file(path)
        rows.append((case.name, seconds, len(arts), len(skips), skips[0].reason if skips else ""))
        assert arts or skips, f"{case.name}: neither an article nor a reason"
        for s in skips:
            assert s.reason.strip() and "\n" not in s.reason, (case.name, s)
        if case.expect == "skip":
            assert not arts, f"{case.name} ({case.what}) gave an article"
        if case.expect == "article":
            assert arts, f"{case.name} ({case.what}) gave no article: {skips[:2]}"
        for a in arts:
            _check_article(a)
        bound = UNINTERRUPTIBLE_BOUND if case.uninterruptible else FILE_BOUND
        assert seconds < bound, f"{case.name} took {seconds:.1f} s"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{len(rows)} hostile inputs, budget {BUDGET:g} s, peak RSS {peak_mb:.0f} MB")
    for name, seconds, n_art, n_skip, reason in sorted(rows, key=lambda r: -r[1]):
        print(f"  {seconds:6.2f} s  {n_art:2d} art {n_skip:4d} skip  {name:28s} {reason[:60]}")
    assert peak_mb < PEAK_RSS_BOUND_MB


@pytest.mark.slow
def test_ingest_of_the_hostile_folder_completes(
    corpus: list[tuple[hostile.Case, Path]], tmp_path: Path
) -> None:
    """The CLI over the whole folder: exit 0, every file accounted for, nothing raised."""
    folder = corpus[0][1].parent
    env = {**os.environ, "NEWSDESK_INPUT_SECONDS": str(BUDGET)}
    db = tmp_path / "h.db"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk", "ingest", str(folder), "--db", str(db), "--json"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\ningest of {len(corpus)} hostile inputs: {seconds:.1f} s, peak RSS {child_mb:.0f} MB")
    assert child_mb < PEAK_RSS_BOUND_MB
    summary = json.loads(proc.stdout)
    sources = {s["source"].split("#")[0].rsplit(":", 1)[0] for s in summary["skipped"]}
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = {
            r[0].split("#")[0].rsplit(":", 1)[0]
            for r in conn.execute("SELECT source FROM articles")
        }
    names = {Path(s).name for s in sources | stored}
    assert {c.name for c, _ in corpus} <= names
    assert summary["articles_added"] >= sum(1 for c, _ in corpus if c.expect == "article")
