"""Fingerprints of an article body: word shingles, the lede, and index keys.

Texts are lower-cased ``\\w+`` tokens (single characters in scripts written without
spaces), so quote style, case, whitespace and paragraph joins or splits do not matter. Lines of fewer than ``MIN_LINE_TOKENS`` tokens (menus,
share buttons, datelines, "Advertisement") are left out of the shingles: they are
chrome far more often than prose, and leaving them out keeps leftover chrome from
looking like shared content.

Index keys follow Broder's MOD-m sampling ("On the resemblance and containment of
documents", 1997): a shingle is a key when its hash falls below a fixed threshold.
Unlike MinHash bands, which estimate Jaccard resemblance, the sample of a text
contained in another is contained in the other's sample, so a trimmed copy or an
excerpt still shares keys with its original. The first ``LEDE_REGION`` shingles are
sampled four times more densely, so that short texts (excerpts, briefs) get enough keys.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

SHINGLE = 5  # words per shingle
MIN_LINE_TOKENS = 6  # shorter lines are left out (chrome-like)
LEDE_MIN_TOKENS = 12  # the lede is the first line at least this long
LEDE_REGION = 100  # shingles at the start that are sampled densely
BODY_KEY_BITS = 4  # body keys: 1 shingle in 2**4
LEDE_KEY_BITS = 2  # lede-region keys: 1 shingle in 2**2

# Scripts written without spaces (Chinese, Japanese, Thai) are shingled by character;
# everything else by \w+ word.
_NOSPACE = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[{_NOSPACE}]|[^\\W{_NOSPACE}]+")
_U64 = np.uint64
_MULT = _U64(0x9E3779B97F4A7C15)
_MIX1 = _U64(0xBF58476D1CE4E5B9)
_MIX2 = _U64(0x94D049BB133111EB)
_CACHE_LIMIT = 2_000_000

_token_cache: dict[str, int] = {}


@dataclass
class Fingerprint:
    """What dedup keeps of one text (all arrays sorted and unique)."""

    exact: int  # signed 64-bit hash of all tokens: equal texts up to case/punctuation
    shingles: np.ndarray  # uint32: the upper half of each shingle hash
    lede: np.ndarray  # uint32: the shingles that start in the lede line
    keys: np.ndarray  # int64: sampled shingle hashes, the index keys
    tokens: int  # number of tokens in the whole text


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _token_hashes(tokens: list[str]) -> np.ndarray:
    """Deterministic 64-bit hashes of tokens (cached: news vocabulary repeats)."""
    cache = _token_cache
    try:
        values = [cache[t] for t in tokens]
    except KeyError:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        for t in set(tokens).difference(cache):
            cache[t] = _hash64(t.encode())
        values = [cache[t] for t in tokens]
    return np.array(values, dtype=np.uint64)


def _mix(z: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads the polynomial combination over all 64 bits.
    z = z ^ (z >> _U64(30))
    z = z * _MIX1
    z = z ^ (z >> _U64(27))
    z = z * _MIX2
    return z ^ (z >> _U64(31))


def shingle_hashes(token_hashes: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """uint64 hashes of the ``k``-token windows, in text order."""
    n = len(token_hashes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = token_hashes[:n].copy()
    for i in range(1, k):
        h *= _MULT
        h += token_hashes[i : i + n]
    return _mix(h)


def prose_tokens(text: str) -> tuple[list[str], list[str], tuple[int, int] | None]:
    """All tokens, the tokens of prose lines, and the lede's token span in the latter."""
    everything: list[str] = []
    prose: list[str] = []
    lede: tuple[int, int] | None = None
    findall = _WORD.findall
    for line in text.lower().split("\n"):
        toks = findall(line)
        if not toks:
            continue
        everything += toks
        if len(toks) < MIN_LINE_TOKENS:
            continue
        if lede is None and len(toks) >= LEDE_MIN_TOKENS:
            lede = (len(prose), len(prose) + len(toks))
        prose += toks
    return everything, prose, lede


def fingerprint(text: str) -> Fingerprint:
    """Fingerprint one text (see the module docstring)."""
    everything, prose, lede = prose_tokens(text)
    exact = _hash64(" ".join(everything).encode())
    if exact >= 1 << 63:
        exact -= 1 << 64
    h = shingle_hashes(_token_hashes(prose)) if len(prose) >= SHINGLE else None
    if h is None or not len(h):
        empty32 = np.zeros(0, dtype=np.uint32)
        return Fingerprint(exact, empty32, empty32, np.zeros(0, np.int64), len(everything))
    top = (h >> _U64(32)).astype(np.uint32)
    shingles = np.unique(top)
    if lede is not None:
        # shingles starting inside the lede line (at least one, even for a short line)
        end = max(lede[0] + 1, lede[1] - SHINGLE + 1)
        lede_set = np.unique(top[lede[0] : end])
    else:
        lede_set = np.zeros(0, dtype=np.uint32)
    body = h[(h >> _U64(64 - BODY_KEY_BITS)) == 0]
    head = h[:LEDE_REGION]
    head = head[(head >> _U64(64 - LEDE_KEY_BITS)) == 0]
    keys = np.unique(np.concatenate([body, head])).view(np.int64)
    return Fingerprint(exact, shingles, lede_set, keys, len(everything))


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique arrays."""
    if not len(a) or not len(b):
        return 0
    return int(np.intersect1d(a, b, assume_unique=True).size)
