"""The JSON API and the pages' HTTP behaviour, through Starlette's TestClient over a copy of the
samples store (no browser): listing, filters, pages, search, briefs, errors, ingest, headers."""

from __future__ import annotations

import json
import sqlite3
import time

import jsonschema
import pytest
from starlette.testclient import TestClient

from storyscope.config import build_config
from storyscope.render import render_json
from storyscope.run.stories import story_brief
from storyscope.store import Store
from storyscope.web import WebConfig, create_app
from storyscope.web.openapi import openapi_document

from webutil import HOSTILE, copy_store

TOKEN = "test-token-123"


@pytest.fixture(scope="module")
def db(web_db, tmp_path_factory):
    """A copy of the web store with no enrichment and no kept brief: every brief starts from scratch."""
    path = copy_store_file(web_db, tmp_path_factory.mktemp("api") / "api.db")
    con = sqlite3.connect(path)
    with con:
        con.execute("DELETE FROM enrichments")
        con.execute("DELETE FROM brief_cache")
    con.close()
    return path


def copy_store_file(src, dest):
    with Store(src) as store:
        return copy_store(store, dest)


@pytest.fixture(scope="module")
def client(db):
    app = create_app(build_config(db=str(db)), WebConfig(token=TOKEN, max_body=5_000, brief_wait=0))
    with TestClient(app) as c:
        yield c


def _basra_id(client) -> str:
    stories = client.get("/api/search", params={"q": "Basra consulate"}).json()["hits"]
    return stories[0]["story_id"]


def test_stories_newest_first_with_counts(client):
    body = client.get("/api/stories").json()
    assert body["total"] == 4 and body["pages"] == 1
    lasts = [s["last_published"] or "" for s in body["stories"] if s["last_published"]]
    assert lasts == sorted(lasts, reverse=True)
    basra = next(s for s in body["stories"] if "Basra" in s["title"])
    assert basra["articles"] == 2 and basra["independent_sources"] == 2
    assert set(basra["outlets"]) == {"RFE/RL", "The Washington Post"}
    assert (basra["first_published"], basra["last_published"]) == ("2018-09-28", "2018-09-29")


def test_filters_and_pages(client):
    assert [s["outlets"] for s in client.get("/api/stories", params={"outlet": "RFE/RL"}).json()["stories"]] == [
        ["RFE/RL", "The Washington Post"]]
    in_2013 = client.get("/api/stories", params={"since": "2013-01-01", "until": "2013-12-31"}).json()
    assert [s["first_published"] for s in in_2013["stories"]] == ["2013-07-02"]
    pages = [client.get("/api/stories", params={"per_page": 1, "page": n}).json() for n in (1, 2, 3, 4)]
    assert all(p["pages"] == 4 and len(p["stories"]) == 1 for p in pages)
    assert len({p["stories"][0]["id"] for p in pages}) == 4
    assert client.get("/api/stories", params={"page": 0}).status_code == 400
    bad = client.get("/api/stories", params={"since": "last week"})
    assert bad.status_code == 400 and bad.json()["status"] == 400 and "since" in bad.json()["error"]


def test_search_finds_articles_and_quotes_by_word(client):
    hits = client.get("/api/search", params={"q": "Basra"}).json()
    assert hits["total"] >= 2
    assert {h["story_id"] for h in hits["hits"]} == {_basra_id(client)}
    # porter stemming: "flooding" finds the hostile article's "flooded"
    flood = client.get("/api/search", params={"q": "flooding Marlow"}).json()["hits"]
    assert [h["article_id"] for h in flood] == ["hostile-1"]
    # FTS5 syntax in the query is words, not operators
    assert client.get("/api/search", params={"q": 'Basra" OR NEAR(x'}).status_code == 200
    assert client.get("/api/search", params={"q": "zzzunknownword"}).json()["total"] == 0


def test_unknown_ids_are_json_404(client):
    for path in ("/api/stories/nope", "/api/stories/nope/brief", "/api/articles/nope", "/api/entities/nope",
                 "/api/no-such-route"):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/json"), path
        assert r.json()["status"] == 404, path
    page = client.get("/stories/nope")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_brief_shows_progress_then_equals_the_cli_brief(client, db, brief_schema):
    story_id = _basra_id(client)
    first = client.get(f"/api/stories/{story_id}/brief")
    assert first.status_code == 202, "the articles were not enriched: the brief cannot be ready at once"
    assert first.json()["status"] == "pending" and first.json()["articles"] == 2
    assert first.headers["retry-after"] == "2"
    html = client.get(f"/stories/{story_id}")
    assert html.status_code == 202 and 'id="progress"' in html.text and 'http-equiv="refresh"' in html.text
    for _ in range(600):
        r = client.get(f"/api/stories/{story_id}/brief")
        if r.status_code != 202:
            break
        time.sleep(0.5)
    assert r.status_code == 200
    jsonschema.validate(r.json(), brief_schema)
    # the same brief `storyscope brief --format json` prints (its articles are enriched now)
    config = build_config(db=str(db))
    with Store(db, create=False) as store:
        assert r.json() == json.loads(render_json(story_brief(store, config, story_id)))
        kept = store.get_brief(story_id)
    assert kept is not None
    # its facts are searchable now
    fact = r.json()["facts"][0]["text"]
    words = " ".join(fact.split()[:6])
    kinds = {h["kind"] for h in client.get("/api/search", params={"q": words, "per_page": 100}).json()["hits"]}
    assert "fact" in kinds
    page = client.get(f"/stories/{story_id}")
    assert page.status_code == 200 and 'id="coverage-matrix"' in page.text and "<svg" in page.text


def test_article_page_escapes_and_entities(client):
    a = client.get("/api/articles/hostile-1").json()
    assert a["outlet"] == HOSTILE["outlet"] and a["story_id"]
    page = client.get("/articles/hostile-1").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    # (after the brief test enriched the Basra articles) an entity's stories and other names
    pompeo = client.get("/api/entities/Mike Pompeo").json()
    assert pompeo["type"] == "PERSON" and "Pompeo" in pompeo["aliases"]
    assert [s["id"] for s in pompeo["stories"]] == [_basra_id(client)]
    assert client.get("/api/stories", params={"entity": "Mike Pompeo"}).json()["total"] == 1
    assert "Stories, over time" in client.get("/entities/Mike%20Pompeo").text


def test_openapi_names_every_api_route(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.") and doc == openapi_document()
    routes = {r.path.replace(":path", "") for r in client.app.app.routes if getattr(r, "path", "").startswith("/api/")}
    assert routes == set(doc["paths"])


def test_ingest_needs_a_token_and_caps_the_body(client, db):
    record = {"id": "http-1", "title": "Dam bursts near Marlow", "outlet": "Local Paper", "published": "2024-03-06",
              "text": "A dam burst near the town of Marlow on Wednesday, flooding farms downstream. " * 3}
    line = json.dumps(record) + "\n"
    assert client.post("/api/articles", content=line).status_code == 401
    wrong = client.post("/api/articles", content=line, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["status"] == 401
    big = client.post("/api/articles", content=b"x" * 6_000, headers={"Authorization": f"Bearer {TOKEN}"})
    assert big.status_code == 413 and big.json()["status"] == 413
    ok = client.post("/api/articles", content=line + "not json\n", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert [(i["line"], i["status"]) for i in ok.json()["items"]] == [(1, "stored"), (2, "rejected")]
    assert client.get("/api/articles/http-1").json()["story_id"]
    assert [h["article_id"] for h in client.get("/api/search", params={"q": "dam burst"}).json()["hits"]] == ["http-1"]


def test_ingest_is_off_without_a_token(db):
    with TestClient(create_app(build_config(db=str(db)))) as c:
        r = c.post("/api/articles", content=b'{"id": "x", "text": "y"}\n')
    assert r.status_code == 403 and "off" in r.json()["error"]


def test_security_headers_on_every_response(client):
    for path in ("/", "/api/stories", "/static/style.css", "/nope"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp, path
        assert h["x-content-type-options"] == "nosniff"
