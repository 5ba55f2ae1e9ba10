"""TIMEX3 time expressions: ``tag_timexes(text, anchor)`` (rules in :mod:`.engine`)."""

from newsdesk.annotate.time.engine import (
    TimeTags,
    latest_explicit_date,
    redate,
    tag_text,
    tag_timexes,
)

__all__ = ["TimeTags", "latest_explicit_date", "redate", "tag_text", "tag_timexes"]
