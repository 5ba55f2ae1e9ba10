"""TIMEX3 time expressions: ``tag_timexes(text, anchor)`` (rules in :mod:`.engine`)."""

from newsdesk.annotate.time.engine import tag_timexes

__all__ = ["tag_timexes"]
