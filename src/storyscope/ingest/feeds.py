"""RSS and Atom feeds -> RawDoc, from a file or a URL.

Steps of :func:`iter_feed`:

1. read the feed: a URL through the Fetcher, a file with the byte cap
   (``.gz`` allowed); a feed is small, so it is read whole, capped;
2. parse it with feedparser, which reads RSS 0.9x-2.0, RSS 1.0 (RDF) and Atom,
   well-formed or not (real feeds often carry an unescaped ``&`` or an HTML
   entity); it never resolves external references, and a feed that declares
   entities is refused before it (a feed is untrusted input). Bytes in which
   no feed is found are one rejected item for the feed;
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
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from urllib.parse import urljoin

from ..errors import InputError, MissingDependency
from ..model import RawDoc
from .records import Rejected
from .http import Fetcher, fetch_doc, url_id
from .meta import normalise_published

__all__ = ["iter_feed"]

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
    """(outlet, items) of a feed; InputError when no RSS or Atom feed can be read from it.

    feedparser reads what real feeds are: well-formed XML with its strict parser, and
    otherwise (an unescaped ``&``, an HTML entity XML does not define, a stray tag) with
    its lenient one, as browsers and feed readers do. It gets the bytes as a stream,
    never a string: a string that looks like a URL or a file path it would fetch or open.
    """
    try:
        import feedparser
    except ImportError:  # pragma: no cover - a declared dependency
        raise MissingDependency("reading feeds needs feedparser: pip install feedparser") from None
    if not data.strip():
        raise InputError("not a feed: empty")
    # A feed has no use for its own entities; declaring them is how entity-expansion
    # bombs start (expat stops one only after seconds of work), so such a feed is refused.
    if _ENTITY_DECLARATION.search(data[:_PROLOG_BYTES]):
        raise InputError("refused feed: entity declarations are not allowed")
    parsed = feedparser.parse(io.BytesIO(_escape_bare_ampersands(data)), resolve_relative_uris=False)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({_reason(problem)})" if problem is not None else ""
        raise InputError(f"not a feed: no RSS or Atom channel found{detail}")
    feed = parsed.get("feed", {})
    # Atom lets an entry inherit the feed's author; RSS has no such rule.
    feed_author = _person(feed.get("author")) if parsed["version"].startswith("atom") else None
    return _title(feed), (_item(entry, feed_author) for entry in parsed.get("entries", ()))


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PROLOG_BYTES = 100_000  # where a DOCTYPE can sit: before the root element, at the start


# A bare "&" (a "Q&A" title, a link's query) is the commonest fault of real feeds; the
# lenient parser would read "&A" as an entity ("Q&A;"). Escaped first, outside CDATA
# sections (whose text is literal), it is read as written. A well-formed feed has none.
_BARE_AMPERSAND = re.compile(rb"<!\[CDATA\[.*?\]\]>|&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)", re.DOTALL)


def _escape_bare_ampersands(data: bytes) -> bytes:
    return _BARE_AMPERSAND.sub(lambda m: m[0] if m[0] != b"&" else b"&amp;", data)


def _reason(problem: Exception) -> str:
    message = getattr(problem, "getMessage", None)
    return f"not well-formed XML: {message() if callable(message) else problem}"


def _title(node) -> str | None:
    """A title as plain text: a title feedparser reports as HTML has its markup removed."""
    value = (node.get("title") or "").strip()
    if value and (node.get("title_detail") or {}).get("type") == "text/html":
        value = htmllib.unescape(_TAG.sub("", value)).strip()
    return value or None


def _person(value: str | None) -> str | None:
    """An author's name: RSS writes "jane@x.org (Jane Doe)"; a bare address is no name."""
    if not value or not value.strip():
        return None
    named = _EMAIL_NAME.match(value)
    if named:
        return named.group("name").strip()
    return None if "@" in value and " " not in value.strip() else value.strip()


def _date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` as the feed writes it, or None for a missing or unreadable date
    (extraction may still find one). The stated day, not feedparser's ``*_parsed``,
    which is in UTC and can be the day after a local evening."""
    if not value:
        return None
    try:
        return normalise_published(value)
    except InputError:
        return None


def _item(entry, feed_author: str | None) -> _Item:
    link = (entry.get("link") or "").strip() or None
    # RSS 2.0: a guid is the item's permalink unless isPermaLink="false"; only a web
    # address counts as one ("tag:" ids are names, not links)
    if link and entry.get("guidislink") and not link.lower().startswith(("http://", "https://")):
        link = None
    html = text = None
    for content in entry.get("content") or ():
        # Atom's out-of-line content (src=) has no value: it counts as none
        value = (content.get("value") or "").strip()
        if value:
            if content.get("type") == "text/plain":
                text = value
            else:
                html = value
            break
    return _Item(
        link=link,
        title=_title(entry),
        published=_date(entry.get("published") or entry.get("updated")),
        author=_person(entry.get("author")) or feed_author,
        html=html,
        text=text,
        key=(entry.get("id") or "").strip() or None,
    )
