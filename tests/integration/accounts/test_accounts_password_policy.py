"""GET /v1/password-policy: public, documented, and the very rule POST /v1/auth/password
enforces (the console shows its text as the first-login hint)."""

from __future__ import annotations

import pytest

from tests.integration.accounts_helpers import admin_token
from tests.support import bearer

pytestmark = pytest.mark.app_settings(password_min_length=12)


async def test_policy_is_public_and_states_the_enforced_parameters(client):
    response = await client.get("/v1/password-policy")  # no token
    assert response.status_code == 200
    policy = response.json()
    assert policy["min_length"] == 12  # the setting, not a copy of it
    assert policy["min_character_kinds"] == 3
    assert policy["character_kinds"] == ["lower", "upper", "digit", "other"]
    assert policy["min_distinct_characters"] == 5
    assert policy["may_contain_username"] is False
    assert "12 ký tự" in policy["text"]["vi"] and "3 trong 4" in policy["text"]["vi"]
    assert "12 characters" in policy["text"]["en"] and "3 of the 4" in policy["text"]["en"]
    assert "public" in response.headers["cache-control"]
    documented = (await client.get("/openapi.json")).json()["paths"]["/v1/password-policy"]
    schema = documented["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/PasswordPolicy")


async def _first_login(client) -> tuple[str, str, str]:
    admin = await admin_token(client)
    created = await client.post(
        "/v1/facilities",
        json={
            "name": "Nhà nghỉ Quy Tắc",
            "facility_type": "guest_house",
            "province_code": 75,
            "commune_code": 26068,
        },
        headers=bearer(admin),
    )
    manager = created.json()["manager"]
    token = await client.post(
        "/v1/auth/token",
        json={"username": manager["username"], "password": manager["one_time_password"]},
    )
    return manager["username"], manager["one_time_password"], token.json()["access_token"]


async def test_the_stated_rule_is_the_enforced_rule(client):
    policy = (await client.get("/v1/password-policy")).json()
    username, current, token = await _first_login(client)

    async def change(new: str) -> set[str]:
        response = await client.post(
            "/v1/auth/password",
            json={"current_password": current, "new_password": new},
            headers=bearer(token),
        )
        if response.status_code == 200:
            return set()
        assert response.status_code == 422, response.text
        return {e["code"] for e in response.json()["errors"]}

    n = policy["min_length"]
    # One character short of the stated length; two kinds where three are stated.
    assert "password-too-short" in await change("Ab1-" + "x" * (n - 5))
    assert "password-too-simple" in await change("abcdefghij" + "1" * n)
    assert "password-contains-username" in await change(f"Q1-{username}")
    # Exactly what the text says is enough: n characters, three kinds, no username.
    assert await change("Abcdefghij12"[:n].ljust(n, "k")) == set()
