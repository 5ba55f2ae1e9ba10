"""TIMEX3 time expressions: ``tag_timexes(text, anchor)`` (rules in :mod:`.engine`)."""

from newsdesk.annotate.time.engine import latest_explicit_date, tag_timexes

__all__ = ["latest_explicit_date", "tag_timexes"]
