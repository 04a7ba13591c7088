"""The brief as one self-contained HTML page (no scripts, no external resources)."""

from __future__ import annotations

from html import escape

from ..model import Brief
from .sections import cite, sections, source_labels, story_line

_CSS = """
body{font:16px/1.5 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em;line-height:1.2}h2{font-size:1.15em;border-bottom:1px solid #ddd;margin-top:1.6em}
li{margin:.3em 0}.cite{color:#555;font-size:.85em;font-family:sans-serif}.meta{color:#555}
code{font-size:.85em}
"""


def render_html(brief: Brief) -> str:
    story = brief.story
    labels = source_labels(brief)
    e = escape  # every piece of article text goes through this
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(story.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(story.title)}</h1>",
        f'<p class="meta">{e(story_line(brief))}</p>',
        "<h2>Sources</h2><ol>",
    ]
    for s in brief.sources:
        title = e(s.title or s.article_id)
        if s.url and s.url.startswith(("http://", "https://")):
            title = f'<a href="{e(s.url, quote=True)}" rel="noopener noreferrer">{title}</a>'
        meta = ", ".join(e(x) for x in (s.outlet, s.published) if x)
        parts.append(f"<li>{title} <span class=\"cite\">{meta} <code>{e(s.article_id)}</code></span></li>")
    parts.append("</ol>")
    for heading, lines in sections(brief):
        if not lines:
            continue
        parts.append(f"<h2>{e(heading)}</h2><ul>")
        for text, ids, sub in lines:
            inner = "".join(f'<li>{e(t)} <span class="cite">{e(cite(i, labels))}</span></li>' for t, i in sub)
            parts.append(f'<li>{e(text)} <span class="cite">{e(cite(ids, labels))}</span>'
                         + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
