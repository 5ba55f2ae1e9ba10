"""Generate a big synthetic newsdesk database for the web benchmark.

    .venv/bin/python bench/make_big_db.py --out /tmp/newsdesk_big.db --articles 100000

Rows go straight into the real schema (``newsdesk.store.db.connect``): articles (with
FTS5), stories, quotes, statements, entities, mentions, timexes and timeline events.
The text is invented from word lists with a Zipf-like spread (a few words very common,
most rare), so full-text queries hit realistic numbers of rows; every offset points
at the characters it claims. Copies (``duplicate_of``) repeat an earlier article of
the same story under another outlet, as syndication does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from newsdesk.store.db import connect


def _words(s: str) -> list[str]:
    return s.split()


FIRST = _words(
    "Anna Ben Carla David Elena Farid Grace Hugo Irene Jonas Karim Laura Marco Nadia Oscar"
    " Paula Quentin Rosa Samir Tara Umar Vera Walter Yasmin Zoran Alma Boris Chen Dara Emil"
    " Fiona Goran Hana Ivan Julia Kofi Lena Mateo Nina Omar Petra Rafael Sofia Tomas Ursula"
    " Viktor Wanda Xavier Yuri Zara"
)
LAST = _words(
    "Adler Baptiste Castillo Dimitrov Eriksen Fontaine Garcia Haddad Ivanova Jensen Kovacs"
    " Lindqvist Moreau Novak Okafor Petrov Quinn Rossi Schmidt Tanaka Urban Varga Weber"
    " Xu Yilmaz Zhang Abara Brennan Costa Duarte Engel Fischer Gallo Horvat Iqbal Janssen"
    " Kowalski Larsen Mendes Nakamura Ortiz Pereira Ricci Santos Torres Vidal Wolff"
)
ORG_KINDS = _words("Ministry Union Council Agency Bank Institute Party Commission Authority Group")
PLACES = _words(
    "Arden Belmora Calder Dunmore Eastvale Fenwick Glenport Harlow Islay Jorvik Kestrel"
    " Larkspur Marlow Northcliff Oakridge Pellham Queensbury Redwater Silverton Thornbury"
    " Umberland Valemont Westmarch Yarrow Zennor Ashby Brookfield Carrow Delmont Elmstead"
)
OUTLET_WORDS = "Ledger Courier Gazette Herald Wire Chronicle Post Tribune Observer Dispatch"
OUTLETS = [f"The {p} {w}" for p, w in zip(PLACES, _words(OUTLET_WORDS) * 3, strict=False)] + [
    f"{p} Daily" for p in PLACES[:14]
]
WORDS = _words(
    "government minister talks deal agreement election vote crisis economy market prices"
    " inflation budget tax plan reform law court ruling judge police investigation report"
    " official statement war ceasefire troops border security attack strike protest workers"
    " union company shares profit losses energy oil gas power climate flood storm fire"
    " health hospital doctors vaccine school students teachers housing rents transport rail"
    " airport port shipping trade tariffs exports imports sanctions talks summit leaders"
    " president prime parliament opposition coalition party campaign poll support critics"
    " residents city region village capital province district council mayor plans project"
    " funding billion million percent week month year spokesman spokeswoman agency data"
    " figures growth decline rise fall increase cut jobs wages pensions benefits costs"
    " water food farmers harvest drought prices fuel electricity grid network internet"
    " technology software data privacy hackers cyber bank loans interest rates currency"
    " debt bonds investors fund negotiations proposal offer demands response warning"
    " threat risk concerns questions answers evidence witnesses victims families children"
    " missing rescue teams emergency services army navy aircraft drones missiles weapons"
    " aid relief refugees migrants asylum camp shelter talks resumed stalled collapsed"
    " approved rejected delayed announced confirmed denied said added told"
)
FILLER = _words("the a of to in and on for with that by from at as after before over under")
SPEECH = ["said", "told reporters", "added", "wrote on social media", "said in a statement"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return list(accumulate(1.0 / (i + 1) ** s for i in range(n)))


class Gen:
    """Builds one database; all randomness from one seeded generator."""

    def __init__(self, seed: int, n_articles: int) -> None:
        self.r = random.Random(seed)
        r = self.r
        self.people = [f"{f} {last}" for f in FIRST for last in LAST]
        r.shuffle(self.people)
        self.people = self.people[:2000]
        self.orgs = [f"{p} {k}" for p in PLACES for k in ORG_KINDS]
        self.word_cum = zipf_weights(len(WORDS))
        self.people_cum = zipf_weights(len(self.people), 0.9)
        self.n_stories = max(1, n_articles // 8)
        self.start = date(2024, 1, 1)

    def words(self, k: int) -> list[str]:
        return self.r.choices(WORDS, cum_weights=self.word_cum, k=k)

    def person(self) -> str:
        return self.r.choices(self.people, cum_weights=self.people_cum, k=1)[0]

    def sentence(self) -> str:
        r = self.r
        ws = self.words(r.randint(8, 16))
        for _ in range(len(ws) // 3):
            ws.insert(r.randrange(len(ws)), r.choice(FILLER))
        return " ".join(ws).capitalize() + "."


def build(out: Path, n_articles: int, seed: int) -> dict[str, float]:
    g = Gen(seed, n_articles)
    r = g.r
    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    conn = connect(out)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO runs(id, started, status) VALUES (1, '2025-01-01T00:00:00Z', 'done')")

    # Entities: people, organisations, places.
    ent_id: dict[str, str] = {}
    ent_rows = []
    for kind, names in (("PERSON", g.people), ("ORG", g.orgs), ("GPE", PLACES)):
        for name in names:
            eid = f"e{len(ent_rows):05d}"
            ent_id[name] = eid
            aliases = [name.split()[-1]] if kind == "PERSON" else []
            ent_rows.append((eid, name, kind, json.dumps(aliases)))
    conn.executemany("INSERT INTO entities(id, name, type, aliases) VALUES (?,?,?,?)", ent_rows)

    # Each story: a window of days, a place, an organisation, a cast of speakers.
    stories = []
    for i in range(g.n_stories):
        day0 = g.start + timedelta(days=r.randrange(700))
        stories.append(
            {
                "id": f"s{i:06d}",
                "day0": day0,
                "place": r.choice(PLACES),
                "org": r.choice(g.orgs),
                "cast": [g.person() for _ in range(r.randint(2, 4))],
                "topic": g.words(4),
                "articles": [],
            }
        )

    art_rows, quote_rows, mention_rows, timex_rows, event_rows = [], [], [], [], []
    statements: dict[str, list] = {}
    by_story_text: dict[str, list[tuple[str, str, list, list, list, list]]] = {}
    batch = 5000

    def flush() -> None:
        conn.executemany(
            "INSERT INTO articles(id, source, url, title, published, published_precision,"
            " published_sort, authors, agencies, publisher, language, text, duplicate_of,"
            " story_id, removed, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
            art_rows,
        )
        conn.executemany(
            "INSERT INTO quotes(id, article_id, start, end, text, kind, speaker,"
            " speaker_entity_id, speaker_mention, speaker_start, speaker_end, cue, medium,"
            " statement_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            quote_rows,
        )
        conn.executemany(
            "INSERT INTO mentions(article_id, start, end, text, type, cluster, entity_id)"
            " VALUES (?,?,?,?,?,?,?)",
            mention_rows,
        )
        conn.executemany(
            "INSERT INTO timexes(id, article_id, start, end, text, type, value)"
            " VALUES (?,?,?,?,?,?,?)",
            timex_rows,
        )
        conn.executemany(
            "INSERT INTO events(id, article_id, date, precision, sort_date, start, end, what,"
            " who, quote_id, timex_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            event_rows,
        )
        for rows in (art_rows, quote_rows, mention_rows, timex_rows, event_rows):
            rows.clear()

    for n in range(n_articles):
        aid = f"a{n:07d}"
        s = r.choice(stories)
        day = s["day0"] + timedelta(days=min(int(r.expovariate(1 / 3)), 40))
        published = f"{day.isoformat()}T{r.randint(5, 22):02d}:{r.randint(0, 59):02d}:00Z"
        outlet = r.choice(OUTLETS)
        prior = by_story_text.get(s["id"])
        if prior and r.random() < 0.15:
            # A syndicated copy: the same text and annotations under another outlet.
            orig_id, text, quotes, mentions, timexes, events = r.choice(prior)
            dup = orig_id
        else:
            dup = None
            text, quotes, mentions, timexes, events = _article_text(g, s, day)
            by_story_text.setdefault(s["id"], []).append(
                (aid, text, quotes, mentions, timexes, events)
            )
        title = " ".join([s["place"], *s["topic"][:2], *g.words(r.randint(3, 6))]).capitalize()
        art_rows.append(
            (
                aid,
                f"bench/{aid}.txt",
                f"https://example.org/{aid}",
                title,
                published,
                "minute",
                published,
                json.dumps([g.person()]),
                "[]",
                outlet,
                "en",
                text,
                dup,
                s["id"],
                json.dumps([{"text": "Subscribe to our newsletter", "reason": "newsletter"}]),
            )
        )
        s["articles"].append((aid, published, outlet, dup))
        for qi, (start, end, words, kind, speaker, ss, se, cue, stmt) in enumerate(quotes):
            qid = f"{aid}q{qi}"
            quote_rows.append(
                (
                    qid,
                    aid,
                    start,
                    end,
                    words,
                    kind,
                    speaker,
                    ent_id[speaker],
                    speaker,
                    ss,
                    se,
                    cue,
                    None,
                    stmt,
                )
            )
            statements.setdefault(stmt, [speaker, words, published, 0])[3] += 1
        for start, end, name, kind, cl in mentions:
            mention_rows.append((aid, start, end, name, kind, cl, ent_id[name]))
        for ti, (start, end, words, value) in enumerate(timexes):
            timex_rows.append((f"{aid}t{ti}", aid, start, end, words, "DATE", value))
        for ei, (start, end, what, value, ti) in enumerate(events):
            event_rows.append(
                (
                    f"{aid}e{ei}",
                    aid,
                    value,
                    "day",
                    value,
                    start,
                    end,
                    what,
                    "[]",
                    None,
                    f"{aid}t{ti}",
                )
            )
        if len(art_rows) >= batch:
            flush()
    flush()
    t_articles = time.perf_counter() - t0

    conn.executemany(
        "INSERT INTO statements(id, speaker, speaker_entity_id, text, first_published,"
        " quote_count) VALUES (?,?,?,?,?,?)",
        [(k, v[0], ent_id[v[0]], v[1], v[2], v[3]) for k, v in statements.items()],
    )
    story_rows = []
    for s in stories:
        arts = s["articles"]
        if not arts:
            continue
        dates = sorted(a[1] for a in arts)
        pubs = sorted({a[2] for a in arts})
        indep = sorted({a[2] for a in arts if a[3] is None})
        ents = [
            {"id": ent_id[name], "name": name, "type": "PERSON", "count": len(arts)}
            for name in s["cast"]
        ] + [{"id": ent_id[s["place"]], "name": s["place"], "type": "GPE", "count": len(arts)}]
        story_rows.append(
            (
                s["id"],
                " ".join([s["place"], *s["topic"]]).capitalize(),
                None,
                dates[0],
                dates[-1],
                json.dumps(pubs),
                json.dumps(indep),
                len(arts),
                sum(1 for a in arts if a[3]),
                json.dumps(ents),
            )
        )
    conn.executemany(
        "INSERT INTO stories(id, title, summary, first_published, last_published, publishers,"
        " independent_sources, article_count, copy_count, entities)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        story_rows,
    )
    conn.execute(
        "UPDATE entities SET article_count = c.a, mention_count = c.m FROM"
        " (SELECT entity_id, count(DISTINCT article_id) AS a, count(*) AS m FROM mentions"
        "  GROUP BY entity_id) AS c WHERE c.entity_id = entities.id"
    )
    conn.execute("COMMIT")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"articles_s": t_articles, "total_s": time.perf_counter() - t0}


def _article_text(g: Gen, s: dict, day: date) -> tuple[str, list, list, list, list]:
    """One article's text with its quote, mention, timex and event offsets."""
    r = g.r
    parts: list[str] = []
    pos = 0
    quotes, mentions, timexes, events = [], [], [], []

    def add(piece: str) -> int:
        nonlocal pos
        start = pos
        parts.append(piece)
        pos += len(piece)
        return start

    def add_name(name: str, kind: str, cluster: int) -> tuple[int, int]:
        start = add(name)
        mentions.append((start, start + len(name), name, kind, cluster))
        return start, start + len(name)

    n_par = r.randint(5, 9)
    for p in range(n_par):
        if p:
            add("\n\n")
        roll = r.random()
        if roll < 0.35:
            speaker = r.choice(s["cast"])
            words = " ".join(g.words(r.randint(6, 14))).capitalize()
            add('"')
            qs = add(words)
            add(',"' + " ")
            ss, se = add_name(speaker, "PERSON", 1 + s["cast"].index(speaker))
            cue = r.choice(SPEECH)
            add(f" {cue}.")
            stmt = "st" + hashlib.blake2b(f"{speaker}|{words}".encode(), digest_size=8).hexdigest()
            quotes.append(
                (qs, qs + len(words), words, "direct", speaker, ss, se, cue.split()[0], stmt)
            )
        elif roll < 0.6:
            back = r.randint(0, 6)
            when = day - timedelta(days=back)
            phrase = f"on {WEEKDAYS[when.weekday()]}" if back else "today"
            sent_start = pos
            add("Officials in ")
            add_name(s["place"], "GPE", 9)
            add(" and the ")
            add_name(s["org"], "ORG", 10)
            add(" " + " ".join(g.words(r.randint(4, 9))) + " ")
            ts = add(phrase)
            timexes.append((ts, ts + len(phrase), phrase, when.isoformat()))
            add(".")
            events.append(
                (
                    sent_start,
                    pos,
                    "".join(parts)[sent_start:pos],
                    when.isoformat(),
                    len(timexes) - 1,
                )
            )
        else:
            for k in range(r.randint(1, 3)):
                if k:
                    add(" ")
                add(g.sentence())
    return "".join(parts), quotes, mentions, timexes, events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/newsdesk_big.db"))
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    times = build(args.out, args.articles, args.seed)
    size = args.out.stat().st_size / 1e6
    print(
        f"{args.out}: {args.articles} articles, {size:.0f} MB,"
        f" rows in {times['articles_s']:.0f} s, total {times['total_s']:.0f} s"
    )


if __name__ == "__main__":
    main()
