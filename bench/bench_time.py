"""Articles per second of ``tag_timexes`` on one core (700-word articles), median of runs.

    .venv/bin/python bench/bench_time.py [DIR] [--repeat 5] [--words 700]

DIR is searched for TimeML ``*.tml`` files (default: the shared TempEval-3 TBAQ set);
their texts are joined and cut into articles of ``--words`` words, each keeping the
publication date of the file it starts in. Without DIR (or with no .tml there) a
built-in generated news text is used instead. Prints a one-line summary on stderr
and a JSON line on stdout.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import pin_one_core, report, timed_runs  # noqa: E402

from newsdesk.annotate.time import tag_timexes  # noqa: E402

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval" / "TBAQ-cleaned"


def load_tml(folder: Path) -> list[tuple[str, str | None]]:
    """(text, DCT) of each TimeML file under ``folder``."""
    out = []
    for p in sorted(folder.rglob("*.tml")):
        root = ET.parse(p).getroot()
        body = root.find("TEXT")
        dct = root.find("DCT/TIMEX3")
        if body is not None:
            out.append(("".join(body.itertext()), dct.get("value") if dct is not None else None))
    return out


def generated(n: int = 60, seed: int = 3) -> list[tuple[str, str | None]]:
    """Invented news-like paragraphs with a typical density of time expressions."""
    rnd = random.Random(seed)
    parts = [
        "Officials said on {wd} that talks would resume next week.",
        "The ministry announced in {mon} that the 30-day program had ended.",
        "Prices rose 4% in the third quarter, compared with a year earlier.",
        "The company expects results by the end of the year, a spokesman told reporters.",
        "Two years ago the council approved the plan, and it now faces a new vote.",
        "Residents waited for more than four hours at the border crossing.",
        "The committee meets every week and publishes figures daily.",
        "Negotiators met late {wd} and again at 9 a.m. the next morning.",
        "The agreement, signed on {mon} {day}, 2024, expires in the fall of 2026.",
        "Analysts said the market had been volatile for several months.",
    ]
    filler = (
        "The delegation visited several towns along the river and spoke with farmers, "
        "teachers and local officials about water supplies and road repairs."
    )
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    months = ["January", "March", "May", "July", "September", "November"]
    docs = []
    for _ in range(n):
        sents = []
        for _ in range(40):
            s = rnd.choice(parts) if rnd.random() < 0.5 else filler
            sents.append(
                s.format(wd=rnd.choice(days), mon=rnd.choice(months), day=rnd.randint(1, 28))
            )
        docs.append((" ".join(sents), "2025-04-07"))
    return docs


def articles(docs: list[tuple[str, str | None]], words: int) -> list[tuple[str, str | None]]:
    """Re-cut the texts into articles of ``words`` words (whitespace kept)."""
    out: list[tuple[str, str | None]] = []
    buf: list[str] = []
    dct: str | None = None
    for text, d in docs:
        for tok in re.findall(r"\S+\s*", text):
            if not buf:
                dct = d
            buf.append(tok)
            if len(buf) >= words:
                out.append(("".join(buf), dct))
                buf = []
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--words", type=int, default=700)
    args = ap.parse_args()
    pin_one_core()
    docs = load_tml(args.dir) if args.dir.is_dir() else []
    source = str(args.dir) if docs else "generated"
    arts = articles(docs or generated(), args.words)
    tag_timexes(arts[0][0], arts[0][1])  # warm up (regex compilation happens at import)

    def run() -> int:
        for text, dct in arts:
            tag_timexes(text, dct)
        return len(arts)

    rates = timed_runs(run, args.repeat)
    n_timex = sum(len(tag_timexes(t, d)) for t, d in arts)
    report(
        "time",
        rates,
        f"articles/s ({args.words} words)",
        articles=len(arts),
        timexes=n_timex,
        source=source,
    )


if __name__ == "__main__":
    main()
