"""The extract stage: one RawDoc in, one Article out."""

from __future__ import annotations

import hashlib
import re

from storyscope.errors import ExtractionError
from storyscope.extract import metadata as meta
from storyscope.extract.html import extract_html
from storyscope.extract.language import detect_language
from storyscope.extract.plaintext import clean_text
from storyscope.model import Article, RawDoc

__all__ = ["extract", "content_hash"]

# Below this many characters of main text an item is a stub, a paywall teaser
# or an error page, not an article. 200 characters is about two sentences; the
# shortest wire briefs in the seed and evaluation data are well above it.
MIN_TEXT_CHARS = 200

_WORD_RUN = re.compile(r"\w+")


def content_hash(text: str) -> str:
    """sha256 hex of the text with case, punctuation and whitespace normalised away.

    Two copies of one article that differ only in line breaks, spacing, curly vs
    straight quotes or capitalisation get the same hash.
    """
    # the word runs joined by single spaces: what replacing each non-word run by a space and
    # stripping the ends gives, in one scan fewer
    normalised = " ".join(_WORD_RUN.findall(text.casefold()))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _first(*values: str | None) -> str | None:
    return next((v.strip() for v in values if v and v.strip()), None)


def extract(raw: RawDoc) -> Article:
    """Extract the main text and metadata of ``raw`` into an Article.

    Steps:

    1. Pick the input: ``raw.html`` (an HTML page) or ``raw.text`` (plain text,
       possibly scraped together with its page furniture).
    2. HTML: main text and metadata with trafilatura plus JSON-LD/OpenGraph
       (:func:`storyscope.extract.html.extract_html`), then the plain-text
       boilerplate filter on its paragraphs.
    3. Plain text: headline, boilerplate lines and dateline tag
       (:func:`storyscope.extract.plaintext.clean_text`).
    4. Refuse items without usable text (ExtractionError with the reason).
    5. Merge metadata: what the RawDoc states wins over what was extracted,
       except the URL, where the page's canonical link on its own site wins;
       the date is normalised to ``YYYY-MM-DD``.
    6. Detect the language and hash the normalised text; keep the removed
       photo and video captions (credits cut off) apart as ``captions``.
    """
    # 1. Input.
    if raw.html is not None and raw.html.strip():
        # 2. HTML page.
        page = extract_html(raw.html, raw.url)
        cleaned = clean_text(page.text, title=page.title, outlet=raw.outlet or page.outlet, scraped=False)
        text_outlet = cleaned.outlet
        title, published, author = page.title, page.published, page.author
        outlet, url, language = page.outlet, page.url, page.language
        canonical = page.canonical
    elif raw.text is not None and raw.text.strip():
        # 3. Plain text.
        cleaned = clean_text(raw.text, title=raw.title, outlet=raw.outlet)
        text_outlet = cleaned.outlet
        title = cleaned.title
        published = author = url = language = canonical = None
        outlet = None
    else:
        raise ExtractionError("empty item: neither text nor HTML content")

    # 4. Usable text?
    text = "\n\n".join(cleaned.paragraphs)
    if not text.strip():
        raise ExtractionError("no main text left after removing boilerplate")
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionError(
            f"main text too short ({len(text)} characters, at least {MIN_TEXT_CHARS} needed)"
        )

    # 5. Metadata: the RawDoc's own values win, but for the address the page gives
    #    itself (its canonical link), which names the article whatever address the
    #    RawDoc was reached by (a redirect, a share link, an AMP copy).
    published = meta.iso_date(raw.published) or meta.iso_date(published)
    url = _first(canonical, raw.url, url)
    # 6. Language and hash.
    language = detect_language(text) or language
    return Article(
        id=raw.id,
        text=text,
        title=_first(raw.title, title),
        published=published,
        author=_first(raw.author, author),
        outlet=_first(raw.outlet, outlet, text_outlet, meta.outlet_from_url(url)),
        url=url,
        language=language,
        source=raw.source,
        content_hash=content_hash(text),
        captions=cleaned.captions,
    )

