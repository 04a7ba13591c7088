"""HTML pages: main text and metadata, built on trafilatura.

trafilatura finds the main text and most metadata (JSON-LD, OpenGraph, meta
tags, htmldate for dates). On top of it storyscope

* prefers the headline, author and publisher that JSON-LD states
  (``headline``, ``author.name``, ``publisher.name``) over trafilatura's
  picks from the visible page;
* recovers the lead: many CMSs put the article's first paragraph (the teaser,
  also the page's meta description) in a header block outside the article
  container, where trafilatura does not look; when the description is shown
  on the page but missing from the text, that visible paragraph is prepended;
* reads the page's canonical link (``<link rel="canonical">``) on its own
  site: the article's address, whatever address it was fetched from;
* runs the plain-text boilerplate filter of :mod:`storyscope.extract.plaintext`
  on the extracted paragraphs (captions with credits, share lines, comment forms).
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from storyscope.errors import ExtractionError
from storyscope.extract import metadata as meta

__all__ = ["HtmlResult", "canonical_link", "extract_html"]

# Pages past this size are cut before parsing: a news article is rarely over
# 1 MB of markup, and lxml's time and memory grow with the tree. The cut keeps
# the start of the document, where the article sits.
MAX_HTML_CHARS = 5_000_000


@dataclass(frozen=True)
class HtmlResult:
    """What one HTML page yields before the RawDoc's own metadata is applied."""

    text: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    # the page's own <link rel="canonical">, absolute, when it is on the page's site
    canonical: str | None = None


# trafilatura's fallback extractors (readability, jusText) rescue pages where
# its own pass finds little, at about twice the cost per page. On trafilatura's
# evaluation set, running them only when the fast pass yields under 1,000
# characters keeps all but 0.0005 of their F1 gain while re-running 12 % of pages.
_RESCUE_BELOW_CHARS = 1000
# The fallbacks (and the lead recovery's second parse) cost seconds on
# multi-megabyte pages, which are mostly listings and archives, not articles:
# past 1 MB the fast pass alone decides.
_RESCUE_MAX_HTML_CHARS = 1_000_000


def _trafilatura_document(html: str, url: str | None, fast: bool, with_metadata: bool):
    from trafilatura import bare_extraction  # lazy: heavy import

    return bare_extraction(html, url=url, fast=fast, options=_options(url, fast, with_metadata))


def _options(url: str | None, fast: bool, with_metadata: bool):
    """The options ``bare_extraction`` would build from its arguments (python output, no
    comments, tables, no formatting), copied from a template made once a day: building them
    reads trafilatura's configuration anew each time, 6 % of a page's extraction."""
    from copy import copy

    options = copy(_options_template(fast, with_metadata, date.today().isoformat()))
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


@lru_cache(maxsize=4)
def _options_template(fast: bool, with_metadata: bool, _day: str):
    # the day is part of the key: the options hold today's date, after which a page's
    # date cannot be (htmldate's max_date)
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", fast=fast, comments=False, formatting=False, tables=True,
                     with_metadata=with_metadata)


def _main_document(html: str, url: str | None):
    """trafilatura's fast pass, and its full pass only where the fast one found little."""
    doc = _trafilatura_document(html, url, fast=True, with_metadata=True)
    rescue = len(html) <= _RESCUE_MAX_HTML_CHARS
    if rescue and (doc is None or len(doc.text or "") < _RESCUE_BELOW_CHARS):
        # metadata does not depend on the pass: keep the fast pass's, skip recomputing it
        fuller = _trafilatura_document(html, url, fast=False, with_metadata=doc is None)
        if fuller is not None and doc is not None:
            doc.text = fuller.text
        else:
            doc = fuller or doc
    return doc


_DESCRIPTION = re.compile(
    r"""<meta\b[^>]*(?:name|property)\s*=\s*["'](?:og:|twitter:)?description["'][^>]*>""", re.IGNORECASE
)
_CONTENT = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# A description shorter than this is a site slogan, not an article's lead.
_MIN_LEAD_WORDS = 8
# How much longer than the (often cut) description the visible lead may be:
# measured on trafilatura's evaluation pages, teasers run up to ~1.5x the
# description; anything longer is a container holding more than the lead.
_LEAD_SLACK = 1.5


def _norm(text: str) -> str:
    return " ".join(text.split())


def _description(page: str) -> str | None:
    best = None
    for tag in _DESCRIPTION.findall(page[:300_000]):
        match = _CONTENT.search(tag)
        if match:
            value = _norm(htmllib.unescape(match[1] or match[2] or ""))
            if len(value.split()) >= _MIN_LEAD_WORDS and (best is None or len(value) > len(best)):
                best = value
    return best


def recover_lead(page: str, text: str) -> str | None:
    """The visible lead paragraph that the page describes itself with, when ``text`` lacks it."""
    description = _description(page)
    if description is None:
        return None
    key = description.rstrip(".…").rstrip()[:60]
    if key in _norm(text):
        return None
    body_start = page.lower().find("</head>")
    if htmllib.escape(key[:30], quote=False) not in page[max(body_start, 0) :] and key[:30] not in page[max(body_start, 0) :]:
        return None  # the description is not shown on the page: nothing to recover
    from lxml import html as lxml_html  # lazy: only pages missing their lead pay for a second parse

    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    for element in tree.xpath("//head|//script|//style|//noscript|//meta"):
        element.drop_tree()
    limit = _LEAD_SLACK * len(description) + 100
    best = None
    for element in tree.iter("p", "div", "span", "section", "h2", "h3", "strong", "b", "em"):
        candidate = _norm(element.text_content())
        if candidate.startswith(key) and len(candidate) <= limit and (best is None or len(candidate) < len(best)):
            best = candidate
    return best


# replacement characters, and control characters but tab, line feed, form feed and return
_GARBLED = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")


def _looks_garbled(head: str) -> bool:
    """Binary data that reached us as a string (decoded with errors='replace' upstream)."""
    bad = len(_GARBLED.findall(head))
    # 5 %: real pages carry a handful of replacement characters at most (a cut
    # multi-byte character, one wrong byte); images and archives are mostly that.
    return bad > 0.05 * len(head)


def extract_html(html: str, url: str | None = None) -> HtmlResult:
    """Main text and metadata of one HTML page; ExtractionError when none is found."""
    if not html or not html.strip():
        raise ExtractionError("empty page")
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    if _looks_garbled(html[:8192]):
        raise ExtractionError("binary content, not text")
    if "<" not in html[:10_000]:
        raise ExtractionError("no HTML markup found (plain text sent as HTML?)")
    doc = _main_document(html, url)
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no main text found in the HTML page")
    text = doc.text
    lead = recover_lead(html, text) if len(html) <= _RESCUE_MAX_HTML_CHARS else None
    if lead:
        text = lead + "\n" + text
    structured = meta.structured_metadata(html)
    # htmldate (inside trafilatura) already reads JSON-LD and meta tags and is
    # right more often when the two disagree (14 vs 6 of 20 such pages in
    # trafilatura's evaluation set), so structured data is only the fallback,
    # and corrects htmldate's pick only where that pick is demonstrably not the
    # publication day (a draft or URL date before the stated release, local
    # midnight written in UTC): see meta.refine_published.
    published = meta.refine_published(meta.iso_date(doc.date) or structured.published, structured)
    return HtmlResult(
        text=text,
        title=structured.title or doc.title,
        published=published,
        author=structured.author or doc.author,
        outlet=structured.outlet or doc.sitename or meta.outlet_from_url(url or doc.url),
        url=url or doc.url,
        language=doc.language,
        canonical=canonical_link(structured.canonical, url),
    )


def _lower_host(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.lower()))


def canonical_link(href: str | None, page_url: str | None) -> str | None:
    """The absolute http(s) address of a page's canonical link, or None.

    A canonical link on another site is how a syndicated copy points at the
    original: that copy is its own outlet's article (the clusterer marks it
    syndicated), so only a link on the page's own host (courlan's test: ``www.``,
    ``m.`` and ``amp.`` hosts count as one) names the page, and not the site's
    front page named by an article page. Without a page URL (an HTML file) the
    link is the only address there is.
    """
    if not href:
        return None
    absolute = urljoin(page_url or "", href.strip())
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if page_url:
        from courlan import is_external  # lazy: with trafilatura, a heavy import

        # host names are case-insensitive; courlan's test is not
        if is_external(_lower_host(absolute), _lower_host(page_url), ignore_suffix=False):
            return None
        # A CMS that gives every page the front page as its canonical link would make
        # all of a site's articles one (the store keeps one article per address).
        if parts.path.strip("/") == "" and not parts.query and urlsplit(page_url).path.strip("/"):
            return None
    return absolute
