"""The brief as Markdown, for a terminal or a wiki."""

from __future__ import annotations

from ..model import Brief
from .sections import cite, sections, source_labels, story_line


def _md(text: str) -> str:
    # Article text is untrusted: keep it from opening Markdown/HTML constructs.
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def render_markdown(brief: Brief) -> str:
    d = brief.data
    story = d["story"]
    labels = source_labels(brief)
    out = [f"# {_md(story['title'])}", "", _md(story_line(brief))]
    out += ["", "## Sources", ""]
    for s in d["sources"]:
        meta = ", ".join(x for x in (s["outlet"], s["published"], s["url"]) if x)
        out.append(f"- {labels[s['article_id']]} {_md(s['title'] or s['article_id'])}" + (f" ({_md(meta)})" if meta else "")
                   + f" `{s['article_id']}`")
    for heading, lines in sections(brief):
        if not lines:
            continue
        out += ["", f"## {heading}", ""]
        for text, ids, sub in lines:
            out.append(f"- {_md(text)} {cite(ids, labels)}".rstrip())
            out += [f"  - {_md(t)} {cite(i, labels)}".rstrip() for t, i in sub]
    return "\n".join(out) + "\n"
