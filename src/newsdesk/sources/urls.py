"""``http://`` / ``https://`` inputs: fetch a page or a feed, safely, and read it like a file.

``read_inputs`` hands any argument that :func:`is_url` accepts to :func:`read_url`, which
yields one Document (a page) or one per entry (an RSS/Atom feed, exactly as a feed file
is read), or a Skip with a one-line reason. Every fetch is bounded and checked:

* only ``http`` and ``https``; the host is resolved and **every** address checked with
  :mod:`ipaddress`: private, loopback, link-local, shared and reserved addresses are
  refused unless the policy allows private targets (``--allow-private``); unspecified
  (``0.0.0.0``) and multicast addresses are always refused. The connection then goes
  to the checked address (TLS still verifies the host name), so a DNS answer that
  changes between check and connect cannot redirect it;
* redirects are followed by hand, at most :data:`MAX_REDIRECTS`, each target re-checked
  (scheme, addresses, robots.txt) as if it had been given;
* ``robots.txt`` of each origin is fetched once (same limits) and obeyed for
  :data:`USER_AGENT` (``urllib.robotparser``); 401/403 disallow all, other 4xx allow all,
  5xx or unreachable disallow all (RFC 9309);
* timeouts per connect/read and one overall deadline per fetch (a server that trickles
  bytes cannot hold the run); the body is streamed and dropped past ``max_bytes``
  (decompressed size, so a ``Content-Encoding: gzip`` bomb stops too).

``given["url"]`` is the final URL; ``crawled_at`` is the fetch time unless given.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from ..model import Document, Skip
from .decode import BadInput, charset_from_content_type, declared_charset, decode_bytes

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

USER_AGENT = "newsdesk/0.1 (+https://example.invalid/newsdesk; local news archiving)"
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512_000

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_XML_TYPES = ("application/xml", "text/xml")


@dataclass(frozen=True)
class FetchPolicy:
    """What URL fetching may do; set for a run with :func:`configure` or :func:`policy`."""

    allow_private: bool = False  # private/loopback/link-local targets (tests, intranets)
    timeout: float = 20.0  # seconds per connect / read
    deadline: float = 60.0  # seconds for one whole fetch, body included
    max_bytes: int = 50_000_000  # largest body kept (decompressed)
    respect_robots: bool = True


_policy = FetchPolicy()
_robots_cache: dict[str, RobotFileParser | str] = {}


def configure(**changes: object) -> FetchPolicy:
    """Change the process-wide fetch policy (the CLI calls this); return the new one."""
    global _policy
    _policy = replace(_policy, **changes)  # type: ignore[arg-type]
    _robots_cache.clear()
    return _policy


@contextmanager
def policy(**changes: object) -> Iterator[FetchPolicy]:
    """Use a changed policy inside a ``with`` block (tests)."""
    global _policy
    saved = _policy
    try:
        yield configure(**changes)
    finally:
        _policy = saved
        _robots_cache.clear()


def is_url(value: str) -> bool:
    """True for ``scheme://...`` arguments (http, https, ftp, ...), which are not paths."""
    return bool(_URL.match(value))


class FetchRefused(Exception):
    """A fetch that must not or could not happen; ``str(exc)`` is the one-line reason."""


def forbidden_reason(address: str, *, allow_private: bool) -> str | None:
    """Why connecting to ``address`` is refused, or None when it is allowed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return f"address {ip} is unspecified or multicast"
    if allow_private:
        return None
    if ip.is_loopback:
        return f"address {ip} is loopback (use --allow-private to fetch it)"
    if ip.is_link_local:
        return f"address {ip} is link-local (use --allow-private to fetch it)"
    if not ip.is_global:
        return f"address {ip} is private or reserved (use --allow-private to fetch it)"
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"host {host!r} not found ({exc})") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchRefused(f"host {host!r} has no address")
    return addresses


def _checked_target(url: str, pol: FetchPolicy) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for ``url``, or FetchRefused."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"unsupported URL scheme {scheme!r}: only http and https are fetched")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchRefused(f"invalid URL: {exc}") from exc
    if not host:
        raise FetchRefused("invalid URL: no host")
    if parts.username or parts.password:
        raise FetchRefused("URLs with credentials are not fetched")
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port)
    for address in addresses:  # every address: a name may resolve to a public and a private one
        why = forbidden_reason(address, allow_private=pol.allow_private)
        if why:
            raise FetchRefused(f"refused: {host} -> {why}")
    return scheme, host, port, addresses[0]


@dataclass
class _Response:
    url: str
    status: int
    content_type: str
    body: bytes


def _get(url: str, pol: FetchPolicy, *, max_bytes: int, started: float) -> _Response:
    """One GET (no redirects) to the checked address of ``url``, body capped and timed."""
    import httpx

    scheme, host, port, address = _checked_target(url, pol)
    parts = urlsplit(url)
    pinned_host = f"[{address}]" if ":" in address else address
    target = parts._replace(netloc=f"{pinned_host}:{port}").geturl()
    default_port = 443 if scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if ":" in host:
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    headers = {"Host": host_header, "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    timeout = httpx.Timeout(pol.timeout)
    try:
        with (
            httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client,
            client.stream(
                "GET", target, headers=headers, extensions={"sni_hostname": host}
            ) as resp,
        ):
            ctype = resp.headers.get("content-type", "")
            if 300 <= resp.status_code < 400:
                return _Response(
                    url, resp.status_code, ctype, resp.headers.get("location", "").encode()
                )
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchRefused(f"response too large ({declared} bytes > {max_bytes} limit)")
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchRefused(f"response larger than the {max_bytes}-byte limit")
                if time.monotonic() - started > pol.deadline:
                    raise FetchRefused(f"fetch took longer than {pol.deadline:g} s")
                chunks.append(chunk)
            return _Response(url, resp.status_code, ctype, b"".join(chunks))
    except httpx.TimeoutException as exc:
        raise FetchRefused(f"timed out after {pol.timeout:g} s ({type(exc).__name__})") from exc
    except httpx.DecodingError as exc:
        raise FetchRefused(f"bad compressed body: {_one_line(exc)}") from exc
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        raise FetchRefused(f"could not fetch: {type(exc).__name__}: {_one_line(exc)}") from exc


def _fetch(url: str, pol: FetchPolicy, *, max_bytes: int, robots: bool) -> _Response:
    """GET ``url`` following at most MAX_REDIRECTS redirects, each target re-checked."""
    started = time.monotonic()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if robots and pol.respect_robots:
            _checked_target(current, pol)  # a refused or unknown host says so, not robots
            _check_robots(current, pol)
        resp = _get(current, pol, max_bytes=max_bytes, started=started)
        if not 300 <= resp.status < 400:
            return resp
        location = resp.body.decode("latin-1").strip()
        if not location:
            raise FetchRefused(f"HTTP {resp.status} redirect without a Location")
        current = urljoin(current, location)
    raise FetchRefused(f"too many redirects (more than {MAX_REDIRECTS})")


def _check_robots(url: str, pol: FetchPolicy) -> None:
    parts = urlsplit(url)
    origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    rules = _robots_cache.get(origin)
    if rules is None:
        rules = _load_robots(origin, pol)
        _robots_cache[origin] = rules
    if isinstance(rules, str):
        raise FetchRefused(rules)
    if not rules.can_fetch(USER_AGENT, url):
        raise FetchRefused(f"disallowed by {origin}/robots.txt")


def _load_robots(origin: str, pol: FetchPolicy) -> RobotFileParser | str:
    """The origin's robots rules, or the reason every fetch from it is refused."""
    parser = RobotFileParser(origin + "/robots.txt")
    try:
        resp = _fetch(origin + "/robots.txt", pol, max_bytes=ROBOTS_MAX_BYTES, robots=False)
    except FetchRefused as exc:
        return f"robots.txt unreachable, so not fetching ({exc})"
    if resp.status in (401, 403):
        return f"robots.txt answers HTTP {resp.status}: every page is off limits"
    if resp.status >= 500:
        return f"robots.txt answers HTTP {resp.status}: not fetching until it is back"
    if resp.status >= 400:
        parser.allow_all = True
        return parser
    parser.parse(resp.body.decode("utf-8", "replace").splitlines())
    return parser


def _kind(content_type: str, body: bytes) -> str | None:
    """ "html", "feed" or "text" from the Content-Type (and a look at the body), else None."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_feed = b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
    if ctype in _FEED_TYPES or (ctype in _XML_TYPES and looks_feed):
        return "feed"
    if ctype in _HTML_TYPES or ctype in _XML_TYPES:
        return "html"
    if ctype == "text/plain":
        return "text"
    if not ctype:
        return (
            "feed" if looks_feed else "html" if b"<html" in head or b"<!doctype" in head else None
        )
    return None


def read_url(url: str, *, crawled_at: datetime | None = None) -> Iterator[Document | Skip]:
    """Fetch ``url`` under the current policy; yield its Document(s) or one Skip."""
    pol = _policy
    try:
        resp = _fetch(url, pol, max_bytes=pol.max_bytes, robots=True)
    except FetchRefused as exc:
        yield Skip(url, str(exc))
        return
    when = crawled_at or datetime.now(UTC).replace(microsecond=0)
    if resp.status != 200:
        yield Skip(url, f"HTTP {resp.status} from {resp.url}")
        return
    kind = _kind(resp.content_type, resp.body)
    if kind is None:
        shown = resp.content_type.split(";", 1)[0] or "none"
        yield Skip(url, f"unsupported content type {shown}: not a page or feed")
        return
    if kind == "feed":
        yield from _read_feed_bytes(url, resp.body, pol.max_bytes, when)
        return
    try:
        declared = charset_from_content_type(resp.content_type)
        if kind == "html":
            declared = declared or declared_charset(resp.body)
        content = decode_bytes(resp.body, declared=declared)
    except BadInput as exc:
        yield Skip(url, str(exc))
        return
    if kind == "text":
        from .decode import normalize_newlines

        content = normalize_newlines(content)
    yield Document(
        source=url,
        kind=kind,  # type: ignore[arg-type]
        content=content,
        raw=resp.body,
        given={"url": resp.url},
        crawled_at=when,
    )


def _read_feed_bytes(url: str, body: bytes, cap: int, when: datetime) -> Iterator[Document | Skip]:
    """A fetched feed, read exactly like a feed file (entries become ``url#N``)."""
    from .feed import read_feed

    with tempfile.TemporaryDirectory(prefix="newsdesk-feed-") as tmp:
        path = Path(tmp) / "feed.xml"
        path.write_bytes(body)
        yield from read_feed(path, url, gz=False, cap=cap, crawled_at=when)


def _one_line(exc: BaseException) -> str:
    return " ".join((str(exc) or type(exc).__name__).split())[:200]
