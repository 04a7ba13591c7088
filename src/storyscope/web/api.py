"""The JSON API: the data of every page, the brief in the schema of ``brief --format json``,
search, an OpenAPI document, and ingest over HTTP (off unless a token is configured)."""

from __future__ import annotations

import asyncio
import hmac
import os
import tempfile
from dataclasses import replace
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import StoreLocked
from . import data
from .briefs import Pending
from .openapi import openapi_document

if TYPE_CHECKING:
    from .app import App

INGEST_LOCK_WAIT = 10.0  # seconds an HTTP ingest waits for another writer before answering 503


def _json(body: dict, status: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _fail(status: int, message: str) -> JSONResponse:
    return _json({"status": status, "error": message}, status)


def routes(app: App) -> list[Route]:
    def stories(request: Request):
        with app.reader() as store:
            return _json(data.story_list(store, dict(request.query_params)))

    def story(request: Request):
        with app.reader() as store:
            return _json(data.story_detail(store, request.path_params["story_id"]))

    def brief(request: Request):
        story_id = request.path_params["story_id"]
        with app.reader() as store:
            found = data.brief(store, app.writer, app.memo, story_id, app.web.brief_wait, text=True)
        if isinstance(found, Pending):
            if found.error is not None:
                return _fail(500, f"building the brief failed: {found.error}")
            # 202: not ready yet; poll again (the body says how far the build got)
            return _json(found.as_json(), 202, {"Retry-After": "2"})
        # the kept JSON as it was written: no parse and dump per request
        return Response(found.encode(), media_type="application/json")

    def article(request: Request):
        with app.reader() as store:
            return _json(data.article_detail(store, request.path_params["article_id"]))

    def entity(request: Request):
        name = request.path_params["name"]
        with app.reader() as store:
            found = data.entity_detail(store, name)
        return _json(found)

    def search(request: Request):
        with app.reader() as store:
            return _json(data.search(store, dict(request.query_params)))

    def openapi(request: Request):
        return _json(openapi_document())

    async def ingest(request: Request):
        token = app.web.token
        if not token:
            return _fail(403, "ingest over HTTP is off: start `storyscope serve` with a token to allow it")
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return _fail(401, "a valid 'Authorization: Bearer TOKEN' header is required")
        body = bytearray()
        async for chunk in request.stream():  # a chunked body has no Content-Length to check first
            body += chunk
            if len(body) > app.web.max_body:
                return _fail(413, f"request body over {app.web.max_body} bytes")
        if not body.strip():
            return _fail(400, "no records: send JSONL, one article record per line")
        future = app.writer.submit(_ingest, app, bytes(body))
        try:
            statuses = await asyncio.wrap_future(future)
        except StoreLocked as exc:
            return _fail(503, str(exc))
        stored = sum(s["status"] == "stored" for s in statuses)
        return _json({"stored": stored, "items": statuses}, 200 if stored or not statuses else 422)

    return [
        Route("/api/stories", stories, name="api_stories"),
        Route("/api/stories/{story_id}", story, name="api_story"),
        Route("/api/stories/{story_id}/brief", brief, name="api_brief"),
        Route("/api/articles", ingest, methods=["POST"], name="api_ingest"),
        Route("/api/articles/{article_id:path}", article, name="api_article"),
        Route("/api/entities/{name:path}", entity, name="api_entity"),
        Route("/api/search", search, name="api_search"),
        Route("/api/openapi.json", openapi, name="api_openapi"),
        Route("/openapi.json", openapi, name="openapi"),
    ]


def _ingest(app: App, body: bytes) -> list[dict]:
    """On the writer thread: the JSONL body through the ingest runner, as `ingest FILE.jsonl` would."""
    from ..run.ingest import ingest_raw, read_inputs

    config = replace(app.config, lock_wait=min(app.config.lock_wait, INGEST_LOCK_WAIT))
    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix="storyscope-http-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        store = app.writer.store()
        out = []
        for s in ingest_raw(store, read_inputs([path], config), config):
            line = s.item.rpartition(":")[2] if s.item.startswith(path) else s.item
            out.append({"line": int(line) if line.isdigit() else None, "status": s.status, "reason": s.reason,
                        "article_id": s.article_id})
        return out
    finally:
        os.unlink(path)
