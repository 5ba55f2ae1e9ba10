"""TIMEX3 time expressions: ``tag_timexes(text, anchor)`` (rules in :mod:`.engine`)."""

from newsdesk.annotate.time.engine import (
    latest_explicit_date,
    tag_timexes,
    tag_timexes_anchored,
)

__all__ = ["latest_explicit_date", "tag_timexes", "tag_timexes_anchored"]
