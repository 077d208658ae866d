"""Revocation reaches every service within seconds: after a logout, a refresh-token reuse, a
user disabled, an API client revoked or a facility suspended, accounts, ingest and analytics
all refuse the access tokens concerned (401 token-revoked) within 5 s — long before they
expire. Each service polls accounts' list as deployed; here the poll goes through accounts'
in-process client instead of a network address."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from luutru_accounts.app import create_app as accounts_app
from luutru_analytics.app import create_app as analytics_app
from luutru_analytics.settings import AnalyticsSettings
from luutru_ingest.app import create_app as ingest_app
from luutru_ingest.settings import IngestSettings
from tests.integration.accounts_helpers import (
    accounts_settings,
    admin_token,
    new_facility,
    new_user,
)
from tests.integration.conftest import add_facility_view
from tests.support import bearer, running_app

WITHIN_S = 5.0


async def facility_with_manager(a, db, admin: str) -> dict:
    """A facility registered in accounts and known to ingest, with its manager signed in."""
    manager = await new_facility(a, admin)
    await add_facility_view(db, facility_id=manager["facility"]["id"])
    return manager


@pytest.fixture
async def platform(test_database):
    accounts = accounts_app(accounts_settings(test_database, revocation_poll_s=0.5))
    common = {
        "database_url": test_database,
        "embedded_workers": False,
        "environment": "test",
        "jwks_url": "http://127.0.0.1:9/unused",
        "revocation_poll_s": 0.5,
    }
    ingest = ingest_app(IngestSettings(**common))
    analytics = analytics_app(AnalyticsSettings(**common))
    async with running_app(accounts) as a:

        async def jwks():
            return (await a.get("/.well-known/jwks.json")).json()

        async def revoked():
            return (await a.get("/v1/auth/revocations")).json()

        for app in (ingest, analytics):
            app.state.token_verifier.fetch_jwks = jwks
            app.state.token_verifier.revocations.use(revoked)
        async with running_app(ingest) as i, running_app(analytics) as n:
            yield {"accounts": a, "ingest": i, "analytics": n}


async def refused_within(client, method: str, path: str, headers: dict, **kw) -> float:
    """Seconds until the service answers 401 token-revoked (fails after WITHIN_S)."""
    start = time.monotonic()
    while True:
        response = await client.request(method, path, headers=headers, **kw)
        if response.status_code == 401 and response.json()["code"] == "token-revoked":
            return time.monotonic() - start
        assert time.monotonic() - start < WITHIN_S, (path, response.status_code, response.text)
        await asyncio.sleep(0.2)


STAYS = ("GET", "/v1/stays", {"params": {"date": "2026-11-27"}})
ME = ("GET", "/v1/users/me", {})
OVERSIGHT = {"case_reference": "15/TB-CAX", "reason": "foreigner-oversight"}
FEED = ("GET", "/v1/police/foreign-guests", {"params": OVERSIGHT})


async def test_logout_ends_the_token_everywhere(platform, db):
    a, i = platform["accounts"], platform["ingest"]
    manager = await facility_with_manager(a, db, await admin_token(a))
    token = bearer(manager["token"])
    assert (
        await i.get("/v1/stays", params={"date": "2026-11-27"}, headers=token)
    ).status_code == 200
    out = await a.post("/v1/auth/logout", json={"refresh_token": manager["refresh_token"]})
    assert out.status_code == 204
    for client, (method, path, kw) in ((i, STAYS), (a, ME)):
        await refused_within(client, method, path, token, **kw)


async def test_refresh_reuse_ends_the_session_everywhere(platform, db):
    a, i = platform["accounts"], platform["ingest"]
    manager = await facility_with_manager(a, db, await admin_token(a))
    grant = {"grant_type": "refresh_token", "refresh_token": manager["refresh_token"]}
    assert (await a.post("/v1/auth/token", json=grant)).status_code == 200
    assert (await a.post("/v1/auth/token", json=grant)).status_code == 401  # reused: stolen
    await refused_within(i, *STAYS[:2], bearer(manager["token"]), **STAYS[2])


async def test_a_disabled_user_is_refused_everywhere(platform, db):
    a, i, n = platform["accounts"], platform["ingest"], platform["analytics"]
    admin = await admin_token(a)
    officer = await new_user(a, admin, "police_officer", communes=[26068])
    headers = bearer(officer["token"])
    feed = await n.get("/v1/police/foreign-guests", params=OVERSIGHT, headers=headers)
    assert feed.status_code == 200, feed.text
    disabled = await a.post(f"/v1/users/{officer['user']['id']}/disable", headers=bearer(admin))
    assert disabled.status_code == 200, disabled.text
    for client, (method, path, kw) in ((n, FEED), (a, ME)):
        await refused_within(client, method, path, headers, **kw)
    manager = await facility_with_manager(a, db, admin)
    staff = await new_user(a, manager["token"], "facility_staff")
    await a.post(f"/v1/users/{staff['user']['id']}/disable", headers=bearer(admin))
    await refused_within(i, *STAYS[:2], bearer(staff["token"]), **STAYS[2])


async def test_a_revoked_client_is_refused(platform, db):
    a, i = platform["accounts"], platform["ingest"]
    manager = await facility_with_manager(a, db, await admin_token(a))
    created = await a.post(
        "/v1/clients",
        json={"name": "PMS", "scopes": ["stays:read"]},
        headers=bearer(manager["token"]),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    token = await a.post(
        "/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": body["client"]["client_id"],
            "client_secret": body["client_secret"],
        },
    )
    headers = bearer(token.json()["access_token"])
    assert (
        await i.get("/v1/stays", params={"date": "2026-11-27"}, headers=headers)
    ).status_code == 200
    revoke = await a.post(
        f"/v1/clients/{body['client']['id']}/revoke", headers=bearer(manager["token"])
    )
    assert revoke.status_code == 200, revoke.text
    await refused_within(i, *STAYS[:2], headers, **STAYS[2])


async def test_a_suspended_facility_is_refused_in_every_service(platform, db):
    a, i = platform["accounts"], platform["ingest"]
    admin = await admin_token(a)
    manager = await facility_with_manager(a, db, admin)
    headers = bearer(manager["token"])
    suspended = await a.post(
        f"/v1/facilities/{manager['facility']['id']}/suspend",
        json={"reason": "kiểm tra"},
        headers=bearer(admin),
    )
    assert suspended.status_code == 200, suspended.text
    await refused_within(i, *STAYS[:2], headers, **STAYS[2])
    # accounts refuses its manager too: no new staff, no new API clients.
    staff = {
        "username": f"u{uuid.uuid4().hex[:8]}",
        "full_name": "Lê Văn C",
        "role": "facility_staff",
    }
    await refused_within(a, "POST", "/v1/users", headers, json=staff)
    client = {"name": "PMS", "scopes": ["stays:write"]}
    await refused_within(a, "POST", "/v1/clients", headers, json=client)
