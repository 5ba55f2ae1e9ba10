"""One file, one article: ``.txt``/``.md`` scrapes and ``.html`` pages (optionally gzipped)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..model import Document, InputKind, Skip
from .decode import BadInput, declared_charset, decode_bytes, normalize_newlines
from .files import read_capped


def read_single(
    path: Path, source: str, kind: InputKind, *, gz: bool, cap: int, crawled_at: datetime | None
) -> Iterator[Document | Skip]:
    """Yield one :class:`Document` for the file, or one :class:`Skip` saying why not."""
    try:
        data = read_capped(path, cap, gz=gz)
        declared = declared_charset(data) if kind == "html" else None
        content = decode_bytes(data, declared=declared)
    except BadInput as exc:
        yield Skip(source, str(exc))
        return
    if kind == "text":
        content = normalize_newlines(content)
    yield Document(source=source, kind=kind, content=content, raw=data, crawled_at=crawled_at)
