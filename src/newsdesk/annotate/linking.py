"""Cross-article entity linking and statement grouping.

``EntityLinker.link`` maps each within-article chain to one row of the core ``entities``
table: persons by full name, or by surname with a compatible first name ("Peskov",
"Dmitry Peskov", "Dmitry S. Peskov"), two different first names staying apart; other
types by their folded name with exonyms mapped ("Kiev" -> "Kyiv"). It then groups the
same words from the same speaker into one row of ``statements``. Lookups go through
in-memory alias indexes loaded once from the database, so linking costs no table scan
per article. Rows are written once per batch (``flush``): an entity or a statement met
in many articles of a batch is written once, with its final counts; a new entity's row
is inserted at once, since mentions refer to it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field

from newsdesk.annotate.entities import (
    PLACE_VARIANTS,
    _is_initial,
    fold,
    fullness,
    name_key,
    name_tokens,
)
from newsdesk.annotate.quotes import fold_text
from newsdesk.model import Article, Mention


def entity_id(name: str, etype: str) -> str:
    """Deterministic id of an entity first seen under ``name``."""
    key = f"{etype}|{name_key(name, etype)}"
    return "e_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def statement_id(speaker_key: str, text: str) -> str:
    """Deterministic id of a statement: speaker plus the folded words."""
    key = f"{speaker_key}|{fold_text(text)}"
    return "s_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Entity:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    article_count: int = 0
    mention_count: int = 0


def _aliases(ent: _Entity) -> str:
    return json.dumps(ent.aliases, ensure_ascii=False)


def _firsts(name: str) -> list[str]:
    toks = name_tokens(name)
    return toks[:-1]


def _compatible_first(a: list[str], b: list[str]) -> bool:
    """First names agree: equal, one a prefix/initial of the other, or one missing."""
    if not a or not b:
        return True
    x, y = a[0].rstrip("."), b[0].rstrip(".")
    if _is_initial(a[0]) or _is_initial(b[0]):
        return x[0] == y[0]
    return x.startswith(y) or y.startswith(x)


class EntityLinker:
    """Links the chains of each article to corpus entities inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._loaded = False
        self.by_id: dict[str, _Entity] = {}
        # (type, folded alias) -> ids claiming it, oldest entity first. The oldest claimant
        # wins a lookup: creation order is what a reload from the table (rowid order) sees
        # too, so a resumed ingest links exactly as an uninterrupted one.
        self.by_key: dict[tuple[str, str], list[str]] = {}
        self.order: dict[str, int] = {}  # entity id -> creation rank
        self.by_surname: dict[str, list[str]] = {}  # person surname -> ids
        self._dirty: dict[str, None] = {}  # entities whose row is out of date, in order
        # statement id -> [speaker, speaker entity, text, first published, new quotes]
        self._statements: dict[str, list] = {}

    def reset(self) -> None:
        """Forget the in-memory indexes and unwritten rows (after a rolled-back transaction)."""
        self._loaded = False
        self.by_id.clear()
        self.by_key.clear()
        self.order.clear()
        self.by_surname.clear()
        self._dirty.clear()
        self._statements.clear()

    def flush(self) -> None:
        """Write the entity and statement rows that ``link`` left out of date."""
        self.conn.executemany(
            "UPDATE entities SET name = ?, aliases = ?, article_count = ?, mention_count = ?"
            " WHERE id = ?",
            [
                (e.name, _aliases(e), e.article_count, e.mention_count, e.id)
                for e in map(self.by_id.__getitem__, self._dirty)
            ],
        )
        self._dirty.clear()
        self.conn.executemany(
            "INSERT INTO statements (id, speaker, speaker_entity_id, text, first_published,"
            " quote_count) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " quote_count = quote_count + excluded.quote_count, first_published = CASE"
            " WHEN excluded.first_published IS NOT NULL AND (first_published IS NULL OR"
            " excluded.first_published < first_published) THEN excluded.first_published"
            " ELSE first_published END",
            [(sid, *row) for sid, row in self._statements.items()],
        )
        self._statements.clear()

    # ------------------------------------------------------------------ index
    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        rows = self.conn.execute(
            "SELECT id, name, type, aliases, article_count, mention_count FROM entities"
            " ORDER BY rowid"
        ).fetchall()
        for r in rows:
            ent = _Entity(r[0], r[1], r[2], json.loads(r[3] or "[]"), r[4], r[5])
            self._index(ent)

    def _claim(self, key: tuple[str, str], eid: str) -> None:
        ids = self.by_key.setdefault(key, [])
        if eid not in ids:
            ids.append(eid)
            ids.sort(key=self.order.__getitem__)

    def _owner(self, key: tuple[str, str]) -> str | None:
        ids = self.by_key.get(key)
        return ids[0] if ids else None

    def _index(self, ent: _Entity) -> None:
        self.by_id[ent.id] = ent
        self.order.setdefault(ent.id, len(self.order))
        for alias in dict.fromkeys([ent.name, *ent.aliases]):  # ordered: deterministic
            self._claim((ent.type, name_key(alias, ent.type)), ent.id)
        if ent.type == "PERSON":
            toks = name_tokens(ent.name)
            if toks:
                ids = self.by_surname.setdefault(toks[-1], [])
                if ent.id not in ids:
                    ids.append(ent.id)

    def _find(self, name: str, etype: str) -> _Entity | None:
        eid = self._owner((etype, name_key(name, etype)))
        if eid is not None:
            return self.by_id[eid]
        if etype in {"GPE", "LOC"}:
            other = "LOC" if etype == "GPE" else "GPE"
            eid = self._owner((other, name_key(name, other)))
            if eid is not None:
                return self.by_id[eid]
        if etype != "PERSON":
            return None
        toks = name_tokens(name)
        if not toks:
            return None
        firsts = _firsts(name)
        cands = [self.by_id[i] for i in self.by_surname.get(toks[-1], [])]
        cands = [c for c in cands if _compatible_first(firsts, _firsts(c.name))]
        if not cands:
            return None
        if not firsts:
            # a bare surname: the best-known bearer of it
            return max(cands, key=lambda c: (c.mention_count, c.article_count))
        full = [c for c in cands if _firsts(c.name)]
        return (
            (full or cands)[0]
            if len(full) <= 1
            else max(full, key=lambda c: (c.mention_count, c.article_count))
        )

    # ------------------------------------------------------------------ linking
    def link(self, article: Article) -> None:
        """Set ``entity_id``/``speaker_entity_id``/``statement_id``; insert the rows of
        new entities now, the other row changes at the next ``flush``."""
        self._load()
        chains: dict[int, list[Mention]] = {}
        for m in article.mentions:
            chains.setdefault(m.cluster, []).append(m)
        chain_entity: dict[int, _Entity] = {}
        touched: dict[str, int] = {}
        created: set[str] = set()  # new here: every other indexed entity has its row
        for cid, ms in chains.items():
            etype = ms[0].type
            canonical = ms[0].canonical or max((m.text for m in ms), key=fullness)
            ent = self._find(canonical, etype)
            if ent is None:
                name = " ".join(canonical.split())
                mapped = PLACE_VARIANTS.get(fold(name))
                if etype in {"GPE", "LOC"} and mapped and not fold(name).startswith("the "):
                    # the current official name: "Kiev" is filed as "Kyiv"
                    name = mapped.title() if len(mapped) > 3 else mapped.upper()
                ent = _Entity(entity_id(canonical, etype), name, etype)
                if name != " ".join(canonical.split()):
                    ent.aliases.append(" ".join(canonical.split()))
                if ent.id in self.by_id:  # same key already indexed under another form
                    ent = self.by_id[ent.id]
                else:
                    self._index(ent)
                    created.add(ent.id)
            elif etype == "PERSON" and fullness(canonical) > fullness(ent.name):
                ent.name = " ".join(canonical.split())
                self._index(ent)
            for form in dict.fromkeys([canonical, *(m.text for m in ms)]):
                form = " ".join(form.split())
                if form != ent.name and form not in ent.aliases and len(form) <= 80:
                    ent.aliases.append(form)
                    self._claim((ent.type, name_key(form, ent.type)), ent.id)
            chain_entity[cid] = ent
            for m in ms:
                m.entity_id = ent.id
            touched[ent.id] = touched.get(ent.id, 0) + len(ms)
        for eid, n in touched.items():
            ent = self.by_id[eid]
            ent.article_count += 1
            ent.mention_count += n
            if eid not in created:
                self._dirty[eid] = None
                continue
            self.conn.execute(  # now: this article's mentions refer to it
                "INSERT INTO entities (id, name, type, aliases, article_count, mention_count)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (ent.id, ent.name, ent.type, _aliases(ent), ent.article_count, ent.mention_count),
            )
        self._link_quotes(article, chain_entity)

    def _link_quotes(self, article: Article, chain_entity: dict[int, _Entity]) -> None:
        by_span = {(m.start, m.end): m for m in article.mentions}
        for q in article.quotes:
            ent = None
            if q.speaker_start is not None and q.speaker_end is not None:
                m = by_span.get((q.speaker_start, q.speaker_end))
                if m is None:
                    m = next(
                        (
                            x
                            for x in article.mentions
                            if x.start < q.speaker_end and x.end > q.speaker_start
                        ),
                        None,
                    )
                if m is not None and m.canonical == q.speaker:
                    ent = chain_entity.get(m.cluster)
            if ent is None and q.speaker:
                ent = self._find(q.speaker, q.speaker_type or "PERSON")
            q.speaker_entity_id = ent.id if ent else None
            if ent is not None and q.speaker:
                q.speaker = ent.name if ent.type == "PERSON" else q.speaker
            speaker_key = q.speaker_entity_id or fold_text(q.speaker or "")
            q.statement_id = statement_id(speaker_key, q.text)
            row = self._statements.get(q.statement_id)
            if row is None:  # a new row takes the first quote's speaker and words
                row = [q.speaker, q.speaker_entity_id, q.text, article.published, 0]
                self._statements[q.statement_id] = row
            elif article.published is not None and (row[3] is None or article.published < row[3]):
                row[3] = article.published
            row[4] += 1
