"""Named entities of one article and their rule-based coreference chains.

spaCy's NER gives the mentions; chains join the forms of one name inside the article
("Kremlin spokesman Dmitry Peskov" ... "Peskov"), remember the roles a person was
introduced with ("spokesman", "secretary of state"), and answer who a pronoun ("he") or a
role noun ("the Russian diplomat", "the ministry") most likely points at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsdesk.annotate.alternation import trie_alternation
from newsdesk.model import Mention

KEEP_TYPES = {
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "PRODUCT",
    "LAW",
    "WORK_OF_ART",
}
TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "senator",
    "sen",
    "rep",
    "gov",
    "governor",
    "mayor",
    "gen",
    "general",
    "col",
    "colonel",
    "lt",
    "capt",
    "captain",
    "adm",
    "admiral",
    "sgt",
    "judge",
    "justice",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "reverend",
    "father",
    "sister",
    "brother",
    "ambassador",
    "speaker",
    "leader",
    "chairman",
    "chairwoman",
    "commissioner",
    "attorney",
    "director",
    "chief",
    "former",
    "deputy",
    "acting",
    "state",
    "foreign",
    "defense",
    "defence",
    "interior",
    "finance",
}
# person nouns that serve as roles: "the spokesman", "the Russian diplomat"
ROLE_NOUNS = {
    "counterpart",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "president",
    "minister",
    "secretary",
    "senator",
    "governor",
    "mayor",
    "official",
    "diplomat",
    "envoy",
    "ambassador",
    "chancellor",
    "director",
    "chief",
    "head",
    "leader",
    "adviser",
    "advisor",
    "aide",
    "analyst",
    "economist",
    "professor",
    "researcher",
    "expert",
    "lawyer",
    "attorney",
    "prosecutor",
    "judge",
    "commander",
    "general",
    "officer",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "executive",
    "founder",
    "candidate",
    "nominee",
    "strategist",
    "pollster",
    "lawmaker",
    "congressman",
    "congresswoman",
    "representative",
    "deputy",
    "manager",
    "coach",
    "author",
    "writer",
    "journalist",
    "correspondent",
    "reporter",
    "editor",
    "doctor",
    "scientist",
    "activist",
    "owner",
    "premier",
    "king",
    "queen",
    "prince",
    "pope",
    "negotiator",
    "mediator",
    "commissioner",
    "inspector",
    "sheriff",
    "partner",
    "investor",
    "businessman",
    "businesswoman",
    "billionaire",
    "politician",
    "legislator",
    "mogul",
    "democrat",
    "republican",
    "vice-president",
    "speaker",
    "chief executive",
    "actor",
    "actress",
    "singer",
    "player",
    "star",
    "campaigner",
    "organizer",
    "organiser",
    "teacher",
    "student",
    "survivor",
    "witness",
    "victim",
    "father",
    "mother",
    "husband",
    "wife",
    "son",
    "daughter",
    "brother",
    "sister",
    "physician",
    "surgeon",
    "engineer",
    "consultant",
    "specialist",
    "historian",
    "lecturer",
    "fellow",
    "dean",
    "principal",
    "superintendent",
    "commentator",
    "host",
    "anchor",
    "blogger",
    "banker",
    "trader",
    "broker",
    "regulator",
    "auditor",
    "treasurer",
    "comptroller",
    "councilman",
    "councilwoman",
    "councillor",
    "councilor",
    "administrator",
    "president-elect",
}
ORG_NOUNS = {
    "ministry",
    "agency",
    "company",
    "department",
    "government",
    "administration",
    "firm",
    "group",
    "organization",
    "organisation",
    "committee",
    "council",
    "commission",
    "office",
    "court",
    "party",
    "campaign",
    "bank",
    "army",
    "military",
    "police",
    "service",
    "union",
    "newspaper",
    "paper",
    "network",
    "channel",
    "board",
    "authority",
    "institute",
    "university",
    "team",
    "club",
    "foundation",
    "center",
    "centre",
    "association",
    "coalition",
    "alliance",
    "bureau",
    "embassy",
    "kremlin",
    "house",
    "senate",
    "congress",
    "parliament",
    "corporation",
    "outlet",
    "publication",
    "report",
    "statement",
    "poll",
    "survey",
    "study",
    "program",
    "programme",
    "project",
    "initiative",
}
# "the company said": the latest organisation; "the city said": the latest place
GENERIC_ORG = set(
    [
        "company",
        "firm",
        "utility",
        "airline",
        "agency",
        "corporation",
        "business",
        "retailer",
        "carrier",
        "manufacturer",
        "startup",
        "nonprofit",
        "charity",
        "insurer",
        "operator",
        "developer",
        "automaker",
        "chain",
    ]
)
PLACE_NOUNS = set(
    ["city", "county", "state", "town", "country", "district", "province", "region", "village"]
)
ORG_NOUNS |= GENERIC_ORG | PLACE_NOUNS
MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
_MALE_WORDS = {
    "mr",
    "spokesman",
    "chairman",
    "congressman",
    "businessman",
    "king",
    "prince",
    "husband",
    "father",
    "son",
    "brother",
    "sir",
    "lord",
    "councilman",
    "actor",
}
_FEMALE_WORDS = {
    "mrs",
    "ms",
    "miss",
    "spokeswoman",
    "chairwoman",
    "congresswoman",
    "queen",
    "princess",
    "wife",
    "mother",
    "daughter",
    "sister",
    "dame",
    "lady",
    "businesswoman",
    "councilwoman",
    "actress",
}
# exonyms and old transliterations that name the same place
PLACE_VARIANTS = {
    "kiev": "kyiv",
    "kharkov": "kharkiv",
    "odessa": "odesa",
    "lvov": "lviv",
    "bombay": "mumbai",
    "calcutta": "kolkata",
    "madras": "chennai",
    "peking": "beijing",
    "canton": "guangzhou",
    "burma": "myanmar",
    "ceylon": "sri lanka",
    "byelorussia": "belarus",
    "turkey": "turkiye",
    "ivory coast": "cote d'ivoire",
    "the ukraine": "ukraine",
    "united states of america": "united states",
    "the united states": "united states",
    "u.s.": "united states",
    "us": "united states",
    "usa": "united states",
    "u.k.": "united kingdom",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
}
_NAME_PARTICLES = {
    "de",
    "da",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "del",
    "al",
    "bin",
    "ibn",
    "di",
    "du",
    "dos",
    "das",
    "ter",
}


# The name helpers below are pure and called per pair of chains: cached, they keep
# entity chaining linear in practice (bounded, so a long ingest's memory stays flat).
@lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """Lower-case, accents removed, curly apostrophes straightened."""
    if s.isascii():  # nothing to decompose or straighten
        return s.lower()
    s = unicodedata.normalize("NFKD", s.replace("\u2019", "'"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1 << 16)
def name_key(name: str, etype: str) -> str:
    """The comparison key of a name: folded, without 'the', exonyms mapped."""
    k = fold(name).strip()
    k = re.sub(r"^the\s+", "", k)
    k = re.sub(r"['\u2019]s$", "", k).strip()
    if etype in {"GPE", "LOC"} or k in PLACE_VARIANTS:
        k = PLACE_VARIANTS.get(k, k)
    return " ".join(k.split())


def name_tokens(name: str) -> list[str]:
    """Folded name words without titles or possessives."""
    return list(_name_tokens(name))


@lru_cache(maxsize=1 << 16)
def _name_tokens(name: str) -> tuple[str, ...]:
    toks = [t for t in re.findall(r"[\w'.-]+", fold(name)) if t not in {"'s", "."}]
    toks = [re.sub(r"'s$", "", t) for t in toks]
    while len(toks) > 1 and toks[0].rstrip(".") in TITLES:
        toks = toks[1:]
    while len(toks) > 1 and toks[-1].rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        toks = toks[:-1]
    return tuple(toks)


def _is_initial(tok: str) -> bool:
    return bool(re.fullmatch(r"\w\.?", tok))


def fullness(name: str) -> tuple[int, int]:
    """How full a person name is: non-initial words, fewer initials, then length."""
    toks = name_tokens(name)
    initials = sum(1 for t in toks if _is_initial(t))
    # "Dmitry Peskov" is the canonical form of "Dmitry S. Peskov": initials count against
    return (len(toks) - initials, -initials, len(name))


@dataclass
class Chain:
    """One entity inside one article."""

    id: int
    type: str
    canonical: str
    forms: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    gender: str | None = None
    positions: list[int] = field(default_factory=list)  # starts of mentions outside quotes

    @property
    def last(self) -> str:
        return name_tokens(self.canonical)[-1] if name_tokens(self.canonical) else ""

    def first_names(self) -> list[str]:
        toks = name_tokens(self.canonical)
        return [t for t in toks[:-1] if not _is_initial(t) and t not in _NAME_PARTICLES]


@dataclass
class EntityIndex:
    """The chains of one article and the lookups quote attribution needs."""

    text: str
    mentions: list[Mention]
    chains: list[Chain]
    in_quote: Any = None  # callable(pos) -> bool

    def chain(self, cid: int) -> Chain:
        return self.chains[cid]

    def mention_at(self, start: int, end: int) -> Mention | None:
        """The mention overlapping [start, end), the longest one first."""
        best = None
        for m in self.mentions:
            if (
                m.start < end
                and m.end > start
                and (best is None or m.end - m.start > best.end - best.start)
            ):
                best = m
        return best

    def lookup(self, name: str) -> Chain | None:
        """The chain a bare name (missed by NER) most likely belongs to."""
        toks = name_tokens(name)
        if not toks:
            return None
        for c in self.chains:
            if c.type == "PERSON" and name_tokens(c.canonical)[-1:] == toks[-1:]:
                return c
        key = name_key(name, "ORG")
        for c in self.chains:
            if name_key(c.canonical, c.type) == key:
                return c
        # "Southwest" for "Southwest Airlines": an organisation named by its first words
        for c in self.chains:
            ck = name_key(c.canonical, c.type)
            if c.type != "PERSON" and ck.startswith(key + " "):
                return c
        return None

    def persons_before(self, pos: int) -> list[tuple[int, Chain]]:
        """(last position before ``pos``, chain) of persons, latest first."""
        out = []
        for c in self.chains:
            if c.type != "PERSON":
                continue
            ps = [p for p in c.positions if p < pos]
            if ps:
                out.append((ps[-1], c))
        return sorted(out, key=lambda x: -x[0])

    def resolve_pronoun(self, pronoun: str, pos: int, recent: list[int]) -> Chain | None:
        """The person a 3rd-person pronoun at ``pos`` most likely means.

        ``recent`` are chain ids of the latest speakers, latest first: reported speech
        keeps its subject, so a recent compatible speaker wins over a later mention.
        """
        p = pronoun.lower()
        want = "m" if p in MALE else "f" if p in FEMALE else None
        if p in {"i", "me", "we", "us", "you", "it", "they", "them"}:
            return None
        ranked = [
            (last, c)
            for last, c in self.persons_before(pos)
            if not (want and c.gender and c.gender != want)
        ]
        if not ranked:
            return None
        speaker = self.chains[recent[0]] if recent else None
        para = self.text.rfind("\n", 0, pos) + 1
        local = [c for last, c in ranked if last >= para]
        if local:
            # someone named in this paragraph: the latest speaker if among them, else
            # the latest person named ("Robinson packed his things. He ...")
            if speaker in local:
                return speaker
            exact = [c for c in local if want and c.gender == want]
            return self._subject_first(exact or local, pos)
        cands = [c for _, c in ranked]
        # a paragraph that opens with "she said" goes on from the previous paragraph:
        # its latest speaker if named there, else the person it was about (its subject)
        prev_para = self.text.rfind("\n", 0, max(para - 1, 0)) + 1
        while prev_para > 0 and not self.text[prev_para:para].strip():
            prev_para = self.text.rfind("\n", 0, prev_para - 1) + 1
        before = [c for last, c in ranked if last >= prev_para]
        exact = [c for c in before if want and c.gender == want]
        # only a person known to fit the pronoun: "Kevin was snoring." says nothing
        if exact and speaker not in before and self.text[para:pos].count(". ") == 0:
            return self._subject_first(exact, para)
        if speaker is not None and speaker in cands[:4]:
            return speaker
        exact = [c for c in cands[:4] if want and c.gender == want]
        return exact[0] if exact else cands[0]

    def _subject_first(self, cands: list[Chain], pos: int) -> Chain:
        """Of persons named in the latest sentence before ``pos``, the first one named.

        Centering: a pronoun prefers the previous sentence's subject, which English puts
        first ("Minister A thanked the mediator, B. '...,' she said" means A).
        """
        latest = max(p for c in cands for p in c.positions if p < pos)
        head = self.text[:latest]
        # the sentence that holds the latest candidate mention
        cut = max(head.rfind(". "), head.rfind("\n"), head.rfind("? "), head.rfind("! "))
        sent_start = cut + 1
        firsts = []
        for c in cands:
            ps = [p for p in c.positions if sent_start <= p < pos]
            if ps and not (self.in_quote and self.in_quote(ps[0])):
                firsts.append((ps[0], c))
        return min(firsts, key=lambda x: x[0])[1] if firsts else cands[0]

    def resolve_role(self, head: str, phrase: str, pos: int, recent: list[int]) -> Chain | None:
        """The chain a definite role phrase ("the Russian diplomat", "the ministry") means."""
        head = head.lower()
        if head in ROLE_NOUNS:
            persons = [c for _, c in self.persons_before(pos)]
            for c in persons:
                if head in c.roles:
                    return c
            g = "m" if head in _MALE_WORDS else "f" if head in _FEMALE_WORDS else None
            return (
                self.resolve_pronoun("she" if g == "f" else "he" if g else "they_", pos, recent)
                if persons
                else None
            )
        if head in ORG_NOUNS:
            best = None
            for c in self.chains:
                if c.type not in {"ORG", "GPE", "NORP"}:
                    continue
                ps = [p for p in c.positions if p < pos]
                if not ps:
                    continue
                words = set(name_key(c.canonical, c.type).split())
                if head in words and (best is None or ps[-1] > best[0]):
                    best = (ps[-1], c)
            if best:
                return best[1]
            # "a Reuters/Ipsos poll ... the poll": the organisation named before the noun
            for m in reversed(self.mentions):
                if m.end > pos or m.type not in {"ORG", "GPE", "NORP"}:
                    continue
                after = self.text[m.end : m.end + 40].lower()
                after = re.split(r"[.;:!?\n]", after)[0]
                if re.search(rf"\b{re.escape(head)}s?\b", after):
                    return self.chains[m.cluster]
            want = {"ORG"} if head in GENERIC_ORG else {"GPE"} if head in PLACE_NOUNS else set()
            latest = None
            for c in self.chains:
                ps = [p for p in c.positions if p < pos]
                if c.type in want and ps and (latest is None or ps[-1] > latest[0]):
                    latest = (ps[-1], c)
            return latest[1] if latest else None
        return None


def _strip_span(text: str, s: int, e: int, etype: str) -> tuple[int, int]:
    """Shrink a NER span: no leading article/title for persons, no possessive 's."""
    frag = text[s:e]
    m = re.search(r"['\u2019]s?$", frag)
    if m and e - s > 3:
        e = s + m.start()
    lead = re.match(r"(?:the|The)\s+", text[s:e])
    if lead and etype in {"PERSON"}:
        s += lead.end()
    if etype == "PERSON":
        while True:
            m2 = re.match(r"([A-Z][a-z]*\.?)\s+(?=[A-Z])", text[s:e])
            if m2 and (
                m2.group(1).lower().rstrip(".") in TITLES or m2.group(1).lower() in ROLE_NOUNS
            ):
                s += m2.end()
            else:
                break
    while e > s and text[e - 1] in " ,.;:-\u2014":
        e -= 1
    return s, e


_ROLE_BEFORE = re.compile(
    r"((?:[A-Z][\w.'\u2019-]*|of|the|and|for|on|former|deputy|acting|senior|chief|"
    + trie_alternation(ROLE_NOUNS)
    + r")(?:\s+|$)){1,7}$"
)


def _roles_near(text: str, s: int, e: int) -> tuple[set[str], str | None]:
    """Role nouns introducing a person: 'Kremlin spokesman X', 'X, an official at ...'."""
    roles: set[str] = set()
    gender = None
    line_start = text.rfind("\n", 0, s) + 1
    before = text[max(line_start, s - 80) : s]
    m = _ROLE_BEFORE.search(before)
    words: list[str] = []
    if m:
        words += re.findall(r"[\w-]+", m.group(0).lower())
    after = re.match(r",\s+((?:an?|the|who is|who was)\s+)?([^,;:\n\u201c\"(]{2,90})", text[e:])
    if after and (after.group(1) or after.group(2)[:1].isupper()):
        words += re.findall(r"[\w-]+", after.group(2).lower())[:12]
    for w in words:
        if w in ROLE_NOUNS:
            roles.add(w)
        if w in _MALE_WORDS:
            gender = "m"
        elif w in _FEMALE_WORDS:
            gender = "f"
    return roles, gender


_CAP = r"[A-Z][a-z\u00e0-\u017f'\u2019-]+"
_NAME = rf"{_CAP}(?:\s+(?:[A-Z]\.\s+)?{_CAP}){{1,2}}"
_ROLE_ALT = trie_alternation(ROLE_NOUNS)
# "Kremlin spokesman Dmitry Peskov" / "Dmitry Peskov, a spokesman for ...": names the
# small NER model misses or mistypes are recovered from the role next to them
_ROLE_NAME_BEFORE = re.compile(rf"\b(?i:{_ROLE_ALT})\s+({_NAME})\b")
# "the agency's director, Ines Kaldor, said": a name in apposition to a role noun
_ROLE_NAME_APPOS = re.compile(rf"\b(?i:{_ROLE_ALT}),\s+({_NAME})(?=\s*[,.;])")
_ROLE_NAME_AFTER = re.compile(
    rf"(?<![\w.])({_NAME}),\s+(?:(?:an?|the|who is|who was)\s+)?(?:[\w'\u2019.-]+\s+){{0,6}}?"
    rf"(?i:{_ROLE_ALT})\b"
)
_NOT_NAME_WORDS = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "in",
    "on",
    "for",
    "to",
    "but",
    "as",
    "at",
    "by",
    "with",
    "from",
    "this",
    "that",
    "his",
    "her",
    "their",
    "its",
}


# Where a role noun (any case) starts a word: the patterns that begin with one are tried
# only there. The role nouns are lowercase ASCII, so searching the lowercased text finds
# exactly the starts their case-insensitive match can have, about five times faster than
# letting (?i:...) try every word. Lowercasing differs from re's case folding only for
# these letters (dotted/dotless i, long s, the Kelvin sign); a text with one is scanned
# the plain way.
_ROLE_START = re.compile(rf"\b(?={_ROLE_ALT})")
_FOLDS_UNLIKE_LOWER = re.compile("[\u0130\u0131\u017f\u212a]")


def _role_first(
    rx: re.Pattern[str], text: str, starts: list[int] | None
) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern that begins with a role noun, tried at ``starts``."""
    if starts is None:
        yield from rx.finditer(text)
        return
    end = 0
    for p in starts:
        if p < end:  # inside the last match: finditer goes on after it
            continue
        m = rx.match(text, p)
        if m is not None:
            end = m.end()
            yield m


def _role_anchored(text: str) -> list[tuple[int, int]]:
    """Spans of person names next to a role noun."""
    starts = None
    if not _FOLDS_UNLIKE_LOWER.search(text):
        starts = [m.start() for m in _ROLE_START.finditer(text.lower())]
    out = []
    for found in (
        _role_first(_ROLE_NAME_BEFORE, text, starts),
        _role_first(_ROLE_NAME_APPOS, text, starts),
        _ROLE_NAME_AFTER.finditer(text),
    ):
        for m in found:
            s, e = m.span(1)
            words = text[s:e].split()
            if any(w.lower() in _NOT_NAME_WORDS or w.lower() in ROLE_NOUNS for w in words):
                continue
            if any(w.lower().rstrip(".") in TITLES for w in words):
                continue
            out.append((s, e))
    return out


# Subject and possessive pronouns. An object pronoun often points at someone else ("met
# with her", "told her that", "asked him to"): "him" never counts, "her" only before a
# noun phrase ("her son", "her 4-year-old").
_NOT_AFTER_POSSESSIVE = (
    "to|that|the|a|an|and|or|but|in|on|at|for|with|from|about|of|as|by|into|if|when|"
    "what|how|why|who|whether|not|so|up|out|off|back|down|over|again|after|before"
)
_PRON_RE = re.compile(
    rf"\b(he|his|himself|she|herself|her(?=\s+(?!(?:{_NOT_AFTER_POSSESSIVE})\b)[a-z0-9]))\b",
    re.I,
)


_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019]?\s")


def _vote_gender(text: str, mentions: list[Mention], chains: list[Chain], quoted: Any) -> None:
    """Guess each person's gender from the pronouns that follow their mentions.

    A he/she after a person's mention, before any other person is named and inside
    the same paragraph, is a vote; titles and role words already set win. A pronoun
    inside a quotation that the mention is not in says nothing of that person
    ('"He is a smart kid," the mother said' is about someone else).
    """
    persons = [m for m in mentions if m.type == "PERSON"]
    votes: dict[int, list[int]] = {}
    for i, m in enumerate(persons):
        stop = persons[i + 1].start if i + 1 < len(persons) else len(text)
        para = text.find("\n", m.end)
        if para != -1:
            stop = min(stop, para)
        outside = not quoted(m.start)
        hit = next(
            (
                h
                for h in _PRON_RE.finditer(text, m.end, min(stop, m.end + 250))
                if not (outside and quoted(h.start()))
            ),
            None,
        )
        if hit and i > 0:
            # "A thanked the mediator, B. '...,' she said" and "A said B will start school,
            # but she does not know when": a pronoun after two people of one sentence
            # most likely means the sentence's subject, so it says nothing of B
            prev = persons[i - 1]
            sent = max(text.rfind(". ", 0, m.start), text.rfind("\n", 0, m.start))
            if prev.start > sent and prev.cluster != m.cluster:
                continue
        if hit:
            v = votes.setdefault(m.cluster, [0, 0])
            v[0 if hit.group(1).lower() in MALE else 1] += 1
    for cid, (male, female) in votes.items():
        ch = chains[cid]
        if ch.gender is None and male != female:
            ch.gender = "m" if male > female else "f"


def _surnames_missed(text: str, mentions: list[Mention], chains: list[Chain], quoted: Any) -> None:
    """Add the bare surnames of known people that the model did not tag."""
    owners: dict[str, list[Chain]] = {}
    for c in chains:
        toks = c.canonical.split()
        if c.type == "PERSON" and len(toks) >= 2 and toks[-1][:1].isupper():
            owners.setdefault(toks[-1], []).append(c)
    taken = sorted((m.start, m.end) for m in mentions)
    for surname, cs in owners.items():
        if len(cs) != 1 or len(surname) < 3:
            continue  # two people share it: leave it to the model
        chain = cs[0]
        for s in _word_starts(text, surname):
            e = s + len(surname)
            if any(a < e and b > s for a, b in taken):
                continue
            mentions.append(Mention(s, e, surname, "PERSON", chain.id, chain.canonical))
            chain.forms.append(surname)
            if not quoted(s):
                chain.positions.append(s)


def _word_starts(text: str, word: str) -> Iterator[int]:
    r"""Where ``word`` stands alone in ``text``: ``(?<![\w-])word(?![\w-])`` without a regex.

    One pattern per surname per article cost a regex compilation each (half a
    millisecond an article); ``\w`` is exactly ``str.isalnum`` or the underscore.
    """
    i = text.find(word)
    while i != -1:
        j = i + len(word)
        if not (i and _is_word_char(text[i - 1])) and not (
            j < len(text) and _is_word_char(text[j])
        ):
            yield i
            i = text.find(word, j)
        else:
            i = text.find(word, i + 1)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


# words that only complete an organisation's name: "Southwest" -> "Southwest Airlines"
_ORG_TAIL = (
    ORG_NOUNS
    | {w + "s" for w in ORG_NOUNS}
    | {"inc", "corp", "co", "ltd", "llc", "plc", "holdings", "airways", "systems"}
)

_COMPANY_TAIL = {
    "airlines",
    "airways",
    "inc",
    "corp",
    "co",
    "ltd",
    "llc",
    "plc",
    "holdings",
    "company",
    "corporation",
}


def _full_org_names(chains: list[Chain]) -> None:
    """Give an organisation named in short form its full name from the same article.

    "Southwest" with "Southwest Airlines", "the Times" with "Los Angeles Times": the
    short form is a prefix whose missing words only say what kind of body it is, or a
    suffix of exactly one longer name. Ambiguous short forms keep their own name.
    """
    orgs = [c for c in chains if c.type == "ORG"]
    keys = {c.id: name_key(c.canonical, "ORG").split() for c in chains}
    for c in chains:
        k = keys[c.id]
        if not k or c.type == "PERSON":
            continue
        # a place keeps its name unless the longer one is plainly a company
        tail = _ORG_TAIL if c.type == "ORG" else _COMPANY_TAIL
        longer = set()
        for o in orgs:
            ok = keys[o.id]
            if len(ok) <= len(k):
                continue
            prefix = ok[: len(k)] == k and all(w in tail for w in ok[len(k) :])
            suffix = c.type == "ORG" and len(k) == 1 and ok[-1] == k[0] and k[0] not in tail
            if prefix or suffix:
                longer.add(o.canonical)
        if len(longer) == 1:
            c.canonical = longer.pop()


def build_entities(text: str, ner_doc: Any, in_quote: Any = None) -> EntityIndex:
    """Mentions and within-article chains from a spaCy NER doc of ``text``."""
    raw: list[tuple[int, int, str]] = []
    for ent in ner_doc.ents:
        if ent.label_ not in KEEP_TYPES:
            continue
        s, e = _strip_span(text, ent.start_char, ent.end_char, ent.label_)
        if e - s < 2 or not any(c.isalpha() for c in text[s:e]):
            continue
        raw.append((s, e, ent.label_))
    # names anchored by a role are persons, whatever the model said
    for s, e in _role_anchored(text):
        hit = [r for r in raw if r[0] < e and r[1] > s]
        if any(r[2] == "PERSON" for r in hit):
            continue
        if all(r[0] >= s and r[1] <= e for r in hit):
            raw = [r for r in raw if r not in hit] + [(s, e, "PERSON")]
    raw.sort()
    # a single word the model calls PERSON here and a place elsewhere is the place
    votes: dict[str, dict[str, int]] = {}
    for s, e, label in raw:
        votes.setdefault(text[s:e], {}).setdefault(label, 0)
        votes[text[s:e]][label] += 1
    chains: list[Chain] = []
    by_key: dict[tuple[str, str], int] = {}
    mentions: list[Mention] = []
    quoted = in_quote or (lambda _p: False)

    def person_chain(surface: str, pos: int | None = None) -> Chain | None:
        toks = name_tokens(surface)
        if not toks:
            return None
        last = toks[-1]
        firsts = [t for t in toks[:-1] if not _is_initial(t) and t not in _NAME_PARTICLES]
        best = None
        for c in chains:
            if c.type != "PERSON":
                continue
            ctoks = name_tokens(c.canonical)
            if not ctoks or ctoks[-1] != last:
                continue  # a lone first name never joins a chain
            cf = c.first_names()
            if firsts and cf and not (cf[0].startswith(firsts[0]) or firsts[0].startswith(cf[0])):
                continue
            lastpos = c.positions[-1] if c.positions else -1
            if not firsts and pos is not None:
                # a bare surname two people share: someone named in this paragraph, else
                # the more prominent one (most mentions), not merely the latest named
                para = text.rfind("\n", 0, pos) + 1
                rank = (lastpos >= para, len(c.positions), lastpos)
            else:
                rank = (False, 0, lastpos)
            if best is None or rank > best[0]:
                best = (rank, c)
        return best[1] if best else None

    def add(s: int, e: int, label: str, chain: Chain | None) -> None:
        surface = text[s:e]
        if chain is None:
            canonical = surface
            if label != "PERSON":
                canonical = re.sub(r"^(?:the|The)\s+", "", surface)
            chain = Chain(len(chains), label, " ".join(canonical.split()))
            chains.append(chain)
            by_key[(label, name_key(surface, label))] = chain.id
        chain.forms.append(surface)
        if chain.type == "PERSON":
            if fullness(surface) > fullness(chain.canonical):
                chain.canonical = " ".join(surface.split())
            roles, gender = _roles_near(text, s, e)
            chain.roles |= roles
            chain.gender = chain.gender or gender
        if not quoted(s):
            chain.positions.append(s)
        mentions.append(Mention(s, e, surface, chain.type, chain.id))

    def is_person(s: int, e: int, label: str) -> bool:
        if label != "PERSON":
            return False
        v = votes.get(text[s:e], {})
        single = len(name_tokens(text[s:e])) == 1
        return not (single and v.get("PERSON", 0) < max(v.values()))

    # persons first, so that later forms of a name can find their chain
    for s, e, label in raw:
        if is_person(s, e, label):
            add(s, e, "PERSON", person_chain(text[s:e], s))
    for s, e, label in raw:
        if is_person(s, e, label):
            continue
        if label == "PERSON":
            alt = max(
                (k for k in votes.get(text[s:e], {}) if k != "PERSON"),
                key=lambda k: votes[text[s:e]][k],
                default="ORG",
            )
            label = alt
        surface = text[s:e]
        chain = None
        # the model sometimes calls a known person's name an ORG or GPE: a lone surname,
        # or a full name whose first name agrees (not "Southern California Edison")
        toks = name_tokens(surface)
        pc = person_chain(surface, s) if len(toks) <= 3 else None
        if pc is not None and len(toks) > 1 and not pc.first_names():
            pc = None
        if pc is not None and not re.search(r"\b(?:the|of|and)\b", surface, re.I):
            chain = pc
        if chain is None:
            key = name_key(surface, label)
            cid = by_key.get((label, key))
            if cid is None:
                for alt in ("GPE", "LOC", "ORG", "NORP"):
                    if (alt, key) in by_key:
                        cid = by_key[(alt, key)]
                        break
            chain = chains[cid] if cid is not None else None
        add(s, e, label, chain)
    _surnames_missed(text, mentions, chains, quoted)
    mentions.sort(key=lambda m: m.start)
    for c in chains:
        c.positions.sort()
    _vote_gender(text, mentions, chains, quoted)
    _full_org_names(chains)
    for m in mentions:
        m.canonical = chains[m.cluster].canonical
        m.type = chains[m.cluster].type
    return EntityIndex(text, mentions, chains, in_quote)
