"""Fingerprints of article bodies: word shingles, the lede, and index keys.

Texts are lower-cased words (runs of letters, digits, marks and ``_``; single
characters in scripts written without spaces), so quote style, case, whitespace and
paragraph joins or splits do not matter. Lines of fewer than ``MIN_LINE_TOKENS`` words
(menus, share buttons, datelines, "Advertisement") are left out of the shingles: they
are chrome far more often than prose, and leaving them out keeps leftover chrome from
looking like shared content.

Index keys follow Broder's MOD-m sampling ("On the resemblance and containment of
documents", 1997): a shingle is a key when its hash falls below a fixed threshold.
Unlike MinHash bands, which estimate Jaccard resemblance, the sample of a text
contained in another is contained in the other's sample, so a trimmed copy or an
excerpt still shares keys with its original. The first ``LEDE_REGION`` shingles are
sampled four times more densely, so that short texts (excerpts, briefs) get enough keys.

Everything is computed with numpy over the code points of a whole batch of texts at
once (no Python object per word): polynomial hashes of words from prefix sums, then of
word 5-grams, then a splitmix64 finaliser. Hashes are deterministic across processes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

SHINGLE = 5  # words per shingle
MIN_LINE_TOKENS = 6  # shorter lines are left out (chrome-like)
LEDE_MIN_TOKENS = 12  # the lede is the first line at least this long
LEDE_REGION = 100  # shingles at the start that are sampled densely
BODY_KEY_BITS = 4  # body keys: 1 shingle in 2**4
LEDE_KEY_BITS = 2  # lede-region keys: 1 shingle in 2**2
CHUNK_CHARS = 1 << 18  # code points hashed in one numpy pass (fits in cache)

_U64 = np.uint64
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_MULT = _U64(0x9E3779B97F4A7C15)
_MIX1 = _U64(0xBF58476D1CE4E5B9)
_MIX2 = _U64(0x94D049BB133111EB)
_NEWLINE = 10

# Words of page chrome (appeals, newsletter and cookie notices, share bars): a long line
# with one of them is not taken as the lede, though it is still shingled.
_CHROME_CUES = re.compile(
    r"newsletter|subscri|sign up|signup|cookie|donat|advertis|sponsored|share this|"
    r"follow us|read more|read the full|full story|all rights reserved|copyright|\u00a9|"
    r"click here|download (?:our|the) app|log in|privacy|terms of (?:use|service)|"
    r"javascript|your browser|inbox|republish"
)
_classes: np.ndarray | None = None  # code point -> 0 other, 1 word char, 2 one-char word
_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


@dataclass
class Fingerprint:
    """What dedup keeps of one text (all arrays sorted and unique)."""

    exact: int  # signed 64-bit hash of all words: equal texts up to case/punctuation
    shingles: np.ndarray  # uint32: the upper half of each shingle hash
    lede: np.ndarray  # uint32: the shingles inside the lede line
    keys: np.ndarray  # int64: sampled shingle hashes, the index keys
    tokens: int  # number of words in the whole text


def _char_classes() -> np.ndarray:
    global _classes
    if _classes is None:
        cls = np.zeros(0x110000, dtype=np.uint8)
        word = [
            c[0] in "LN" or c in ("Mn", "Mc", "Pc")
            for c in map(unicodedata.category, map(chr, range(0x10000)))
        ]
        cls[:0x10000] = word
        # Thai, kana, CJK ideographs (and their extensions): one word per character
        for lo, hi in ((0x0E00, 0x0E7F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF)):
            cls[lo : hi + 1] = 2
        cls[0xF900:0xFB00] = 2
        cls[0x20000:0x2FFFF] = 2
        _classes = cls
    return _classes


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (grown on demand, kept)."""
    global _powers, _inverse_powers
    if len(_powers) < n:
        size = max(n, 2 * len(_powers), CHUNK_CHARS + (1 << 16))
        with np.errstate(over="ignore"):
            _powers = np.cumprod(np.full(size, _BASE, dtype=np.uint64), dtype=np.uint64)
            _powers = np.concatenate([np.ones(1, np.uint64), _powers[:-1]])
            inv = pow(_BASE, -1, 1 << 64)
            _inverse_powers = np.cumprod(np.full(size, inv, dtype=np.uint64), dtype=np.uint64)
            _inverse_powers = np.concatenate([np.ones(1, np.uint64), _inverse_powers[:-1]])
    return _powers, _inverse_powers


def _mix(z: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads the polynomial combinations over all 64 bits.
    z = z ^ (z >> _U64(30))
    z = z * _MIX1
    z = z ^ (z >> _U64(27))
    z = z * _MIX2
    return z ^ (z >> _U64(31))


def _span_hashes(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Position-independent polynomial hash of ``values[s:e]`` for each span (uint64)."""
    pw, inv = _power_tables(len(values) + 1)
    prefix = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(values * pw[: len(values)], out=prefix[1:])
    return (prefix[ends] - prefix[starts]) * inv[starts]


def _split(values: np.ndarray, owner: np.ndarray, n: int) -> list[np.ndarray]:
    """Split ``values`` (grouped by ascending ``owner``) into ``n`` arrays."""
    bounds = [0, *np.searchsorted(owner, np.arange(1, n)).tolist(), len(values)]
    return [values[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=False)]


def _unique_by_owner(values32: np.ndarray, owner: np.ndarray, n: int) -> list[np.ndarray]:
    """Per-owner sorted unique uint32 values, in one sort of (owner, value) pairs."""
    comp = np.sort((owner.astype(np.uint64) << _U64(32)) | values32.astype(np.uint64))
    if len(comp):
        comp = comp[np.concatenate([[True], comp[1:] != comp[:-1]])]
    return [
        a.astype(np.uint32)
        for a in _split(comp & _U64(0xFFFFFFFF), (comp >> _U64(32)).astype(np.int64), n)
    ]


def _ledes(
    joined: str, newlines: np.ndarray, long_lines: np.ndarray, long_doc: np.ndarray, n: int
) -> np.ndarray:
    """Per text, the line id of its first long line that is not page chrome, or -1."""
    lede_line = np.full(n, -1, dtype=np.int64)
    if not len(long_lines):
        return lede_line
    ends = newlines[np.minimum(long_lines, len(newlines) - 1)].tolist()
    starts = [0 if line == 0 else int(newlines[line - 1]) + 1 for line in long_lines.tolist()]
    docs = long_doc.tolist()
    lines = long_lines.tolist()
    search = _CHROME_CUES.search
    i = 0
    while i < len(lines):  # lines are grouped by text; take the first clean one of each
        doc = docs[i]
        if lede_line[doc] < 0 and not search(joined, starts[i], ends[i]):
            lede_line[doc] = lines[i]
        i += 1
        if lede_line[doc] >= 0:
            while i < len(lines) and docs[i] == doc:
                i += 1
    return lede_line


def _fingerprint_chunk(texts: list[str]) -> list[Fingerprint]:
    lowered = [t.lower() for t in texts]
    joined = "\n".join(lowered) + "\n"
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    n = len(texts)
    doc_ends = np.cumsum([len(t) + 1 for t in lowered])  # index of each text's newline + 1
    cls = _char_classes()[cps]
    # word runs from the transitions of the word-character mask
    edges = np.diff((cls == 1).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    singles = np.flatnonzero(cls == 2)
    if len(singles):  # characters that are words on their own
        starts = np.concatenate([starts, singles])
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], np.concatenate([ends, singles + 1])[order]
    tok = _mix(
        _span_hashes(cps.astype(np.uint64), starts, ends) ^ (ends - starts).astype(np.uint64)
    )
    tok_doc = np.searchsorted(doc_ends, starts, "right")
    newlines = np.flatnonzero(cps == _NEWLINE)
    tok_line = np.searchsorted(newlines, starts)
    line_len = np.bincount(tok_line, minlength=len(newlines) + 1)

    # exact: hash of every word of a text, in order
    per_doc = np.bincount(tok_doc, minlength=n)
    doc_first = np.concatenate([[0], np.cumsum(per_doc)[:-1]])
    exact = _mix(_span_hashes(tok, doc_first, doc_first + per_doc) ^ per_doc.astype(np.uint64))

    # prose words only, then 5-word shingles that stay inside one text
    prose = line_len[tok_line] >= MIN_LINE_TOKENS
    ptok, pdoc, pline = tok[prose], tok_doc[prose], tok_line[prose]
    m = len(ptok) - SHINGLE + 1
    if m > 0:
        h = ptok[:m].copy()
        for i in range(1, SHINGLE):
            h *= _MULT
            h += ptok[i : i + m]
        h = _mix(h)
        valid = pdoc[:m] == pdoc[SHINGLE - 1 :]
        sidx = np.flatnonzero(valid)
        h, sdoc = h[sidx], pdoc[sidx]
        # the lede: per text, the first line with LEDE_MIN_TOKENS words or more
        long_lines = np.flatnonzero(line_len >= LEDE_MIN_TOKENS)
        long_doc = np.searchsorted(
            doc_ends, newlines[np.minimum(long_lines, len(newlines) - 1)], "right"
        )
        lede_line = _ledes(joined, newlines, long_lines, long_doc, n)
        in_lede = (pline[sidx] == lede_line[sdoc]) & (pline[sidx + SHINGLE - 1] == lede_line[sdoc])
        # position of each shingle within its text, for the densely sampled lede region
        first_shingle = np.searchsorted(sdoc, np.arange(n))
        pos = np.arange(len(sdoc)) - first_shingle[sdoc]
        key_mask = (h >> _U64(64 - BODY_KEY_BITS)) == 0
        key_mask |= (pos < LEDE_REGION) & ((h >> _U64(64 - LEDE_KEY_BITS)) == 0)
        top = (h >> _U64(32)).astype(np.uint32)
        shingles = _unique_by_owner(top, sdoc, n)
        ledes = _unique_by_owner(top[in_lede], sdoc[in_lede], n)
        kh, kdoc = h[key_mask].view(np.int64), sdoc[key_mask]
        order = np.lexsort((kh, kdoc))
        kh, kdoc = kh[order], kdoc[order]
        keep = np.ones(len(kh), dtype=bool)
        keep[1:] = (kh[1:] != kh[:-1]) | (kdoc[1:] != kdoc[:-1])
        keys = _split(kh[keep], kdoc[keep], n)
    else:
        empty32 = np.zeros(0, dtype=np.uint32)
        shingles = ledes = [empty32] * n
        keys = [np.zeros(0, dtype=np.int64)] * n
    exact_signed = exact.view(np.int64).tolist()
    counts = per_doc.tolist()
    return [
        Fingerprint(exact_signed[i], shingles[i], ledes[i], keys[i], counts[i]) for i in range(n)
    ]


def fingerprint_many(texts: list[str]) -> list[Fingerprint]:
    """Fingerprint many texts in a few numpy passes (see the module docstring)."""
    out: list[Fingerprint] = []
    chunk: list[str] = []
    size = 0
    for text in texts:
        if chunk and size + len(text) > CHUNK_CHARS:
            out += _fingerprint_chunk(chunk)
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        out += _fingerprint_chunk(chunk)
    return out


def fingerprint(text: str) -> Fingerprint:
    """Fingerprint one text."""
    return _fingerprint_chunk([text])[0]


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique arrays."""
    if not len(a) or not len(b):
        return 0
    if len(a) > len(b):
        a, b = b, a
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return int(np.count_nonzero(b[idx] == a))
