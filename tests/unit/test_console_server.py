"""The console's server: every API path reaches the service that owns it, requests and
answers pass through unchanged (bodies streamed both ways, the caller's token kept, hop-by-hop
headers dropped), and a service that does not answer is a 502 problem, not a hang or a 500."""

from __future__ import annotations

import asyncio
import importlib

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from luutru_console.app import VENDOR_FILES, create_app
from luutru_console.routing import API_PREFIXES, service_for
from luutru_console.settings import ConsoleSettings


@pytest.mark.parametrize("service", ["accounts", "ingest", "analytics"])
def test_every_path_of_a_service_is_routed_to_it(service):
    app = importlib.import_module(f"luutru_{service}.app").create_app()
    paths = [p for p in app.openapi()["paths"] if p not in {"/livez", "/readyz", "/metrics"}]
    assert paths
    wrong = {p: service_for(p) for p in paths if service_for(p) != service}
    assert not wrong, f"console routes these {service} paths elsewhere: {wrong}"


def test_prefixes_match_whole_segments():
    assert service_for("/v1/stays") == "ingest"
    assert service_for("/v1/stays/abc/check-out") == "ingest"
    assert service_for("/v1/staysx") is None
    assert service_for("/v1/uploads/trips") == "ingest"
    assert service_for("/static/js/main.js") is None
    assert set(API_PREFIXES.values()) == {"accounts", "ingest", "analytics"}


def upstream_app() -> FastAPI:
    """A stand-in service that echoes what it received (this tests the forwarding alone)."""
    app = FastAPI()

    @app.api_route("/v1/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def echo(request: Request, path: str):
        if path == "alerts/stream":

            async def events():
                for n in range(3):
                    yield f"id: {n}\nevent: alert\ndata: {n}\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        if path == "watchlist/gone":  # FastAPI's 204: no body, but a JSON media type
            return Response(status_code=204, media_type="application/json")
        if path == "stays/list":  # a long answer
            return JSONResponse([{"n": n, "full_name": "Nguyễn Văn A"} for n in range(500)])
        body = await request.body()
        return JSONResponse(
            {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "size": len(body),
                "headers": dict(request.headers),
            },
            status_code=201 if request.method == "POST" else 200,
            headers={"x-upstream": "yes", "connection": "close"},
        )

    return app


@pytest.fixture
async def console():
    app = create_app(ConsoleSettings())
    async with app.router.lifespan_context(app):
        # Every service is the echo app; the real client is swapped for one that calls it.
        app.state.http = httpx.AsyncClient(transport=httpx.ASGITransport(upstream_app()))
        transport = httpx.ASGITransport(app, client=("203.0.113.7", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            yield client
        await app.state.http.aclose()


async def test_request_passes_through_with_token_query_and_body(console):
    body = b"x" * 3_000_000  # an upload-sized body, streamed
    response = await console.post(
        "/v1/uploads?dry_run=true&x=1&x=2",
        content=body,
        headers={
            "authorization": "Bearer abc",
            "idempotency-key": "k-1",
            "content-type": "text/csv",
            "cookie": "session=secret",
            "x-forwarded-for": "10.9.9.9",  # a client cannot choose its audited address
            "x-real-ip": "10.9.9.9",
        },
    )
    assert response.status_code == 201
    echoed = response.json()
    assert echoed["path"] == "/v1/uploads"
    assert echoed["query"] == "dry_run=true&x=1&x=2"
    assert echoed["size"] == len(body)
    assert echoed["headers"]["authorization"] == "Bearer abc"
    assert echoed["headers"]["idempotency-key"] == "k-1"
    assert "cookie" not in echoed["headers"]  # the console never forwards cookies
    assert echoed["headers"]["x-forwarded-for"] == "203.0.113.7"
    assert "x-real-ip" not in echoed["headers"]
    assert response.headers["x-upstream"] == "yes"
    # Data, never a page: opened on the console's origin it could run nothing.
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "connection" not in response.headers


async def test_an_answer_without_a_body_is_not_compressed(console):
    """A 204 (a watchlist entry removed) passes as it is: gzip's 20 bytes of an empty stream
    would be a body where none may be, and the server broke the answer off."""
    response = await console.delete("/v1/watchlist/gone", headers={"accept-encoding": "gzip"})
    assert response.status_code == 204
    assert "content-encoding" not in response.headers
    assert response.content == b""


async def test_event_stream_is_relayed_event_by_event(console):
    async with console.stream("GET", "/v1/alerts/stream") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join([chunk async for chunk in response.aiter_text()])
    assert [line for line in text.splitlines() if line.startswith("data:")] == [
        "data: 0",
        "data: 1",
        "data: 2",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/stays/%2e%2e/%2e%2e/docs",  # decoded by the server into /v1/stays/../../docs
        "/v1/stays/%2E%2E/%2E%2E/openapi.json",
        "/v1/stays/..%2f..%2fdocs",
        "/v1/stays/x%5c..%5c..%5cmetrics",
    ],
)
async def test_a_path_that_could_climb_out_of_its_api_is_refused(console, path):
    response = await console.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not-found"  # the console's own answer, not upstream's


def test_dot_segments_are_refused_as_sent():
    from luutru_console.proxy import safe_path

    assert safe_path(b"/v1/stays/abc/check-out") == "/v1/stays/abc/check-out"
    assert safe_path(b"/v1/stays/../../docs") is None
    assert safe_path(b"/v1/stays/./x") is None


async def test_unknown_path_is_a_problem(console):
    response = await console.get("/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_service_down_is_a_502_problem():
    settings = ConsoleSettings(ingest_url="http://127.0.0.1:9")  # nothing listens on port 9
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            response = await asyncio.wait_for(client.get("/v1/stays"), timeout=10)
    assert response.status_code == 502
    assert response.json()["code"] == "upstream-unavailable"
    assert "ingest" in response.json()["detail"]


async def test_accounts_down_at_sign_in_is_a_502_problem():
    """The sign-in goes to accounts through the console's own cookie route, not the proxy:
    a dropped connection there is the same 502, not a 500 ("Lỗi hệ thống")."""
    settings = ConsoleSettings(accounts_url="http://127.0.0.1:9")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            response = await asyncio.wait_for(
                client.post("/console/auth/token", json={"username": "a", "password": "b"}),
                timeout=10,
            )
    assert response.status_code == 502
    assert response.json()["code"] == "upstream-unavailable"
    assert "accounts" in response.json()["detail"]


async def test_page_vendor_files_and_readiness(console):
    page = await console.get("/")
    assert page.status_code == 200
    assert '<script type="importmap">' in page.text
    policy = page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    for name in VENDOR_FILES:  # installed by scripts/bootstrap.sh (npm ci)
        response = await console.get(f"/vendor/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith("text/javascript")
    assert (await console.get("/vendor/../../package.json")).status_code == 404
    assert (await console.get("/readyz")).json() == {"status": "ok", "missing": []}
    module = await console.get("/static/js/main.js")
    assert module.headers["cache-control"] == "no-cache"  # revalidated after a deploy
    assert module.headers.get("etag")


async def test_static_files_are_gzipped_when_the_browser_takes_it(console):
    plain = await console.get("/static/js/main.js", headers={"accept-encoding": "identity"})
    packed = await console.get("/static/js/main.js", headers={"accept-encoding": "gzip, br"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decodes it: the same module
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.headers["vary"] == "accept-encoding"
    refused = await console.get("/static/js/main.js", headers={"accept-encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    vendor = await console.get("/vendor/chart.js", headers={"accept-encoding": "gzip"})
    assert vendor.headers["content-encoding"] == "gzip"


async def test_versioned_files_are_immutable_and_the_page_is_revalidated(console):
    import re

    page = await console.get("/")
    assert page.headers["cache-control"] == "no-cache"
    found = re.search(r'src="/static/js/main\.js\?v=([0-9a-f]{16})"', page.text)
    assert found, page.text
    version = found.group(1)
    current = await console.get(f"/static/js/main.js?v={version}")
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert current.headers["etag"] == f'"{version}"'
    # An old version asked for after a deploy gets today's file, revalidated, never immutable.
    stale = await console.get("/static/js/main.js?v=0000000000000000")
    assert stale.headers["cache-control"] == "no-cache"
    again = await console.get("/static/js/main.js", headers={"if-none-match": f'"{version}"'})
    assert again.status_code == 304 and not again.content
    for href in re.findall(r'href="(/static/css/[^"]+)"', page.text):
        assert re.search(r"\?v=[0-9a-f]{16}$", href), href
    assert (await console.get("/static/../app.py")).status_code == 404
    assert (await console.get("/static/index.html")).status_code == 404
    assert (await console.get("/static/js/nothing.js")).status_code == 404


async def test_import_map_versions_every_module_and_its_hash_is_in_the_csp(console):
    import base64
    import hashlib
    import json
    import re

    page = await console.get("/")
    [inline] = re.findall(r'<script type="importmap">(.*?)</script>', page.text, re.S)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page.headers["content-security-policy"]
    imports = json.loads(inline)["imports"]
    assert re.fullmatch(r"/vendor/preact\.js\?v=[0-9a-f]{16}", imports["preact"])
    assert imports["/static/js/api.js"].startswith("/static/js/api.js?v=")
    assert imports["/static/js/pages/staff/check-in.js"].startswith("/static/js/pages/staff/")
    assert imports["/vendor/chart.js"].startswith("/vendor/chart.js?v=")
    # The sign-in page loads neither Chart.js nor jsQR: the pages that use them do.
    assert not re.search(r'<script[^>]+src="/vendor/(chart|jsqr)', page.text)


async def test_long_api_answers_are_gzipped_as_they_stream_events_never(console):
    long = await console.get("/v1/stays/list", headers={"accept-encoding": "gzip"})
    assert long.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in long.headers["vary"]
    assert len(long.json()) == 500  # httpx decodes it
    raw = await console.get("/v1/stays/list", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.json() == long.json()
    # A small answer is not worth it.
    small = await console.get("/v1/stays", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers
    # The live stream: never compressed, so each event reaches the page when it is sent.
    async with console.stream(
        "GET", "/v1/alerts/stream", headers={"accept-encoding": "gzip"}
    ) as response:
        assert "content-encoding" not in response.headers
        first = await anext(response.aiter_text())
    assert first.startswith("id: 0")


async def test_gzip_of_a_stream_flushes_every_chunk():
    import zlib

    from luutru_console.proxy import _gzipped

    async def chunks():
        yield b'{"a": 1,'
        yield b' "b": 2}'

    unpacker = zlib.decompressobj(31)
    seen = []
    async for part in _gzipped(chunks()):
        seen.append(unpacker.decompress(part))
    # Each chunk can be read in full as soon as it has been sent, not only at the end.
    assert seen[0] == b'{"a": 1,' and seen[1] == b' "b": 2}'
