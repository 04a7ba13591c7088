"""The OpenAPI 3.1 document of the JSON API (a test checks it names every API route)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from .. import __version__


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_PAGE = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}},
]


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


@cache
def openapi_document() -> dict:
    brief_schema = json.loads((resources.files("storyscope") / "schema" / "brief.schema.json").read_text())
    brief_schema.pop("$schema", None)
    brief_schema.pop("$id", None)
    row = {"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "articles": {"type": "integer"},
        "independent_sources": {"type": "integer"}, "outlets": {"type": "array", "items": {"type": "string"}},
        "first_published": {"type": ["string", "null"]}, "last_published": {"type": ["string", "null"]}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "storyscope", "version": __version__,
                 "description": "Stories (news articles about the same event), their cross-source briefs, "
                                "articles and full-text search, read from one storyscope store."},
        "paths": {
            "/api/stories": {"get": {
                "summary": "stories, newest and biggest first, filtered and paged",
                "parameters": [
                    {"name": "q", "in": "query", "description": "words that an article, quote or fact must hold",
                     "schema": {"type": "string"}},
                    {"name": "outlet", "in": "query", "schema": {"type": "string"}},
                    {"name": "entity", "in": "query", "description": "canonical entity name",
                     "schema": {"type": "string"}},
                    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}}, *_PAGE],
                "responses": {"200": _ok("one page of stories", {"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                    "stories": {"type": "array", "items": {"$ref": "#/components/schemas/StoryRow"}}}}),
                    "400": _error("a bad parameter")}}},
            "/api/stories/{story_id}": {"get": {
                "summary": "one story: its line in the list, its articles, related stories and why",
                "parameters": [_path("story_id", "story id")],
                "responses": {"200": _ok("the story", {"$ref": "#/components/schemas/StoryRow"}),
                              "404": _error("no such story")}}},
            "/api/stories/{story_id}/brief": {"get": {
                "summary": "the cross-source brief (the schema of `storyscope brief --format json`)",
                "parameters": [_path("story_id", "story id")],
                "responses": {"200": _ok("the brief", {"$ref": "#/components/schemas/Brief"}),
                              "202": _ok("being built (the articles are being enriched); poll again",
                                         {"$ref": "#/components/schemas/Progress"}),
                              "404": _error("no such story"), "500": _error("building the brief failed")}}},
            "/api/articles": {"post": {
                "summary": "ingest articles: JSONL, one record per line (id, text or html, title, url, outlet, "
                           "published, author), as `storyscope ingest FILE.jsonl`; off unless the server has a token",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "responses": {"200": _ok("what happened to each record", {"type": "object"}),
                              "401": _error("no or wrong token"), "403": _error("ingest over HTTP is off"),
                              "413": _error("request body too large"), "422": _error("every record was rejected"),
                              "503": _error("another writer holds the store")}}},
            "/api/articles/{article_id}": {"get": {
                "summary": "one article: text, metadata, story, entities, quotes and dates",
                "parameters": [_path("article_id", "article id")],
                "responses": {"200": _ok("the article", {"type": "object"}), "404": _error("no such article")}}},
            "/api/entities/{name}": {"get": {
                "summary": "the stories an entity appears in, over time, and its other names",
                "parameters": [_path("name", "canonical entity name")],
                "responses": {"200": _ok("the entity", {"type": "object"}), "404": _error("no such entity")}}},
            "/api/search": {"get": {
                "summary": "full-text search over articles, quotes and brief facts (every word must occur)",
                "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}, *_PAGE],
                "responses": {"200": _ok("hits, best first", {"type": "object"}), "400": _error("a bad parameter")}}},
            "/api/openapi.json": {"get": {"summary": "this document",
                                          "responses": {"200": _ok("OpenAPI 3.1", {"type": "object"})}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["status", "error"],
                          "properties": {"status": {"type": "integer"}, "error": {"type": "string"}}},
                "StoryRow": row,
                "Progress": {"type": "object", "properties": {
                    "status": {"const": "pending"}, "stage": {"type": "string"},
                    "enriched": {"type": "integer"}, "articles": {"type": "integer"}}},
                "Brief": brief_schema,
            },
        },
    }
