"""The name a brief gives each outlet: the record's own, else the site in its URL, else a number."""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import urlsplit

from ..model import Article


@functools.cache
def _suffix_list():
    # publicsuffixlist ships a snapshot of the Public Suffix List and reads it from the
    # package: nothing is fetched. ICANN suffixes only, so that "foo.blogspot.com" reads
    # as blogspot.com, the site a reader knows, not as a private registry's customer.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True)


def site_of(url: str | None) -> str | None:
    """The registrable domain of a URL's host ("https://www.bbc.co.uk/news/x" ->
    "bbc.co.uk"); None for no URL, an IP address, or a host with no public suffix."""
    if not url:
        return None
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").rstrip(".").lower()
    except ValueError:  # a malformed port or bracket: no host to read
        return None
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    return _suffix_list().privatesuffix(host)


def outlet_names(articles: list[Article]) -> dict[str, str]:
    """article id -> outlet name; an article with neither outlet nor a usable URL is
    "source N", N its place in ``articles`` (the brief's sources), as its citation "[N]"."""
    return {
        a.id: (a.outlet or "").strip() or site_of(a.url) or f"source {i}"
        for i, a in enumerate(articles, start=1)
    }
