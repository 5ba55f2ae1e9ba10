"""Cleaning: a raw :class:`~newsdesk.model.Document` -> :class:`~newsdesk.model.CleanResult`.

``clean_document`` dispatches on ``doc.kind`` (HTML pages go to ``clean.html``, scraped
text to ``clean.text``), then lays the metadata the input states as fact (``doc.given``)
over what cleaning derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsdesk.model import CleanResult, Document

__all__ = ["CleanError", "clean_document", "corpus_line_counts", "line_set", "normalise_line"]

_GIVEN_TEXT_FIELDS = ("title", "subtitle", "url", "publisher", "language")


class CleanError(Exception):
    """Nothing article-like remains; the message is a one-line reason."""


def clean_document(
    doc: Document,
    *,
    line_counts: Mapping[str, int] | None = None,
    counts_include_self: bool = False,
) -> CleanResult:
    """Clean one document.

    ``line_counts`` (optional, text inputs only) maps :func:`normalise_line` keys to the
    number of *other* documents of the corpus that contain the line; with
    ``counts_include_self=True`` the counts include this document (as
    :func:`corpus_line_counts` returns them) and one is subtracted. Lines seen in many
    documents are treated as page chrome.

    Raises :class:`CleanError` when nothing article-like remains.
    """
    given = doc.given or {}
    if not doc.clean:
        if not doc.content.strip():
            raise CleanError("empty text")
        result = CleanResult(text=doc.content, offset_map=[(0, 0, len(doc.content))])
    elif doc.kind == "html":
        from newsdesk.clean.html import extract_html

        result = extract_html(doc.content, _str(given.get("url")))
    else:
        from newsdesk.clean.text import clean_text

        counts = line_counts
        if counts is not None and counts_include_self:
            counts = _MinusOne(counts)
        result = clean_text(
            doc.content,
            given_title=_str(given.get("title")),
            given_subtitle=_str(given.get("subtitle")),
            crawled_at=doc.crawled_at,
            line_counts=counts,
            infer_date=given.get("published") in (None, ""),
        )
        if not result.text.strip():
            raise CleanError("no article text found")
    _apply_given(result, given, derive=doc.clean)
    return result


def _str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _apply_given(result: CleanResult, given: Mapping[str, Any], *, derive: bool) -> None:
    """Given fields are true: they replace derived ones. With ``derive`` False (the
    input asked for no cleaning) only given metadata and the detected language remain."""
    from newsdesk.clean import metadata as md

    if not derive:
        result.title = result.subtitle = result.url = result.publisher = None
        result.aggregator = result.published = result.published_precision = None
        result.authors, result.agencies = [], []
    for key in _GIVEN_TEXT_FIELDS:
        value = _str(given.get(key))
        if value is not None:
            setattr(result, key, value)
    if given.get("published") not in (None, ""):
        result.published, result.published_precision = md.given_published(given["published"])
    authors = given.get("authors")
    if isinstance(authors, str):
        authors = [authors]
    if isinstance(authors, list) and authors:
        result.authors = [str(a).strip() for a in authors if str(a).strip()]
    if result.language is None and result.text.strip():
        # not metadata the input states: the language of the text itself, needed downstream
        result.language = md.detect_language(result.text)
    if derive:
        # a feed footer "The post ... appeared first on <site>." names the site that posted
        # the item: the publisher, or the aggregator when the item credits another outlet
        origin = next((o for b in result.removed if (o := md.feed_origin(b.text))), None)
        if origin and result.publisher is None:
            result.publisher = origin
        elif (
            origin
            and result.aggregator is None
            and result.publisher
            and origin.casefold() != result.publisher.casefold()
        ):
            result.aggregator = origin
    if derive and result.publisher is None and result.url:
        result.publisher = md.publisher_from_url(result.url, result.text)


class _MinusOne(Mapping[str, int]):
    """A view of corpus counts that leaves the current document out."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self._c = counts

    def __getitem__(self, key: str) -> int:
        return max(0, self._c[key] - 1)

    def get(self, key: str, default: Any = 0) -> Any:  # type: ignore[override]
        return max(0, self._c[key] - 1) if key in self._c else default

    def __iter__(self):  # noqa: ANN204
        return iter(self._c)

    def __len__(self) -> int:
        return len(self._c)


def normalise_line(line: str) -> str:
    """See :func:`newsdesk.clean.text.normalise_line`."""
    from newsdesk.clean.text import normalise_line as _n

    return _n(line)


def line_set(text: str) -> set[str]:
    """See :func:`newsdesk.clean.text.line_set`."""
    from newsdesk.clean.text import line_set as _l

    return _l(text)


def corpus_line_counts(texts: Any) -> Any:
    """See :func:`newsdesk.clean.text.corpus_line_counts`."""
    from newsdesk.clean.text import corpus_line_counts as _c

    return _c(texts)
