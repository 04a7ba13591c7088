"""HTML pages: main text and metadata, built on trafilatura.

trafilatura finds the main text and most metadata (JSON-LD, OpenGraph, meta
tags, htmldate for dates). On top of it storyscope

* prefers the publication date that the page states in structured data
  (JSON-LD ``datePublished``, ``article:published_time``) over htmldate's
  heuristic pick, which sometimes lands on a "last updated" or a comment date;
* runs the plain-text boilerplate filter of :mod:`storyscope.extract.plaintext`
  on the extracted paragraphs (captions with credits, share lines, comment forms).
"""

from __future__ import annotations

from dataclasses import dataclass

from storyscope.errors import ExtractionError
from storyscope.extract import metadata as meta

__all__ = ["HtmlResult", "extract_html"]

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


def _trafilatura_document(html: str, url: str | None):
    from trafilatura import bare_extraction  # lazy: heavy import

    return bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        # fast=True skips the readability/justext fallbacks; see
        # benchmarks/extraction.py for why the fallback is still worth its cost.
        fast=False,
    )


def extract_html(html: str, url: str | None = None) -> HtmlResult:
    """Main text and metadata of one HTML page; ExtractionError when none is found."""
    if not html or not html.strip():
        raise ExtractionError("empty page")
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    if "<" not in html[:10_000]:
        raise ExtractionError("no HTML markup found (plain text sent as HTML?)")
    doc = _trafilatura_document(html, url)
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no main text found in the HTML page")
    structured = meta.structured_metadata(html)
    published = structured.published or meta.iso_date(doc.date)
    return HtmlResult(
        text=doc.text,
        title=structured.title or doc.title,
        published=published,
        author=structured.author or doc.author,
        outlet=structured.outlet or doc.sitename or meta.outlet_from_url(url or doc.url),
        url=url or doc.url,
        language=doc.language,
    )
