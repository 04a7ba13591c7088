"""The brief as Markdown, for a terminal or a wiki."""

from __future__ import annotations

import re

from ..model import Brief
from .sections import cite, sections, source_labels, story_line

# Article text, titles, outlets, URLs and ids are untrusted. Every character that
# can open a Markdown construct (emphasis, links and images, reference definitions,
# code spans, autolinks, raw HTML, entities, tables, strikethrough) is escaped, so
# the text renders as the text it is: "[x](javascript:...)" shows as written and is
# no link, "<script>" is no HTML. A backslash before ASCII punctuation is how
# CommonMark (and GitHub's Markdown) escapes it; HTML characters go as entities.
_PUNCT = re.compile(r"([\\`*_\[\]{}()#+!|~])")
_LIST_START = re.compile(r"^(\s*)(-|\d+\.)")  # "- x", "1. x" would open a list ("1)": ")" is escaped)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _md(text: str) -> str:
    text = _CONTROL.sub("", text).replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCT.sub(r"\\\1", text)
    return _LIST_START.sub(lambda m: m.group(1) + (r"\-" if m.group(2) == "-" else m.group(2)[:-1] + r"\."), text)


def _code(text: str) -> str:
    """An inline code span that holds ``text`` whatever backticks it has (CommonMark rule:
    fences longer than any backtick run inside, padded with a space)."""
    text = _CONTROL.sub("", text).replace("\r", " ").replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def render_markdown(brief: Brief) -> str:
    d = brief.data
    story = d["story"]
    labels = source_labels(brief)
    out = [f"# {_md(story['title'])}", "", _md(story_line(brief))]
    out += ["", "## Sources", ""]
    for s in d["sources"]:
        meta = ", ".join(x for x in (s["outlet"], s["published"], s["url"]) if x)
        out.append(f"- {_md(labels[s['article_id']])} {_md(s['title'] or s['article_id'])}"
                   + (f" ({_md(meta)})" if meta else "") + f" {_code(s['article_id'])}")
    for heading, lines in sections(brief):
        if not lines:
            continue
        out += ["", f"## {heading}", ""]
        for text, ids, sub in lines:
            out.append(f"- {_md(text)} {_md(cite(ids, labels))}".rstrip())
            out += [f"  - {_md(t)} {_md(cite(i, labels))}".rstrip() for t, i in sub]
    return "\n".join(out) + "\n"
