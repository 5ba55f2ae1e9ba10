"""Ingest throughput (articles/s, whole pipeline) on one core for text and HTML inputs.

    .venv/bin/python bench/bench_ingest.py [--n 200] [--repeat 3]

Each run ingests freshly generated inputs (see bench/corpus.py) into a new database;
the figure is articles written per wall second, median of the runs, model load included
once per run (a warm-up run loads it first).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import pin_one_core, report, timed_runs  # noqa: E402
from corpus import write_html_inputs, write_text_inputs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="articles per run")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pin_one_core()
    from newsdesk.annotate.nlp import get_nlp
    from newsdesk.pipeline import ingest

    get_nlp()  # the model loads once per process; measure the pipeline, not the load
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inputs = {
            "text": write_text_inputs(root / "text", args.n),
            "html": write_html_inputs(root / "html", args.n),
        }
        for kind, folder in inputs.items():
            counter = iter(range(10**6))

            def run(kind: str = kind, folder: Path = folder, counter=counter) -> int:
                db = root / f"{kind}-{next(counter)}.db"
                return ingest([str(folder)], db, progress=False).articles_added

            report(f"ingest_{kind}", timed_runs(run, args.repeat), "articles/s", n=args.n)


if __name__ == "__main__":
    main()
