"""A lockout no one can aim at a user: failures are counted per (username, source address)
and per source address, with a hold that doubles with each further failure. The attacker's
address is held back; the owner, from an address that has not failed, still signs in."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from luutru_accounts.core.throttle import hold_for
from tests.integration.accounts_helpers import (
    NEW_PASSWORD,
    admin_token,
    new_user,
)
from tests.support import bearer

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def test_the_hold_doubles_up_to_the_longest():
    holds = [hold_for(n, threshold=5, base_s=30, longest_s=900) for n in range(3, 12)]
    assert holds == [0, 0, 30, 60, 120, 240, 480, 900, 900]


def from_address(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def sign_in(client, username: str, password: str) -> httpx.Response:
    return await client.post("/v1/auth/token", json={"username": username, "password": password})


async def test_the_attacker_is_held_back_and_the_owner_still_signs_in(app, client):
    owner = await new_user(client, await admin_token(client), "police_officer", communes=[26068])
    name = owner["username"]
    async with from_address(app, ATTACKER) as attacker, from_address(app, OWNER) as own:
        for _ in range(5):
            assert (await sign_in(attacker, name, "Sai-Mat-Khau-1")).status_code == 401
        # The attacker's address is held, even with the right password …
        held = await sign_in(attacker, name, NEW_PASSWORD)
        assert (held.status_code, held.json()["code"]) == (429, "login-locked")
        assert int(held.headers["Retry-After"]) >= 1
        # … while the owner, from an address that has not failed, signs in.
        signed_in = await sign_in(own, name, NEW_PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["access_token"]


@pytest.mark.app_settings(login_delay_base_s=3)
async def test_a_failure_after_a_hold_doubles_it(app):
    name = f"ghost-{uuid.uuid4().hex[:6]}"
    async with from_address(app, "203.0.113.70") as attacker:
        for _ in range(5):
            assert (await sign_in(attacker, name, "x-Wrong-123")).status_code == 401
        first = await sign_in(attacker, name, "x-Wrong-123")
        assert first.status_code == 429
        assert int(first.headers["Retry-After"]) <= 3
        await asyncio.sleep(3.2)
        assert (await sign_in(attacker, name, "x-Wrong-123")).status_code == 401  # the 6th
        second = await sign_in(attacker, name, "x-Wrong-123")
        assert second.status_code == 429
        assert int(second.headers["Retry-After"]) > 3  # 6 s, less the time it took to ask


async def test_spraying_many_usernames_holds_the_address_not_the_users(app, client):
    owner = await new_user(client, await admin_token(client), "police_officer", communes=[26068])
    async with from_address(app, "203.0.113.80") as sprayer, from_address(app, OWNER) as own:
        for i in range(20):
            answer = await sign_in(sprayer, f"admin{i}-{uuid.uuid4().hex[:4]}", "Mat-Khau-Doan-1")
            assert answer.status_code == 401
        # The address is held for every username, the owner's included …
        held = await sign_in(sprayer, owner["username"], NEW_PASSWORD)
        assert held.status_code == 429
        # … and the owner elsewhere is not.
        assert (await sign_in(own, owner["username"], NEW_PASSWORD)).status_code == 200


async def test_a_forged_forwarded_address_is_ignored(app, client):
    """X-Forwarded-For is believed only from the console and the configured proxies: a
    client's own header neither lands in the audit log nor aims the back-off elsewhere."""
    admin = await admin_token(client)
    owner = await new_user(client, admin, "police_officer", communes=[26068])
    forged = {"X-Forwarded-For": OWNER}
    async with from_address(app, ATTACKER) as attacker, from_address(app, OWNER) as own:
        for _ in range(5):
            wrong = await attacker.post(
                "/v1/auth/token",
                json={"username": owner["username"], "password": "Sai-Mat-Khau-1"},
                headers=forged,
            )
            assert wrong.status_code == 401
        assert (await sign_in(own, owner["username"], NEW_PASSWORD)).status_code == 200
    failures = await client.get(
        "/v1/audit", params={"action": "login.failed", "limit": 50}, headers=bearer(admin)
    )
    rows = [
        r for r in failures.json()["items"] if r["details"].get("username") == owner["username"]
    ]
    assert {r["client_ip"] for r in rows} == {ATTACKER}
    # Through the console (a trusted peer), the header it sets is the client's address.
    async with from_address(app, "127.0.0.1") as console:
        await console.post(
            "/v1/auth/token",
            json={"username": owner["username"], "password": "Sai-Mat-Khau-1"},
            headers={"X-Forwarded-For": "192.0.2.44"},
        )
    failures = await client.get(
        "/v1/audit", params={"action": "login.failed", "limit": 50}, headers=bearer(admin)
    )
    addresses = {
        r["client_ip"]
        for r in failures.json()["items"]
        if r["details"].get("username") == owner["username"]
    }
    assert addresses == {ATTACKER, "192.0.2.44"}
