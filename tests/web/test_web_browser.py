"""The web app in a real browser (Debian's chromium under Playwright), served on 127.0.0.1 over
the bundled samples: search, a story's brief, a fact through to its highlighted sentence; and a
hostile article that must not run anything. Screenshots go to artifacts/web/."""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from storyscope.config import build_config
from storyscope.web import WebConfig, create_app

from webutil import HOSTILE, Served

BRIEF_TIMEOUT_MS = 240_000  # a brief's first build runs the NLP stage on a busy 2-core machine


@pytest.fixture(scope="module")
def site(web_db):
    app = create_app(build_config(db=str(web_db)), WebConfig(brief_wait=0.5))
    with Served(app) as served:
        yield served


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_search_story_quote_and_fact_to_sentence(site, page, screenshot):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # 1. the stories page lists every story
    page.goto(site.url + "/")
    assert page.locator(".story-row").count() == 4  # three sample stories and the hostile one

    # 2. search "Basra": the consulate story alone
    page.fill("header input[name=q]", "Basra")
    page.click("header button[type=submit]")
    page.wait_for_url(re.compile(r".*/\?q=Basra$"))
    rows = page.locator(".story-row")
    assert rows.count() == 1
    assert "Basra" in rows.first.locator("a.story-title").inner_text()
    screenshot(page, "1-search-basra")

    # 3. open the story; a brief that needs enriching first shows progress and reloads itself
    rows.first.locator("a.story-title").click()
    page.wait_for_selector("#quotes", timeout=BRIEF_TIMEOUT_MS)
    assert page.locator("#coverage-matrix table.matrix tbody tr").count() == 2  # one row per outlet

    # 4. the Pompeo quote both outlets carry names both
    pompeo = page.locator("li.quote").filter(has=page.locator(".speaker", has_text="Pompeo")).filter(
        has_text="relocation of diplomatic personnel")
    assert pompeo.count() == 1
    carried = pompeo.locator(".carried").inner_text()
    assert "RFE/RL" in carried and "The Washington Post" in carried
    screenshot(page, "2-story-brief")

    # 5. a fact through to its article, the sentence highlighted and scrolled to
    fact = page.locator("section.corroborated a.fact-link").first
    wanted = parse_qs(urlsplit(fact.get_attribute("href")).query)["hl"][0]
    fact.click()
    page.wait_for_url(re.compile(r".*/articles/.*#hl$"))
    mark = page.locator("article#text mark#hl")
    assert mark.count() == 1
    assert _norm(mark.inner_text()) == _norm(wanted)
    expect(mark).to_be_in_viewport()  # the #hl fragment scrolled to it
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    screenshot(page, "3-article-highlight")
    assert dialogs == []


def test_hostile_article_runs_nothing(site, page, screenshot):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    story_id = _get_json(site.url + "/api/articles/hostile-1")["story_id"]

    hostile_hl = "/articles/hostile-1?" + urlencode({"hl": "<script>alert('text')</script>"}) + "#hl"
    for path in ("/", "/?q=Marlow", f"/stories/{story_id}", "/articles/hostile-1", hostile_hl,
                 "/?" + urlencode({"q": "<script>alert('q')</script>", "outlet": HOSTILE["outlet"]})):
        page.goto(site.url + path)
        if path.startswith("/stories/"):
            # the brief (built once the article is enriched) shows the title and outlet as text
            page.wait_for_selector("#sources", timeout=BRIEF_TIMEOUT_MS)
            assert HOSTILE["outlet"] in page.locator("#sources").inner_text()
            screenshot(page, "4-hostile-story")
        if path.startswith("/articles/"):
            # the markup shows as the text it is, in title, outlet and body; the URL is no link
            assert HOSTILE["title"][:40] in page.locator("#article-title").inner_text()
            assert page.locator("#outlet").inner_text() == HOSTILE["outlet"]
            body = page.locator("#text").inner_text()
            assert "<script>alert('text')</script>" in body and "<iframe" in body
            assert "javascript:alert('url')" in page.locator("dl.meta").inner_text()
            if "hl=" in path:
                assert page.locator("mark#hl").inner_text() == "<script>alert('text')</script>"
            page.locator("#text").click()  # where the hostile "click here" would be
            page.locator("#text").hover()
            screenshot(page, "5-hostile-article")
        # the page is intact: one header, one main, its heading visible; nothing injected
        assert page.locator("header.top").count() == 1 and page.locator("main").is_visible()
        assert page.locator("main h1").count() == 1
        assert page.locator("script, iframe, img, object, embed, style, [onerror], [onload], [onclick], "
                            "[onmouseover]").count() == 0
        assert page.locator("a[href^='javascript' i]").count() == 0
        assert page.locator("main svg:not(.timeline)").count() == 0
    assert dialogs == []
