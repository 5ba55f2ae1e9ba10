"""The FastAPI application: server-rendered pages and their JSON twins.

URL scheme: every page ``/X`` has its JSON twin at ``/api/X`` (the home page ``/``
at ``/api``). Pages are plain HTML + CSS (no JavaScript at all; the CSP forbids it).
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdesk.web import queries
from newsdesk.web.db import ReadOnlyDB
from newsdesk.web.queries import MAX_LIMIT, MAX_OFFSET, BadQuery, NotFound
from newsdesk.web.render import article_spans, highlight, marked, timeline_svg, url_part

HERE = Path(__file__).parent

# No scripts, no frames, no third-party anything: the pages need only our CSS.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
    " base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response
    (cheaper than ``BaseHTTPMiddleware``, which matters for API throughput)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ResponseCache:
    """Pure ASGI middleware: an LRU cache of successful GET responses.

    The key is the path and query string plus the database's version, read from the
    size and modification time of the database file and its WAL (a commit by the
    ingest changes the WAL; a checkpoint changes the file), so an answer is never
    served from before the latest commit. Analysts repeat searches and reload pages;
    a hit skips routing, SQL and templates.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], db_path: Path, size: int) -> None:
        self.app = app
        self.files = [db_path, Path(str(db_path) + "-wal")]
        self.size = size
        self.entries: OrderedDict[tuple, tuple[dict, list[bytes]]] = OrderedDict()

    def version(self) -> tuple:
        out = []
        for f in self.files:
            try:
                st = f.stat()
                out.append((st.st_size, st.st_mtime_ns))
            except OSError:
                out.append(None)
        return tuple(out)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or self.size <= 0:
            await self.app(scope, receive, send)
            return
        key = (scope.get("raw_path") or scope["path"].encode(), scope["query_string"])
        version = self.version()
        hit = self.entries.get(key)
        if hit is not None and hit[0]["version"] == version:
            self.entries.move_to_end(key)
            start, body = hit
            await send(
                {
                    "type": "http.response.start",
                    "status": start["status"],
                    "headers": start["headers"],
                }
            )
            await send({"type": "http.response.body", "body": b"".join(body)})
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                started.update(status=message["status"], headers=message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                done = not message.get("more_body")
                small = sum(len(c) for c in chunks) <= 512 * 1024
                if done and small and started.get("status") == 200:
                    started["version"] = version
                    self.entries[key] = (started, chunks)
                    self.entries.move_to_end(key)
                    while len(self.entries) > self.size:
                        self.entries.popitem(last=False)
            await send(message)

        await self.app(scope, receive, capture)


def _fmt_date(value: str | None) -> str:
    """'2025-04-07T10:00:00Z' -> '7 Apr 2025'; other shapes are shown as stored."""
    if not value:
        return "date unknown"
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {d:%b %Y}"


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every page renders untrusted article text
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["u"] = url_part
    env.filters["marked"] = marked
    env.filters["day"] = _fmt_date
    return Jinja2Templates(env=env)


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
OutletName = Annotated[str, PathParam(description="the publisher's name")]
DateParam = Annotated[
    str | None,
    Query(alias="from", description="published on or after (YYYY, YYYY-MM or YYYY-MM-DD)"),
]


def create_app(db_path: str | Path, *, cache_size: int = 1024) -> FastAPI:
    """The web interface and JSON API over one newsdesk database, opened read-only.

    ``cache_size`` responses are kept per process (0 turns the cache off); an entry
    is only served while the database has not changed since it was made.

    Raises ``newsdesk.store.db.StoreError`` when the file is missing or not a database.
    """
    db = ReadOnlyDB(db_path)
    templates = _templates()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="newsdesk",
        summary="Stories, articles, statements and sources from a newsdesk database.",
        description="Every HTML page `/X` has a JSON twin at `/api/X` (home: `/api`).",
        version="0.1.0",
        # Swagger UI / ReDoc load scripts from a CDN: no network and a strict CSP here.
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # Added first = inner: cached responses still pass through SecurityHeaders.
    app.add_middleware(ResponseCache, db_path=db.path, size=cache_size)
    app.add_middleware(SecurityHeaders)

    def page(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> Response:
        # raw_path keeps the percent-encoding of ids and outlet names.
        path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        ctx = {"api": "/api" + path.rstrip("/"), **ctx}
        if request.url.query:
            ctx["api"] += "?" + request.url.query
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def is_api(request: Request) -> bool:
        return request.url.path == "/api" or request.url.path.startswith("/api/")

    def error(request: Request, status: int, message: str) -> Response:
        if is_api(request):
            return JSONResponse({"detail": message}, status_code=status)
        return page(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error(request, 404, str(exc))

    @app.exception_handler(BadQuery)
    async def _bad_query(request: Request, exc: BadQuery) -> Response:
        return error(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "request"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return error(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(sqlite3.DatabaseError)
    async def _db_error(request: Request, exc: sqlite3.DatabaseError) -> Response:
        # Say what failed in one line; never a traceback.
        return error(request, 503, f"the database could not answer: {exc}")

    conn = db.conn

    # --- home & story list ------------------------------------------------------------

    @app.get("/api", tags=["api"], summary="Home: corpus figures, latest stories and articles")
    def api_home() -> JSONResponse:
        return JSONResponse(queries.home(conn()))

    @app.get("/", response_class=HTMLResponse, tags=["pages"], summary="Home page")
    def home_page(request: Request) -> Response:
        data = queries.home(conn())
        return page(request, "home.html", {"data": data, "outlets": []})

    @app.get("/api/stories", tags=["api"], summary="Stories, latest first")
    def api_stories(limit: Limit = 20, offset: Offset = 0) -> JSONResponse:
        return JSONResponse(queries.latest_stories(conn(), limit, offset))

    @app.get("/stories", response_class=HTMLResponse, tags=["pages"], summary="Story list")
    def stories_page(request: Request, limit: Limit = 30, offset: Offset = 0) -> Response:
        data = queries.latest_stories(conn(), limit, offset)
        return page(request, "stories.html", {"data": data})

    # --- search -----------------------------------------------------------------------

    def run_search(
        q: str,
        date_from: str | None,
        date_to: str | None,
        outlet: str | None,
        speaker: str | None,
        entity: str | None,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        return queries.search(
            conn(),
            q,
            date_from=date_from,
            date_to=date_to,
            outlet=outlet or None,
            speaker=speaker or None,
            entity=entity or None,
            limit=limit,
            offset=offset,
        )

    search_doc = (
        "Full-text search (SQLite FTS5, best match first) over titles and text. Plain words"
        ' match as phrases; FTS5 syntax (`"exact phrase"`, `AND`/`OR`/`NOT`, `NEAR()`,'
        " `prefix*`) is used as written, and a query FTS5 cannot parse gets 400."
    )

    @app.get("/api/search", tags=["api"], summary="Search articles", description=search_doc)
    def api_search(
        q: Annotated[str, Query(max_length=500, description="search words or FTS5 query")] = "",
        date_from: DateParam = None,
        to: Annotated[str | None, Query(description="published on or before")] = None,
        outlet: Annotated[str | None, Query(description="publisher name")] = None,
        speaker: Annotated[str | None, Query(description="speaker entity id or name")] = None,
        entity: Annotated[str | None, Query(description="entity id or name")] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> JSONResponse:
        return JSONResponse(run_search(q, date_from, to, outlet, speaker, entity, limit, offset))

    @app.get("/search", response_class=HTMLResponse, tags=["pages"], summary="Search page")
    def search_page(
        request: Request,
        q: Annotated[str, Query(max_length=500)] = "",
        date_from: DateParam = None,
        to: str | None = None,
        outlet: str | None = None,
        speaker: str | None = None,
        entity: str | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        form = {
            "q": q,
            "from": date_from or "",
            "to": to or "",
            "outlet": outlet or "",
            "speaker": speaker or "",
            "entity": entity or "",
        }
        ctx: dict[str, Any] = {
            "form": form,
            "data": None,
            "error": None,
            "outlets": queries.outlet_names(conn()),
        }
        searched = any(form.values())
        status = 200
        if searched:
            try:
                ctx["data"] = run_search(q, date_from, to, outlet, speaker, entity, limit, offset)
            except BadQuery as exc:
                ctx["error"] = str(exc)
                status = 400
        return page(request, "search.html", ctx, status)

    # --- story ------------------------------------------------------------------------

    @app.get("/api/stories/{story_id}", tags=["api"], summary="One story")
    def api_story(story_id: str) -> Response:
        data = queries.story(conn(), story_id)
        if data.get("merged_into"):
            return RedirectResponse(f"/api/stories/{url_part(data['merged_into'])}", 307)
        return JSONResponse(data)

    @app.get(
        "/stories/{story_id}", response_class=HTMLResponse, tags=["pages"], summary="Story page"
    )
    def story_page(request: Request, story_id: str) -> Response:
        data = queries.story(conn(), story_id)
        if data.get("merged_into"):
            return RedirectResponse(f"/stories/{url_part(data['merged_into'])}", 307)
        svg = timeline_svg(data["timeline"])
        return page(request, "story.html", {"s": data, "timeline_svg": svg})

    # --- article ----------------------------------------------------------------------

    @app.get("/api/articles/{article_id}", tags=["api"], summary="One article, annotated")
    def api_article(article_id: str) -> JSONResponse:
        return JSONResponse(queries.article(conn(), article_id))

    @app.get(
        "/articles/{article_id}",
        response_class=HTMLResponse,
        tags=["pages"],
        summary="Article page",
    )
    def article_page(request: Request, article_id: str) -> Response:
        data = queries.article(conn(), article_id)
        body = highlight(data["text"], article_spans(data))
        return page(request, "article.html", {"a": data, "body": body})

    # --- entity -----------------------------------------------------------------------

    @app.get("/api/entities/{entity_id}", tags=["api"], summary="A person or organisation")
    def api_entity(entity_id: str, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
        return JSONResponse(queries.entity(conn(), entity_id, limit, offset))

    @app.get(
        "/entities/{entity_id}",
        response_class=HTMLResponse,
        tags=["pages"],
        summary="Person / organisation page",
    )
    def entity_page(
        request: Request, entity_id: str, limit: Limit = 50, offset: Offset = 0
    ) -> Response:
        data = queries.entity(conn(), entity_id, limit, offset)
        # Drawn at the width of the page's main column, so its labels keep their size.
        svg = timeline_svg(data["timeline"], width=760) if len(data["timeline"]) > 1 else ""
        return page(request, "entity.html", {"e": data, "timeline_svg": svg})

    # --- outlets ----------------------------------------------------------------------

    @app.get("/api/outlets", tags=["api"], summary="Outlets by article count")
    def api_outlets(limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
        return JSONResponse(queries.outlets(conn(), limit, offset))

    @app.get("/outlets", response_class=HTMLResponse, tags=["pages"], summary="Outlet list")
    def outlets_page(request: Request, limit: Limit = 100, offset: Offset = 0) -> Response:
        return page(request, "outlets.html", {"data": queries.outlets(conn(), limit, offset)})

    @app.get("/api/outlets/{name:path}", tags=["api"], summary="One outlet")
    def api_outlet(name: OutletName, limit: Limit = 30, offset: Offset = 0) -> JSONResponse:
        return JSONResponse(queries.outlet(conn(), name, limit, offset))

    @app.get(
        "/outlets/{name:path}", response_class=HTMLResponse, tags=["pages"], summary="Outlet page"
    )
    def outlet_page(
        request: Request, name: OutletName, limit: Limit = 30, offset: Offset = 0
    ) -> Response:
        return page(request, "outlet.html", {"o": queries.outlet(conn(), name, limit, offset)})

    return app


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory --workers N`` (each worker builds its own app):
    the database path comes from ``NEWSDESK_DB``, the cache size from
    ``NEWSDESK_WEB_CACHE`` (0: no cache)."""
    import os

    cache = int(os.environ.get("NEWSDESK_WEB_CACHE", "1024"))
    return create_app(os.environ.get("NEWSDESK_DB", "newsdesk.db"), cache_size=cache)
