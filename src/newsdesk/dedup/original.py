"""Which copy of a group is the original.

In order: an outlet's own page before an aggregator's; the agency's own release
before a client's; the earliest known publication date; a page with its own URL;
the most complete body; then the smaller article id, so the choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def agency_own(publisher: str | None, agencies: Sequence[str]) -> bool:
    """True when the publisher is one of the wire services credited (its own release)."""
    if not publisher:
        return False
    pub = publisher.casefold()
    return any(a and (a.casefold() in pub or pub in a.casefold()) for a in agencies)


def published_key(published: str | None, precision: str | None) -> str:
    """A sortable date string, '' when unknown; approximate dates ("7 hours ago",
    resolved against the crawl time) say when a page was seen, not published."""
    if not published or precision == "approximate":
        return ""
    return published.strip()


def rank(row: Any) -> tuple:
    """Sort key of a ``dedup_docs`` row (or mapping with the same fields): lower is better."""
    published = row["published"]
    return (
        int(row["aggregator"]),
        -int(row["agency_own"]),
        published == "",
        published,
        -int(row["has_url"]),
        -int(row["length"]),
        row["article_id"],
    )
