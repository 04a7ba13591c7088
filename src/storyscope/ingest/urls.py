"""URL identity: one canonical form per article URL, so the same page from two inputs is one article.

Two forms, for two jobs:

* :func:`canonical_url` is a URL one can still open: courlan's normalisation
  (lower-case scheme and host, no default port, sorted query, tracking
  parameters dropped), without the fragment;
* :func:`url_key` is what two addresses of one article share: the canonical URL
  without its scheme, ``www.``, a trailing slash and the AMP markers that serve the same story as
  an accelerated mobile page. The article id (:func:`url_id`) is made from it.

Where a page names its own address (``<link rel="canonical">``), extraction puts
that one on the article (extract/html.py), so that the copies reached through a
redirect, a newsletter or a share link meet there.
"""

from __future__ import annotations

import re
from functools import lru_cache
from hashlib import sha1
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import InputError

# Click trackers that courlan's list (utm_*, fbclid, gclid, mc_*, ...) leaves: MSN's
# and campaign ids that news sites append to shared links.
_MORE_TRACKERS = frozenset({"ocid", "cmpid", "ncid"})

# AMP copies of an article: "amp." host, "/amp/" path prefix, "/amp" path suffix,
# "story.amp.html" / "story.amp", and "?amp", "?amp=1", "?outputType=amp" queries.
_AMP_HOST = "amp."
_AMP_PATH = re.compile(r"^/amp(?=/)|/amp/?$|\.amp(?=\.html?$|$)", re.IGNORECASE)
_AMP_QUERY = frozenset({"amp", "outputtype=amp"})


def canonical_url(url: str) -> str:
    """``url`` normalised by courlan, without fragment or tracking parameters.

    Raises InputError for a URL without scheme or host, or with a bad port.
    """
    from courlan import normalize_url  # lazy: only URL inputs need it

    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InputError(f"bad URL {url!r}: {exc}") from None
    if not parts.scheme or not parts.hostname:
        raise InputError(f"bad URL {url!r}: expected an absolute http(s) URL")
    normal = urlsplit(normalize_url(parts._replace(fragment=""), strict=False))
    query = [(k, v) for k, v in parse_qsl(normal.query, keep_blank_values=True) if k.lower() not in _MORE_TRACKERS]
    return urlunsplit((normal.scheme, normal.netloc, normal.path or "/", urlencode(query), ""))


def _identity(canon: str) -> tuple[str, str]:
    """(host, key) of a canonical URL: the key is host, path and query, ``www.`` and AMP markers off."""
    parts = urlsplit(canon)
    host = parts.netloc
    for prefix in ("www.", _AMP_HOST):
        if host.startswith(prefix) and "." in host[len(prefix) :]:
            host = host[len(prefix) :]
    path = _AMP_PATH.sub("", parts.path).rstrip("/") or "/"  # "/story/" and "/story" are one page
    query = "&".join(
        pair for pair in parts.query.split("&")
        if pair and pair.lower() not in _AMP_QUERY and pair.lower().split("=", 1)[0] != "amp"
    )
    return urlsplit("//" + host).hostname or "url", host + path + (f"?{query}" if query else "")


def url_id(url: str) -> str:
    """The article id of a URL: ``HOST-`` plus 16 hex digits of the SHA-1 of its ``url_key``.

    The scheme, ``www.`` and AMP markers are left out of the hash, so the
    ``http://``, ``https://``, ``www.`` and AMP copies of a page get one id; the host
    prefix keeps listings readable.
    """
    host, key = _identity(canonical_url(url))
    return f"{host}-{sha1(key.encode('utf-8')).hexdigest()[:16]}"


@lru_cache(maxsize=1024)
def url_key(url: str | None) -> str | None:
    """What two URLs of one article share (see the module docstring); None if not a URL.

    Cached: ingest asks twice per article (the duplicate check, then the insert).
    """
    if not url:
        return None
    try:
        return _identity(canonical_url(url))[1]
    except InputError:
        return None
