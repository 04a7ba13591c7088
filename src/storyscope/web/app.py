"""The web app: pages and a JSON API over one store (Starlette, served by uvicorn).

Requests read through a connection of their own (SQLite WAL: readers never wait for the
writer); everything that writes goes through the app's one writer thread (briefs.Writer).
Every response carries a Content-Security-Policy that allows no inline script; request bodies
are capped; article text, titles, outlets and URLs reach HTML only through Jinja's escaping.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..config import Config
from ..errors import NotFound, StoreError, StoryscopeError
from ..store import Store
from . import api, pages
from .briefs import Writer
from .data import BadRequest, BriefMemo

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


@dataclass
class WebConfig:
    """What `storyscope serve` was told, besides the store's Config."""

    max_body: int = 1_000_000  # bytes of one request body (POST /api/articles)
    token: str | None = None  # POST /api/articles is refused unless this is set and sent
    brief_wait: float = 1.5  # seconds a page waits for a brief being built before showing progress
    extra: dict = field(default_factory=dict)


class App:
    """The state the routes share: the store's path and config, the writer, templates."""

    def __init__(self, config: Config, web: WebConfig):
        self.config, self.web = config, web
        self.writer = Writer(config)
        self.memo = BriefMemo()  # parsed kept briefs
        self.pages = BriefMemo(64)  # drawn story pages
        folder = Path(str(resources.files("storyscope") / "web" / "templates"))
        self.templates = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                                     trim_blocks=True, lstrip_blocks=True)
        self.templates.filters["url_part"] = pages.url_part

    @contextmanager
    def reader(self):
        """A read connection for one request."""
        store = Store(self.config.db, create=False, busy_timeout=self.config.lock_wait)
        try:
            yield store
        finally:
            store.close()

    def render(self, name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(app: App, request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"status": status, "error": message}, status_code=status)
    return app.render("error.html", status=status, status_code=status, message=message)


def create_app(config: Config, web: WebConfig | None = None) -> Starlette:
    """The ASGI app over the store of ``config`` (which must exist: serve never creates one)."""
    Store(config.db, create=False).close()  # a missing or newer store fails here, and migrations run once
    app = App(config, web or WebConfig())

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(app, request, exc.status_code, exc.detail or "error")

    async def named_error(request: Request, exc: StoryscopeError) -> Response:
        if isinstance(exc, NotFound):  # the message names the store's file: no business of a client's
            return _error(app, request, 404, str(exc).replace(f" in {app.config.db}", ""))
        if isinstance(exc, BadRequest):
            return _error(app, request, 400, str(exc))
        if isinstance(exc, StoreError):
            return _error(app, request, 503, str(exc))
        return _error(app, request, 400, str(exc))

    async def server_error(request: Request, exc: Exception) -> Response:
        return _error(app, request, 500, f"internal error: {type(exc).__name__}")

    @asynccontextmanager
    async def lifespan(_):
        yield
        app.writer.close()

    static = Path(str(resources.files("storyscope") / "web" / "static"))
    routes = [
        *pages.routes(app),
        *api.routes(app),
        Mount("/static", StaticFiles(directory=static), name="static"),
    ]
    star = Starlette(routes=routes, lifespan=lifespan,
                     exception_handlers={HTTPException: http_error, StoryscopeError: named_error,
                                         Exception: server_error})
    star.state.app = app
    return Guard(star, app.web.max_body)


class Guard:
    """ASGI middleware: security headers on every response; bodies over the cap refused (413)."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            body = json.dumps({"status": 413, "error": f"request body over {self.max_body} bytes"}).encode()
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return

        async def secured(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, secured)
