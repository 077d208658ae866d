"""Helpers for the accounts integration tests (an in-process accounts app on real PostgreSQL)."""

from __future__ import annotations

import uuid

from tests.support import bearer

ADMIN = ("admin", "ChangeMe-2026!")
NEW_PASSWORD = "Mật-khẩu-Mới-2026"

HOTEL = {
    "name": "Khách sạn Sông Đồng Nai",
    "facility_type": "hotel",
    "star_rating": 3,
    "province_code": 75,
    "commune_code": 26068,
    "street": "1 Cách Mạng Tháng Tám",
    "rooms": 30,
    "beds": 60,
}


async def login(client, username: str, password: str) -> dict:
    response = await client.post(
        "/v1/auth/token", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def admin_token(client) -> str:
    return (await login(client, *ADMIN))["access_token"]


async def first_login(client, username: str, one_time_password: str) -> dict:
    """Change the one-time password (as a first login must) and return the new tokens."""
    response = await client.post(
        "/v1/auth/password",
        json={
            "username": username,
            "current_password": one_time_password,
            "new_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


async def new_facility(client, admin: str, **overrides) -> dict:
    """Register a facility and activate its manager; returns facility, manager and token."""
    response = await client.post(
        "/v1/facilities", json={**HOTEL, **overrides}, headers=bearer(admin)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    tokens = await first_login(
        client, body["manager"]["username"], body["manager"]["one_time_password"]
    )
    return {
        "facility": body["facility"],
        "manager": body["manager"]["username"],
        "token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
    }


async def new_user(client, token: str, role: str, **fields) -> dict:
    """Create a user, activate it; returns the user, its username and access token."""
    username = fields.pop("username", f"u{uuid.uuid4().hex[:10]}")
    response = await client.post(
        "/v1/users",
        json={"username": username, "full_name": "Nguyễn Văn An", "role": role, **fields},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    tokens = await first_login(client, username, body["one_time_password"])
    return {"user": body["user"], "username": username, "token": tokens["access_token"]}


def accounts_settings(test_database: str, **overrides):
    """accounts settings on the test database, workers off (the outbox is checked in SQL)."""
    from luutru_accounts.settings import AccountsSettings
    from luutru_common.settings import runtime_role
    from tests.support import TEST_PASSWORD_HASHING, kafka_settings

    # accounts' runtime role on the same database, as in production
    admin = "//luutru:luutru@"
    assert admin in test_database
    role = runtime_role("accounts")
    return AccountsSettings(
        database_url=test_database.replace(admin, f"//{role}:{role}@"),
        **kafka_settings(),
        environment="test",
        **TEST_PASSWORD_HASHING,
        embedded_workers=False,
        jwks_url="http://127.0.0.1:9/unused",
        # Every test client signs in from one address: only the lockout tests, with
        # addresses of their own, meet the per-address hold.
        **{"login_source_threshold": 100_000, **overrides},
    )
