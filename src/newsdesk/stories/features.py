"""Article features for story clustering: hashed, field-weighted, sublinear TF-IDF.

An article becomes a sparse vector ``{bucket: weight}`` over ``N_FEATURES`` hashed
buckets (murmurhash3, so no vocabulary is ever fitted). Features come from the
title, the lead and the whole text's entities, numbers and dates:

- words (stemmed, stop words dropped) of the title and the lead;
- entities of the lead: ``article.mentions`` canonical names when the entities stage
  ran, else capitalised phrases found inside sentences (a cheap stand-in);
- numbers (``6.1``, ``2,000``): two events of one kind differ by them;
- dates (``Timex`` values of day or month precision spelled out with a number).

Entities, numbers and dates carry extra weight because the hard negatives of story
clustering are two different events of the same kind (two earthquakes), which share
most of their vocabulary but not their places, people, figures or dates.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable

import numpy as np
import snowballstemmer
from murmurhash.mrmr import hash_unicode

from newsdesk.model import Article
from newsdesk.stories.stopwords import ENGLISH_STOP_WORDS

N_FEATURES = 1 << 20  # hashed buckets; collisions are rare at this size
LEAD_WORDS = 150  # the lead: the first words of the body (the inverted pyramid)

# Field weights: a headline word says more about the event than a lead word.
W_TITLE = 2.0
W_LEAD = 1.0
W_ENTITY = 0.5  # on top of the words of the name: the exact full name is a half-word bonus
W_NUMBER = 1.0
W_DATE = 1.0
W_DECAY = 1.0  # extra weight of the lead's first word (a headline's), falling linearly to 0

# General news vocabulary that says nothing about which event an article is about.
_NEWS_STOP = {
    "said", "says", "say", "told", "tell", "according", "reported", "report", "reports",
    "mr", "mrs", "ms", "dr", "also", "would", "could", "new", "news", "year", "years",
    "week", "weeks", "day", "days", "time", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "today", "yesterday", "tomorrow", "just", "like",
    "including", "people", "one", "two", "first", "last", "statement", "added",
    "image", "photo", "getty", "images", "ap", "reuters", "afp", "read", "more", "click",
}  # fmt: skip
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | _NEWS_STOP
# Entity types that tell one event from another of its kind: who and where. Groups
# (NORP: "Democrats", "Jewish") and works name a topic rather than an event.
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})

_WORD = re.compile(r"[^\W\d_][\w'’\-]*[^\W_]|[^\W\d_]|\d[\d,.]*\d|\d")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# A capitalised phrase not at a sentence start: the fallback for named entities.
_CAP_PHRASE = re.compile(r"(?<=[a-z,;:] )((?:[A-Z][\w'’\-]+)(?: (?:[A-Z][\w'’\-]+|of|de|al))*)")
_SENT_END = re.compile(r"(?<=[.!?])\s+")

_STEMMER = snowballstemmer.stemmer("english")
_STEM_CACHE: dict[str, str] = {}
_HASH_CACHE: dict[str, int] = {}
_CACHE_MAX = 500_000


def stem(word: str) -> str:
    """Snowball stem of a lower-cased word, cached (stemming is the slow step)."""
    s = _STEM_CACHE.get(word)
    if s is None:
        s = _STEMMER.stemWord(word)
        if len(_STEM_CACHE) < _CACHE_MAX:
            _STEM_CACHE[word] = s
    return s


def bucket(feature: str) -> int:
    """The hashed bucket of one feature string (stable across processes)."""
    b = _HASH_CACHE.get(feature)
    if b is None:
        # MurmurHash3 x86 32-bit of the UTF-8 bytes, unsigned: scikit-learn's
        # ``murmurhash3_32(feature, seed=0, positive=True)``, which stored idfs were built with
        b = (hash_unicode(feature, 0) & 0xFFFFFFFF) % N_FEATURES
        if len(_HASH_CACHE) < _CACHE_MAX:
            _HASH_CACHE[feature] = b
    return b


def _norm_number(tok: str) -> str:
    tok = tok.replace(",", "").rstrip(".")
    return tok[:-2] if tok.endswith(".0") else tok


def _token_bucket(tok: str) -> int:
    """Bucket of one lower-cased token's word feature, or -1 when it is not one."""
    w = tok.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if not w or w[0].isdigit() or len(w) < 2 or w in STOP_WORDS:
        return -1
    return bucket(stem(w))


_TOKEN_CACHE: dict[str, int] = {}


def word_buckets(text: str) -> list[int]:
    """Buckets of the word features of a text: stemmed, stop words and numbers dropped."""
    out = []
    cache = _TOKEN_CACHE
    for tok in _WORD.findall(text.lower()):
        b = cache.get(tok)
        if b is None:
            b = _token_bucket(tok)
            if len(cache) < _CACHE_MAX:
                cache[tok] = b
        if b >= 0:
            out.append(b)
    return out


def words(text: str) -> list[str]:
    """Word features of a text as strings (stemmed; for inspection and tests)."""
    out = []
    for tok in _WORD.findall(text.lower()):
        if _token_bucket(tok) >= 0:
            w = tok.replace("’", "'")
            out.append(stem(w[:-2] if w.endswith("'s") else w))
    return out


def lead_of(text: str, n_words: int | None = None) -> str:
    """The first ``n_words`` (default ``LEAD_WORDS``) words of a text, cut at a space."""
    n_words = LEAD_WORDS if n_words is None else n_words
    pos = 0
    for _ in range(n_words):
        nxt = text.find(" ", pos + 1)
        if nxt < 0:
            return text
        pos = nxt
    return text[:pos]


def entity_names(article: Article, head: str, lead_end: int) -> list[str]:
    """Canonical names of the entities named in the lead, else its capitalised phrases.

    Only the lead's: the rest of an article brings in background names (the president,
    the platform it was posted on) that tie unrelated stories together.
    """
    if article.mentions:
        return [
            (m.canonical or m.text).lower()
            for m in article.mentions
            if m.start < lead_end and m.type in ENTITY_TYPES
        ]
    return [m.group(1).lower() for m in _CAP_PHRASE.finditer(head)]


def weighted_counts(article: Article) -> dict[int, float]:
    """Field-weighted counts of every feature of an article, by bucket."""
    counts: dict[int, float] = {}
    get = counts.get
    title = article.title or ""
    lead = lead_of(article.text or "")
    for b in word_buckets(title):
        counts[b] = get(b, 0.0) + W_TITLE
    lead_b = word_buckets(lead)
    step = W_DECAY / max(len(lead_b), 1)
    for i, b in enumerate(lead_b):
        # The inverted pyramid: the lead's first words say most about the event.
        counts[b] = get(b, 0.0) + W_LEAD + W_DECAY - i * step
    head = title + ". " + lead
    names = entity_names(article, head, len(lead))
    extra: list[tuple[str, float]] = [("e:" + n, W_ENTITY) for n in names]
    for m in _NUMBER.finditer(head):
        n = _norm_number(m.group())
        # Four-digit years are dates, not figures; the date features carry them.
        if len(n) > 1 and not (len(n) == 4 and n.isdigit() and n[:2] in ("19", "20")):
            extra.append(("n:" + n, W_NUMBER))
    published = (article.published or "")[:10]
    for t in article.timexes:
        # Only dates the text spells out with a number, other than the publication day:
        # relative ones ("on Monday") resolve alike in every article of a day.
        if (
            t.type == "DATE"
            and len(t.value) >= 7
            and t.value[:4].isdigit()
            and t.value[:10] != published
            and any(ch.isdigit() for ch in t.text)
        ):
            extra.append(("t:" + t.value[:10], W_DATE))
    for f, w in extra:
        b = bucket(f)
        counts[b] = get(b, 0.0) + w
    return counts


def sublinear(count: float) -> float:
    """Sublinear tf: 1 + ln(tf) for tf >= 1 (a word repeated ten times is not ten words)."""
    return 1.0 + math.log(count) if count >= 1.0 else count


def hashed_tf(article: Article) -> dict[int, float]:
    """Sparse sublinear term frequencies over hashed buckets (no idf yet)."""
    log = math.log  # inlined ``sublinear``: this runs for every feature of every article
    return {b: 1.0 + log(c) if c >= 1.0 else c for b, c in weighted_counts(article).items()}


def text_tf(text: str) -> dict[int, float]:
    """Sublinear term frequencies of the words of a plain text (titles, sentences)."""
    counts: dict[int, float] = {}
    for b in word_buckets(text):
        counts[b] = counts.get(b, 0.0) + 1.0
    return {b: sublinear(c) for b, c in counts.items()}


class DocFreq:
    """Document frequencies over hashed buckets: the idf of the corpus seen so far."""

    def __init__(self, df: np.ndarray | None = None, n_docs: int = 0) -> None:
        self.df = df if df is not None else np.zeros(N_FEATURES, dtype=np.uint32)
        self.n_docs = n_docs

    def add(self, buckets: Iterable[int]) -> None:
        idx = np.fromiter(buckets, dtype=np.int64)
        self.df[idx] += 1
        self.n_docs += 1

    def idf(self, b: int) -> float:
        """Smoothed idf, as scikit-learn's: ln((1 + n) / (1 + df)) + 1."""
        return math.log((1.0 + self.n_docs) / (1.0 + float(self.df[b]))) + 1.0

    def weigh(self, tf: dict[int, float]) -> dict[int, float]:
        """TF-IDF, L2-normalised."""
        return self.weigh_top(tf, 0)[0]

    def weigh_top(self, tf: dict[int, float], k: int) -> tuple[dict[int, float], list[int]]:
        """TF-IDF, L2-normalised, and its ``k`` heaviest terms (found in numpy)."""
        if not tf:
            return {}, []
        keys = np.fromiter(tf.keys(), dtype=np.int64, count=len(tf))
        vals = np.fromiter(tf.values(), dtype=np.float64, count=len(tf))
        w = vals * (np.log((1.0 + self.n_docs) / (1.0 + self.df[keys])) + 1.0)
        w /= float(np.sqrt(np.dot(w, w))) or 1.0
        top: list[int] = []
        if k:
            idx = np.argpartition(-w, k)[:k] if len(w) > k else np.arange(len(w))
            top = keys[idx].tolist()
        return dict(zip(keys.tolist(), w.tolist(), strict=True)), top


def dot(a: dict[int, float], b: dict[int, float]) -> float:
    """Dot product of two sparse vectors (the key intersection runs in C)."""
    return sum([a[k] * b[k] for k in a.keys() & b.keys()])


def norm(a: dict[int, float]) -> float:
    return math.sqrt(sum(v * v for v in a.values()))


def top_k(vec: dict[int, float], k: int) -> dict[int, float]:
    """The ``k`` heaviest terms of a sparse vector."""
    if len(vec) <= k:
        return dict(vec)
    return {t: vec[t] for t in heapq.nlargest(k, vec, key=vec.__getitem__)}


def sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans ``(start, end)`` of a text (for extractive summaries)."""
    spans: list[tuple[int, int]] = []
    for para_m in re.finditer(r"[^\n]+", text):
        start = para_m.start()
        para = para_m.group()
        pos = 0
        for m in _SENT_END.finditer(para):
            # Don't split after an initial or a short abbreviation ("U.S.", "Mr.").
            before = para[max(0, m.start() - 4) : m.start()]
            if re.search(r"(\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|No|vs))\.$", before):
                continue
            if m.start() > pos:
                spans.append((start + pos, start + m.start()))
            pos = m.end()
        if pos < len(para):
            end = len(para.rstrip())
            if end > pos:
                spans.append((start + pos, start + end))
    return spans
