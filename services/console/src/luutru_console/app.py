"""The console's web server: the single-page app, its pinned browser libraries, and the API
paths forwarded to the services (see routing.py). No database, no session of its own: the
browser keeps the user's token and sends it with every API call."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from luutru_common.health import MetricsMiddleware
from luutru_common.logging import CorrelationIdMiddleware, configure_logging
from luutru_common.problems import Problem, install_problem_handlers
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


class RevalidateStatic:
    """`Cache-Control: no-cache` on the page's own modules and styles: their names carry no
    version, so after a deploy the browser must ask (ETag) instead of mixing old and new."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)

        async def send_revalidated(message):
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *[(k, v) for k, v in message["headers"] if k.lower() != b"cache-control"],
                    (b"cache-control", b"no-cache"),
                ]
            await send(message)

        await self.app(scope, receive, send_revalidated)


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    configure_logging(service="console", level=settings.log_level, json=settings.log_json)
    index_html = (STATIC / "index.html").read_text(encoding="utf-8")
    page_headers = _security_headers(index_html)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.console_upstream_timeout_s, connect=5.0)
        async with httpx.AsyncClient(timeout=timeout) as client:
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
    install_problem_handlers(app)

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

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(index_html, headers=page_headers)

    @app.get("/vendor/{name}", include_in_schema=False)
    async def vendor(name: str) -> FileResponse:
        if name not in VENDOR_FILES:
            raise Problem(404, "not-found", "Not found", "Không có tệp này / No such file")
        return FileResponse(
            settings.console_vendor_dir / VENDOR_FILES[name],
            media_type="text/javascript",
            headers={"cache-control": "public, max-age=3600"},
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

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

    app.add_middleware(RevalidateStatic)
    app.add_middleware(MetricsMiddleware, service="console")
    app.add_middleware(CorrelationIdMiddleware)
    return app
