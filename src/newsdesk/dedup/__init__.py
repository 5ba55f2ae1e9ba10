"""Duplicate and syndicated-copy detection (stage ``dedup``).

``Deduper(conn).assign(article)`` puts each new article in a duplicate group and
returns the ``duplicate_of`` updates; see :mod:`newsdesk.dedup.deduper`.
"""

from newsdesk.dedup.deduper import Deduper, Match, compare, similarity
from newsdesk.dedup.shingles import Fingerprint, fingerprint

__all__ = ["Deduper", "Fingerprint", "Match", "compare", "fingerprint", "similarity"]
