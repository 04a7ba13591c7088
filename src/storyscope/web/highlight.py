"""An article's text as escaped HTML with its entities, quotes and dates marked, and one
sentence (the one a fact or quote links to) highlighted.

Every piece of article text goes through ``escape``; only the tags written here are markup.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from markupsafe import Markup

from ..model import Enrichment

_WS = re.compile(r"\s+")


def find_sentence(text: str, wanted: str | None) -> tuple[int, int] | None:
    """Where ``wanted`` (a fact's sentence, a quote's words) is in ``text``: exactly, or with
    any run of white space standing for any other (extraction and briefs may re-space)."""
    if not wanted or not wanted.strip():
        return None
    at = text.find(wanted)
    if at >= 0:
        return at, at + len(wanted)
    words = wanted.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words[:200])
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def _spans(enrichment: Enrichment | None) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, entity name or '') of what to mark."""
    if enrichment is None:
        return []
    out = [(e.start, e.end, "ent", e.canonical) for e in enrichment.entities]
    out += [(q.start, q.end, "quote", "") for q in enrichment.quotes]
    out += [(d.start, d.end, "date", "") for d in enrichment.dates]
    return [s for s in out if 0 <= s[0] < s[1]]


def _render(text: str, base: int, spans: list[tuple[int, int, str, str]]) -> str:
    """``text`` (which starts at offset ``base`` of the article) with the spans that meet it marked."""
    end = base + len(text)
    cuts = {base, end}
    for s, e, _, _ in spans:
        if s < end and e > base:
            cuts.update((max(s, base), min(e, end)))
    points = sorted(cuts)
    parts = []
    for a, b in zip(points, points[1:]):
        piece = escape(text[a - base:b - base])
        active = [(kind, name) for s, e, kind, name in spans if s <= a and e >= b]
        if not active:
            parts.append(piece)
            continue
        classes = " ".join(sorted({kind for kind, _ in active}))
        name = next((n for k, n in active if k == "ent" and n), None)
        if name:
            href = "/entities/" + quote(name, safe="")
            parts.append(f'<a class="{classes}" href="{escape(href)}" title="{escape(name)}">{piece}</a>')
        else:
            parts.append(f'<span class="{classes}">{piece}</span>')
    return "".join(parts)


def marked_text(text: str, enrichment: Enrichment | None, highlight: str | None = None) -> tuple[Markup, bool]:
    """(the article's text as HTML, whether ``highlight`` was found and marked)."""
    spans = _spans(enrichment)
    where = find_sentence(text, highlight)
    if where is None:
        return Markup(_render(text, 0, spans)), False
    s, e = where
    html = (_render(text[:s], 0, spans) + '<mark id="hl" class="hl">' + _render(text[s:e], s, spans) + "</mark>"
            + _render(text[e:], e, spans))
    return Markup(html), True
