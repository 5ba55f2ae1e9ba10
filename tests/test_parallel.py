"""--workers and --engine dask give exactly the single-process results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.export import export_records
from newsdesk.pipeline import ingest

KINDS = ("articles", "quotes", "timexes", "entities", "stories")


def _dump(db: Path, tmp_path: Path) -> dict[str, list[dict]]:
    out = {}
    for what in KINDS:
        target = tmp_path / f"{db.stem}-{what}.jsonl"
        export_records(db, what, "jsonl", str(target))
        out[what] = [json.loads(line) for line in target.read_text().splitlines()]
    return out


@pytest.fixture(scope="module")
def demo_subset(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], str]:
    from newsdesk.demo import CORPUS_DIR

    expected = json.loads((CORPUS_DIR / "EXPECTED.json").read_text())
    return [str(CORPUS_DIR)], expected["crawled_at"]


@pytest.fixture(scope="module")
def local_run(demo_subset, tmp_path_factory) -> dict[str, list[dict]]:
    from datetime import datetime

    paths, crawled = demo_subset
    tmp = tmp_path_factory.mktemp("local")
    db = tmp / "local.db"
    ingest(paths, db, crawled_at=datetime.fromisoformat(crawled), batch_size=8)
    return _dump(db, tmp)


def test_copies_are_dated_against_their_originals_date(local_run) -> None:
    """A copy's relative dates resolve against its original's publication date (the
    writer re-dates from what the worker found): the same as tagging it afresh."""
    from newsdesk.annotate.time import tag_timexes

    articles = {a["id"]: a for a in local_run["articles"]}
    stored: dict[str, list[tuple[int, int, str]]] = {}
    for t in local_run["timexes"]:
        stored.setdefault(t["article_id"], []).append((t["start"], t["end"], t["value"]))
    redated = 0
    for a in articles.values():
        original = articles.get(a["duplicate_of"] or "")
        if original is None or not original["published"]:
            continue
        expected = [
            (t.start, t.end, t.value) for t in tag_timexes(a["text"], original["published"])
        ]
        assert sorted(stored.get(a["id"], [])) == sorted(expected), a["id"]
        own = [(t.start, t.end, t.value) for t in tag_timexes(a["text"], a["published"])]
        redated += expected != own
    assert redated >= 1, "the demo corpus has copies whose dates move with the anchor"


@pytest.mark.slow
def test_process_pool_equals_local(demo_subset, local_run, tmp_path):
    from datetime import datetime

    paths, crawled = demo_subset
    db = tmp_path / "pool.db"
    ingest(paths, db, crawled_at=datetime.fromisoformat(crawled), batch_size=8, workers=2)
    assert _dump(db, tmp_path) == local_run
    assert len(local_run["articles"]) >= 40


@pytest.mark.slow
def test_dask_local_cluster_equals_local(demo_subset, local_run, tmp_path):
    from datetime import datetime

    pytest.importorskip("distributed")
    paths, crawled = demo_subset
    db = tmp_path / "dask.db"
    ingest(paths, db, crawled_at=datetime.fromisoformat(crawled), batch_size=8, workers=2,
           engine="dask")  # fmt: skip
    assert _dump(db, tmp_path) == local_run
    assert not (tmp_path / "dask.db.shards").exists() or not any(
        (tmp_path / "dask.db.shards").iterdir()
    ), "merged shards are removed"


@pytest.mark.slow
def test_story_rows_left_to_lag_are_exact_when_the_ingest_ends(
    demo_subset, local_run, tmp_path, monkeypatch
):
    """With rows recomputed only on doubling, some lag between batches; the end of the
    run brings them to what recomputing on every batch gives (but for titles and
    summaries, which weigh words by the idf of when they were computed)."""
    from datetime import datetime

    from newsdesk.stories import StoryAssigner, assign

    monkeypatch.setattr(assign, "ROW_ALWAYS_BELOW", 2)
    monkeypatch.setattr(assign, "ROW_REFRESH_GROWTH", 1.0)
    refreshed: list[int] = []  # what each end-of-run refresh recomputed
    real = StoryAssigner.refresh_stale

    def counting(self: StoryAssigner) -> int:
        refreshed.append(real(self))
        return refreshed[-1]

    monkeypatch.setattr(StoryAssigner, "refresh_stale", counting)
    paths, crawled = demo_subset
    db = tmp_path / "lagging.db"
    ingest(paths, db, crawled_at=datetime.fromisoformat(crawled), batch_size=8)
    assert refreshed and refreshed[0] > 0, "no row lagged: the test would prove nothing"

    def rows(dump: dict[str, list[dict]]) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in ("title", "summary")} for r in dump]

    assert rows(_dump(db, tmp_path)["stories"]) == rows(local_run["stories"])


_ORPHAN_SCRIPT = """
import json, sys, time
from newsdesk.parallel import ProcessEngine
engine = ProcessEngine(2)
list(engine.map(iter([[]] * 4)))  # both workers are up (model loaded) once batches came back
print(json.dumps(list(engine.pool._processes)), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_pool_workers_exit_when_the_ingest_is_killed() -> None:
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = json.loads(proc.stdout.readline())
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "pool workers outlived the ingest"
    finally:
        proc.kill()


def test_batch_sized_gc_collects_young_objects_less_often_inside_only() -> None:
    import gc

    from newsdesk.parallel import GC_YOUNG_OBJECTS, batch_sized_gc

    before = gc.get_threshold()
    with batch_sized_gc():
        assert gc.get_threshold() == (GC_YOUNG_OBJECTS, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(KeyError), batch_sized_gc():
        raise KeyError("the block fails")
    assert gc.get_threshold() == before
