"""Tokens out of reach of page scripts: the console's own auth path keeps the refresh token in
an HttpOnly, Secure, SameSite=Strict cookie and never hands it to the page; refresh and logout
use the cookie; a request that is not JSON (a cross-site form) cannot use it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from luutru_console.app import create_app
from luutru_console.settings import ConsoleSettings


def accounts_stand_in(seen: list[dict]) -> FastAPI:
    app = FastAPI()
    issued = iter(f"refresh-{n}" for n in range(1, 100))

    @app.post("/v1/auth/token")
    async def token(request: Request):
        body = await request.json()
        seen.append({"body": body, "xff": request.headers.get("x-forwarded-for")})
        if body.get("password") == "wrong":
            return JSONResponse(
                {"code": "login-locked"},
                status_code=429,
                headers={"Retry-After": "30"},
                media_type="application/problem+json",
            )
        return {"access_token": "a.b.c", "refresh_token": next(issued), "expires_in": 900}

    @app.post("/v1/auth/logout", status_code=204)
    async def logout(request: Request):
        seen.append({"logout": (await request.json())["refresh_token"]})

    return app


@pytest.fixture
async def console():
    seen: list[dict] = []
    app = create_app(ConsoleSettings())
    async with app.router.lifespan_context(app):
        app.state.http = httpx.AsyncClient(transport=httpx.ASGITransport(accounts_stand_in(seen)))
        transport = httpx.ASGITransport(app, client=("203.0.113.7", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="https://console") as client:
            yield client, seen
        await app.state.http.aclose()


async def test_the_refresh_token_lives_in_a_cookie_the_page_cannot_read(console):
    client, seen = console
    signed_in = await client.post(
        "/console/auth/token",
        json={"username": "ql.1", "password": "right"},
        headers={"X-Forwarded-For": "6.6.6.6"},
    )
    assert signed_in.status_code == 200
    assert "refresh_token" not in signed_in.json()
    assert signed_in.json()["access_token"] == "a.b.c"
    cookie = signed_in.headers["set-cookie"]
    for attribute in ("luutru_refresh=refresh-1", "HttpOnly", "Secure", "SameSite=strict",
                      "Path=/console/auth"):  # fmt: skip
        assert attribute.lower() in cookie.lower(), cookie
    assert seen[0]["xff"] == "203.0.113.7"  # the client's address replaces the one it sent

    refreshed = await client.post("/console/auth/refresh", json={})
    assert refreshed.status_code == 200
    assert "refresh_token" not in refreshed.json()
    assert seen[1]["body"] == {"grant_type": "refresh_token", "refresh_token": "refresh-1"}
    assert "luutru_refresh=refresh-2" in refreshed.headers["set-cookie"]

    out = await client.post("/console/auth/logout", json={})
    assert out.status_code == 204
    assert seen[2] == {"logout": "refresh-2"}
    assert (
        'luutru_refresh=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    )


async def test_a_cross_site_form_cannot_use_the_cookie(console):
    client, seen = console
    await client.post("/console/auth/token", json={"username": "ql.1", "password": "right"})
    forged = await client.post(
        "/console/auth/refresh",
        content=b"x=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert forged.status_code == 415
    assert len(seen) == 1


async def test_a_refusal_passes_through_with_retry_after(console):
    client, _ = console
    held = await client.post("/console/auth/token", json={"username": "a", "password": "wrong"})
    assert (held.status_code, held.headers["retry-after"]) == (429, "30")
    assert "set-cookie" not in held.headers
    assert (await client.post("/console/auth/refresh", json={})).status_code == 401
