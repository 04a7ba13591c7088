"""RSS and Atom feeds -> RawDoc, from a file or a URL.

Steps of :func:`iter_feed`:

1. read the feed: a URL through the Fetcher, a file with the byte cap
   (``.gz`` allowed); a feed is small, so it is read whole, capped;
2. parse it with defusedxml (no entity expansion, no external references: a
   feed is untrusted input); not XML, or XML that is not RSS 2.0, RSS 1.0 (RDF)
   or Atom, is one rejected item for the feed;
3. for each item take link, title, published (RFC 2822 or ISO), author, and any
   full content (``content:encoded``, Atom ``<content>``);
4. ``follow_links=True``: fetch the linked page (the Fetcher) -> RawDoc with the
   page as html and the item's metadata; ``follow_links=False``: the item's full
   content is the document. A broken item is one rejected item; the rest goes on.

Metadata from the feed wins over what extraction finds (the RawDoc rule); the
outlet is the feed's own title. ``url`` and ``id`` come from the page's final URL
(after redirects: feed links are often click-tracking redirects), and ``source``
keeps the link as the feed gave it.
"""

from __future__ import annotations

import gzip
import html as htmllib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, tostring

from ..errors import InputError, MissingDependency
from ..model import RawDoc
from .records import Rejected
from .http import Fetcher, fetch_doc, url_id
from .meta import normalise_published

__all__ = ["iter_feed"]

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XHTML = "{http://www.w3.org/1999/xhtml}"

_TAG = re.compile(r"<[^>]+>")
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")  # RSS: "jane@x.org (Jane Doe)"


@dataclass(frozen=True)
class _Item:
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    html: str | None  # full content as HTML
    text: str | None  # full content as plain text (Atom type="text")
    key: str | None  # guid / Atom id, for an id when there is no link


def iter_feed(
    source: str | Path,
    fetcher: Fetcher | None = None,
    *,
    follow_links: bool = True,
    max_bytes: int = 20_000_000,
) -> Iterator[RawDoc | Rejected]:
    """RawDoc or Rejected for each item of the RSS/Atom feed at ``source`` (a URL or a file path).

    ``fetcher`` fetches the feed URL and the item pages (a default Fetcher, which
    refuses private addresses, when None). ``max_bytes`` caps a feed file.
    """
    label = str(source)
    is_url = label.lower().startswith(("http://", "https://"))
    if fetcher is None and (is_url or follow_links):
        fetcher = Fetcher()
    # 1. Read.
    base: str | None = None
    try:
        if is_url:
            assert fetcher is not None
            result = fetcher.fetch(label, expect_html=False)
            data, base = result.body, result.url
        else:
            data = _read_file(Path(label), max_bytes)
        # 2. Parse.
        outlet, items = _parse(data)
    except InputError as exc:
        yield Rejected(label, str(exc))
        return
    # 3-4. Items, one at a time.
    for number, item in enumerate(items, start=1):
        link = urljoin(base, item.link) if base and item.link else item.link
        name = link or f"{label}#item-{number}"
        meta = {"title": item.title, "outlet": outlet, "published": item.published, "author": item.author}
        try:
            if follow_links:
                if not link:
                    raise InputError("item has no link to follow")
                assert fetcher is not None
                yield fetch_doc(link, fetcher, **meta)
            else:
                yield _content_doc(item, link, name, meta)
        except InputError as exc:
            yield Rejected(name, str(exc))


def _content_doc(item: _Item, link: str | None, name: str, meta: dict) -> RawDoc:
    if not (item.html or item.text):
        raise InputError(
            "item carries no full content (content:encoded or Atom <content>) and following links is off"
        )
    if link:
        doc_id = url_id(link)
    elif item.key:
        doc_id = "feed-" + sha1(item.key.encode("utf-8")).hexdigest()[:16]
    else:
        raise InputError("item has neither a link nor a guid/id to name it by")
    return RawDoc(id=doc_id, source=name, html=item.html, text=None if item.html else item.text, url=link, **meta)


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) > max_bytes:
        raise InputError(f"feed too large: over {max_bytes:,} bytes (max_bytes setting)")
    return data


def _parse(data: bytes) -> tuple[str | None, Iterator[_Item]]:
    """(outlet, items) of a feed; InputError when it is not an RSS or Atom feed."""
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring
    except ImportError:  # pragma: no cover - a declared dependency
        raise MissingDependency("reading feeds needs defusedxml: pip install defusedxml") from None
    if not data.strip():
        raise InputError("not a feed: empty")
    try:
        root = fromstring(data)
    except ParseError as exc:
        raise InputError(f"not a feed: not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise InputError(f"refused feed: {type(exc).__name__} (entity declarations are not allowed)") from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise InputError("not a feed: <rss> without <channel>")
        return _text(channel.find("title")), (_rss_item(el) for el in channel.iter("item"))
    if root.tag == f"{RDF}RDF":
        channel = root.find(f"{RSS1}channel")
        outlet = _text(channel.find(f"{RSS1}title")) if channel is not None else None
        return outlet, (_rss_item(el, RSS1) for el in root.iter(f"{RSS1}item"))
    if root.tag == f"{ATOM}feed":
        feed_author = _text(root.find(f"{ATOM}author/{ATOM}name"))
        return _atom_text(root.find(f"{ATOM}title")), (
            _atom_entry(el, feed_author) for el in root.iter(f"{ATOM}entry")
        )
    local = root.tag.rsplit("}", 1)[-1]
    raise InputError(f"not a feed: XML root element <{local}>, expected <rss>, <rdf:RDF> or Atom <feed>")


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _first(el: Element, *paths: str) -> str | None:
    for path in paths:
        value = _text(el.find(path))
        if value:
            return value
    return None


def _date(value: str | None) -> str | None:
    """``YYYY-MM-DD``, or None for a missing or unreadable date (extraction may still find one)."""
    if not value:
        return None
    try:
        return normalise_published(value)
    except InputError:
        return None


def _rss_item(el: Element, ns: str = "") -> _Item:
    author = _first(el, f"{DC}creator", f"{ns}author")
    if author:
        named = _EMAIL_NAME.match(author)
        author = named.group("name").strip() if named else (None if "@" in author and " " not in author else author)
    guid = el.find(f"{ns}guid")
    key = _text(guid)
    # RSS 2.0: a guid is the item's permalink unless isPermaLink="false".
    permalink = key if key and guid is not None and guid.get("isPermaLink", "true") != "false" else None
    if permalink and not permalink.lower().startswith(("http://", "https://")):
        permalink = None
    return _Item(
        link=_first(el, f"{ns}link") or el.get(f"{RDF}about") or permalink,
        title=_first(el, f"{ns}title"),
        published=_date(_first(el, f"{ns}pubDate", f"{DC}date")),
        author=author,
        html=_first(el, f"{CONTENT}encoded"),
        text=None,
        key=key,
    )


def _atom_entry(el: Element, feed_author: str | None) -> _Item:
    link = None
    for candidate in el.findall(f"{ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            link = candidate.get("href", "").strip()
            break
    html, text = _atom_content(el.find(f"{ATOM}content"))
    return _Item(
        link=link,
        title=_atom_text(el.find(f"{ATOM}title")),
        published=_date(_first(el, f"{ATOM}published", f"{ATOM}updated")),
        author=_text(el.find(f"{ATOM}author/{ATOM}name")) or feed_author,
        html=html,
        text=text,
        key=_first(el, f"{ATOM}id"),
    )


def _atom_text(el: Element | None) -> str | None:
    """An Atom text construct as plain text (type="html" has its markup removed)."""
    value = _text(el)
    if value and el is not None and el.get("type") == "html":
        value = htmllib.unescape(_TAG.sub("", value)).strip() or None
    return value


def _atom_content(el: Element | None) -> tuple[str | None, str | None]:
    """(html, text) of an Atom <content>; out-of-line content (src=) counts as none."""
    if el is None or el.get("src"):
        return None, None
    kind = el.get("type", "text")
    if kind == "xhtml":
        wrapper = el.find(f"{XHTML}div")  # RFC 4287: the content sits inside one XHTML <div>
        el = wrapper if wrapper is not None else el
        for node in el.iter():  # serialise as plain HTML, without the XHTML namespace
            if isinstance(node.tag, str) and node.tag.startswith(XHTML):
                node.tag = node.tag[len(XHTML) :]
        # tostring() writes each child's tail; the text before the first child is added here.
        lead = htmllib.escape(el.text or "", quote=False)
        inner = lead + "".join(tostring(child, encoding="unicode") for child in el)
        return (inner.strip() or None), None
    value = "".join(el.itertext()).strip() or None
    if kind == "html" or kind.endswith(("/html", "+xml")):
        return value, None
    return None, value
