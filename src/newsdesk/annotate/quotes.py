"""Who said what: direct, partial and indirect quotes with their speakers.

Quoted stretches come from :mod:`quote_patterns` (character level). Attribution works on
dependency parses of the units that hold a quotation mark or a speech verb: the cue is
the speech verb the quote hangs from (or the nearest strong cue in the unit), the
speaker is that verb's subject, resolved through the article's entity chains (pronouns,
surnames, role nouns such as "the Russian diplomat") to the canonical full name.
Indirect speech is the clausal complement of a speech verb ("X said that ...") or the
clause around "according to X".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from newsdesk.annotate import cues
from newsdesk.annotate.entities import (
    ORG_NOUNS,
    ROLE_NOUNS,
    EntityIndex,
    fold,
)
from newsdesk.annotate.quote_patterns import ParseView, QuoteSpan, introducing_colon
from newsdesk.model import Mention, Quote

SUBJ = {"nsubj", "nsubjpass", "csubj"}
CLIMB = {"advcl", "xcomp", "conj", "acl", "pcomp", "prep", "dep"}
PRONOUNS = {"he", "she", "they", "i", "we", "it", "him", "her", "them"}
WEEKDAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "today",
    "yesterday",
    "tonight",
    "morning",
    "evening",
    "night",
    "afternoon",
    "week",
    "weekend",
    "month",
    "year",
    "day",
}
MEDIA_WORDS = {
    "television",
    "tv",
    "radio",
    "social media",
    "media",
    "camera",
    "podcast",
    "air",
    "twitter",
    "facebook",
    "telegram",
    "instagram",
    "x",
    "youtube",
    "tiktok",
    "website",
    "blog",
    "statement",
    "interview",
    "press conference",
    "news conference",
    "briefing",
}
MEDIA_TAIL = re.compile(
    r"\s+(?:platform|account|page|channel|feed|show|program|programme|site|network|app)$", re.I
)
PLURAL_PERSON = {
    "officials",
    "sources",
    "people",
    "experts",
    "analysts",
    "aides",
    "leaders",
    "diplomats",
    "lawmakers",
    "residents",
    "critics",
    "supporters",
    "authorities",
    "observers",
    "witnesses",
    "investigators",
    "prosecutors",
    "economists",
    "lawyers",
    "attorneys",
    "spokespeople",
    "representatives",
    "organizers",
    "researchers",
    "scientists",
}


# nouns for documents and figures that carry a source: "estimates from X", "data from X"
SOURCE_NOUNS = set(
    [
        "report",
        "statement",
        "poll",
        "survey",
        "study",
        "estimates",
        "estimate",
        "data",
        "figures",
        "analysis",
        "website",
        "records",
        "documents",
        "research",
        "filing",
        "letter",
        "release",
        "memo",
        "findings",
        "numbers",
        "tally",
        "count",
        "audit",
        "investigation",
        "review",
        "assessment",
        "forecast",
        "projections",
        "census",
    ]
)
# institutions named by a common noun: "according to police"
INSTITUTIONS = set(["police", "prosecutors", "authorities", "military", "army", "government"])


@dataclass
class Speaker:
    """The resolved speaker of a cue."""

    name: str | None
    mention: str | None
    start: int | None
    end: int | None
    type: str | None
    chain: int | None


class Unit:
    """A parsed unit with article offsets.

    Token starts and the positions of cue word forms are read once, as arrays, so the
    attribution loops touch only the tokens that can matter (a spaCy ``Token`` object
    is built on every access: walking whole units per quote dominated this stage).
    """

    def __init__(self, doc: Any, view: ParseView) -> None:
        """``doc`` is the parse of ``view.text``."""
        self.doc = doc
        verbatim = len(view.pieces) == 1 and view.pieces[0][4]
        # nothing stands in: an article offset is the token's plus one shift (fast path)
        self.view = None if verbatim else view
        self.off = view.pieces[0][2] if verbatim else 0
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        self._cues: list[int] | None = None
        self._heads: list[int] | None = None
        self._cue_set: frozenset[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Article offset of every token, in order."""
        if self._starts is None:
            from spacy.attrs import IDX

            idx = self.doc.to_array(IDX).tolist()
            if self.view is None:
                self._starts = [self.off + i for i in idx]
            else:
                self._starts = self._to_article(idx, False)
        return self._starts

    @property
    def ends(self) -> list[int]:
        """Article offset of the end of every token (parsed views only)."""
        if self._ends is None:
            from spacy.attrs import IDX, LENGTH

            spans = self.doc.to_array([IDX, LENGTH]).tolist()
            self._ends = self._to_article([i + n for i, n in spans], True)
        return self._ends

    def stands_in(self, tok: Any) -> bool:
        """Whether ``tok`` belongs to the stand-in for a long quote's words."""
        if self.view is None:
            return False
        pieces = self.view.pieces
        k = bisect.bisect_right(pieces, (tok.idx, 1 << 62)) - 1
        return not pieces[max(k, 0)][4]

    def _to_article(self, positions: list[int], is_end: bool) -> list[int]:
        """Article offsets of ascending view positions (token starts, or token ends)."""
        assert self.view is not None
        pieces = self.view.pieces
        out = []
        k = 0
        for pos in positions:
            at = pos - 1 if is_end else pos  # an end belongs to the piece of its last char
            while k + 1 < len(pieces) and pieces[k + 1][0] <= at:
                k += 1
            v_start, _, a_start, a_end, verbatim = pieces[k]
            if verbatim:
                out.append(a_start + pos - v_start)
            else:  # a stand-in's words cover the quote's words
                out.append(a_end if is_end else a_start)
        return out

    def tokens_between(self, start: int, end: int) -> Any:
        """The tokens starting in the article range [start, end)."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return self.doc[i:j]

    def cue_indices(self) -> list[int]:
        """Indices of the tokens whose word form is a cue form (or "according")."""
        if self._cues is None:
            from spacy.attrs import LOWER

            forms = cues.form_hashes()
            self._cues = [i for i, h in enumerate(self.doc.to_array(LOWER).tolist()) if h in forms]
        return self._cues

    @property
    def heads(self) -> list[int]:
        """Index of every token's syntactic head."""
        if self._heads is None:
            from spacy.attrs import HEAD

            rel = self.doc.to_array(HEAD).astype("int64")  # head offsets, relative
            self._heads = [i + int(r) for i, r in enumerate(rel)]
        return self._heads

    def cue_set(self) -> frozenset[int]:
        if self._cue_set is None:
            self._cue_set = frozenset(self.cue_indices())
        return self._cue_set

    def cue_tokens(self) -> list[Any]:
        return [self.doc[i] for i in self.cue_indices()]

    def start(self, tok: Any) -> int:
        if self.view is None:
            return self.off + tok.idx
        return self.starts[tok.i]

    def end(self, tok: Any) -> int:
        if self.view is None:
            return self.off + tok.idx + len(tok.text)
        return self.ends[tok.i]


class QuoteFinder:
    """Attributes the quotes of one article, unit by unit, keeping speaker memory."""

    def __init__(self, text: str, spans: list[QuoteSpan], ents: EntityIndex) -> None:
        self.text = text
        self.spans = spans
        self.ents = ents
        self.recent: list[int] = []  # chain ids of the latest person speakers
        self.last: Quote | None = None  # latest attributed quote
        self.last_para_end = -1
        self.quotes: list[Quote] = []
        self.extra_mentions: list[Mention] = []
        self._ranges = sorted((q.start, q.end) for q in spans)
        self._starts = [r[0] for r in self._ranges]

    # ------------------------------------------------------------------ helpers
    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and self._ranges[i][0] <= pos < self._ranges[i][1]

    def _tok_in_quote(self, u: Unit, tok: Any) -> bool:
        return self.in_quote(u.start(tok))

    def _is_cue(self, u: Unit, tok: Any, kinds: set[str]) -> bool:
        lemma = cues.lemma_of(tok.text)
        if lemma is None or lemma not in kinds or self._tok_in_quote(u, tok):
            return False
        if lemma == "point" and not any(c.text.lower() == "out" for c in tok.children):
            return False
        if tok.tag_.startswith("VB"):
            return True
        # the small parser sometimes takes "..., writing, '...'" for a noun
        return tok.text.lower().endswith("ing") and lemma in cues.STRONG

    # ------------------------------------------------------------------ speakers
    def subject_of(self, verb: Any) -> Any | None:
        """The subject of a cue verb, climbing from participles ("..., adding") upward."""
        tok = verb
        participle = verb.text.lower().endswith("ing")
        for _ in range(5):
            subj = next((c for c in tok.children if c.dep_ in SUBJ), None)
            if subj is not None:
                # "X said Y do Z, adding ...": the participle belongs to the speech verb
                if (
                    participle
                    and tok.i != verb.i
                    and tok.dep_ == "ccomp"
                    and cues.lemma_of(tok.head.text) in cues.SPEECH
                ):
                    tok = tok.head
                    continue
                return subj
            for c in tok.children:
                if c.dep_ == "agent":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            return g
            if tok.dep_ == "relcl":
                return tok.head
            if (tok.dep_ in CLIMB or (participle and tok.dep_ in {"dobj", "npadvmod"})) and (
                tok.head.i != tok.i
            ):
                tok = tok.head
                continue
            break
        return None

    def _np_span(self, u: Unit, head: Any) -> tuple[int, int]:
        """Compact noun phrase of ``head``: its left modifiers and the head."""
        left = head
        for c in head.lefts:
            if c.dep_ in {"det", "amod", "compound", "poss", "nmod", "nummod", "case"}:
                left = min(left, c.left_edge, key=lambda t: t.i)
        right = head
        for c in head.rights:
            if c.dep_ in {"compound", "flat"}:
                right = max(right, c, key=lambda t: t.i)
        return u.start(left), u.end(right)

    def adjacent_subject(self, u: Unit, cue: Any) -> Any | None:
        """A name or pronoun right before or after the cue ('Artigas said', 'said Ann Lee')."""
        doc = u.doc
        for i in (cue.i - 1, cue.i - 2, cue.i + 1, cue.i + 2):
            if not (0 <= i < len(doc)) or self._tok_in_quote(u, doc[i]):
                continue
            t = doc[i]
            if i == cue.i + 2 and doc[cue.i + 1].text.lower() not in {"the", "a", "an"}:
                continue
            # "..., the minister, Ann Lee, said": the name closing an apposition
            if i == cue.i - 2 and (doc[cue.i - 1].text != "," or _pos(t) != "PROPN"):
                continue
            if _pos(t) in {"PROPN", "PRON"} or t.text.lower() in ROLE_NOUNS:
                # the head of a name: the last word of its compound run
                while t.i + 1 < len(doc) and _pos(doc[t.i + 1]) == "PROPN" and i > cue.i:
                    t = doc[t.i + 1]
                return t
        return None

    def speaker_of(self, u: Unit, cue: Any) -> Speaker:
        """The speaker of a cue: its subject, or the name beside it when parsing failed."""
        subj = self.subject_of(cue)
        if subj is not None and self._tok_in_quote(u, subj):
            subj = None
        sp = self.resolve(u, subj)
        if sp.name is None:
            near = self.adjacent_subject(u, cue)
            if near is not None and (subj is None or near.i != subj.i):
                alt = self.resolve(u, near)
                if alt.name is not None:
                    return alt
        return sp

    def resolve(self, u: Unit, subj: Any | None) -> Speaker:
        """Resolve a subject token to a speaker (canonical entity when possible)."""
        if subj is None or u.stands_in(subj):  # a quote's own words name no speaker
            return Speaker(None, None, None, None, None, None)
        s, e = u.start(subj), u.end(subj)
        ents = self.ents
        word = subj.text.lower()
        if _pos(subj) == "PRON" or word in PRONOUNS:
            last = self.last
            if (
                word in {"they", "it"}
                and last is not None
                and last.speaker
                and last.speaker_type in {"ORG", "GPE", "NORP"}
                and 0 <= s - last.end < 400
            ):
                # "..., the utility said. It added that ...": the organisation goes on
                return Speaker(last.speaker, subj.text, s, e, last.speaker_type, None)
            if word in {"i", "we", "it", "they", "them", "you", "who", "that", "which"}:
                return Speaker(None, subj.text, s, e, None, None)
            ch = ents.resolve_pronoun(word, s, self.recent)
            if ch is None:
                return Speaker(None, subj.text, s, e, None, None)
            return Speaker(ch.canonical, subj.text, s, e, ch.type, ch.id)
        m = ents.mention_at(s, e)
        if m is not None:
            ch = ents.chain(m.cluster)
            return Speaker(ch.canonical, m.text, m.start, m.end, ch.type, ch.id)
        if _pos(subj) == "PROPN":
            ns, ne = self._np_span(u, subj)
            ch = ents.lookup(self.text[ns:ne])
            if ch is not None:
                return Speaker(ch.canonical, self.text[ns:ne], ns, ne, ch.type, ch.id)
        # "the spokesman, Dmitry Peskov," -> the apposition names the speaker
        for c in subj.children:
            if c.dep_ == "appos":
                m = ents.mention_at(u.start(c), u.end(c))
                if m is not None and ents.chain(m.cluster).type in {"PERSON", "ORG"}:
                    ch = ents.chain(m.cluster)
                    return Speaker(ch.canonical, m.text, m.start, m.end, ch.type, ch.id)
        ns, ne = self._np_span(u, subj)
        phrase = self.text[ns:ne]
        det = [c.text.lower() for c in subj.lefts if c.dep_ in {"det", "poss"}]
        definite = not det or det[0] in {"the", "this", "that", "his", "her", "its", "their"}
        if definite and det and (word in ROLE_NOUNS or word in PLURAL_PERSON):
            prev = self._same_role_speaker(word, ns)
            if prev is not None:
                return Speaker(prev.speaker, phrase, ns, ne, prev.speaker_type, None)
        if (word in ROLE_NOUNS or word in ORG_NOUNS) and definite:
            ch = ents.resolve_role(word, phrase, ns, self.recent)
            if ch is not None and not (word in ORG_NOUNS and ch.type == "PERSON"):
                return Speaker(ch.canonical, phrase, ns, ne, ch.type, ch.id)
        owner = [c for c in subj.lefts if c.dep_ == "poss"]
        if word in PLURAL_PERSON and owner and _pos(owner[0]) == "PROPN":
            # "Love's lawyers": a named person's group, not the person
            return Speaker(_no_det(phrase), phrase, ns, ne, "ORG", None)
        # "A Reuters/Ipsos poll", "Kremlin officials": an organisation inside the phrase;
        # "a spokesperson for Edison": an unnamed role speaks for its organisation
        inner = [mm for mm in ents.mentions if mm.start >= ns and mm.end <= ne]
        if word in ROLE_NOUNS or word in ORG_NOUNS or word in PLURAL_PERSON or word in SOURCE_NOUNS:
            for c in subj.rights:
                if c.dep_ == "prep" and c.text.lower() in {"for", "at", "of", "from", "with", "by"}:
                    for p in c.children:
                        if (
                            p.dep_ == "pobj"
                            and _pos(p) == "PROPN"
                            and not any(m.start <= u.start(p) < m.end for m in ents.mentions)
                        ):
                            # "a spokesperson for Acme Power": the model missed the name
                            lo = u.start(
                                min(
                                    (t for t in p.lefts if _pos(t) == "PROPN"),
                                    key=lambda t: t.i,
                                    default=p,
                                )
                            )
                            name = self.text[lo : u.end(p)]
                            return Speaker(name, phrase, ns, ne, "ORG", None)
                        if p.dep_ == "pobj":
                            # "lawyers from Acme Legal", "a tally by the Institute": the
                            # named body comes before a possessor ("Love's lawyers")
                            inner[:0] = [
                                mm
                                for mm in ents.mentions
                                if u.start(p.left_edge) <= mm.start
                                and mm.end <= u.end(p.right_edge)
                                and mm.type in {"ORG", "GPE", "NORP"}
                            ]
        for mm in inner:
            ch = ents.chain(mm.cluster)
            if ch.type == "ORG" or (ch.type == "PERSON" and word not in ROLE_NOUNS):
                # "Kremlin officials", "an Acme spokesperson": they speak for the organisation
                return Speaker(ch.canonical, phrase, ns, ne, ch.type, ch.id)
        # a proper noun the model did not tag: a named source all the same
        props = [
            t for t in subj.subtree if _pos(t) == "PROPN" and u.start(t) >= ns and u.end(t) <= ne
        ]
        if props and (
            subj in props or word in ORG_NOUNS or word in SOURCE_NOUNS or word in ROLE_NOUNS
        ):
            lo, hi = u.start(props[0]), u.end(props[-1])
            name = self.text[lo:hi]
            if not re.search(r"[.,;:]", name) and lo >= ns:
                ch = ents.lookup(name)
                if ch is not None and (ch.type != "PERSON" or subj in props):
                    return Speaker(ch.canonical, phrase, ns, ne, ch.type, ch.id)
                kind = "PERSON" if subj in props and len(props) >= 2 else "ORG"
                return Speaker(name, phrase, ns, ne, kind, None)
        if word in PLURAL_PERSON and owner:
            if _pos(owner[0]) == "PROPN":
                return Speaker(_no_det(phrase), phrase, ns, ne, "ORG", None)
            # "her lawyers": the lawyers of the person "her" stands for
            ch = ents.resolve_pronoun(
                {"her": "she", "his": "he"}.get(owner[0].text.lower(), "x"), ns, self.recent
            )
            if ch is not None:
                return Speaker(f"{ch.canonical}'s {subj.text}", phrase, ns, ne, "ORG", None)
        if word in SOURCE_NOUNS and owner and owner[0].i != subj.i:
            # "according to the agency's website": the owner of the document speaks
            via = self.resolve(u, owner[0])
            if via.name is not None:
                # no chain: the document phrase is not a mention of the body itself
                return Speaker(via.name, phrase, ns, ne, via.type, None)
        if word in INSTITUTIONS and (not det or det[0] == "the"):
            return Speaker(_no_det(phrase), phrase, ns, ne, "ORG", None)
        return Speaker(None, phrase, ns, ne, None, None)

    def _same_role_speaker(self, word: str, pos: int) -> Quote | None:
        """'A Acme spokesperson said ... the spokesperson added': the same unnamed source.

        A definite role noun takes up the latest speaker introduced by the same noun
        ("the lawyers" after "Love's lawyers, from Kaufman Legal Group"), not a person
        named in between.
        """
        for q in reversed(self.quotes):
            if pos - q.end > 1500:
                break
            if q.speaker is None or q.speaker_mention is None or q.speaker_start is None:
                continue
            if q.speaker_start >= pos:
                continue
            head = re.findall(r"[\w'\u2019-]+", q.speaker_mention.lower())
            if head and head[-1] == word:
                return q
        return None

    def medium(self, u: Unit, cue: Any) -> str | None:
        """Where the words were said: 'told reporters', 'on Telegram', 'telling NBC News'."""
        lemma = cues.lemma_of(cue.text)
        tok = cue
        for _ in range(2):
            if lemma == "tell" or cues.lemma_of(tok.text) == "tell":
                for c in tok.children:
                    if c.dep_ in {"dobj", "dative", "iobj"} and _pos(c) != "PRON":
                        return self._media_name(u, c)
            for c in tok.children:
                if c.dep_ == "prep" and c.text.lower() in {"on", "to", "in", "via", "with"}:
                    for p in c.children:
                        if p.dep_ != "pobj":
                            continue
                        name = self._media_name(u, p)
                        low = (name or "").lower()
                        if c.text.lower() == "to" and _pos(p) == "PRON":
                            continue
                        if c.text.lower() == "in" and low in {"interview", "statement"}:
                            for pp in p.children:
                                if pp.dep_ == "prep" and pp.text.lower() in {"with", "on"}:
                                    for q in pp.children:
                                        if q.dep_ == "pobj":
                                            return self._media_name(u, q)
                            return low
                        if not name or p.text.lower() in WEEKDAYS or p.ent_type_ in {"DATE"}:
                            continue
                        proper = any(w[:1].isupper() for w in name.split())
                        if (
                            _pos(p) == "PROPN"
                            or proper
                            or low in MEDIA_WORDS
                            or (c.text.lower() == "to" and p.tag_ == "NNS")
                        ):
                            return name
            if tok.dep_ in {"advcl", "xcomp", "conj"} and tok.head.i != tok.i:
                tok = tok.head
            else:
                break
        return None

    def _media_name(self, u: Unit, tok: Any) -> str | None:
        left = tok
        for c in tok.lefts:
            if c.dep_ in {"compound", "amod", "nmod"}:
                left = min(left, c.left_edge, key=lambda t: t.i)
        name = self.text[u.start(left) : u.end(tok)]
        name = MEDIA_TAIL.sub("", name).strip()
        return name or None

    # ------------------------------------------------------------------ quotes
    def _kind(self, q: QuoteSpan, unit_start: int) -> str:
        if q.continued:
            return "direct"
        body = self.text[q.start : q.end]
        first = re.search(r"[\w\[]", body)
        cap = bool(first) and (first.group(0).isupper() or first.group(0) == "[")
        pre = self.text[unit_start : max(unit_start, q.open_pos)].rstrip()
        words = len(re.findall(r"\w+", body))
        if cap and words >= 3 and (not pre or pre.endswith((",", ":", "\u2014"))):
            return "direct"
        return "partial"

    def _cue_for_quote(self, u: Unit, q: QuoteSpan) -> Any | None:
        """The speech verb a quote depends on, else the nearest strong cue outside quotes."""
        best = None
        kinds = cues.SPEECH | cues.FRAMING | cues.STRONG
        starts = u.starts
        is_form = u.cue_set()
        heads = u.heads
        for t in u.tokens_between(q.start, q.end):
            a, depth = heads[t.i], 1
            while depth <= 8:
                if (
                    a in is_form
                    and not (q.start <= starts[a] < q.end)
                    and self._is_cue(u, u.doc[a], kinds)
                ):
                    if best is None or depth < best[0]:
                        best = (depth, u.doc[a])
                    break
                if heads[a] == a:
                    break
                a, depth = heads[a], depth + 1
        if best is not None:
            return best[1]
        cands = [t for t in u.cue_tokens() if self._is_cue(u, t, cues.STRONG)]
        if not cands:
            return None

        def dist(t: Any) -> int:
            p = u.start(t)
            return q.open_pos - p if p < q.start else p - q.end

        return min(cands, key=dist)

    def _emit(
        self, s: int, e: int, kind: str, sp: Speaker, cue: str | None, medium: str | None
    ) -> Quote:
        while s < e and self.text[s] in " ,;:\u2014-":
            s += 1
        while e > s and self.text[e - 1] in " ,;:\u2014-":
            e -= 1
        qt = Quote(
            s,
            e,
            self.text[s:e],
            kind,
            speaker=sp.name,
            speaker_mention=sp.mention,
            speaker_start=sp.start,
            speaker_end=sp.end,
            speaker_type=sp.type,
            cue=cue,
            medium=medium,
        )
        self.quotes.append(qt)
        if sp.chain is not None:
            ch = self.ents.chain(sp.chain)
            if ch.type == "PERSON":
                if sp.chain in self.recent:
                    self.recent.remove(sp.chain)
                self.recent.insert(0, sp.chain)
            if sp.start is not None and sp.start not in ch.positions:
                bisect.insort(ch.positions, sp.start)
            if (
                sp.start is not None
                and sp.end is not None
                and self.ents.mention_at(sp.start, sp.end) is None
            ):
                self.extra_mentions.append(
                    Mention(
                        sp.start, sp.end, self.text[sp.start : sp.end], ch.type, ch.id, ch.canonical
                    )
                )
        return qt

    def unit_quotes(self, u: Unit | None, lo: int, hi: int, para_start: int) -> None:
        """Attribute the quotes in [lo, hi) and add indirect speech of the unit."""
        qs = [q for q in self.spans if lo <= q.start < hi]
        outside = self.text[lo:hi]
        for q in qs:
            cue = self._cue_for_quote(u, q) if u is not None else None
            kind = self._kind(q, lo)
            if cue is not None:
                sp = self.speaker_of(u, cue)
                if sp.name is None and sp.mention is None and self.last is not None:
                    sp = self._continue_speaker()
                qt = self._emit(q.start, q.end, kind, sp, cue.text, self.medium(u, cue))
            else:
                rest = outside
                for q2 in qs:
                    rest = rest.replace(self.text[q2.start : q2.end], "")
                bare = not re.search(r"[A-Za-z]{2,}", rest)
                intro = self._colon_speaker(u, q) if u is not None else None
                if intro is not None:
                    qt = self._emit(q.start, q.end, kind, intro, None, None)
                elif self.last is not None and (bare or q.continued):
                    sp = self._continue_speaker()
                    qt = self._emit(
                        q.start,
                        q.end,
                        "direct" if bare else kind,
                        sp,
                        self.last.cue,
                        self.last.medium,
                    )
                else:
                    qt = self._emit(
                        q.start,
                        q.end,
                        kind,
                        Speaker(None, None, None, None, None, None),
                        None,
                        None,
                    )
            if qt.speaker or qt.speaker_mention:
                self.last = qt
        if u is not None:
            self._indirect(u, qs)

    def _colon_speaker(self, u: Unit, q: QuoteSpan) -> Speaker | None:
        """'Shaw, the chairman, gave one comment: "..."': the subject before the colon."""
        colon = introducing_colon(self.text, q)
        if colon < 0:
            return None
        toks = [t for t in u.doc if u.start(t) < colon and not self._tok_in_quote(u, t)]
        if not toks:
            return None
        root = toks[-1]
        while root.head.i != root.i and u.start(root.head) < colon:
            root = root.head
        subj = next((c for c in root.children if c.dep_ in SUBJ), None)
        if subj is None:
            return None
        sp = self.resolve(u, subj)
        return sp if sp.name is not None else None

    def _continue_speaker(self) -> Speaker:
        last = self.last
        assert last is not None
        chain = None
        if last.speaker_start is not None:
            m = self.ents.mention_at(last.speaker_start, last.speaker_end or last.speaker_start)
            chain = m.cluster if m is not None else None
        return Speaker(
            last.speaker,
            last.speaker_mention,
            last.speaker_start,
            last.speaker_end,
            last.speaker_type,
            chain,
        )

    # ------------------------------------------------------------------ indirect
    def _indirect(self, u: Unit, qs: list[QuoteSpan]) -> None:
        doc = u.doc
        for tok in u.cue_tokens():  # every other token fails both tests below
            low = tok.text.lower()
            if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].text == "to":
                if self._tok_in_quote(u, tok):
                    continue
                self._according(u, tok, qs)
                continue
            if not self._is_cue(u, tok, cues.SPEECH | cues.OBJECT):
                continue
            lemma = cues.lemma_of(tok.text)
            comp = [c for c in tok.children if c.dep_ == "ccomp"]
            subj = self.subject_of(tok)
            if lemma in cues.COGNITIVE and (
                subj is None or subj.text.lower() in {"i", "we", "you"}
            ):
                continue
            if comp:
                c = comp[0]
                s, e = u.start(c.left_edge), u.end(c.right_edge)
                # "The test, Pyongyang said, was its biggest": the clause wraps the cue and
                # stays whole; "X said that A, because B": the tail belongs to the content
                if s > u.start(tok):
                    e = self._extend_tail(u, tok, e)
            elif lemma in cues.OBJECT:
                # "X called for Y", "X cited Y", "X urged voters to ...": the object is
                # the content ("called them 'deplorables'": with its complement)
                objs = [c for c in tok.children if c.dep_ in {"dobj", "xcomp", "oprd"}]
                if lemma == "call" and not objs:
                    objs = [
                        g
                        for c in tok.children
                        if c.dep_ == "prep" and c.text == "for"
                        for g in c.children
                        if g.dep_ == "pobj"
                    ]
                if not objs or subj is None or _pos(subj) not in {"PROPN", "PRON", "NOUN"}:
                    continue
                s = min(u.start(o.left_edge) for o in objs)
                e = max(u.end(o.right_edge) for o in objs)
                if e - s < 15:
                    continue
            elif m := _THAT_AFTER.match(self.text, u.end(tok), u.end(tok.sent[-1])):
                # the parser lost the clause: "said in an earnings call that ..."
                s, e = m.start(1), u.end(tok.sent[-1])
            else:
                # "Clinton had told police ..., the source added": the cue is parenthetical
                as_clause = tok.dep_ == "advcl" and any(
                    c.dep_ == "mark" and c.text.lower() == "as" for c in tok.children
                )
                if (tok.dep_ not in {"parataxis", "ROOT"} and not as_clause) or subj is None:
                    continue
                if as_clause:
                    # "..., as Lucas Baker, a lawyer, explained": the main clause
                    head = tok.head
                    s = u.start(head.left_edge)
                    e = u.start(tok.left_edge)
                    if e <= s:
                        continue
                elif tok.dep_ == "parataxis":
                    head = tok.head
                    s, e = u.start(head.left_edge), u.start(subj.left_edge)
                    if not (u.start(head) < u.start(subj)):
                        continue
                else:
                    continue
            if e - s < 12:
                continue
            # a clause that is nearly all quotation is already there as the quote itself
            outside = [
                w for w in re.finditer(r"\w+", self.text[s:e]) if not self.in_quote(s + w.start())
            ]
            if len(outside) < 3 and any(q.start < e and q.end > s for q in qs):
                continue
            sp = self.resolve(u, subj)
            if sp.name is None and sp.mention is None:
                continue
            qt = self._emit(s, e, "indirect", sp, tok.text, self.medium(u, tok))
            if (
                sp.name is not None
                and sp.type == "PERSON"
                and not re.search(r"['\u2019]s\b", sp.mention or "")
                and (self.last is None or self.last.start < s)
            ):
                # reported speech names the latest speaker too: a quote with no cue
                # that follows ("Mayor X said ... \n\n '...'") goes on with X
                self.last = qt

    def _extend_tail(self, u: Unit, cue: Any, e: int) -> int:
        """Stretch a clause to its sentence end, up to the next attribution or quote."""
        end = e
        for t in cue.sent:
            if u.start(t) < e:
                continue
            if t.text in '"\u201c\u2018' or self._tok_in_quote(u, t):
                break
            if (
                t.tag_.startswith("VB")
                and cues.lemma_of(t.text) in (cues.SPEECH | cues.OBJECT)
                and any(c.dep_ in SUBJ for c in t.children)
            ):
                # a new attribution starts: stop before its subject ("and Democrats said")
                subj = next(c for c in t.children if c.dep_ in SUBJ)
                end = max(e, min(end, u.start(subj.left_edge)))
                break
            end = u.end(t)
        text = self.text[e:end]
        # no dangling conjunction or punctuation at the end
        m = re.search(r"(?:[\s,;:.!?\u2014-]|\b(?:and|but|or|while|as)\b)*$", text)
        return e + (m.start() if m else len(text))

    def _according(self, u: Unit, tok: Any, qs: list[QuoteSpan]) -> None:
        to = u.doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return
        sent = tok.sent
        # the phrase "according to X" with X's modifiers
        a_lo = u.start(tok)
        a_hi = u.end(pobj.right_edge)
        s, e = u.start(sent[0]), u.end(sent[-1])
        before = self.text[s:a_lo].strip(" ,")
        after = self.text[a_hi:e].strip(" ,.")
        if len(after) >= len(before):
            s = a_hi
        else:
            e = a_lo
        if e - s < 12:
            return
        sp = self.resolve(u, pobj)
        self._emit(s, e, "indirect", sp, "according to", None)


_THAT_AFTER = re.compile(r"[^.;:!?\"\u201c\u201d]{0,60}?\b(that\s)")


def _pos(tok: Any) -> str:
    """Coarse part of speech from the fine tag (the attribute ruler is not run)."""
    tag = tok.tag_
    if tag in {"NNP", "NNPS"}:
        return "PROPN"
    if tag in {"PRP", "PRP$", "WP", "WP$"}:
        return "PRON"
    if tag.startswith("NN"):
        return "NOUN"
    if tag.startswith("VB"):
        return "VERB"
    return tag


def _no_det(phrase: str) -> str:
    return re.sub(r"^(?:the|a|an|some|many|several|two|three)\s+", "", phrase, flags=re.I)


def fold_text(s: str) -> str:
    """Comparison form of a quote text (for statement ids)."""
    return " ".join(re.findall(r"\w+", fold(s)))
