"""Bytes to text: UTF-8 first, a declared charset next, a confident detection last.

Order of trust (WHATWG's encoding sniffing, simplified):

1. a byte-order mark (UTF-8, UTF-16, UTF-32) settles it;
2. data that looks binary (NUL bytes, many control characters) is refused;
3. strict UTF-8 (most of the web and every JSONL file);
4. the declared charset: the ``declared`` argument (HTTP header, sidecar) or else
   an HTML ``<meta charset>`` in the first bytes;
5. a legacy encoding detected by charset-normalizer, only when it is confident.

Anything else raises :class:`storyscope.errors.InputError` with a short reason.
"""

from __future__ import annotations

import codecs
import re

from storyscope.errors import InputError

__all__ = ["decode_bytes", "sniff_meta_charset"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes below 0x20 that text uses: tab, LF, FF, CR, and ESC (ISO-2022 encodings).
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"

# How much of the data the binary and charset sniffers look at.
_SNIFF_BYTES = 8192
# Text files hold almost no control bytes; image, zip and PDF payloads hold
# 5-20 % in their first kilobytes. 2 % leaves room for a stray form feed or
# a few corrupt bytes in a real page.
_MAX_CONTROL_SHARE = 0.02
# charset-normalizer's "chaos" is the share of odd characters after decoding;
# above 0.2 the guess is usually wrong (its own docs treat 0.2 as the default
# threshold), so we refuse rather than hand garbage to the later stages.
_MAX_CHAOS = 0.2

# WHATWG: labels that browsers decode with a superset encoding.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""",
    re.IGNORECASE,
)


def _normalise_label(label: str | None) -> str | None:
    """Return a Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page declaring UTF-16 in a meta tag is ASCII-compatible in practice.
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def sniff_meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its start."""
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if match is None:
        return None
    return _normalise_label(match.group(1).decode("ascii", "ignore"))


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > _MAX_CONTROL_SHARE * len(head)


def _detect(data: bytes) -> str | None:
    """A confidently detected legacy encoding, or None."""
    from charset_normalizer import from_bytes  # lazy: only non-UTF-8 input pays for it

    best = from_bytes(data[: 4 * _SNIFF_BYTES]).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    return best.encoding


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to text; raise InputError when it is binary or undecodable.

    ``declared`` is a charset named outside the bytes (an HTTP ``Content-Type``
    header, a sidecar file); it is tried after UTF-8, before the page's own
    ``<meta charset>``.
    """
    if not data:
        return ""
    # 1. A byte-order mark settles the encoding.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                break  # a stray BOM on other data: go on sniffing
    # 2. Binary payloads (images, archives, PDFs) are not text.
    if _looks_binary(data[:_SNIFF_BYTES]):
        raise InputError("binary content, not text")
    # 3. Strict UTF-8.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # 4. The declared charset, from the caller or from the page itself.
    for label in (_normalise_label(declared), sniff_meta_charset(data)):
        if label and label != "utf-8":
            try:
                return data.decode(label)
            except UnicodeDecodeError:
                continue
    # 5. A confident detection.
    detected = _detect(data)
    if detected:
        try:
            return data.decode(detected)
        except UnicodeDecodeError:
            pass
    # Almost UTF-8 (a page cut mid-character, one corrupt byte): keep it when
    # the damage is tiny rather than losing the article.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 10_000):
        return text
    raise InputError("not valid UTF-8 and no encoding could be detected")
