"""Bytes to text: BOMs, UTF-8, declared charsets, charset-normalizer, and refusals.

Every function here either returns text or raises :class:`BadInput` with a one-line
reason; nothing lets a ``UnicodeDecodeError`` (or any other error about the bytes) escape.
"""

from __future__ import annotations

import codecs
import re


class BadInput(Exception):
    """Input that cannot be read as an article; ``str(exc)`` is the one-line reason."""


# BOMs, longest first (the UTF-32-LE BOM starts with the UTF-16-LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of formats people drop into a folder of articles by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3}")
# Unicode category Cc minus the whitespace controls (\t \n \v \f \r).
_CONTROL_CHAR = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTE = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

# Share of control characters (other than whitespace) above which text is called binary.
_MAX_CONTROL_SHARE = 0.01


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with, or None if it may be text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag within its first 4 KB."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_content_type(value: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if it names a known codec."""
    if not value:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", value, re.I)
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1)).name
    except LookupError:
        return None


def _check_control(text: str) -> None:
    if not text:
        return
    sample = text[:200_000]
    n = len(_CONTROL_CHAR.findall(sample))
    if n > max(2, _MAX_CONTROL_SHARE * len(sample)):
        raise BadInput(f"binary file ({n} control characters in the text)")


def _utf8(data: bytes) -> str | None:
    """Strict UTF-8, forgiving only a multi-byte character cut off at the very end."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            try:
                return data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode article bytes to ``str`` or raise :class:`BadInput`.

    See :func:`_decode` for the order of attempts; text that decodes to nothing but
    whitespace is refused as empty.
    """
    text = _decode(data, declared)
    if not text.strip():
        raise BadInput("empty file (no text after decoding)")
    return text


def _decode(data: bytes, declared: str | None) -> str:
    """Decode ``data``; raise :class:`BadInput` with the reason when it is not text.

    Order: BOM, strict UTF-8, the ``declared`` charset (HTTP header or ``<meta>``),
    then charset-normalizer. Bytes that are partly valid UTF-8 and partly not are
    refused as mixed encodings rather than guessed (a guess would present mojibake
    as article text). The BOM is stripped; a NUL byte without a UTF-16/32 BOM, or a
    known binary magic number, is refused as binary.
    """
    if not data.strip():
        raise BadInput("empty file" if not data else "empty file (whitespace only)")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise BadInput(f"undecodable bytes: {codec} BOM but invalid {codec}") from exc
            if not text.strip():
                raise BadInput("empty file (only a byte order mark)")
            _check_control(text)
            return text
    kind = sniff_binary(data)
    if kind:
        raise BadInput(f"binary file ({kind})")
    if b"\x00" in data:
        raise BadInput("binary file (contains NUL bytes)")
    text = _utf8(data)
    if text is not None:
        _check_control(text)
        return text
    controls = len(_CONTROL_BYTE.findall(data[:200_000]))
    if controls > max(2, _MAX_CONTROL_SHARE * min(len(data), 200_000)):
        raise BadInput(f"binary file ({controls} control bytes)")
    # Not UTF-8. If it is mostly text yet holds UTF-8 sequences, two encodings were mixed.
    found = _UTF8_MULTIBYTE.findall(data)
    high = len(_HIGH_BYTE.findall(data))
    invalid = high - sum(len(m) for m in found)
    if len(found) >= 2 and invalid <= 0.25 * len(data):
        raise BadInput(
            f"mixed encodings: {len(found)} UTF-8 characters and {invalid} bytes that are not UTF-8"
        )
    if declared and declared.replace("_", "-") not in ("utf-8", "utf8"):
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None:
            _check_control(text)
            return text
    # Mostly ASCII with lone accented letters or curly quotes: Windows-1252, the web's
    # default legacy encoding (WHATWG). charset-normalizer guesses badly on such text.
    if high <= 0.25 * len(data) and not _HIGH_RUN.search(data):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            _check_control(text)
            return text
    from charset_normalizer import from_bytes  # only legacy-encoded input needs it

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise BadInput("undecodable bytes: not UTF-8 and no other text encoding fits")
    text = str(best)
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_control(text)
    return text


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR to LF, so cleaners see one line-ending style."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
