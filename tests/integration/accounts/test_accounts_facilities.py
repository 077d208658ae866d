"""accounts on real PostgreSQL: login, facility registration and its event in one transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.integration.accounts_helpers import admin_token
from tests.support import bearer

FACILITY = {
    "name": "Nhà nghỉ Hoa Mai",
    "facility_type": "motel",
    "province_code": 75,
    "commune_code": 26068,
    "street": "12 Phạm Văn Thuận",
    "rooms": 8,
    "beds": 12,
}


async def test_police_admin_registers_facility_with_event_and_manager(client, db):
    token = await admin_token(client)
    response = await client.post("/v1/facilities", json=FACILITY, headers=bearer(token))
    assert response.status_code == 201, response.text
    body = response.json()
    facility = body["facility"]
    assert facility["code"].startswith("75-")
    async with db.connect() as conn:
        events = (
            await conn.execute(
                text(
                    "SELECT event_type, topic, payload::jsonb AS payload FROM accounts.outbox "
                    "WHERE key = :k"
                ),
                {"k": facility["id"]},
            )
        ).all()
    assert [(e.event_type, e.topic) for e in events] == [("FacilityRegistered", "facility.v1")]
    assert events[0].payload["data"]["commune_code"] == 26068
    # The first manager can log in with the one-time password and must change it.
    login = await client.post(
        "/v1/auth/token",
        json={
            "username": body["manager"]["username"],
            "password": body["manager"]["one_time_password"],
        },
    )
    assert login.status_code == 200
    assert login.json()["must_change_password"] is True


async def test_invalid_facility_names_each_field(client):
    token = await admin_token(client)
    bad = {**FACILITY, "facility_type": "castle", "province_code": 75, "commune_code": 1}
    response = await client.post("/v1/facilities", json=bad, headers=bearer(token))
    assert response.status_code == 422
    pointers = {e["pointer"]: e["code"] for e in response.json()["errors"]}
    assert pointers == {
        "/facility_type": "facility-type-unknown",
        "/commune_code": "commune-unknown",
    }


async def test_wrong_password_and_unknown_user_answer_alike(client):
    wrong = await client.post("/v1/auth/token", json={"username": "admin", "password": "nope"})
    ghost = f"ghost-{uuid.uuid4().hex[:6]}"  # failures count per username: one of its own
    unknown = await client.post("/v1/auth/token", json={"username": ghost, "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "invalid-credentials"


async def test_only_police_admins_register_facilities(client):
    token = await admin_token(client)
    created = await client.post("/v1/facilities", json=FACILITY, headers=bearer(token))
    manager = created.json()["manager"]
    # The one-time password is changed first: until then the token is good for nothing else.
    changed = await client.post(
        "/v1/auth/password",
        json={
            "username": manager["username"],
            "current_password": manager["one_time_password"],
            "new_password": "Hoa-Mai-2026-quản-lý",
        },
    )
    assert changed.status_code == 200, changed.text
    response = await client.post(
        "/v1/facilities", json=FACILITY, headers=bearer(changed.json()["access_token"])
    )
    assert response.status_code == 403
    assert (await client.post("/v1/facilities", json=FACILITY)).status_code == 401


async def test_jwks_publishes_the_signing_key(client):
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert keys and all(k["kty"] == "EC" and k["alg"] == "ES256" and "d" not in k for k in keys)


async def test_text_postgresql_cannot_store_is_a_client_error(client):
    """A NUL byte passes schema validation but not PostgreSQL: 422 problem, never a 500."""
    token = await admin_token(client)
    response = await client.get(
        "/v1/audit", params={"target_id": "ab\x00cd"}, headers=bearer(token)
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid-characters"
