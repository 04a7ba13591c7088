"""Renderers escape untrusted article text."""

from __future__ import annotations

import pytest

from storyscope.model import Brief
from storyscope.render import render_html, render_json, render_markdown

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _brief() -> Brief:
    ids = ["a<1>"]
    return Brief.from_dict({
        "story": {"id": "s1", "title": EVIL, "first_published": None, "last_published": None},
        "sources": [{"article_id": "a<1>", "outlet": EVIL, "title": EVIL, "published": None,
                     "url": "javascript:alert(1)"}],
        "facts": [{"text": EVIL, "article_ids": ids, "status": "single-source"}],
        "quotes": [{"speaker": EVIL, "text": EVIL, "article_ids": ids}],
        "entities": [], "timeline": [{"date": "2020-01-01", "text": EVIL, "article_ids": ids}],
        "disagreements": [],
    })


def test_html_escapes_every_piece_of_article_text():
    html = render_html(_brief())
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html  # only http(s) links become anchors


def test_markdown_keeps_text_from_becoming_html():
    md = render_markdown(_brief())
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_json_round_trips():
    import json

    assert json.loads(render_json(_brief()))["facts"][0]["text"] == EVIL


HOSTILE = [
    "[x](javascript:alert(1))", "![img](javascript:alert(1))", "<script>alert(1)</script>",
    "`code` and ``more``", "<javascript:alert(1)>", "&lt;script&gt;", "*em* __strong__ ~~gone~~",
    "[ref]: javascript:alert(1)", "# heading", "1. list", "- list", "a | b", "line\nbreak\r\x1b[2J",
]


def _hostile_brief() -> Brief:
    evil = " ".join(HOSTILE)
    ids = ["id`<script>alert(1)</script>`", "[ref]"]
    return Brief.from_dict({
        "story": {"id": "s1", "title": evil, "first_published": None, "last_published": None},
        "sources": [{"article_id": a, "outlet": evil, "title": evil, "published": None,
                     "url": "javascript:alert(1)"} for a in ids],
        "facts": [{"text": t, "article_ids": ids, "status": "single-source"} for t in HOSTILE],
        "quotes": [{"speaker": evil, "text": evil, "article_ids": ["[x](javascript:alert(1))"]}],
        "entities": [], "timeline": [{"date": "2020-01-01", "text": evil, "article_ids": ids}],
        "disagreements": [],
    })


def test_markdown_renders_untrusted_text_as_text():
    markdown_it = pytest.importorskip("markdown_it")  # CommonMark, as GitHub and most wikis render it
    md = render_markdown(_hostile_brief())
    html = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)
    assert "<script" not in html and "<a " not in html and "<img" not in html
    assert "<em>" not in html and "<strong>" not in html and "<s>" not in html and "<table" not in html
    assert html.count("<h1>") == 1 and "<ol" not in html  # no heading or list opened by the text
    assert html.count("<code>") == 2  # the two ids, each whole in its own code span
    assert "<code>id`&lt;script&gt;alert(1)&lt;/script&gt;`</code>" in html
    assert "\x1b" not in md and "[x](javascript:alert(1))" in html  # shown as written
    # each hostile fact is one list item whose text reads as written
    for text in HOSTILE[:3]:
        assert text.replace("<", "&lt;").replace(">", "&gt;") in html


def test_brief_records_are_frozen_and_read_back_from_their_json(brief_schema):
    import dataclasses
    import json

    import jsonschema

    from storyscope.compare import build_brief
    from storyscope.model import Article, Enrichment, Story

    texts = ["The mayor opened the new bridge over the river on Monday morning.",
             "On Monday the mayor opened a new bridge across the river."]
    items = [(Article(id=f"a{i}", text=t, outlet=f"Outlet {i}", language="en"), Enrichment(f"a{i}"))
             for i, t in enumerate(texts)]
    brief = build_brief(Story("s", "Bridge", ("a0", "a1"), (), None, None), items)
    with pytest.raises(dataclasses.FrozenInstanceError):
        brief.notes = ()
    data = json.loads(render_json(brief))
    jsonschema.validate(data, brief_schema)
    assert "_roots" not in json.dumps(data)
    assert Brief.from_dict(data) == brief
    assert {a for f in brief.facts for a in f.article_ids} == {"a0", "a1"}
    assert brief.sources[1].outlet == "Outlet 1"
