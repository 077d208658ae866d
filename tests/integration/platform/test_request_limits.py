"""Request limits in every service: a body larger than its route allows is 413 problem+json,
announced or not (chunked), before anything reads it; the batch and upload routes allow more;
memory stays flat under a 100 MB body. The apps run without their lifespan or database:
every answer here comes before a query."""

from __future__ import annotations

import tracemalloc

import httpx
import pytest

from luutru_accounts.app import create_app as accounts_app
from luutru_accounts.settings import AccountsSettings
from luutru_analytics.app import create_app as analytics_app
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.db import make_engine, make_session_factory
from luutru_ingest.app import create_app as ingest_app
from luutru_ingest.settings import IngestSettings

MB = 1024 * 1024
SETTINGS = {"environment": "test", "jwks_url": "http://127.0.0.1:9/unused"}


def client_of(app) -> httpx.AsyncClient:
    # A database that is never reached: what is answered here comes before any query.
    app.state.session_factory = make_session_factory(
        make_engine("postgresql+asyncpg://luutru:luutru@127.0.0.1:9/nowhere")
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


APPS = {
    "accounts": lambda: accounts_app(AccountsSettings(**SETTINGS)),
    "ingest": lambda: ingest_app(IngestSettings(**SETTINGS)),
    "analytics": lambda: analytics_app(AnalyticsSettings(**SETTINGS)),
}
SMALL_ROUTES = [
    ("accounts", "/v1/auth/token"),
    ("accounts", "/v1/users"),
    ("ingest", "/v1/stays"),
    ("ingest", "/v1/stays/00000000-0000-0000-0000-000000000001/check-out"),
    ("analytics", "/v1/police/search"),
    ("analytics", "/v1/watchlist"),
]


def padded_json(size: int) -> bytes:
    return b'{"note": "' + b"x" * size + b'"}'


async def chunks(total: int, size: int = MB):
    chunk = b" " * size  # whitespace: valid JSON padding, the same object every time
    for _ in range(total // size):
        yield chunk


@pytest.mark.parametrize(("service", "path"), SMALL_ROUTES)
async def test_an_oversized_json_body_is_413_in_every_service(service, path):
    async with client_of(APPS[service]()) as client:
        response = await client.post(
            path, content=padded_json(200 * 1024), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload-too-large"


@pytest.mark.parametrize(("service", "path"), SMALL_ROUTES[:3])
async def test_a_chunked_body_is_counted_as_it_comes(service, path):
    async with client_of(APPS[service]()) as client:
        response = await client.post(
            path, content=chunks(2 * MB, 64 * 1024), headers={"Content-Type": "application/json"}
        )
    assert (response.status_code, response.json()["code"]) == (413, "payload-too-large")


async def test_the_batch_and_uploads_take_more():
    async with client_of(APPS["ingest"]()) as client:
        # 1 MB is too much for one guest, fine for a batch (refused by validation, not size).
        one = await client.post("/v1/stays", json={"full_name": "x" * MB})
        batch = await client.post("/v1/stays/batch", json={"guests": "x" * MB})
        upload = await client.post("/v1/uploads", files={"file": ("a.csv", b"x" * (5 * MB))})
        too_big = await client.post("/v1/uploads", content=chunks(30 * MB))
    assert one.status_code == 413
    assert batch.status_code == 401  # past the limit, to the token check
    assert upload.status_code == 401
    assert too_big.status_code == 413


async def test_a_small_body_still_gets_its_ordinary_answer():
    async with client_of(APPS["accounts"]()) as client:
        response = await client.post("/v1/auth/token", json={"username": "a"})
    assert response.status_code == 422


@pytest.mark.parametrize("announced", [True, False])
async def test_memory_stays_flat_under_a_100_mb_body(announced):
    """The finding: 100 MB to /v1/auth/token took accounts from 132 to 402 MB."""
    app = APPS["accounts"]()
    headers = {"Content-Type": "application/json"}
    if announced:
        headers["Content-Length"] = str(100 * MB)
    async with client_of(app) as client:
        await client.post("/v1/auth/token", json={})  # warm up: imports, caches
        tracemalloc.start()
        try:
            response = await client.post(
                "/v1/auth/token", content=chunks(100 * MB), headers=headers
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 413
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"


async def test_deep_json_is_a_problem_not_a_500():
    async with client_of(APPS["accounts"]()) as client:
        response = await client.post(
            "/v1/auth/token",
            content=b"[" * 5000 + b"]" * 5000,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"
