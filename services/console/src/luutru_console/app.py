"""The console's web server: the single-page app, its pinned browser libraries, and the API
paths forwarded to the services (see routing.py). No database, no session of its own: the
browser keeps the user's token and sends it with every API call."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from luutru_common.forwarded import PROXY_KEEP_ALIVE_S, TrustedProxyMiddleware
from luutru_common.health import MetricsMiddleware
from luutru_common.logging import CorrelationIdMiddleware, configure_logging
from luutru_common.problems import Problem, install_problem_handlers
from luutru_console.assets import IMMUTABLE, REVALIDATE, Assets, accepts_gzip
from luutru_console.auth_cookie import router as auth_cookie_router
from luutru_console.proxy import forward, safe_path
from luutru_console.routing import service_for
from luutru_console.settings import ConsoleSettings

STATIC = Path(__file__).parent / "static"

# The browser libraries, by the name the pages import them under → file in node_modules
# (versions pinned by services/console/package-lock.json).
VENDOR_FILES: dict[str, str] = {
    "preact.js": "preact/dist/preact.module.js",
    "preact-hooks.js": "preact/hooks/dist/hooks.module.js",
    "htm.js": "htm/dist/htm.module.js",
    "chart.js": "chart.js/dist/chart.umd.min.js",
    "jsqr.js": "jsqr/dist/jsQR.js",
    "qrcode.js": "qrcode-generator/dist/qrcode.mjs",
}

_INLINE_SCRIPT = re.compile(r"<script type=\"importmap\">(.*?)</script>", re.S)


def _security_headers(index_html: str) -> dict[str, str]:
    # The import map is the one inline script; it is allowed by its hash, nothing else inline.
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.findall(index_html)
    )
    return {
        "content-security-policy": (
            f"default-src 'self'; script-src 'self' {hashes}; style-src 'self'; "
            "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        ),
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "permissions-policy": "camera=(self), microphone=(), geolocation=()",
        "cache-control": "no-cache",
    }


def _file_response(request: Request, asset, *, immutable: bool) -> Response:
    """One of the console's files: gzip when the browser takes it, 304 when it has it."""
    headers = {
        "etag": asset.etag,
        "cache-control": IMMUTABLE if immutable else REVALIDATE,
        "vary": "accept-encoding",
        "x-content-type-options": "nosniff",
    }
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = asset.body
    if asset.gzipped is not None and accepts_gzip(request.headers.get("accept-encoding", "")):
        body = asset.gzipped
        headers["content-encoding"] = "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    configure_logging(service="console", level=settings.log_level, json=settings.log_json)
    assets = Assets(
        STATIC, {name: settings.console_vendor_dir / f for name, f in VENDOR_FILES.items()}
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.console_upstream_timeout_s, connect=5.0)
        # Read and gzip every file once now, not during the first visitor's page load.
        assets.page((STATIC / "index.html").read_text(encoding="utf-8"))
        limits = httpx.Limits(keepalive_expiry=PROXY_KEEP_ALIVE_S)
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
            app.state.http = client
            yield

    app = FastAPI(
        title="luutru console",
        description="Trang web cho cơ sở, công an và sở ngành / Web console",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_problem_handlers(app, database=False)  # no database: no SQLAlchemy to load
    app.include_router(auth_cookie_router)

    @app.get("/livez", include_in_schema=False)
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        missing = [
            n for n, f in VENDOR_FILES.items() if not (settings.console_vendor_dir / f).is_file()
        ]
        status = 200 if not missing else 503
        return JSONResponse(
            {"status": "ok" if not missing else "unready", "missing": missing}, status_code=status
        )

    def page_response(request: Request, name: str) -> Response:
        # Built on each load (a few dozen stats): the versions follow the files on disk.
        page = assets.page((STATIC / name).read_text(encoding="utf-8"))
        headers = {**_security_headers(page), "vary": "accept-encoding"}
        body = page.encode()
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["content-encoding"] = "gzip"
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)

    @app.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        return page_response(request, "index.html")

    @app.get("/guest", include_in_schema=False)
    async def guest(request: Request) -> Response:
        # The guest's pre-registration page (no account; the signed token after '#' never
        # reaches a server log). Served here, not by ingest: one public origin for the
        # browser, the console's versioned, gzipped files and CSP, and the API paths it needs
        # (/v1/guest-links/...) forwarded to ingest like every other.
        return page_response(request, "guest.html")

    @app.get("/sw.js", include_in_schema=False)
    async def service_worker() -> Response:
        # At the root so its scope is every page; always revalidated, so a new version
        # replaces the old one on the next visit.
        body = (STATIC / "sw.js").read_bytes()
        return Response(
            body,
            media_type="text/javascript; charset=utf-8",
            headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"},
        )

    @app.get("/vendor/{name}", include_in_schema=False)
    @app.get("/static/{name:path}", include_in_schema=False)
    async def asset(request: Request, name: str) -> Response:
        found = assets.get(request.url.path)
        if found is None:
            raise Problem(404, "not-found", "Not found", "Không có tệp này / No such file")
        immutable = request.query_params.get("v") == found.version
        return _file_response(request, found, immutable=immutable)

    @app.api_route(
        "/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def api(request: Request, path: str):
        raw = safe_path(request.scope.get("raw_path") or request.url.path.encode())
        service = service_for(request.url.path) if raw is not None else None
        if service is None:
            raise Problem(
                404, "not-found", "Not found", "Không có trang hoặc API này / No such page or API"
            )
        upstream = settings.upstream(service)
        return await forward(request, request.app.state.http, upstream, service, raw)

    app.add_middleware(MetricsMiddleware, service="console")
    app.add_middleware(CorrelationIdMiddleware)
    app.add_middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxies)
    return app
