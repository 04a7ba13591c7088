"""A brief's timeline drawn as an SVG chart on the server (no script, works offline).

Each dated event is a dot on a time axis, one row per event, its words beside it and a link to
the article sentence that dates it. Values the chart cannot place (PAST_REF, durations) are
listed under it instead.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import escape
from urllib.parse import quote

from markupsafe import Markup

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
WIDTH, ROW, LEFT, AXIS = 760, 24, 20, 30


def to_date(value: str) -> date | None:
    """The first day of a TimeML value (2018-09-28, 2018-09, 2018-W39, 2018), else None."""
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.match(value):
            return date(int(m[1]), int(m[2]), 1)
        if m := _WEEK.match(value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1)
    except ValueError:
        return None
    return None


def _link(item: dict) -> str | None:
    support = item.get("support") or []
    if support and support[0].get("article_id"):
        s = support[0]
        return f"/articles/{quote(s['article_id'], safe='')}?hl={quote(s.get('sentence') or '', safe='')}#hl"
    ids = item.get("article_ids") or []
    return f"/articles/{quote(ids[0], safe='')}" if ids else None


def timeline_svg(timeline: list[dict], limit: int = 40) -> tuple[Markup, list[dict]]:
    """(the SVG chart, the events it could not place on the axis)."""
    placed, unplaced = [], []
    for item in timeline:
        d = to_date(str(item.get("date", "")))
        (placed if d else unplaced).append((d, item))
    placed = sorted(placed, key=lambda p: p[0])[:limit]
    if not placed:
        return Markup(""), [i for _, i in unplaced]
    lo, hi = placed[0][0], placed[-1][0]
    span = max((hi - lo).days, 1)
    plot = WIDTH * 0.45  # the left part is the axis; the words go to the right of it
    height = AXIS + ROW * len(placed) + 10
    out = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" role="img" aria-label="timeline of the story">',
           f'<line x1="{LEFT}" y1="{AXIS - 8}" x2="{LEFT + plot}" y2="{AXIS - 8}" stroke="#888"/>']
    ticks = {lo, hi} | ({lo + timedelta(days=span // 2)} if span > 2 else set())
    for t in sorted(ticks):
        x = LEFT + plot * (t - lo).days / span
        anchor = "start" if t == lo else "end" if t == hi else "middle"  # the ends stay inside the chart
        out.append(f'<text x="{x:.1f}" y="{AXIS - 14}" font-size="10" text-anchor="{anchor}" fill="#555">'
                   f"{escape(t.isoformat())}</text>")
    for row, (d, item) in enumerate(placed):
        x = LEFT + plot * (d - lo).days / span
        y = AXIS + row * ROW + ROW / 2
        words = str(item.get("text", ""))
        label = escape(f"{item.get('date')}: {words[:55]}" + ("\u2026" if len(words) > 55 else ""))
        dot = (f'<line x1="{x:.1f}" y1="{AXIS - 8}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
               f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#b03a2e"><title>{escape(words)}</title></circle>'
               f'<text x="{LEFT + plot + 12}" y="{y + 4:.1f}" font-size="12" fill="#222">{label}</text>')
        href = _link(item)
        out.append(f'<a href="{escape(href)}">{dot}</a>' if href else dot)
    out.append("</svg>")
    return Markup("".join(out)), [i for _, i in unplaced]
