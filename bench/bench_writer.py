"""The corpus stages alone: does writing an article cost the same at 100,000 as at 1,000?

    .venv/bin/python bench/bench_writer.py --annotate 1000 --total 100000

The per-document stages (clean, annotate) cost the same whatever the database holds;
what can grow with the corpus is the writer: dedup, entity linking, story assignment
and story rows, and the SQLite inserts. ``bench_scale.py`` measures the whole pipeline
and takes 50 minutes for 100,000 articles on two cores, with the annotators' noise on
top; this script measures the writer alone in a fraction of that.

``--annotate`` articles of the bench corpus (bench/corpus.py) are cleaned and annotated
once; the writer (``CorpusWriter.write_batch``, batches of 64 as in an ingest) then
stores ``--total`` articles made from them: the ``i``-th gets its own id, its own
reference line (the corpus's unique closing line, same length, so every annotation
offset stays valid) and the date the bench corpus gives its ``i``-th article, so the
database grows much as a ``--total`` corpus grows it (near copies of a few hundred
bodies, in date order). Reported: writer
milliseconds per article in each tenth of the total, the ratio of the last tenth to
the second (the first includes warm-up), the end-of-run work (stale story rows) and peak
RSS.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_rss_mb, pin_one_core  # noqa: E402
from corpus import write_jsonl  # noqa: E402

from newsdesk.model import Article, Document, Skip  # noqa: E402

REFERENCE = re.compile(r"Reference (\d{7}) for this edition\.")


def annotated(n: int, folder: Path) -> list[tuple[Article, Document]]:
    """``n`` bench articles, cleaned and annotated, with the documents they came from."""
    from newsdesk.parallel import process_batch
    from newsdesk.pipeline import document_hash
    from newsdesk.sources import read_inputs

    path = write_jsonl(folder / "corpus.jsonl", n)
    docs = [d for d in read_inputs([str(path)]) if not isinstance(d, Skip)]
    out: list[tuple[Article, Document]] = []
    for i in range(0, len(docs), 64):
        batch = [(d, document_hash(d)) for d in docs[i : i + 64]]
        for (doc, _), result in zip(batch, process_batch(batch), strict=True):
            if isinstance(result, Article):
                out.append((result, doc))
    return out


def replica(article: Article, i: int, total: int) -> Article:
    """Copy ``i`` of the corpus made from ``article``: new id, reference line and date."""
    a = copy.deepcopy(article)
    a.text = REFERENCE.sub(f"Reference {i:07d} for this edition.", a.text)
    a.title = re.sub(r"\(\d+\)$", f"({i})", a.title or "")
    a.published = f"2025-03-{1 + (i * 28 // total) % 28:02d}"
    a.content_hash = hashlib.sha256(f"{article.content_hash} {i}".encode()).hexdigest()
    a.id = "a" + a.content_hash[:15]
    return a


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--annotate", type=int, default=1000, help="articles annotated once")
    ap.add_argument("--total", type=int, default=100_000, help="articles written")
    ap.add_argument("--db", help="database to write (default: a fresh temporary one)")
    ap.add_argument("--out", help="also write the JSON result here")
    args = ap.parse_args()
    pin_one_core()

    from newsdesk.pipeline import BATCH_SIZE, CorpusWriter, _sort_key
    from newsdesk.store import connect, writer

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pool = annotated(args.annotate, Path(tmp))
        annotate_s = time.perf_counter() - t0
        conn = connect(args.db or Path(tmp) / "bench.db")
        run_id = writer.start_run(conn, {"bench": "writer"})
        corpus = CorpusWriter(conn, run_id)
        tenth = args.total / 10
        per_tenth = [0.0] * 10
        written = done = 0
        for start in range(0, args.total, BATCH_SIZE):
            batch = []
            for i in range(start, min(start + BATCH_SIZE, args.total)):
                article, doc = pool[i % len(pool)]
                batch.append((replica(article, i, args.total), doc))
            batch.sort(key=lambda pair: _sort_key(pair[0]))
            t = time.perf_counter()
            corpus.write_batch(batch)
            each = (time.perf_counter() - t) / len(batch)
            for i in range(written, written + len(batch)):  # a batch may straddle two tenths
                per_tenth[min(int(i / tenth), 9)] += each
            written += len(batch)
            while done < 10 and written >= (done + 1) * tenth - 0.5:  # show tenths as they end
                print(f"tenth {done + 1}: {per_tenth[done] * 1000 / tenth:.2f} ms/article",
                      file=sys.stderr, flush=True)  # fmt: skip
                done += 1
        t = time.perf_counter()
        corpus.finish()  # the stale story rows, once per run
        finish_s = time.perf_counter() - t
        conn.close()
    ms = [round(s * 1000 / tenth, 2) for s in per_tenth]
    result = {
        "annotated": len(pool),
        "annotate_seconds": round(annotate_s, 1),
        "written": written,
        "writer_ms_per_article_by_tenth": ms,
        "last_tenth_over_second": round(ms[9] / ms[1], 2) if ms[1] else None,
        "end_of_run_seconds": round(finish_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
