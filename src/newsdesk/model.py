"""The records that flow between pipeline stages.

Each stage reads and writes these plain dataclasses (datatrove style): ``sources``
yields :class:`Document`, ``clean`` turns one into a :class:`CleanResult`, the
annotators add :class:`Mention`, :class:`Quote` and :class:`Timex` lists to an
:class:`Article`. Offsets are always character offsets into ``Article.text`` with
``text[start:end]`` equal to the span they claim.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

InputKind = Literal["text", "html"]
Precision = Literal["day", "minute", "approximate"]


@dataclass
class Document:
    """One article-sized input as read from a file, before cleaning."""

    source: str  # path, "path:LINE" for a JSONL line, "path#N" for a WARC/feed record
    kind: InputKind  # how ``content`` is to be cleaned
    content: str  # decoded text or HTML
    raw: bytes = b""  # the bytes this document came from (stored compressed)
    input_id: str | None = None  # the ``id`` field of a JSONL record
    given: dict[str, Any] = field(default_factory=dict)  # metadata the input states as fact
    clean: bool = True  # False: ``content`` is the body as-is (JSONL ``"clean": false``)
    crawled_at: datetime | None = None  # what relative dates resolve against


@dataclass
class Skip:
    """An input that could not be read, with a one-line reason."""

    source: str
    reason: str


@dataclass
class RemovedBlock:
    """A piece of page chrome that cleaning removed (kept so users can view it)."""

    text: str
    reason: str  # e.g. "navigation", "caption", "related", "appeal", "newsletter", "feed"


@dataclass
class CleanResult:
    """The output of ``clean``: the body text and what was learnt about the article."""

    text: str  # paragraphs separated by one blank line
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    published_precision: Precision | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    publisher: str | None = None
    aggregator: str | None = None
    url: str | None = None
    language: str | None = None
    removed: list[RemovedBlock] = field(default_factory=list)
    # (clean_start, raw_start, length) runs: clean text[cs:cs+n] == raw content[rs:rs+n]
    offset_map: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class Mention:
    """An entity mention inside one article."""

    start: int
    end: int
    text: str
    type: str  # PERSON, ORG, GPE, NORP, ...
    cluster: int  # within-article coreference chain
    canonical: str | None = None  # the chain's fullest name
    entity_id: str | None = None  # corpus-level entity, set by the store


@dataclass
class Quote:
    start: int
    end: int
    text: str
    kind: Literal["direct", "partial", "indirect"]
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_type: str | None = None  # PERSON / ORG / ...
    cue: str | None = None
    medium: str | None = None
    speaker_entity_id: str | None = None
    statement_id: str | None = None  # quotes of the same words by the same speaker share it


@dataclass
class Timex:
    start: int
    end: int
    text: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str


@dataclass
class Article:
    """A cleaned, annotated article: the unit the store keeps."""

    id: str
    source: str
    text: str
    input_id: str | None = None
    url: str | None = None
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    published_precision: Precision | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    publisher: str | None = None
    aggregator: str | None = None
    language: str | None = None
    content_hash: str = ""
    duplicate_of: str | None = None
    story_id: str | None = None
    removed: list[RemovedBlock] = field(default_factory=list)
    offset_map: list[tuple[int, int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)  # annotate.timeline.TimelineEvent
    # The time expressions as found before normalising (``annotate.time.Found``), kept
    # only when some value depends on ``published``: the writer re-dates a copy against
    # its original's date from them. Empty: nothing to re-date. Not stored.
    time_found: list[tuple[int, int, int]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The CONTRACT.md ``article`` record."""
        d = asdict(self)
        for key in (
            "removed",
            "offset_map",
            "mentions",
            "quotes",
            "timexes",
            "events",
            "content_hash",
            "time_found",
        ):
            d.pop(key)
        return d
