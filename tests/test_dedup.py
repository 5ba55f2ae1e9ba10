"""Tests of duplicate and syndicated-copy detection (``newsdesk.dedup``).

All texts are invented for these tests.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.dedup import Deduper, fingerprint, similarity
from newsdesk.dedup import shingles as S
from newsdesk.dedup.index import MAX_POSTINGS
from newsdesk.dedup.original import agency_own, published_key
from newsdesk.model import Article
from newsdesk.store.db import connect

# An invented wire story, one paragraph per item.
WIRE = [
    "The harbour authority of Brackenford said on Tuesday that it would close the old "
    "north pier for at least six months after divers found deep cracks in its pilings.",
    "About 40 fishing boats that moor at the pier will be moved to a temporary pontoon "
    "near the ferry terminal, the authority's director Miriam Osei told reporters.",
    '"We cannot take the risk of a collapse with crews working on the deck every '
    'morning," Osei said, adding that engineers had been checking the pier since March.',
    "Repairs are expected to cost 12 million euros, to be shared between the port and "
    "the regional government, which has already set aside part of the money.",
    "Fishermen's groups criticised the short notice, saying the pontoon had no fuel "
    "station and no cold storage for the catch landed before dawn.",
    "The pier was built in 1911 and last renovated in the 1980s, when a storm tore away "
    "a section of its wooden deck and two cranes fell into the water.",
    "The authority said it would publish a timetable for the works by the end of the "
    "month and hold a public meeting with boat owners next week.",
    "Tourist boat operators, who use the southern end of the pier in summer, were told "
    "to apply for berths in the marina instead.",
]

# Another outlet's own report of the same event: same facts, its own sentences.
OWN_REPORT = [
    "Dozens of trawlers in Brackenford must find a new berth after the town's old north "
    "pier was declared unsafe this week.",
    "Inspectors discovered that several of the pier's pilings had cracked, according to "
    "a statement from the harbour authority, which ordered the closure.",
    "Miriam Osei, who heads the authority, said a temporary pontoon by the ferry "
    "terminal would take the boats while the structure is rebuilt.",
    "Local skippers told this newspaper they were given barely two days to move, and "
    "worried about where they would refuel and keep their fish cold.",
    "The cost of the works has been put at 12 million euros.",
]

# A follow-up a few days later with one background paragraph of the wire story.
FOLLOW_UP = [
    "Boat owners in Brackenford packed the town hall on Thursday evening to demand "
    "answers about the closure of the north pier and the lack of services at the pontoon.",
    "Several skippers said they had lost a day's catch because ice deliveries could not "
    "reach the new moorings, and asked for compensation from the port.",
    WIRE[5],
    "A spokesman for the regional government said a fuel barge would be stationed at "
    "the pontoon from Monday and that a refrigerated container was on its way.",
    "The meeting ended with a promise to meet again once the repair timetable is known, "
    "but many fishermen left before the end, saying they had heard enough promises.",
]

# A different story for template pages.
OTHER = [
    "A heatwave pushed temperatures in the river valley above 38 degrees on Sunday, "
    "the highest reading since records began at the airport weather station.",
    "Hospitals reported a rise in admissions of elderly patients, and the city opened "
    "three cooled halls where residents could spend the afternoon.",
    "Forecasters expect a break in the heat on Wednesday, when storms are likely to move "
    "in from the west and bring heavy rain to the hills.",
    "Farmers warned that another week of dry weather would ruin the late harvest of "
    "beans and maize across the lowlands.",
]

CHROME_TOP = [
    "Skip to content",
    "Home | News | Sport | Weather",
    "Subscribe to our newsletter",
    "Advertisement",
]
CHROME_BOTTOM = [
    "Related articles",
    "Support independent local journalism with a monthly donation to our newsroom today.",
    "Every story on this site is reported by people who live in the community we cover.",
    "Share on Facebook | Share on X | Copy link",
    "© 2025 The Valley Courier. All rights reserved.",
]


def text(paras: list[str]) -> str:
    return "\n\n".join(paras)


def art(aid: str, paras: list[str], **kw) -> Article:
    return Article(id=aid, source=f"{aid}.txt", text=text(paras), **kw)


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = connect(tmp_path / "dedup.db")
    yield c
    c.close()


def run(dd: Deduper, conn: sqlite3.Connection, articles: list[Article]) -> dict:
    """Assign articles one by one in one transaction; return id -> duplicate_of."""
    out: dict[str, str | None] = {}
    conn.execute("BEGIN")
    for a in articles:
        out.update(dd.assign(a))
    conn.execute("COMMIT")
    return out


# -- fingerprints -------------------------------------------------------------------


def test_fingerprint_ignores_case_quotes_whitespace_and_paragraph_breaks():
    a = fingerprint(text(WIRE))
    b = fingerprint(text(WIRE).upper().replace('"', "\u201c").replace("'", "\u2019"))
    joined = fingerprint(" ".join(WIRE[:2]) + "\n\n" + text(WIRE[2:]))
    assert a.exact == b.exact
    assert np.array_equal(a.shingles, b.shingles)
    assert np.array_equal(a.shingles, joined.shingles)
    assert a.tokens == b.tokens == joined.tokens > 200


def test_fingerprint_leaves_out_short_lines_but_not_from_exact_hash():
    body = fingerprint(text(WIRE))
    with_menu = fingerprint("\n".join(CHROME_TOP) + "\n\n" + text(WIRE))
    assert np.array_equal(body.shingles, with_menu.shingles)  # menu lines are < 6 words
    assert body.exact != with_menu.exact


def test_fingerprint_arrays_are_sorted_unique_and_keys_are_sampled():
    fp = fingerprint(text(WIRE))
    for arr in (fp.shingles, fp.lede, fp.keys):
        assert np.all(arr[1:] > arr[:-1])
    assert fp.shingles.dtype == np.uint32 and fp.keys.dtype == np.int64
    assert np.isin(fp.lede, fp.shingles).all()
    assert 0 < len(fp.keys) < len(fp.shingles)
    # every key is below the lede-region threshold (the stricter body one for most)
    assert (fp.keys.view(np.uint64) >> np.uint64(64 - S.LEDE_KEY_BITS) == 0).all()
    # the lede is the first paragraph: 5-word windows inside it
    first = len(WIRE[0].replace("'", " ").split())
    assert 0 < len(fp.lede) <= first - S.SHINGLE + 1


def test_lede_skips_long_chrome_lines():
    appeal = "Sign up for our free newsletter to get the best stories of the day in your inbox."
    plain = fingerprint(text(WIRE))
    wrapped = fingerprint(appeal + "\n\n" + text(WIRE))
    assert len(plain.lede) > 0
    assert np.array_equal(plain.lede, wrapped.lede)
    assert not np.array_equal(plain.shingles, wrapped.shingles)  # still shingled


def test_short_texts_are_only_matched_exactly():
    short = "The pier will close for six months after divers found cracks."
    longer = short + " Boats will move to a pontoon near the ferry terminal."
    m = similarity(short, longer)
    assert not m.duplicate and m.containment == 0.0
    assert similarity(longer, longer.upper()).duplicate


def test_fingerprint_many_matches_single_across_chunks(monkeypatch):
    texts = [
        text(WIRE),
        "",
        text(OTHER),
        "短い文章です。今日は雨が降りました。" * 3,
        text(FOLLOW_UP),
    ]
    single = [fingerprint(t) for t in texts]
    monkeypatch.setattr(S, "CHUNK_CHARS", 600)  # force several chunks
    many = S.fingerprint_many(texts)
    for a, b in zip(single, many, strict=True):
        assert a.exact == b.exact and a.tokens == b.tokens
        assert np.array_equal(a.shingles, b.shingles)
        assert np.array_equal(a.lede, b.lede)
        assert np.array_equal(a.keys, b.keys)


def test_fingerprint_shingles_scripts_without_spaces_by_character():
    fp = fingerprint("今日は雨が降りました。明日は晴れるでしょう。")
    assert fp.tokens == 20
    assert len(fp.shingles) > 10


def test_empty_and_tiny_texts():
    for t in ("", "\n\n", "Hi.", "Skip to content"):
        fp = fingerprint(t)
        assert len(fp.shingles) == 0 and len(fp.keys) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=6))
def test_fingerprint_many_is_consistent_on_any_text(texts):
    many = S.fingerprint_many(texts)
    assert len(many) == len(texts)
    for t, fp in zip(texts, many, strict=True):
        one = fingerprint(t)
        assert one.exact == fp.exact
        assert np.array_equal(one.shingles, fp.shingles)
        assert np.isin(fp.lede, fp.shingles).all()


# -- pair decisions ------------------------------------------------------------------


def test_trimmed_wrapped_copy_is_a_duplicate():
    copy = CHROME_TOP + ["(Reuters) - " + WIRE[0]] + WIRE[1:6] + CHROME_BOTTOM
    m = similarity(text(copy), text(WIRE))
    # the two long chrome lines at the bottom count against it, the menu lines do not
    assert m.duplicate and m.containment > 0.75


def test_excerpt_is_a_duplicate_despite_low_jaccard():
    excerpt = WIRE[:2] + ["Read the full story on the Brackenford Gazette website."]
    m = similarity(text(excerpt), text(WIRE))
    assert m.duplicate


def test_edited_rewrite_is_a_duplicate():
    # middle paragraphs dropped, one moved, a local paragraph added, a sentence reworded
    edited = [
        WIRE[0],
        WIRE[2].replace("told reporters", "said"),
        WIRE[1].replace("told reporters", "said"),
        "In our county, the fish market in Dunmore Street relies on boats from the pier.",
        WIRE[6],
        WIRE[3].replace("12 million", "twelve million"),
    ]
    assert similarity(text(edited), text(WIRE)).duplicate


def test_short_story_padded_with_local_paragraphs_is_a_duplicate():
    # a local outlet keeps the lede, drops half the story and adds its own paragraphs
    base = WIRE[:5]
    padded = [
        WIRE[0],
        "Residents of the harbour district said they had noticed the pier swaying in strong "
        "winds last winter and had written to the council about it twice.",
        WIRE[3],
        "The council's transport committee will discuss parking near the ferry terminal, "
        "where the pontoon is being built, at its next meeting on the first of June.",
        "Our reporter visited the pontoon on Wednesday and counted eleven boats already tied "
        "up there, with more expected to arrive over the weekend from the north pier.",
    ]
    m = similarity(text(padded), text(base))
    assert m.containment < 0.45 and m.lede_min > 0.8
    assert m.duplicate


def test_same_opening_with_a_different_body_is_not_a_duplicate():
    a = [WIRE[0]] + OTHER
    m = similarity(text(a), text(WIRE))
    assert m.lede_min > 0.8 and m.containment < 0.3
    assert not m.duplicate


def test_own_report_of_the_same_event_is_not_a_duplicate():
    m = similarity(text(OWN_REPORT), text(WIRE))
    assert not m.duplicate and m.containment < 0.2


def test_follow_up_with_background_paragraph_is_not_a_duplicate():
    m = similarity(text(FOLLOW_UP), text(WIRE))
    assert 0 < m.containment < 0.45
    assert not m.duplicate


def test_same_page_chrome_around_different_bodies_is_not_a_duplicate():
    a = CHROME_TOP + WIRE[:4] + CHROME_BOTTOM
    b = CHROME_TOP + OTHER + CHROME_BOTTOM
    assert not similarity(text(a), text(b)).duplicate


def test_exact_copy_is_a_duplicate():
    assert similarity(text(WIRE), text(WIRE).upper()).exact


# -- choosing the original -------------------------------------------------------------


def test_agency_own_and_published_key():
    assert agency_own("Reuters", ["Reuters"])
    assert agency_own("AFP", ["AFP", "AP"])
    assert not agency_own("The Valley Courier", ["AFP"])
    assert not agency_own(None, ["AFP"])
    assert published_key("2025-04-07", "approximate") == ""
    assert published_key("2025-04-07T10:00:00Z", "minute") == "2025-04-07T10:00:00Z"
    assert published_key(None, None) == ""


# -- the Deduper -----------------------------------------------------------------------


def original_of(conn: sqlite3.Connection) -> dict[str, str | None]:
    rows = conn.execute(
        "SELECT d.article_id, o.article_id FROM dedup_docs d "
        "LEFT JOIN dedup_docs o ON o.doc = d.original"
    )
    return dict(rows.fetchall())


def test_copies_point_at_the_original_and_negatives_stay_apart(conn):
    dd = Deduper(conn)
    arts = [
        art("wire", WIRE, url="https://wire.example/pier", published="2025-05-06T08:00:00Z"),
        art("own", OWN_REPORT, url="https://gazette.example/pier", published="2025-05-06"),
        art("copy1", CHROME_TOP + WIRE[:6], aggregator="NewsNow", published="2025-05-06T11:00"),
        art("excerpt", WIRE[:2] + ["Read the full story at the wire."], published="2025-05-07"),
        art("follow", FOLLOW_UP, url="https://wire.example/pier-2", published="2025-05-09"),
        art("exact", WIRE, published="2025-05-08"),
    ]
    out = run(dd, conn, arts)
    assert out == {
        "wire": None,
        "own": None,
        "copy1": "wire",
        "excerpt": "wire",
        "follow": None,
        "exact": "wire",
    }
    assert original_of(conn) == out
    assert dd.stats["exact"] == 1


def test_copy_arriving_first_is_repointed_to_the_original(conn):
    dd = Deduper(conn)
    out = run(dd, conn, [art("copy", ["By AFP"] + WIRE[:5], aggregator="Aggr", published=None)])
    assert out == {"copy": None}
    second = art("copy2", WIRE[:6], aggregator="Other aggregator", published="2025-05-07")
    third = art("orig", WIRE, url="https://wire.example/a", published="2025-05-06T08:00:00Z")
    conn.execute("BEGIN")
    upd2 = dd.assign(second)
    upd3 = dd.assign(third)
    conn.execute("COMMIT")
    # copy2 joins the group (the dated copy beats the undated one), then orig takes over
    assert upd2 == [("copy2", None), ("copy", "copy2")]
    assert upd3[0] == ("orig", None)
    assert sorted(upd3[1:]) == [("copy", "orig"), ("copy2", "orig")]
    assert original_of(conn) == {"copy": "orig", "copy2": "orig", "orig": None}


def test_original_prefers_outlet_then_agency_then_date_then_completeness(conn):
    dd = Deduper(conn)
    arts = [
        art("agg", WIRE, aggregator="Aggr", published="2025-05-01"),  # earliest, aggregator
        art(
            "client", WIRE[:7], publisher="Valley Courier", agencies=["AFP"], published="2025-05-03"
        ),
        art("afp", WIRE[:7], publisher="AFP", agencies=["AFP"], published="2025-05-04"),
    ]
    out = run(dd, conn, arts)
    assert out["afp"] is None
    assert original_of(conn) == {"agg": "afp", "client": "afp", "afp": None}
    # among equals: the longer body wins, then the smaller id
    dd2 = Deduper(conn)
    out2 = run(dd2, conn, [art("z-short", OTHER[:3]), art("a-long", OTHER)])
    assert out2["z-short"] == "a-long"


def test_index_persists_across_deduper_instances(tmp_path):
    path = tmp_path / "persist.db"
    c1 = connect(path)
    run(Deduper(c1), c1, [art("old", WIRE, url="https://x.example/1", published="2025-05-01")])
    c1.close()
    c2 = connect(path)
    out = run(Deduper(c2), c2, [art("new", WIRE[:3] + ["Read more."], published="2025-05-02")])
    assert out == {"new": "old"}
    c2.close()


def test_batch_equals_one_by_one(tmp_path):
    arts = [
        art("b1", ["Subscribe now"] + WIRE[:6], aggregator="A", published="2025-05-02"),
        art("w", WIRE, url="https://w.example/", published="2025-05-01"),
        art("own", OWN_REPORT, published="2025-05-01"),
        art("f", FOLLOW_UP, published="2025-05-03"),
        art("x", WIRE[:3], published="2025-05-04"),
        art("o1", OTHER, published="2025-05-01"),
        art("o2", OTHER, published="2025-05-02"),
    ]
    c1, c2 = connect(tmp_path / "one.db"), connect(tmp_path / "batch.db")
    one = run(Deduper(c1), c1, arts)
    c2.execute("BEGIN")
    batch = dict(Deduper(c2).assign_batch(arts))
    c2.execute("COMMIT")
    assert one == batch
    assert original_of(c1) == original_of(c2)
    assert batch["w"] is None and batch["b1"] == "w" and batch["x"] == "w"
    assert batch["o2"] == "o1" and batch["own"] is None and batch["f"] is None


def test_reassigning_a_known_article_changes_nothing(conn):
    dd = Deduper(conn)
    run(dd, conn, [art("w", WIRE, url="https://w.example/"), art("c", WIRE[:5])])
    again = run(dd, conn, [art("c", WIRE[:5]), art("w", WIRE)])
    assert again == {"c": "w", "w": None}
    assert conn.execute("SELECT count(*) FROM dedup_docs").fetchone()[0] == 2


def test_rolled_back_articles_are_forgotten(conn):
    dd = Deduper(conn)
    conn.execute("BEGIN")
    dd.assign(art("ghost", WIRE, url="https://w.example/"))
    conn.execute("ROLLBACK")
    out = run(dd, conn, [art("c", WIRE[:5], aggregator="A")])
    assert out == {"c": None}
    out = run(dd, conn, [art("w", WIRE, url="https://w.example/")])
    assert out == {"w": None, "c": "w"}
    assert "ghost" not in original_of(conn)


def test_a_new_article_joining_two_groups_merges_them(conn):
    dd = Deduper(conn)
    first_half, second_half = WIRE[:4], WIRE[4:]
    out = run(
        dd,
        conn,
        [
            art("h1", first_half, aggregator="A", published="2025-05-02"),
            art("h2", second_half, aggregator="B", published="2025-05-02"),
        ],
    )
    assert out == {"h1": None, "h2": None}
    full = art("full", WIRE, url="https://w.example/", published="2025-05-01")
    conn.execute("BEGIN")
    upd = dd.assign(full)
    conn.execute("COMMIT")
    assert upd[0] == ("full", None)
    assert sorted(upd[1:]) == [("h1", "full"), ("h2", "full")]


def test_deterministic(tmp_path):
    arts = [
        art(f"a{i}", paras, published=f"2025-05-0{1 + i % 3}")
        for i, paras in enumerate([WIRE, WIRE[:5], OWN_REPORT, WIRE[1:], OTHER, FOLLOW_UP])
    ]
    results = []
    for name in ("r1.db", "r2.db"):
        c = connect(tmp_path / name)
        results.append(run(Deduper(c), c, arts))
        c.close()
    assert results[0] == results[1]


# -- the seeds (real scrapes in ../shared) ----------------------------------------------


@pytest.mark.shared
def test_seed_copy_matches_its_original_and_nothing_else(shared_dir):
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    if len(seeds) < 5:
        pytest.skip("../shared/seeds incomplete")
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in seeds}
    assert similarity(texts["001"], texts["000"]).duplicate
    for a in texts:
        for b in texts:
            if a < b and {a, b} != {"000", "001"}:
                assert not similarity(texts[a], texts[b]).duplicate, (a, b)


def test_widely_syndicated_story_keeps_pointing_at_its_original(conn):
    # more copies than the index looks at per key: later copies must still find the group
    n = 3 * MAX_POSTINGS
    copies = [
        art(
            f"c{i:03d}",
            [f"Republished by partner site number {i} under licence from the wire service."]
            + WIRE[: 5 + i % 3],
            aggregator=f"Partner {i}",
            published=f"2025-05-{10 + i % 10}",
        )
        for i in range(n)
    ]
    orig = art("orig", WIRE, url="https://wire.example/pier", published="2025-05-06T08:00:00Z")
    dd = Deduper(conn)
    out: dict[str, str | None] = {}
    conn.execute("BEGIN")
    for i in range(0, n, 16):
        out.update(dd.assign_batch(copies[i : i + 16]))
    out.update(dd.assign(orig))
    conn.execute("COMMIT")
    assert out["orig"] is None
    assert all(out[c.id] == "orig" for c in copies)
    assert original_of(conn) == out


# -- restarts: the index is a pure function of the committed rows -------------------------

_WORDS = [
    "council",
    "harbour",
    "river",
    "market",
    "bridge",
    "ferry",
    "school",
    "budget",
    "road",
    "village",
    "station",
    "water",
    "plan",
    "vote",
    "week",
    "month",
    "report",
    "office",
    "board",
    "road",
    "winter",
    "summer",
    "island",
    "coast",
    "grain",
    "mill",
    "workers",
    "union",
    "farmers",
    "traders",
    "drivers",
    "nurses",
    "teachers",
    "owners",
    "tenants",
    "residents",
    "said",
    "agreed",
    "warned",
    "expected",
    "planned",
    "decided",
    "asked",
    "promised",
    "rejected",
    "approved",
    "new",
    "old",
    "small",
    "large",
    "local",
    "regional",
    "northern",
    "southern",
    "early",
    "late",
    "final",
    "first",
    "second",
    "about",
    "after",
    "before",
    "during",
    "under",
    "over",
    "between",
    "against",
    "without",
    "within",
]


def _paragraph(rng, words: int = 24) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)) + "."


def _restart_corpus(n_copies: int = 3 * MAX_POSTINGS) -> list[Article]:
    """Invented word-salad stories: one copied ``n_copies`` times, others copied a few
    times, and one stock paragraph shared by many unrelated stories (both exceed the
    per-key posting cap); dates shuffled so later articles repoint earlier groups."""
    import random

    rng = random.Random(7)
    stock = _paragraph(rng, 30)
    stories = [[_paragraph(rng) for _ in range(8)] for _ in range(12)]
    out: list[Article] = []
    for i in range(n_copies + 60):
        if i % 3 == 2:  # an unrelated story ending with the stock paragraph
            paras = [_paragraph(rng) for _ in range(4)] + [stock]
        else:
            body = stories[0] if i % 3 == 0 else rng.choice(stories[1:])
            keep = sorted(rng.sample(range(len(body)), rng.randint(4, len(body))))
            paras = [_paragraph(rng, 12)] + [body[k] for k in keep]
        out.append(
            art(
                f"r{i:03d}",
                paras,
                url=f"https://site{i % 5}.example/{i}" if i % 4 else "",
                aggregator="Agg" if i % 7 == 0 else "",
                published=f"2025-06-{1 + rng.randrange(28):02d}",
            )
        )
    return out


def _ingest(conn, dd: Deduper | None, articles: list[Article], batch: int, probe: bool):
    """Assign in committed batches of ``batch``, like the pipeline; return all updates.

    With ``probe``, before each batch a Deduper freshly loaded from the database must
    return exactly the candidates the running one does for the batch's key sets."""
    from newsdesk.dedup.index import KeyIndex

    dd = dd or Deduper(conn)
    updates: list[tuple[str, str | None]] = []
    for s in range(0, len(articles), batch):
        part = articles[s : s + batch]
        keys = [fingerprint(a.text).keys for a in part]
        if probe:
            first = dd.index.sync(conn) + 1
            fresh = KeyIndex()
            assert fresh.sync(conn) + 1 == first
            for i, k in enumerate(keys):  # one by one, as assign() asks
                assert dd.index.candidates([k], first) == fresh.candidates([k], first), (s, i)
            assert dd.index.candidates(keys, first) == fresh.candidates(keys, first), s
        conn.execute("BEGIN")
        for a in part:
            updates += dd.assign(a)
        conn.execute("COMMIT")
    return updates


@pytest.fixture
def small_levels(monkeypatch):
    """Tiny merge thresholds, so a short run spreads the index over all three levels."""
    from newsdesk.dedup import index

    monkeypatch.setattr(index, "_RECENT_MAX", 300)
    monkeypatch.setattr(index, "_SMALL_MAX", 2000)


def test_running_index_equals_one_reloaded_from_the_database(tmp_path, small_levels):
    c = connect(tmp_path / "probe.db")
    dd = Deduper(c)
    _ingest(c, dd, _restart_corpus(), batch=8, probe=True)
    ix = dd.index
    assert len(ix.keys) and len(ix.small_keys) and ix.recent  # every level was in play
    c.close()


def test_restart_between_batches_gives_the_same_updates(tmp_path, small_levels):
    arts = _restart_corpus()
    c1 = connect(tmp_path / "whole.db")
    whole = _ingest(c1, None, arts, batch=8, probe=False)
    for cut in (8, 56, len(arts) - 8):
        c2 = connect(tmp_path / f"split{cut}.db")
        first = _ingest(c2, None, arts[:cut], batch=8, probe=False)
        rest = _ingest(c2, None, arts[cut:], batch=8, probe=False)  # a new process
        assert first + rest == whole, cut
        assert original_of(c2) == original_of(c1)
        c2.close()
    # the big story's copies all found one group despite the cap
    big = {original_of(c1)[f"r{i:03d}"] or f"r{i:03d}" for i in range(0, 3 * MAX_POSTINGS, 3)}
    assert len(big) == 1
    c1.close()


def test_batch_equals_one_by_one_past_the_posting_cap(tmp_path, small_levels):
    arts = _restart_corpus()
    c1, c2, c3 = (connect(tmp_path / f"{name}.db") for name in ("one", "batch", "grouped"))
    one = _ingest(c1, None, arts, batch=len(arts), probe=False)
    c2.execute("BEGIN")
    dd = Deduper(c2)
    batch = dd.assign_batch(arts[:50]) + dd.assign_batch(arts[50:])
    c2.execute("COMMIT")
    assert batch == one
    assert original_of(c1) == original_of(c2)
    # per article: what assign() returns, one list per article
    c3.execute("BEGIN")
    dd, single = Deduper(c3), Deduper(c1)
    grouped = dd.assign_batch_grouped(arts[:40]) + dd.assign_batch_grouped(arts[40:] + arts[:3])
    c3.execute("COMMIT")
    assert [u for g in grouped[: len(arts)] for u in g] == one
    assert [g[0][0] for g in grouped] == [a.id for a in arts + arts[:3]]
    assert grouped[len(arts) :] == [single.assign(a) for a in arts[:3]]  # already known
    assert any(len(g) > 1 for g in grouped)  # some articles repointed older ones
    for c in (c1, c2, c3):
        c.close()


@pytest.mark.slow
def test_ingest_split_over_two_processes_equals_one_run(tmp_path):
    """``newsdesk ingest`` of a corpus equals the same corpus ingested by two processes
    (the first sees a prefix of the inputs, the second all of them, as after a crash at a
    batch boundary): same ``duplicate_of`` for every article, past the posting cap."""
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    import crashkit

    batch = 8
    arts = _restart_corpus(n_copies=2 * MAX_POSTINGS)[:104]
    records = [
        {"id": a.id, "text": a.text, "published": a.published + "T08:00:00Z", "url": a.url}
        for a in arts
    ]
    cut = 6 * batch

    def write(folder: Path, name: str, part: list[dict]) -> None:
        folder.mkdir(exist_ok=True)
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in part))

    whole, split = tmp_path / "whole", tmp_path / "split"
    write(whole, "a.jsonl", records[:cut])
    write(whole, "b.jsonl", records[cut:])
    crashkit.run_ingest(whole, tmp_path / "one.db", batch)
    write(split, "a.jsonl", records[:cut])  # the first process sees only the first file
    crashkit.run_ingest(split, tmp_path / "two.db", batch)
    write(split, "b.jsonl", records[cut:])
    crashkit.run_ingest(split, tmp_path / "two.db", batch)
    one = crashkit.snapshot(tmp_path / "one.db")["articles"]
    two = crashkit.snapshot(tmp_path / "two.db")["articles"]
    for r in one + two:  # the two corpora live in different folders
        r["source"] = Path(r["source"]).name
    assert len(one) == len(records)
    dup_one = {r["id"]: r["duplicate_of"] for r in one}
    assert dup_one == {r["id"]: r["duplicate_of"] for r in two}
    assert sum(d is not None for d in dup_one.values()) > MAX_POSTINGS
    assert crashkit.without({"a": one}, "a", "story_id", "similarity") == crashkit.without(
        {"a": two}, "a", "story_id", "similarity"
    )
