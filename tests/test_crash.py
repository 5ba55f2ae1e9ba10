"""Crash safety: ``newsdesk ingest`` killed with SIGKILL at 20 random points.

After every kill the database must pass ``PRAGMA integrity_check`` (and the foreign-key
check), and re-running the same ingest must end with exactly the records of an
uninterrupted run (every export kind compared in full; exports carry no run ids).
Kills are chained: a database is killed up to ``KILLS_PER_DB`` times, each run resuming
the last, then run to completion and compared; a fresh database follows until 20 kills
have landed on a running ingest. The RNG is seeded, so the kill times are reproducible
(the points they hit in the work vary with machine load).

Every stateful stage (dedup index, entity linker, story clusterer) commits its state with
each batch and a resumed process reads back exactly what the running one kept, so every
record kind must match exactly.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import crashkit  # noqa: E402

KILLS = 20
KILLS_PER_DB = 8
BATCH = 8  # small write transactions, so kills fall between and inside many of them
N_GENERATED = 24


@pytest.mark.slow
def test_sigkill_at_random_points_never_corrupts_and_resume_converges(tmp_path: Path) -> None:
    corpus = crashkit.build_corpus(tmp_path / "corpus", N_GENERATED)
    ref_db = tmp_path / "ref.db"
    started = time.monotonic()
    crashkit.run_ingest(corpus, ref_db, BATCH)
    full_run = time.monotonic() - started
    reference = crashkit.snapshot(ref_db)
    assert reference["articles"] and reference["quotes"] and reference["timexes"]

    rng = random.Random(20250407)
    kills, episode = 0, 0
    log: list[str] = []
    while kills < KILLS:
        episode += 1
        db = tmp_path / f"crash-{episode}.db"
        for _ in range(KILLS_PER_DB):
            if kills >= KILLS:
                break
            delay = rng.uniform(0.1, 0.7) * full_run
            proc = subprocess.Popen(
                crashkit.ingest_cmd(corpus, db, BATCH), env=crashkit.env(),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            try:
                proc.wait(timeout=delay)
                finished = True
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                finished = False
            stderr = proc.stderr.read().decode() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if finished:
                assert proc.returncode == 0, stderr[-2000:]
                log.append(f"db {episode}: run ended before its kill at {delay:.1f} s")
                break  # nothing left to interrupt in this database
            kills += 1
            if db.exists():
                check = crashkit.integrity(db)
                assert check == "ok", f"kill {kills} at {delay:.1f} s: {check}"
            log.append(f"db {episode}: kill {kills} at {delay:.1f} s: integrity ok")
        crashkit.run_ingest(corpus, db, BATCH)  # resume to the end
        assert crashkit.integrity(db) == "ok"
        resumed = crashkit.snapshot(db)
        differences = crashkit.diff(reference, resumed)
        assert not differences, f"db {episode}: " + " | ".join(differences)
    print(f"\nfull run {full_run:.1f} s; {kills} kills over {episode} databases")
    print("\n".join(log))
    assert kills == KILLS
