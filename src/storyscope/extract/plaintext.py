"""Plain text scraped together with its page: headline, body, and what is not the article.

A scraped article keeps the page's furniture as lines of text: the masthead,
photo and video captions, links to other stories dropped between paragraphs,
share buttons, the outlet's tagline and the comment form. :func:`clean_text`
finds the headline and removes those lines by their *shape* (credit
parentheses, comment-form and share-button vocabulary, headline-like short
paragraphs, position in the page), never by matching known sentences, and
reports every removed line with its reason so that a caller can audit it.

Two rules hold above all others: a paragraph holding a quotation is never
removed as an inline link, and a paragraph is only dropped when a rule
names why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

__all__ = ["CAPTION", "CleanText", "clean_text", "split_paragraphs", "strip_credit", "strip_dateline"]

# The reason given for removed captions; Article.captions collects them.
CAPTION = "photo or video caption with credit"


@dataclass(frozen=True)
class CleanText:
    """The result of :func:`clean_text`.

    ``removed`` holds ``(line, reason)`` pairs in page order; ``outlet`` is the
    outlet the text names itself: a leading dateline tag such as ``(RFE/RL) —``
    or the brand part of a glued masthead.
    """

    title: str | None
    paragraphs: tuple[str, ...]
    removed: tuple[tuple[str, str], ...] = ()
    outlet: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def captions(self) -> tuple[str, ...]:
        """The removed photo and video captions, their credits cut off (credit-only lines dropped)."""
        texts = (strip_credit(line) for line, why in self.removed if why == CAPTION)
        return tuple(text for text in texts if text)


# --- shapes -----------------------------------------------------------------

_QUOTE_CHARS = "\"“”«»„‘’"  # ’ alone is usually an apostrophe; see _has_quote
_QUOTE = re.compile(r"[\"“”«»„]|‘[^’]{3,}’")
_WORD = re.compile(r"[^\W\d_][\w’'.-]*", re.UNICODE)

# A brand glued to its tagline by a scraper that dropped the markup between
# them ("The Daily NewsAll the news"): two or more lower-case letters directly
# followed by a capitalised word.
_GLUED = re.compile(r"[a-z]{2,}[A-Z][a-z]{2,}")

# Credit at the end of a caption: "(Jane Doe/Agency)", "(Photo: Agency)",
# "(Video: Jane Doe/Outlet)", "(AP Photo/Jane Doe)", "(Foto: X/Pool via Y)."
# The slash between a person and an organisation, or a media-type label
# (in the languages of the evaluation pages' templates), is what credits share.
_MEDIA = (
    r"(?:photo|video|image|picture|graphic|illustration|credit|courtesy|file|foto|fot\.|bild"
    r"|beitragsbild|titelbild|imagen|immagine|crédits?(?: photos?)?|photo credit|fuente de la imagen)"
)
_CREDIT_TAIL = re.compile(r"\(" + _MEDIA + r"s?\b[^()]{0,80}\)[.\s]*$", re.IGNORECASE)
# "(Name Surname/Agency)": a person (so a space) before the slash.
_CREDIT_SLASH = re.compile(r"\([^()/]{2,60} [^()/]{1,60}/[^()]{2,60}\)[.\s]*$")
_CREDIT_LINE = re.compile(r"^" + _MEDIA + r"s?\s*(?:credits?)?\s*[:|.]", re.IGNORECASE)
# A wire agency signature closing a story: "aja/PAP", "dpa/jk", "AFP/rtr".
_SIGNATURE = re.compile(r"^\(?[A-Za-z]{1,6}(?:\s*/\s*[A-Za-z]{1,6}){1,3}\)?$")

# Comment forms and comment sections (WordPress, Disqus, most CMSs).
_COMMENT_FORM = re.compile(
    r"\b(?:leave a (?:reply|comment)|post a comment|add a comment|write a comment"
    r"|your email address will not be published|required fields are marked"
    r"|comments? (?:are|is) closed|log ?in to (?:post a )?comment|notify me of (?:new|follow-up)"
    r"|join the (?:discussion|conversation)|\d+\s+comments?$|^comments?$|^responses?$"
    r"|kommentare? (?:zu )?schreiben|einen kommentar (?:hinterlassen|schreiben)|hinterlasse (?:einfach )?einen kommentar"
    r"|laisser un commentaire|deja (?:un|tu) comentario|dejar un comentario|lascia un commento|dodaj komentarz)",
    re.IGNORECASE,
)

# Share, follow and subscribe buttons and their labels. Past eight words the
# line must also address the reader ("your", "our", "Sie"...), as calls to
# action do and news sentences about a newsletter or a sign-up do not.
_SHARE = re.compile(
    r"\b(?:share (?:this|on|via|the)|share$|^share\b|subscribe|sign up for|newsletter|follow us"
    r"|click here|read more|related (?:stories|articles|coverage|content)|^related\b"
    r"|advertisement|sponsored|email this|print this|tweet this|copy link|sign up|follow (?:us|\w+) on"
    r"|abonnieren|abonnez|suscr[ií]b|zapraszamy|teilen sie (?:dies|diesen|den)"
    r"|^(?:teilen|teile|partager|partagez|compartir|comparte|condividi|udostępnij|delen|deel)\b)",
    re.IGNORECASE,
)
# "Read also: <headline>": a label inviting the reader to another story, in the
# languages storyscope meets most (en, de, fr, es, it, pt, nl, pl). These are
# the generic labels of news-site templates, not phrases of any one site.
_SEE_ALSO_LABEL = re.compile(
    r"^(?:read (?:more|also|next)|see also|also read|more on this|watch"
    r"|(?:related|recommended|more|latest|top) (?:stories|articles|posts|content|coverage|news|reading)|related|recommended"
    r"|(?:lesen sie )?(?:auch|mehr|hier)(?: lesen)?|lesen sie(?: auch| mehr| hier)?|mehr zum thema|siehe auch|schon gelesen"
    r"|weitere artikel|das könnte sie (?:auch )?interessieren"
    r"|(?:à )?lire (?:aussi|également)|voir aussi|(?:lea|leer|vea|ver|mire|mira)(?: (?:también|más|además))?"
    r"|le puede interesar|puedes ver|te puede interesar|noticias relacionadas|notas relacionadas"
    r"|leggi anche|vedi anche|leia (?:também|mais)|veja também|lees ook|czytaj (?:też|także|więcej)"
    r"|dowiedz się więcej|zobacz (?:też|także))(?:\s*[:›»>|]|\s+[-–—]\s|\W*$)",
    re.IGNORECASE,
)
_READER = re.compile(
    r"\b(?:you|your|our|us|unser\w*|dein\w*|euch|notre|nos|votre|vous|nuestr\w*|te|tu|nasz\w*|wasz\w*)\b",
    re.IGNORECASE,
)
_RIGHTS = re.compile(
    r"(?:©|\bcopyright\b|\ball rights reserved\b|\bCC[- ]BY\b|creative commons|licen[cs]ed under"
    r"|unter (?:der )?lizenz|bajo licencia|sous licence)",
    re.IGNORECASE,
)
# Taxonomy lines of the CMS: "Category: News", "Tags: ...", "Filed under: ...".
_TAXONOMY = re.compile(
    r"^(?:categor(?:y|ies)|kategorien?|rubrik|tags?|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|themen|temas"
    r"|topics|filed under|posted in|etiquetas|mots-clés)\s*:",
    re.IGNORECASE,
)
# A "Related stories" block closing a page is a handful of links; past this
# many lines after such a label the text is content again (a reference page's
# "See also" section, for one). Checked on trafilatura's evaluation pages.
_MAX_RELATED_BLOCK = 12

# "(RFE/RL) — ", "WASHINGTON (Reuters) - ", "BEIRUT, Sept 28 (AP) — ", "LONDON — ".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z.]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*)?"
    r"(?:\((?P<tag>[^()]{2,40})\)\s*)?[—–-]{1,2}\s+"
)

# Speech and attribution verbs: a paragraph that reports speech is body text.
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|according to|added|adds|stated|announced|wrote|writes"
    r"|asked|argued|claimed|noted|warned|insisted|explained)\b",
    re.IGNORECASE,
)
# Words that tie a paragraph to the one before it; a link to another story
# stands alone and never opens with them.
_CONTINUATION = {
    "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "this",
    "that", "these", "those", "but", "and", "or", "so", "yet", "also", "however",
    "meanwhile", "still", "then", "there", "here", "such", "both", "neither",
}
# English past-tense forms: news paragraphs narrate in the past, headlines
# (and so links to other stories) in the present.
_PAST = re.compile(
    r"\b(?:was|were|had|did|said|told|made|went|came|took|gave|left|met|held|saw|fell|rose"
    r"|won|lost|began|became|found|kept|led|sent|spent|built|brought|thought|[a-z]{3,}ed)\b",
    re.IGNORECASE,
)


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _n_words(line: str, cap: int) -> int:
    """The number of words of ``line``, counted up to ``cap + 1``: enough to test ``n <= cap``.

    The rules judge short lines; a scraped article can be one paragraph of thousands of
    words, and counting all of them (or scanning them with a pattern) for every rule was
    most of the cleaner's time.
    """
    return len(list(islice(_WORD.finditer(line), cap + 1)))


def _has_quote(line: str) -> bool:
    return bool(_QUOTE.search(line))


def _is_sentence_end(line: str) -> bool:
    return line.rstrip(_QUOTE_CHARS + "')] ").endswith((".", "!", "?", "…"))  # "... decision.'" too


def _headline_like(line: str) -> bool:
    """Short, and not a finished prose sentence: how headlines and page labels look."""
    return not line.rstrip().endswith((".", ":", ";")) and 0 < _n_words(line, 30) <= 30


def _same_headline(line: str, title: str) -> bool:
    """``line`` is ``title`` give or take spacing, case, punctuation or an edited word.

    Feeds and sidecar files often carry a slightly different headline (a
    corrected typo, a shortened form) from the one scraped with the text;
    60 % word overlap recognises those without matching a body sentence
    that merely shares a few names with the title.
    """
    b = {w.casefold() for w in _words(title)}
    if not b:
        return False
    if not _headline_like(line):
        # only the same words will do: stop at the first word the title lacks (a long body
        # paragraph is not read to its end)
        a: set[str] = set()
        for match in _WORD.finditer(line):
            word = match.group().casefold()
            if word not in b:
                return False
            a.add(word)
        return a == b
    a = {w.casefold() for w in _words(line)}
    return bool(a) and (a == b or len(a & b) / len(a | b) >= 0.6)


def _brand_like(line: str) -> bool:
    """A masthead: an outlet name, maybe glued to its slogan by the scraper."""
    if not _is_sentence_end(line) and _GLUED.search(line):
        return True
    if _n_words(line, 4) > 4:
        return False
    words = _words(line)
    return 0 < len(words) and all(w[0].isupper() for w in words if len(w) > 3)


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines, whitespace-normalised: scraped text keeps one paragraph a line."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def strip_dateline(paragraph: str) -> tuple[str, str | None]:
    """Remove a leading dateline/outlet tag; return the rest and the tag's outlet, if any."""
    match = _DATELINE.match(paragraph)
    if match is None or not (match["place"] or match["tag"]):
        return paragraph, None
    rest = paragraph[match.end() :]
    if len(_words(rest)) < 5:  # "A — B" inside a short line is no dateline
        return paragraph, None
    return rest, (match["tag"] or "").strip() or None


def strip_credit(line: str) -> str:
    """A caption without its credit: "A protester gestures. (Jane Doe/Agency)" -> "A protester gestures."."""
    if _CREDIT_LINE.match(line):
        return ""  # "Photo: Agency" is all credit
    return _CREDIT_SLASH.sub("", _CREDIT_TAIL.sub("", line)).strip()


def _caption(line: str, n: int) -> bool:
    """``n``: the number of words of ``line`` (counted up to 81 at least)."""
    if n <= 25 and _CREDIT_LINE.match(line):
        return True
    # Calibrated on the seed captions (17-25 words) and the evaluation pages:
    # longer paragraphs ending in "(A/B)" are body text naming a pair.
    return n <= 80 and (bool(_CREDIT_TAIL.search(line)) or (n <= 40 and bool(_CREDIT_SLASH.search(line))))


def _related_block(lines: list[str], start: int) -> bool:
    """``lines[start]`` is a label standing alone ("Related stories", "Lesen Sie auch:") over a
    short list of links that ends the page (the lines after it)."""
    label = _SEE_ALSO_LABEL.match(lines[start])
    if not label:
        return False
    rest = len(_words(lines[start][label.end() :]))
    if not (rest <= 2 or (rest <= 4 and lines[start].rstrip().endswith((":", "?", "…", "...")))):
        return False  # "Read more: <a headline>" is one link, not a block's label
    # links are headline-sized; a long paragraph below means the article goes on. The
    # count comes first: a page of many labels must not cost a pass over the rest for each.
    if len(lines) - start - 1 > _MAX_RELATED_BLOCK:
        return False
    return all(len(_words(link)) <= 25 for link in lines[start + 1 :])


def _page_furniture(line: str) -> str | None:
    """The reason a line is page furniture wherever it stands, or None."""
    # every rule below judges a line of at most 80 words: longer ones are prose, not scanned
    n = _n_words(line, 80)
    if n > 80:
        return None
    if n <= 25 and _COMMENT_FORM.search(line):
        return "comment form"
    if _caption(line, n):
        return CAPTION
    if n <= 30:
        label = _SEE_ALSO_LABEL.match(line)
        if label and not _has_quote(line[label.end() :]):  # "»" may be the label's arrow
            return "link to another story"
    if n <= 4 and _SIGNATURE.match(line):
        return "agency signature"
    if n <= 20 and not _has_quote(line) and _SHARE.search(line) and (n <= 8 or _READER.search(line)):
        return "share or subscribe line"
    if n <= 30 and _RIGHTS.search(line) and not _has_quote(line):
        return "copyright or licence line"
    if n <= 25 and _TAXONOMY.match(line):
        return "category or tag line"
    return None


def _is_english(body: list[str]) -> bool:
    """The tense test of :func:`_inline_link` reads English only."""
    from storyscope.extract.language import detect_language

    return detect_language(" ".join(body)) == "en"


def _inline_link(paragraphs: list[str], i: int) -> bool:
    """A headline-like paragraph dropped between body paragraphs: a link to another story
    (when the body is English: :func:`_drop_inline_links` asks).

    Calibrated on the seed articles and hand-made pages: such links are 4-20
    words, end without a period (as headlines do), carry no quotation or
    attribution, do not open with a word that refers back, are written in the
    present tense, and sit between paragraphs at least twice their length.
    """
    if i == 0 or i >= len(paragraphs) - 1:
        return False
    line = paragraphs[i]
    if _is_sentence_end(line) or line.rstrip().endswith((":", ";", ",")):
        # A headline carries no final period; a short paragraph that ends as prose does
        # is a sentence of the article ("Iran denies any role in the attacks."), as are
        # questions (interviews) and lead-ins to lists. Measured on clean article text
        # (benchmarks/plaintext.py): without this test the rule removed 0.57 % of real
        # sentences on the tune split, 206 of its 207 removals ending in a period.
        return False
    words = _words(line)
    if not 4 <= len(words) <= 20 or _has_quote(line) or _ATTRIBUTION.search(line):
        return False
    if words[0].lower().strip(".’'") in _CONTINUATION or _PAST.search(line) or any(c.isdigit() for c in line):
        return False
    need = 2 * len(words)
    return _n_words(paragraphs[i - 1], need) >= need and _n_words(paragraphs[i + 1], need) >= need


def _is_tagline(line: str, outlets: list[str]) -> bool:
    """The outlet describing itself: opens with the outlet's name, quotes nobody, and speaks
    in the present ("X journalists report..."), unlike a closing news sentence that names
    the outlet ("X contacted the ministry, which did not reply")."""
    head = line[:60].lower()
    name = next((name for name in outlets if name and head.startswith(name.lower())), None)
    if name is None:  # first: most closing paragraphs do not open with an outlet's name
        return False
    if _has_quote(line) or _n_words(line, 40) > 40 or _ATTRIBUTION.search(line):
        return False
    # the verb: one of the two words after the name ("X journalists report", "X is")
    return not _PAST.search(" ".join(_words(line[len(name) :])[:2]))


def clean_text(
    text: str, title: str | None = None, outlet: str | None = None, *, scraped: bool = True
) -> CleanText:
    """Headline, body paragraphs and removed lines of a scraped plain-text article.

    ``title`` and ``outlet``, when the source gave them, help recognise the
    headline line and the outlet's masthead and tagline. ``scraped=False``
    skips steps 2 (but for a first line repeating ``title``), 4, 5 and 6, for text
    that an HTML extractor already separated from its title and links (there,
    short paragraphs are mostly subheadings, and a dateline is kept as the
    page shows it).

    1. Split into paragraphs (one non-empty line each).
    2. Leading lines: mastheads (brand-like lines before another headline-like
       line) are removed; the first other line is the headline when it looks
       like one (or equals the given title).
    3. Page furniture anywhere: comment forms (and everything after a comment
       form in the second half), captions with credits, share lines, copyright.
    4. Strip a dateline/outlet tag from the first body paragraph.
    5. Trailing outlet taglines (open with the outlet's name).
    6. Inline links to other stories (headline-like paragraphs inside the body).
    """
    paragraphs = split_paragraphs(text)
    removed: list[tuple[str, str]] = []
    outlets = [o for o in (outlet,) if o]

    start, found_title, masthead_outlet = _leading_lines(paragraphs, title, outlets, scraped, removed)
    body = _drop_furniture(paragraphs[start:], removed)
    outlet_tag = _strip_first_dateline(body, removed) if scraped else None
    if outlet_tag:
        outlets.append(outlet_tag)
    if scraped:
        _drop_taglines(body, outlets, removed)
    if scraped:
        body = _drop_inline_links(body, removed)

    if len(removed) > 1:
        order = {line: n for n, line in enumerate(paragraphs)}
        removed.sort(key=lambda item: order.get(item[0], -1))
    return CleanText(found_title, tuple(body), tuple(removed), outlet_tag or masthead_outlet)


def _glued_brand(line: str) -> str | None:
    """The brand part of a masthead glued to its slogan ("The Daily NewsAll the news" -> "The Daily News")."""
    glued = _GLUED.search(line)
    if not glued:
        return None
    cut = glued.start() + next(k for k, c in enumerate(glued.group()) if c.isupper())
    return line[:cut].strip()


def _named(line: str, outlets: list[str]) -> bool:
    """A short line naming one of ``outlets``."""
    return _n_words(line, 8) <= 8 and any(o.casefold() in line.casefold() for o in outlets)


def _leading_lines(
    paragraphs: list[str], title: str | None, outlets: list[str], scraped: bool, removed: list[tuple[str, str]]
) -> tuple[int, str | None, str | None]:
    """Step 2: mastheads and headline at the top; returns where the body starts, the headline
    and the masthead's outlet, and records removed mastheads in ``removed``.

    An index moves past them: popping the front of a long list of one-word lines, each a
    masthead before the next, would be quadratic.
    """
    found_title: str | None = None
    masthead_outlet: str | None = None
    start = 0
    while start < len(paragraphs):
        first = paragraphs[start]
        if title and _same_headline(first, title):
            found_title = first
            start += 1
            break
        if not scraped:
            break
        nxt = paragraphs[start + 1] if start + 1 < len(paragraphs) else ""
        if (
            not _is_sentence_end(first)
            and _headline_like(nxt)
            and (_named(first, outlets) or _brand_like(first))
        ):
            removed.append((first, "masthead"))
            if masthead_outlet is None:
                masthead_outlet = _glued_brand(first)
            start += 1
            continue
        if title is None and _headline_like(first):
            found_title = first
            start += 1
        break
    return start, found_title, masthead_outlet


def _drop_furniture(paragraphs: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """Step 3: the paragraphs that are not page furniture; a comment form or a related-stories
    block in the second half ends the article."""
    body: list[str] = []
    for i, line in enumerate(paragraphs):
        reason = _page_furniture(line)
        if reason == "comment form" and i >= len(paragraphs) // 2:
            removed.extend((rest, "comment section") if j else (rest, reason) for j, rest in enumerate(paragraphs[i:]))
            break
        if i >= len(paragraphs) // 2 and _related_block(paragraphs, i):
            removed.extend((rest, "related stories block") for rest in paragraphs[i:])
            break
        if reason:
            removed.append((line, reason))
        else:
            body.append(line)
    return body


def _strip_first_dateline(body: list[str], removed: list[tuple[str, str]]) -> str | None:
    """Step 4: cut a dateline tag off the first body paragraph in place; return its outlet."""
    if not body:
        return None
    rest, outlet_tag = strip_dateline(body[0])
    if rest != body[0]:
        removed.append((body[0][: len(body[0]) - len(rest)].strip(), "dateline tag"))
        body[0] = rest
    return outlet_tag


def _drop_taglines(body: list[str], outlets: list[str], removed: list[tuple[str, str]]) -> None:
    """Step 5: pop the outlet's closing taglines off the end of ``body`` (never its only paragraph)."""
    while len(body) > 1 and _is_tagline(body[-1], outlets):
        removed.append((body.pop(), "outlet tagline"))


def _drop_inline_links(body: list[str], removed: list[tuple[str, str]]) -> list[str]:
    """Step 6: the body without inline links to other stories, judged on the body as it stands."""
    links = {i for i in range(len(body)) if _inline_link(body, i)}
    # the tense test reads English only; the language is asked only of a body that has a
    # candidate (most have none), so most articles are classified once, by the extractor
    if not links or not _is_english(body):
        return body
    keep = [i not in links for i in range(len(body))]
    removed.extend((line, "inline link to another story") for line, k in zip(body, keep) if not k)
    return [line for line, k in zip(body, keep) if k]
