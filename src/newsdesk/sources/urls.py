"""The seam for ``http://`` / ``https://`` inputs (not fetched yet).

``read_inputs`` hands any argument that :func:`is_url` accepts to :func:`read_url`.
Fetching is a later issue: it will download the page (httpx, with a size cap and a
timeout) and pass the bytes through the same decoding as a local ``.html`` file, with
``given["url"]`` set to the final URL and ``crawled_at`` to the fetch time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from ..model import Document, Skip

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: str) -> bool:
    """True for ``scheme://...`` arguments (http, https, ftp, ...), which are not paths."""
    return bool(_URL.match(value))


def read_url(url: str, *, crawled_at: datetime | None = None) -> Iterator[Document | Skip]:
    """Yield the article at ``url``; for now a Skip, since nothing is fetched at run time."""
    del crawled_at  # used once fetching exists
    yield Skip(url, "URL inputs are not supported yet: save the page and pass the file")
