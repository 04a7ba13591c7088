"""The HTML pages: stories, story (brief, coverage matrix, timeline), article, entity."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from ..enrich.pipeline import ENRICH_VERSION
from . import data
from .briefs import Pending, fingerprint
from .highlight import marked_text
from .timeline import timeline_svg

if TYPE_CHECKING:
    from .app import App

MATRIX_FACTS = 30  # columns of the coverage matrix; the rest are listed below it


def url_part(value: object) -> str:
    """One path segment or query value, percent-encoded (ids and names are untrusted)."""
    return quote(str(value), safe="")


def sentence_link(article_id: str, sentence: str | None) -> str:
    """The article page with ``sentence`` highlighted and scrolled to."""
    link = f"/articles/{url_part(article_id)}"
    return f"{link}?{urlencode({'hl': sentence[:1000]})}#hl" if sentence else link


def safe_url(url: str | None) -> str | None:
    """An article's URL if it is a web address (never javascript:, data: ...)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _brief_view(brief: dict) -> dict:
    """The brief with what the template links and draws: labels, sentence links, the matrix."""
    sources = brief.get("sources", [])
    label = {s["article_id"]: s.get("outlet") or s["article_id"] for s in sources}
    number = {s["article_id"]: i for i, s in enumerate(sources, start=1)}

    def cites(ids, sentences=None):
        sentences = sentences or {}
        return [{"n": number.get(a, "?"), "outlet": label.get(a, a), "href": sentence_link(a, sentences.get(a))}
                for a in ids]

    facts = []
    for i, f in enumerate(brief.get("facts", []), start=1):
        said = {}
        for s in f.get("support", []):
            said.setdefault(s["article_id"], s["sentence"])
        facts.append({**f, "n": i, "cites": cites(f["article_ids"], said), "said": said,
                      "wordings": [s for s in f.get("support", []) if s["sentence"] != f["text"]]})
    quotes = []
    for q in brief.get("quotes", []):
        variants = {}
        for v in q.get("variants", []):
            variants.setdefault(v["article_id"], v["text"])
        said = {a: variants.get(a, q["text"]) for a in q["article_ids"]}
        quotes.append({**q, "cites": cites(q["article_ids"], said),
                       "outlets": list(dict.fromkeys(label.get(a, a) for a in q["article_ids"])),
                       "other_wordings": [{**v, "outlet": label.get(v["article_id"], v["article_id"]),
                                           "href": sentence_link(v["article_id"], v["text"])}
                                          for v in q.get("variants", []) if v["text"] != q["text"]]})
    disagreements = [{**d, "positions": [{**p, "cites": cites(p["article_ids"], {a: p["text"] for a in p["article_ids"]})}
                                          for p in d.get("positions", [])]}
                     for d in brief.get("disagreements", [])]
    # coverage matrix: one row per outlet, one column per fact; a cell links to the outlet's sentence
    outlets: dict[str, list[str]] = {}
    for s in sources:
        outlets.setdefault(label[s["article_id"]], []).append(s["article_id"])
    shown = facts[:MATRIX_FACTS]
    matrix = []
    for outlet, ids in outlets.items():
        cells = []
        for f in shown:
            article = next((a for a in ids if a in f["said"]), None) or next(
                (a for a in ids if a in f["article_ids"]), None)
            cells.append({"fact": f["n"], "status": f["status"],
                          "href": sentence_link(article, f["said"].get(article)) if article else None})
        matrix.append({"outlet": outlet, "cells": cells, "count": sum(c["href"] is not None for c in cells)})
    chart, undated = timeline_svg(brief.get("timeline", []))
    return {"brief": brief, "facts": facts, "quotes": quotes, "disagreements": disagreements,
            "summary": [{**s, "cites": cites(s["article_ids"])} for s in brief.get("summary", [])],
            "matrix": matrix, "matrix_facts": shown, "chart": chart, "undated": undated,
            "sources": [{**s, "n": number[s["article_id"]], "web": safe_url(s.get("url"))} for s in sources]}


def routes(app: App) -> list[Route]:
    def stories(request: Request):
        args = dict(request.query_params)
        with app.reader() as store:
            listing = data.story_list(store, args)
        keep = {k: listing[k] for k in ("q", "outlet", "entity", "since", "until") if listing[k]}
        pager = {n: "/?" + urlencode({**keep, "page": n}) for n in (listing["page"] - 1, listing["page"] + 1)
                 if 1 <= n <= listing["pages"]}
        return app.render("stories.html", listing=listing, pager=pager, prev=listing["page"] - 1,
                          next=listing["page"] + 1)

    def story(request: Request):
        story_id = request.path_params["story_id"]
        with app.reader() as store:
            kept = store.merged_into(story_id)
            if kept is not None:  # a story merged into another lives on there
                return RedirectResponse(f"/stories/{url_part(kept)}", status_code=301)
            # a kept brief's page is drawn once: the same articles, brief and links give the same page
            links = store.story_links(story_id)
            key = (story_id, fingerprint(store.story_article_ids(story_id)), repr(links))
            if (html := app.pages.get(key)) is not None:
                return HTMLResponse(html)
            detail = data.story_detail(store, story_id)
            brief = data.brief(store, app.writer, app.memo, story_id, app.web.brief_wait)
            if detail["related"]:
                found, _ = store.story_page(story_ids=[r["id"] for r in detail["related"]], limit=data.MAX_PAGE_SIZE)
                titles = {r.id: r.title for r in found}
                for r in detail["related"]:
                    r["title"] = titles.get(r["id"], r["id"])
        if isinstance(brief, Pending):
            return app.render("progress.html", status=202 if brief.error is None else 500, detail=detail,
                              job=brief)
        html = app.templates.get_template("story.html").render(detail=detail, **_brief_view(brief))
        app.pages.put(key, html)
        return HTMLResponse(html)

    def article(request: Request):
        article_id = request.path_params["article_id"]
        hl = request.query_params.get("hl")
        with app.reader() as store:
            detail = data.article_detail(store, article_id)
            enrichment = store.get_enrichment(article_id, ENRICH_VERSION)
        text, found = marked_text(detail["text"], enrichment, hl)
        return app.render("article.html", a=detail, text=text, hl=hl, hl_found=found, web=safe_url(detail["url"]))

    def entity(request: Request):
        name = request.path_params["name"]
        with app.reader() as store:
            found = data.entity_detail(store, name)
        return app.render("entity.html", e=found)

    return [
        Route("/", stories, name="stories"),
        Route("/stories/{story_id}", story, name="story"),
        Route("/articles/{article_id:path}", article, name="article"),
        Route("/entities/{name:path}", entity, name="entity"),
    ]
