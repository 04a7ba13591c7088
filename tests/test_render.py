"""Renderers escape untrusted article text."""

from __future__ import annotations

from storyscope.model import Brief
from storyscope.render import render_html, render_json, render_markdown

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _brief() -> Brief:
    ids = ["a<1>"]
    return Brief({
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
