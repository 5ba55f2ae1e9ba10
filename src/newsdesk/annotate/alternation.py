"""Regex alternations of word lists, built as a trie.

Python's ``re`` tries the branches of ``a|b|c`` one by one at every position, so a plain
alternation of hundreds of cue verbs or role nouns costs hundreds of comparisons per
word of text. The same set as a trie (``sa(?:id|ys|y)``) fails after a character or
two. Where one word is a prefix of another the longer is tried first (a greedy
optional tail), as in an alternation sorted longest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""


def trie_alternation(words: Iterable[str]) -> str:
    """A non-capturing regex matching exactly ``words`` (escaped), longest first."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _pattern(root) if root else "(?!)"


def _pattern(node: dict) -> str:
    ends = _END in node
    branches = [re.escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        if len(branches) == 1 and len(branches[0]) > 1:
            body = "(?:" + body + ")"
        return body + "?"
    return body
