"""The console's own auth path (``/console/auth/…``): the refresh token lives in an HttpOnly,
Secure, SameSite=Strict cookie scoped to this path, so no script of the page can read it; the
page keeps the access token in memory only and asks this server to refresh it.

Each route calls accounts for the browser: sign-in (password grant), refresh and logout. The
refresh token is taken out of accounts' answer before it reaches the page. A refresh or logout
needs a JSON body (``{}``), which a cross-site form cannot send without a CORS preflight —
together with SameSite=Strict, no other site can make the browser use the cookie.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from luutru_common.problems import Problem
from luutru_console.proxy import upstream_unavailable

COOKIE = "luutru_refresh"
PATH = "/console/auth"

router = APIRouter(prefix=PATH, include_in_schema=False)


def _needs_json(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise Problem(
            415,
            "unsupported-media-type",
            "JSON required",
            "Yêu cầu phải là JSON / The request must be JSON",
        )


async def _accounts(request: Request, path: str, body: dict[str, Any]) -> httpx.Response:
    settings = request.app.state.settings
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if request.client:  # the client's address, replacing any it sent (luutru_common.forwarded)
        headers["X-Forwarded-For"] = request.client.host
    try:
        return await request.app.state.http.post(
            settings.upstream("accounts") + path, json=body, headers=headers
        )
    except httpx.TransportError as exc:
        raise upstream_unavailable("accounts", exc) from exc


def _answer(upstream: httpx.Response, *, keep_refresh: bool) -> Response:
    """accounts' answer without its refresh token, which goes into the cookie instead."""
    passed = {k: v for k, v in upstream.headers.items() if k.lower() == "retry-after"}
    if upstream.status_code != 200:
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type", "application/problem+json"),
            headers=passed,
        )
    data = upstream.json()
    refresh = data.pop("refresh_token", None)
    response = JSONResponse(data, headers={"Cache-Control": "no-store", **passed})
    if refresh and keep_refresh:
        response.set_cookie(
            COOKIE,
            refresh,
            httponly=True,
            secure=True,
            samesite="strict",
            path=PATH,
            max_age=12 * 3600,
        )
    return response


@router.post("/token")
async def sign_in(request: Request) -> Response:
    _needs_json(request)
    body = await request.json()
    grant = {
        "grant_type": "password",
        "username": body.get("username"),
        "password": body.get("password"),
    }
    return _answer(await _accounts(request, "/v1/auth/token", grant), keep_refresh=True)


@router.post("/refresh")
async def refresh(request: Request) -> Response:
    _needs_json(request)
    token = request.cookies.get(COOKIE)
    if not token:
        raise Problem(401, "unauthenticated", "Not signed in", "Chưa đăng nhập / Not signed in")
    grant = {"grant_type": "refresh_token", "refresh_token": token}
    upstream = await _accounts(request, "/v1/auth/token", grant)
    response = _answer(upstream, keep_refresh=True)
    if upstream.status_code in (400, 401):
        response.delete_cookie(COOKIE, path=PATH, secure=True, httponly=True, samesite="strict")
    return response


@router.post("/logout", status_code=204)
async def logout(request: Request) -> Response:
    _needs_json(request)
    token = request.cookies.get(COOKIE)
    if token:
        await _accounts(request, "/v1/auth/logout", {"refresh_token": token})
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path=PATH, secure=True, httponly=True, samesite="strict")
    return response
