"""Tests of the stories stage: online clustering, copies, dormancy, merges, rows, state.

All article texts below are invented for these tests.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import sys
from pathlib import Path

import pytest

from newsdesk.model import Article, Mention, Timex
from newsdesk.store.db import connect
from newsdesk.stories import StoryAssigner, story_id_for
from newsdesk.stories import features as F
from newsdesk.stories.assign import Story, day_number

SHARED = Path(__file__).resolve().parents[2] / "shared"

QUAKE_A = [
    (
        "Strong earthquake shakes Varnholm, killing 12",
        "A magnitude 6.4 earthquake struck the mountain town of Varnholm on Tuesday, killing at "
        "least 12 people and collapsing the old grain market, the regional governor Ilse Draven "
        "said.\n\nRescue teams from Kettering Province searched the rubble through the night. "
        "The quake was felt 200 kilometres away in the port of Saltmere.",
    ),
    (
        "Varnholm quake toll rises as rescuers dig through grain market",
        "Rescuers in Varnholm pulled two survivors from the collapsed grain market on Wednesday "
        "as the toll of the magnitude 6.4 earthquake rose to 12, governor Ilse Draven said.\n\n"
        "Kettering Province sent 300 more rescue workers and field kitchens to the mountain town.",
    ),
    (
        "Governor Draven asks for aid after Varnholm earthquake",
        "Ilse Draven, governor of Kettering Province, asked the national government for emergency "
        "aid after the magnitude 6.4 earthquake in Varnholm destroyed the grain market and killed "
        "12 people.\n\nEngineers are checking every school in the mountain town before it reopens.",
    ),
]
QUAKE_B = [
    (
        "Earthquake rattles Oskarby, injuring three",
        "A magnitude 5.1 earthquake hit the coastal city of Oskarby early on Tuesday, injuring "
        "three people and cracking the walls of the ferry terminal, mayor Tomas Brekke said.\n\n"
        "The Lindqvist Seismic Institute said the quake was centred 8 kilometres offshore.",
    ),
    (
        "Oskarby ferry terminal closed after quake damage",
        "The ferry terminal in Oskarby stays closed after the magnitude 5.1 earthquake cracked its "
        "walls, mayor Tomas Brekke said, and three injured people remain in hospital.\n\n"
        "The Lindqvist Seismic Institute recorded four aftershocks offshore overnight.",
    ),
]
COUNCIL = (
    "Council approves budget for new tram line",
    "The city council of Pellham voted 31 to 9 on Thursday to fund a tram line between the "
    "university and the harbour, ending a two-year dispute over its cost.\n\nConstruction of the "
    "line is due to start next spring, the transport director Mara Quist said.",
)


def art(aid: str, title: str, text: str, published: str | None, **kw: object) -> Article:
    return Article(id=aid, source=f"{aid}.txt", text=text, title=title, published=published, **kw)  # type: ignore[arg-type]


def store(conn: sqlite3.Connection, a: Article, sims: dict[str, float] | None = None) -> None:
    """The minimal core row the pipeline writes after ``assign``."""
    conn.execute(
        "INSERT INTO articles (id, source, text, title, published, published_sort, publisher,"
        " duplicate_of, story_id, similarity) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (a.id, a.source, a.text, a.title, a.published, a.published or "", a.publisher,
         a.duplicate_of, a.story_id, json.dumps(sims) if sims else None),
    )  # fmt: skip


def run(
    conn: sqlite3.Connection, articles: list[Article], run_id: int = 1, **kw: object
) -> StoryAssigner:
    """Assign and store articles as the pipeline does, then finalize."""
    sa = StoryAssigner(conn, run_id=run_id, **kw)  # type: ignore[arg-type]
    conn.execute("BEGIN IMMEDIATE")
    for a in sorted(articles, key=lambda x: (0, x.published) if x.published else (1, "")):
        a.story_id = sa.assign(a)
        store(conn, a, sa.similarities(a.id))
    sa.finalize()
    conn.execute("COMMIT")
    return sa


def stories_of(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT id, story_id FROM articles"))


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = connect(tmp_path / "x.db")
    yield c
    c.close()


def quake_articles() -> list[Article]:
    arts = [
        art(f"qa{i}", t, x, f"2024-03-0{5 + i}", publisher=f"Outlet {i}")
        for i, (t, x) in enumerate(QUAKE_A)
    ]
    arts += [
        art(f"qb{i}", t, x, f"2024-03-0{5 + i}", publisher=f"Paper {i}")
        for i, (t, x) in enumerate(QUAKE_B)
    ]
    arts.append(art("council", *COUNCIL, "2024-03-06", publisher="Outlet 0"))
    return arts


def test_same_event_joins_and_same_kind_of_event_does_not(conn: sqlite3.Connection) -> None:
    run(conn, quake_articles())
    s = stories_of(conn)
    assert s["qa0"] == s["qa1"] == s["qa2"]
    assert s["qb0"] == s["qb1"]
    assert s["qa0"] != s["qb0"], "two earthquakes the same week are two stories"
    assert s["council"] not in (s["qa0"], s["qb0"])


def test_entities_from_mentions_are_used(conn: sqlite3.Connection) -> None:
    # With the entities stage's mentions, canonical names become features.
    title, text = QUAKE_A[0]
    start = text.index("Ilse Draven")
    a = art("m1", title, text, "2024-03-05")
    a.mentions = [Mention(start, start + 11, "Ilse Draven", "PERSON", 0, canonical="Ilse Draven")]
    assert F.bucket("e:ilse draven") in F.hashed_tf(a)


def test_only_spelled_out_dates_are_features() -> None:
    text = "The dam opened on Monday. Work began on March 3, 2021 after a vote."
    a = art("d1", "Dam opens", text, "2024-03-06")
    a.timexes = [
        Timex(18, 24, "Monday", "DATE", "2024-03-04"),
        Timex(40, 53, "March 3, 2021", "DATE", "2021-03-03"),
    ]
    assert all(text[t.start : t.end] == t.text for t in a.timexes)
    tf = F.hashed_tf(a)
    assert F.bucket("t:2021-03-03") in tf
    assert F.bucket("t:2024-03-04") not in tf, "relative dates tie same-day articles together"


def test_story_id_is_stable_and_derived_from_the_founder(conn: sqlite3.Connection) -> None:
    arts = quake_articles()
    run(conn, arts)
    s = stories_of(conn)
    assert s["qa0"] == story_id_for("qa0")
    assert s["qb0"] == story_id_for("qb0")
    log = conn.execute("SELECT story_id, action FROM story_log WHERE action = 'create'").fetchall()
    assert {r[0] for r in log} == set(s.values())


def test_dormant_story_is_not_joined(conn: sqlite3.Connection) -> None:
    t, x = QUAKE_A[0]
    t2, x2 = QUAKE_A[1]
    run(conn, [art("early", t, x, "2024-03-05"), art("late", t2, x2, "2024-05-20")])
    s = stories_of(conn)
    assert s["early"] != s["late"], "weeks apart with no article in between: a new story"


def test_copy_joins_its_original_story_without_counting_as_a_source(
    conn: sqlite3.Connection,
) -> None:
    t, x = QUAKE_A[0]
    orig = art("orig", t, x, "2024-03-05", publisher="Outlet A")
    copy = art("copy", t, x, "2024-03-06", publisher="Aggregator Z", duplicate_of="orig")
    other = art("other", *QUAKE_A[1], "2024-03-06", publisher="Outlet B")
    sa = run(conn, [orig, copy, other])
    s = stories_of(conn)
    assert s["copy"] == s["orig"] == s["other"]
    assert sa.similarities("copy") == {"orig": 1.0}
    row = conn.execute(
        "SELECT publishers, independent_sources, article_count, copy_count, first_published,"
        " last_published FROM stories WHERE id = ?",
        (s["orig"],),
    ).fetchone()
    assert set(json.loads(row[0])) == {"Outlet A", "Aggregator Z", "Outlet B"}
    assert json.loads(row[1]) == ["Outlet A", "Outlet B"]
    assert (row[2], row[3], row[4], row[5]) == (3, 1, "2024-03-05", "2024-03-06")


def test_copy_of_an_article_from_an_earlier_run(conn: sqlite3.Connection) -> None:
    t, x = QUAKE_A[0]
    run(conn, [art("orig", t, x, "2024-03-05")], run_id=1)
    copy = art("copy", t, x, "2024-03-06", duplicate_of="orig")
    run(conn, [copy], run_id=2)
    assert stories_of(conn)["copy"] == story_id_for("orig")


def test_finalize_writes_a_readable_row(conn: sqlite3.Connection) -> None:
    arts = quake_articles()
    run(conn, arts)
    sid = stories_of(conn)["qa0"]
    title, summary, entities = conn.execute(
        "SELECT title, summary, entities FROM stories WHERE id = ?", (sid,)
    ).fetchone()
    assert title in {t for t, _ in QUAKE_A}
    assert summary
    texts = " ".join(" ".join(x.split()) for _, x in QUAKE_A)
    # Extractive: every summary sentence is a sentence of a member's text.
    for sent in summary.split(". "):
        assert sent.rstrip(".") in texts
    assert json.loads(entities) == []  # no mentions stored in this test


def test_similarities_name_the_nearest_articles(conn: sqlite3.Connection) -> None:
    sa = run(conn, quake_articles())
    sims = sa.similarities("qa2")
    assert sims and set(sims) <= {"qa0", "qa1", "qb0", "qb1", "council"}
    assert max(sims, key=sims.get) in {"qa0", "qa1"}
    assert all(0.0 < v <= 1.0 for v in sims.values())
    stored = conn.execute("SELECT similarity FROM articles WHERE id = 'qa2'").fetchone()[0]
    assert json.loads(stored) == sims
    assert sa.similarities("unknown") == {}


def test_state_resumes_in_a_later_run(conn: sqlite3.Connection) -> None:
    run(conn, [art(f"qa{i}", t, x, "2024-03-05") for i, (t, x) in enumerate(QUAKE_A[:2])], run_id=1)
    n_state = conn.execute("SELECT COUNT(*) FROM story_state").fetchone()[0]
    assert n_state == 1
    sa = run(conn, [art("qa2", *QUAKE_A[2], "2024-03-07")], run_id=2)
    assert sa.df.n_docs == 3, "document frequencies persist across runs"
    s = stories_of(conn)
    assert s["qa2"] == s["qa0"]
    row = conn.execute(
        "SELECT article_count, created_run, updated_run FROM stories WHERE id = ?", (s["qa0"],)
    ).fetchone()
    assert tuple(row) == (3, 1, 2)


def test_finalize_merges_stories_and_logs_it(conn: sqlite3.Connection) -> None:
    arts = [art(f"qa{i}", t, x, "2024-03-05") for i, (t, x) in enumerate(QUAKE_A)]
    # Never join online: the merge pass must bring the three together.
    run(conn, arts, join_threshold=2.0)
    s = stories_of(conn)
    assert len(set(s.values())) == 1
    kept = s["qa0"]
    merged = conn.execute(
        "SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL"
    ).fetchall()
    assert len(merged) == 2 and all(r[1] == kept for r in merged)
    log = conn.execute("SELECT story_id, other_id FROM story_log WHERE action = 'merge'").fetchall()
    assert {r[1] for r in log} == {r[0] for r in merged}
    assert conn.execute("SELECT COUNT(*) FROM story_state").fetchone()[0] == 1


def test_undated_article_can_join(conn: sqlite3.Connection) -> None:
    arts = [art("qa0", *QUAKE_A[0], "2024-03-05"), art("qa1", *QUAKE_A[1], None)]
    run(conn, arts)
    s = stories_of(conn)
    assert s["qa0"] == s["qa1"]


def test_out_of_order_batches_find_older_stories(conn: sqlite3.Connection) -> None:
    # A later batch may go back in time: the story of that time must be found again.
    sa = StoryAssigner(conn, run_id=1)
    first = sa.assign(art("qa0", *QUAKE_A[0], "2024-03-05"))
    sa.assign(art("council", *COUNCIL, "2024-06-01"))
    assert sa.assign(art("qa1", *QUAKE_A[1], "2024-03-06")) == first


def test_features_and_helpers() -> None:
    assert F.words("The earthquakes killed 12 people in Varnholm's market") == [
        "earthquak", "kill", "varnholm", "market",
    ]  # fmt: skip
    assert F.lead_of("one two three four", 2) == "one two"
    assert F.bucket("varnholm") == F.bucket("varnholm") < F.N_FEATURES
    text = "Officials in the U.S. said so. Mr. Brekke agreed!\n\nA second paragraph here."
    spans = F.sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Officials in the U.S. said so.", "Mr. Brekke agreed!", "A second paragraph here.",
    ]  # fmt: skip
    assert day_number("2024-03-05") == pytest.approx(day_number("2024-03-05T00:00:00Z"))
    assert day_number("not a date") is None and day_number(None) is None


def test_stop_words_and_buckets_are_scikit_learns() -> None:
    """Stored idfs and story states were built with scikit-learn's stop words and hash;
    the stage now carries its own copy of both and must give exactly the same buckets."""
    text = pytest.importorskip("sklearn.feature_extraction.text")
    from sklearn.utils import murmurhash3_32

    from newsdesk.stories.stopwords import ENGLISH_STOP_WORDS

    assert ENGLISH_STOP_WORDS == text.ENGLISH_STOP_WORDS
    features = ["varnholm", "w:kyiv", "e:ORG|united nations", "café", "Ωmega", "日本", "n:6.1"]
    for f in features + [f"w:{i}" for i in range(2000)]:
        F._HASH_CACHE.pop(f, None)
        assert F.bucket(f) == murmurhash3_32(f, seed=0, positive=True) % F.N_FEATURES, f


def test_story_state_blob_round_trip() -> None:
    s = Story("s-x")
    s.add_vector({3: 0.5, 7: 0.25})
    s.add_time(19800.0)
    s.copies = 2
    t = Story.from_blob("s-x", s.to_blob())
    assert (t.n, t.copies, t.first, t.last) == (1, 2, 19800.0, 19800.0)
    assert t.view() == pytest.approx({3: 0.5, 7: 0.25})
    t.pack()
    assert t.top_terms(1) == (3,)
    # Lossless and order-keeping: a restart must read back exactly the session's centroid.
    s.add_vector({11: 0.1 + 0.2, 3: 1e-17})
    back = Story.from_blob("s-x", s.to_blob()).view()
    assert back == s.view() and list(back) == list(s.view())
    # Version 1 blobs (float32, no index keys) of older databases still load.
    head = json.dumps({"n": 1, "k": 0, "f": None, "l": None}).encode()
    v1 = struct.pack("<HI", 1, len(head)) + head + struct.pack("<2I2f", 3, 7, 0.5, 0.25)
    old = Story.from_blob("s-y", v1)
    assert old.view() == {3: 0.5, 7: 0.25} and old.index_terms == ()


@pytest.mark.shared
def test_basil_bcubed(tmp_path: Path) -> None:
    """BASIL dev split through the assigner alone (the eval runs the whole CLI)."""
    if not (SHARED / "data" / "basil").is_dir() or not (SHARED / "eval").is_dir():
        pytest.skip("../shared not present")
    sys.path.insert(0, str(SHARED / "eval"))
    from common import bcubed  # type: ignore[import-not-found]
    from tasks.stories import load_basil  # type: ignore[import-not-found]

    records, gold = load_basil(SHARED / "data" / "basil")
    c = connect(tmp_path / "b.db")
    arts = [art(r["id"], r["title"] or "", r["text"], r["published"]) for r in records]
    run(c, arts)
    assert bcubed(stories_of(c), gold)["f1"] >= 0.95
    c.close()


def _syllable_corpus(n_events: int, seed: int) -> list[Article]:
    """Invented articles: events of a few shared topics over ten weeks, copies, undated."""
    import random

    rng = random.Random(seed)
    syl = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]

    def word(k: int) -> str:
        return "".join(rng.choice(syl) for _ in range(k))

    topics = [[word(3) for _ in range(10)] for _ in range(4)]
    common = [word(2) for _ in range(60)]
    out: list[Article] = []
    for e in range(n_events):
        vocab = rng.sample(topics[e % len(topics)], 5) + [word(3) for _ in range(4)]
        place = word(3).title()
        day0 = rng.randrange(70)
        for j in range(rng.randint(1, 5)):
            body = " ".join(
                rng.choice(vocab) if rng.random() < 0.4 else rng.choice(common) for _ in range(60)
            )
            title = f"{place} {' '.join(rng.sample(vocab, 3))}"
            text = f"The {place} {body} in {place}. Officials counted {rng.randint(2, 99)}."
            d = 1 + day0 + rng.randint(0, 3)
            pub = None if rng.random() < 0.05 else f"2024-{1 + d // 28:02d}-{1 + d % 28:02d}"
            out.append(art(f"e{e}a{j}", title, text, pub, publisher=f"Outlet {j}"))
            if rng.random() < 0.15:
                out.append(art(f"e{e}c{j}", title, text, pub, duplicate_of=f"e{e}a{j}"))
    rng.shuffle(out)
    # Copies after their originals, as dedup marks them.
    return sorted(out, key=lambda a: a.duplicate_of is not None)


def _batches(arts: list[Article], size: int) -> list[list[Article]]:
    return [arts[i : i + size] for i in range(0, len(arts), size)]


def _run_batches(
    conn: sqlite3.Connection, sa: StoryAssigner, batches: list[list[Article]]
) -> dict[str, tuple[str, dict[str, float]]]:
    """Assign batches as ``CorpusWriter`` does (sorted by date, one transaction each)."""
    out = {}
    for batch in batches:
        conn.execute("BEGIN IMMEDIATE")
        for a in sorted(batch, key=lambda x: (0, x.published) if x.published else (1, "")):
            a.story_id = sa.assign(a)
            sims = sa.similarities(a.id)
            store(conn, a, sims)
            out[a.id] = (a.story_id, sims)
        sa.finalize()
        conn.execute("COMMIT")
    return out


def _db_state(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        "articles": conn.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall(),
        "stories": conn.execute(
            "SELECT id, title, summary, first_published, last_published, publishers,"
            " independent_sources, article_count, copy_count, entities, merged_into"
            " FROM stories ORDER BY id"
        ).fetchall(),
        "state": conn.execute("SELECT * FROM story_state ORDER BY story_id").fetchall(),
        "members": conn.execute("SELECT * FROM story_members ORDER BY id").fetchall(),
        "meta": conn.execute("SELECT * FROM story_meta ORDER BY key").fetchall(),
        "log": conn.execute(
            "SELECT story_id, action, other_id FROM story_log ORDER BY id"
        ).fetchall(),
    }


@pytest.mark.parametrize("join_threshold", [0.25, 0.6])
def test_restart_between_batches_changes_nothing(tmp_path: Path, join_threshold: float) -> None:
    """A new assigner on the committed db goes on exactly as the one that kept running."""
    arts = _syllable_corpus(70, seed=7)
    batches = _batches(arts, 16)
    half = len(batches) // 2
    # Two events that drift apart, around the restart: one story, split after it.
    drift = _drift_corpus(seed=0, days=10, month=6)
    for k, chunk in enumerate((drift[:6], drift[6:12], drift[12:])):
        batches[half - 1 + k] = batches[half - 1 + k] + chunk
    kw = {"join_threshold": join_threshold}

    one = connect(tmp_path / "one.db")
    ref = _run_batches(one, StoryAssigner(one, run_id=1, **kw), batches)  # type: ignore[arg-type]
    two = connect(tmp_path / "two.db")
    got = _run_batches(two, StoryAssigner(two, run_id=1, **kw), batches[:half])  # type: ignore[arg-type]
    got |= _run_batches(two, StoryAssigner(two, run_id=1, **kw), batches[half:])  # type: ignore[arg-type]

    assert len({sid for sid, _ in ref.values()}) > 10, "the corpus must make many stories"
    assert any(sims for _, sims in ref.values())
    assert got == ref, "story ids and similarity maps as assigned"
    state_one, state_two = _db_state(one), _db_state(two)
    for key in state_one:
        assert state_two[key] == state_one[key], key
    if join_threshold > 0.5:
        assert any(r[10] for r in state_one["stories"]), "merges happened and resumed alike"
    else:
        assert any(r[1] == "split" for r in state_one["log"]), "a split happened after restart"
    one.close()
    two.close()


def _drift_corpus(seed: int, days: int, month: int) -> list[Article]:
    """Invented articles of two events, one a day each: they share most words at first
    (one story) and none of their own words at the end."""
    import random

    rng = random.Random(seed)
    syl = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]

    def word() -> str:
        return "".join(rng.choice(syl) for _ in range(3))

    shared = [word() for _ in range(12)]
    own = {"a": [word() for _ in range(12)], "b": [word() for _ in range(12)]}
    filler = [word() for _ in range(300)]
    out = []
    for i in range(days):
        p = 0.5 * (1 - i / (days - 1))  # share of the common words, down to none
        for e in "ab":
            words = [
                rng.choice(shared)
                if rng.random() < p
                else rng.choice(own[e])
                if rng.random() < 0.7
                else rng.choice(filler)
                for _ in range(60)
            ]
            title = " ".join(rng.sample(shared if p > 0.4 else own[e], 3))
            out.append(
                art(f"d{e}{i}", title, " ".join(words) + ".", f"2024-{month:02d}-{1 + i:02d}")
            )
    return out


def test_split_of_two_events_that_drift_apart(tmp_path: Path) -> None:
    """One story absorbs two events; when they drift apart it splits, with stable ids."""
    arts = _drift_corpus(seed=0, days=10, month=3)
    c = connect(tmp_path / "s.db")
    _run_batches(c, StoryAssigner(c, run_id=1), [arts[:6], arts[6:12], arts[12:]])
    keep, other = story_id_for("da0"), story_id_for("db0")
    splits = c.execute("SELECT story_id, other_id FROM story_log WHERE action = 'split'")
    assert [tuple(r) for r in splits] == [(keep, other)]
    by_story: dict[str, set[str]] = {}
    for aid, sid in stories_of(c).items():
        by_story.setdefault(sid, set()).add(aid)
    assert by_story == {keep: {a.id for a in arts if a.id.startswith("da")},
                        other: {a.id for a in arts if a.id.startswith("db")}}  # fmt: skip
    rows = {r[0]: tuple(r[1:]) for r in c.execute(
        "SELECT id, article_count, merged_into, first_published FROM stories"
        " WHERE id IN (?, ?)", (keep, other))}  # fmt: skip
    assert rows == {keep: (10, None, "2024-03-01"), other: (10, None, "2024-03-01")}
    members = dict(c.execute("SELECT article_id, story_id FROM story_members"))
    assert all(members[a] == other for a in by_story[other])
    states = {r[0]: Story.from_blob(r[0], r[1]) for r in c.execute("SELECT * FROM story_state")}
    assert states[keep].n == 10 and states[other].n == 10
    # Later articles of the split-off event join it; nothing splits again.
    late = [art(f"db{10 + i}", a.title, a.text, f"2024-03-{12 + i}") for i, a in
            enumerate(x for x in arts[-6:] if x.id.startswith("db"))]  # fmt: skip
    _run_batches(c, StoryAssigner(c, run_id=2), [late])
    assert {stories_of(c)[a.id] for a in late} == {other}
    n_splits = c.execute("SELECT count(*) FROM story_log WHERE action = 'split'").fetchone()[0]
    assert n_splits == 1
    c.close()


def test_large_story_rows_lag_within_a_run_and_are_exact_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large story's row is recomputed only once it has grown enough (so its cost per
    article stays flat); ``refresh_stale`` brings every lagging row up to date."""
    from newsdesk.stories import assign

    batches = _batches(_syllable_corpus(70, seed=7), 16)
    drift = _drift_corpus(seed=0, days=10, month=6)
    for k, chunk in enumerate((drift[:6], drift[6:12], drift[12:])):
        batches[k] = batches[k] + chunk
    exact = connect(tmp_path / "exact.db")  # at the default sizes every row here is exact
    _run_batches(exact, StoryAssigner(exact, run_id=1), batches)
    assert not exact.execute("SELECT 1 FROM story_stale").fetchone()

    monkeypatch.setattr(assign, "ROW_ALWAYS_BELOW", 3)
    monkeypatch.setattr(assign, "ROW_REFRESH_GROWTH", 1.0)  # recompute on doubling
    lazy = connect(tmp_path / "lazy.db")
    sa = StoryAssigner(lazy, run_id=1)
    lagging = set()
    for batch in batches:
        _run_batches(lazy, sa, [batch])
        for sid, count in lazy.execute(
            "SELECT s.id, s.article_count FROM stories s JOIN story_stale t ON t.story_id = s.id"
        ).fetchall():
            members = lazy.execute(
                "SELECT count(*) FROM articles WHERE story_id = ?", (sid,)
            ).fetchone()[0]
            assert count < members < 2 * count and members >= 3
            lagging.add(sid)
    assert lagging, "some rows must have lagged for the test to mean anything"
    lazy.execute("BEGIN IMMEDIATE")
    assert sa.refresh_stale() > 0
    lazy.execute("COMMIT")
    assert not lazy.execute("SELECT 1 FROM story_stale").fetchone()

    # Titles and summaries weigh words by the idf of when the row was computed; all the
    # rest of a live story's row is a function of its members alone and must be what the
    # database that always recomputed has (a merged-away row is only a redirect).
    def rows(c: sqlite3.Connection) -> list[tuple[object, ...]]:
        return [(r[0], *r[3:]) if r[10] is None else (r[0], r[10]) for r in _db_state(c)["stories"]]

    assert rows(lazy) == rows(exact)
    exact.close()
    lazy.close()


def test_splits_can_be_turned_off(tmp_path: Path) -> None:
    arts = _drift_corpus(seed=0, days=10, month=3)
    c = connect(tmp_path / "s.db")
    _run_batches(
        c, StoryAssigner(c, run_id=1, split_min_members=0), [arts[:6], arts[6:12], arts[12:]]
    )
    assert stories_of(c)["db0"] == story_id_for("da0"), "the absorbed event stays absorbed"
    assert not c.execute("SELECT 1 FROM story_log WHERE action = 'split'").fetchone()
    c.close()


_TALLY = (
    "SELECT a.story_id, m.entity_id, COUNT(DISTINCT m.article_id), COUNT(*)"
    " FROM mentions m JOIN articles a ON a.id = m.article_id"
    " WHERE m.entity_id IS NOT NULL GROUP BY a.story_id, m.entity_id ORDER BY 1, 2"
)


@pytest.mark.parametrize("join_threshold", [0.25, 0.6])
def test_entity_tallies_follow_merges_and_splits(tmp_path: Path, join_threshold: float) -> None:
    """``story_entities`` always equals a recount over the members, whatever moved."""
    arts = _syllable_corpus(40, seed=3)
    drift = _drift_corpus(seed=0, days=10, month=6)
    batches = _batches(arts, 16)
    for k, chunk in enumerate((drift[:6], drift[6:12], drift[12:])):
        batches[k] = batches[k] + chunk
    c = connect(tmp_path / "t.db")
    sa = StoryAssigner(c, run_id=1, join_threshold=join_threshold)
    for batch in batches:
        c.execute("BEGIN IMMEDIATE")
        for a in sorted(batch, key=lambda x: (0, x.published) if x.published else (1, "")):
            a.story_id = sa.assign(a)
            store(c, a)
            words = a.text.split()
            for j, w in enumerate(words[:6] + words[:2]):  # repeats: mentions > articles
                c.execute(
                    "INSERT OR IGNORE INTO entities (id, name, type) VALUES (?, ?, 'ORG')",
                    (f"e-{w}", w),
                )
                c.execute(
                    "INSERT INTO mentions (article_id, start, end, text, type, cluster,"
                    " entity_id) VALUES (?, 0, 1, ?, 'ORG', ?, ?)",
                    (a.id, w, j, f"e-{w}"),
                )
        sa.finalize()
        c.execute("COMMIT")
        tallies = c.execute(
            "SELECT story_id, entity_id, articles, mentions FROM story_entities ORDER BY 1, 2"
        ).fetchall()
        assert [tuple(r) for r in tallies] == [tuple(r) for r in c.execute(_TALLY)]
        assert tallies
    log = {r[0] for r in c.execute("SELECT action FROM story_log")}
    assert ("merge" if join_threshold > 0.5 else "split") in log, log
    top = json.loads(
        c.execute("SELECT entities FROM stories WHERE article_count > 3").fetchone()[0]
    )
    assert top and top[0]["count"] >= top[-1]["count"]
    # A database from before the tallies gets them backfilled by its migration.
    c.executescript(
        "DROP TABLE story_entities; DROP INDEX articles_story_rows; DROP TABLE story_stale;"
        " UPDATE schema_migrations SET version = 3 WHERE namespace = 'stories';"
    )
    c.close()
    c = connect(tmp_path / "t.db")
    assert [tuple(r) for r in c.execute("SELECT * FROM story_entities ORDER BY 1, 2")] == [
        tuple(r) for r in c.execute(_TALLY)
    ]
    c.close()


def test_lead_sentences_are_read_once_and_kept_for_the_last_articles(tmp_path) -> None:
    from newsdesk.stories.summary import Leads

    conn = connect(tmp_path / "leads.db")
    body = (
        "The harbour authority closed the northern pier on Tuesday after a crane collapsed.\n\n"
        "Short line.\n\n"
        "Engineers from the port company began inspecting the remaining cranes that evening."
    )
    for aid in ("a1", "a2", "a3"):
        conn.execute(
            "INSERT INTO articles (id, source, text, published_sort) VALUES (?, ?, ?, '')",
            (aid, f"{aid}.txt", body),
        )
    conn.execute(
        "INSERT INTO articles (id, source, text, published_sort) VALUES ('a4', 'x', '', '')"
    )
    assert Leads(conn).get("a4") is None and Leads(conn).get("nope") is None
    leads = Leads(conn, kept=2)
    text, sentences = leads.get("a1")
    assert text == body
    assert [pos for pos, _ in sentences] == [0, 2]  # the short line cannot be summarised
    assert sentences[0][1].startswith("The harbour authority closed")

    conn.execute("DELETE FROM articles WHERE id = 'a1'")
    assert leads.get("a1") == (text, sentences)  # kept: not read again
    leads.get("a2"), leads.get("a3")  # only the last two are kept: a1 is read again
    assert leads.get("a1") is None
