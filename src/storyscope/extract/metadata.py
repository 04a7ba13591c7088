"""Metadata that pages state explicitly: JSON-LD, OpenGraph / article meta tags, the URL.

Structured data is what the publisher's CMS wrote for search engines, so when it
names a publication date it is more reliable than any date found in the page
text. Only explicit publication fields are read here; trafilatura (htmldate)
remains the fallback for pages without them.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

__all__ = ["Structured", "structured_metadata", "iso_date", "outlet_from_url"]


@dataclass(frozen=True)
class Structured:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    outlet: str | None = None


_JSONLD = re.compile(
    r"""<script[^>]+type\s*=\s*["']?application/ld\+json["']?[^>]*>(.*?)</script>""",
    re.IGNORECASE | re.DOTALL,
)
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# schema.org types whose datePublished is the article's (not a site's or an image's).
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "blogposting", "socialmediaposting",
    "liveblogposting", "techarticle", "scholarlyarticle", "report", "posting",
}
_META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "publish-date",
)


def iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime string, if it holds a valid one."""
    if not value:
        return None
    match = _ISO.search(value)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def outlet_from_url(url: str | None) -> str | None:
    """The host name without ``www.``: the outlet when nothing better is known."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host.removeprefix("www.") or None


def _types(node: dict) -> set[str]:
    value = node.get("@type", ())
    if isinstance(value, str):
        value = (value,)
    return {str(v).lower() for v in value if isinstance(v, str)}


def _walk(node):
    """Every dict inside a JSON-LD value (``@graph``, lists, nesting)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(htmllib.unescape(value).split())
    return value or None


def _from_jsonld(page: str) -> Structured:
    title = published = author = outlet = None
    for block in _JSONLD.findall(page):
        try:
            data = json.loads(block.strip().removeprefix("<!--").removesuffix("-->"))
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the other sources still count
        for node in _walk(data):
            if not (_types(node) & _ARTICLE_TYPES):
                continue
            published = published or iso_date(node.get("datePublished") if isinstance(node.get("datePublished"), str) else None)
            if title is None and isinstance(node.get("headline"), str):
                title = _clean(node["headline"])
            if author is None:
                names = [n for n in (_clean(x) for x in _names(node.get("author"))) if n]
                author = "; ".join(dict.fromkeys(names)) or None
            if outlet is None:
                outlet = next(iter(_names(node.get("publisher"))), None)
    return Structured(title, published, author, _clean(outlet))


def _meta_tags(page: str) -> dict[str, str]:
    found: dict[str, str] = {}
    head = page[: page.lower().find("</head>") if "</head>" in page.lower() else 200_000]
    for tag in _META.findall(head):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content")
        if key and content and key not in found:
            found[key] = content
    return found


def structured_metadata(page: str) -> Structured:
    """Title, publication date, author and outlet that the page declares explicitly."""
    ld = _from_jsonld(page)
    tags = _meta_tags(page)
    published = ld.published or next(
        (d for d in (iso_date(tags.get(k)) for k in _META_DATE_KEYS) if d), None
    )
    return Structured(
        title=ld.title,
        published=published,
        author=ld.author,
        outlet=ld.outlet or _clean(tags.get("og:site_name")),
    )
