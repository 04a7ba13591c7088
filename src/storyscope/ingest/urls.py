"""URL identity: one canonical form per article URL, so the same page from two inputs is one article."""

from __future__ import annotations

from hashlib import sha1
from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError

# Query parameters that only track the click; dropped so that the same article
# reached from two newsletters gets one id.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "ocid", "cmpid", "ncid"})


def canonical_url(url: str) -> str:
    """``url`` with lower-case scheme and host, no default port, no fragment, no tracking parameters.

    Raises InputError for a URL without scheme or host, or with a bad port.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InputError(f"bad URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not scheme or not host:
        raise InputError(f"bad URL {url!r}: expected an absolute http(s) URL")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not _is_tracking(pair.split("=", 1)[0].lower())
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _is_tracking(name: str) -> bool:
    return name.startswith(_TRACKING_PREFIXES) or name in _TRACKING_NAMES


def url_id(url: str) -> str:
    """The article id of a URL: ``HOST-`` plus 16 hex digits of the SHA-1 of the canonical URL.

    The scheme is left out of the hash, so ``http://`` and ``https://`` copies of a
    page get one id; the host prefix keeps listings readable.
    """
    canon = canonical_url(url)
    without_scheme = canon.split("://", 1)[1]
    host = urlsplit(canon).hostname or "url"
    return f"{host}-{sha1(without_scheme.encode('utf-8')).hexdigest()[:16]}"


def url_key(url: str | None) -> str | None:
    """What two URLs of one article share: the canonical URL without its scheme; None if not a URL."""
    if not url:
        return None
    try:
        return canonical_url(url).split("://", 1)[1]
    except InputError:
        return None
