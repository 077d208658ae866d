"""The role × endpoint matrix of accounts: every role against every endpoint, allowed or
refused (403 for a role that may never do it, 404 for what belongs to another facility or
commune), plus anonymous callers and machine clients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from tests.integration.accounts_helpers import (
    HOTEL,
    NEW_PASSWORD,
    admin_token,
    new_facility,
    new_user,
)
from tests.integration.conftest import service_app
from tests.support import bearer

ROLES = (
    "system_admin",
    "police_admin",
    "police_officer",
    "facility_manager",
    "facility_staff",
    "department_analyst",
    "anonymous",
    "api_client",
)


@dataclass
class World:
    client: object
    tokens: dict[str, dict[str, str]]
    a: str  # facility of the facility roles, in commune 26068 (the officer's)
    b: str  # another facility, in commune 26041
    b_staff: str  # a staff user of facility B


@pytest.fixture(scope="module")
async def world(shared_env, signer):
    # Tokens signed by a test key that accounts trusts, so every role and claim can be had.
    async with service_app("accounts", shared_env, signer) as app:
        client = app.state.client
        admin = await admin_token(client)
        a = await client.post("/v1/facilities", json=HOTEL, headers=bearer(admin))
        b = await client.post(
            "/v1/facilities",
            json={**HOTEL, "name": "Nhà nghỉ B", "commune_code": 26041},
            headers=bearer(admin),
        )
        a_id, b_id = a.json()["facility"]["id"], b.json()["facility"]["id"]
        b_staff = await client.post(
            "/v1/users",
            json={
                "username": f"nv.b.{uuid.uuid4().hex[:6]}",
                "full_name": "Trần Thị B",
                "role": "facility_staff",
                "facility_id": b_id,
            },
            headers=bearer(admin),
        )
        tok = {
            "system_admin": signer.token(role="system_admin"),
            "police_admin": signer.token(role="police_admin"),
            "police_officer": signer.token(role="police_officer", communes=[26068]),
            "facility_manager": signer.token(role="facility_manager", facility_id=a_id),
            "facility_staff": signer.token(role="facility_staff", facility_id=a_id),
            "department_analyst": signer.token(role="department_analyst", department="VHTTDL"),
            "api_client": signer.token(
                role="facility_staff", facility_id=a_id, client=True, scope="stays:write"
            ),
        }
        tokens = {role: bearer(t) for role, t in tok.items()} | {"anonymous": {}}
        tokens["orphan_manager"] = bearer(signer.token(role="facility_manager"))
        yield World(client, tokens, a_id, b_id, b_staff.json()["user"]["id"])


def _user(role: str, extra):
    return lambda w: {
        "username": f"u{uuid.uuid4().hex[:10]}",
        "full_name": "Lê Văn C",
        "role": role,
        **extra(w),
    }


ADMINS = {"system_admin", "police_admin"}
POLICE = ADMINS | {"police_officer"}


def expect(ok: int, allowed: set[str], **special: int) -> dict[str, int]:
    table = {role: 403 for role in ROLES} | {"anonymous": 401}
    table |= {role: ok for role in allowed}
    return table | special


# (name, method, path(world), body(world) or None, {role: status})
MATRIX = [
    ("register facility", "POST", lambda w: "/v1/facilities", lambda w: HOTEL,
     expect(201, ADMINS)),
    ("list facilities", "GET", lambda w: "/v1/facilities", None, expect(200, POLICE)),
    ("get own facility", "GET", lambda w: f"/v1/facilities/{w.a}", None,
     expect(200, POLICE | {"facility_manager", "facility_staff"})),
    ("get other facility", "GET", lambda w: f"/v1/facilities/{w.b}", None,
     expect(200, ADMINS, police_officer=404, facility_manager=404, facility_staff=404)),
    ("update facility", "PATCH", lambda w: f"/v1/facilities/{w.a}",
     lambda w: {"street": "2 Cách Mạng Tháng Tám"}, expect(200, ADMINS)),
    ("suspend facility", "POST", lambda w: f"/v1/facilities/{uuid.uuid4()}/suspend",
     lambda w: {"reason": "kiểm tra"}, expect(404, ADMINS)),
    ("reinstate facility", "POST", lambda w: f"/v1/facilities/{uuid.uuid4()}/reinstate",
     None, expect(404, ADMINS)),
    ("close facility", "POST", lambda w: f"/v1/facilities/{uuid.uuid4()}/close", None,
     expect(404, ADMINS)),
    ("create police officer", "POST", lambda w: "/v1/users",
     _user("police_officer", lambda w: {"communes": [26068]}), expect(201, ADMINS)),
    ("create analyst", "POST", lambda w: "/v1/users",
     _user("department_analyst", lambda w: {"department": "SYT"}), expect(201, ADMINS)),
    ("create police admin", "POST", lambda w: "/v1/users", _user("police_admin", lambda w: {}),
     expect(201, {"system_admin"})),
    ("create staff of own facility", "POST", lambda w: "/v1/users",
     _user("facility_staff", lambda w: {"facility_id": w.a}),
     expect(201, ADMINS | {"facility_manager"})),
    ("create staff of other facility", "POST", lambda w: "/v1/users",
     _user("facility_staff", lambda w: {"facility_id": w.b}),
     expect(201, ADMINS, facility_manager=404)),
    ("list users", "GET", lambda w: "/v1/users", None,
     expect(200, ADMINS | {"facility_manager"})),
    ("get other facility's user", "GET", lambda w: f"/v1/users/{w.b_staff}", None,
     expect(200, ADMINS, facility_manager=404)),
    ("disable other facility's user", "POST", lambda w: f"/v1/users/{w.b_staff}/disable",
     None, expect(200, ADMINS, facility_manager=404)),
    ("reset other facility's user", "POST", lambda w: f"/v1/users/{w.b_staff}/reset-password",
     None, expect(200, ADMINS, facility_manager=404)),
    ("create api client", "POST", lambda w: "/v1/clients",
     lambda w: {"name": "PMS", "scopes": ["stays:write"]}, expect(201, {"facility_manager"})),
    ("list api clients", "GET", lambda w: "/v1/clients", None,
     expect(200, ADMINS | {"facility_manager"})),
    ("revoke unknown api client", "POST", lambda w: f"/v1/clients/{uuid.uuid4()}/revoke",
     None, expect(404, ADMINS | {"facility_manager"})),
    ("query audit log", "GET", lambda w: "/v1/audit", None, expect(200, ADMINS)),
    ("rotate signing key", "POST", lambda w: "/v1/auth/keys/rotate", None,
     expect(200, ADMINS)),
    ("facility types", "GET", lambda w: "/v1/facility-types", None,
     {role: 200 for role in ROLES}),
    ("jwks", "GET", lambda w: "/.well-known/jwks.json", None, {role: 200 for role in ROLES}),
]  # fmt: skip

CASES = [
    pytest.param(method, path, body, role, status, id=f"{name}-{role}")
    for name, method, path, body, table in MATRIX
    for role, status in table.items()
]


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
async def test_role_endpoint_matrix(world: World, method, path, body, role, status):
    response = await world.client.request(
        method,
        path(world),
        json=body(world) if body else None,
        headers=world.tokens[role],
    )
    assert response.status_code == status, response.text
    if status >= 400:
        assert response.headers["content-type"] == "application/problem+json"


async def test_facility_role_without_a_facility_is_refused(world: World):
    """A facility role without its facility would match every user without one (the police)."""
    response = await world.client.get("/v1/users", headers=world.tokens["orphan_manager"])
    assert response.status_code == 403


async def test_facilities_are_isolated_from_each_other(world: World, test_database):
    client = world.client
    admin = await admin_token(client)
    a = await new_facility(client, admin)
    b = await new_facility(client, admin, name="Nhà nghỉ Bên Kia", commune_code=26041)
    a_staff = await new_user(client, a["token"], "facility_staff")
    a_client = await client.post(
        "/v1/clients", json={"name": "PMS A", "scopes": ["stays:write"]}, headers=bearer(a["token"])
    )
    b_headers = bearer(b["token"])
    # B's manager sees only B's users and clients …
    users = await client.get("/v1/users", headers=b_headers)
    assert {u["facility_id"] for u in users.json()["items"]} == {b["facility"]["id"]}
    assert (await client.get("/v1/clients", headers=b_headers)).json() == []
    # … and A's are not there at all: 404, not 403.
    for method, path in [
        ("GET", f"/v1/users/{a_staff['user']['id']}"),
        ("POST", f"/v1/users/{a_staff['user']['id']}/disable"),
        ("POST", f"/v1/users/{a_staff['user']['id']}/reset-password"),
        ("PATCH", f"/v1/users/{a_staff['user']['id']}"),
        ("GET", f"/v1/facilities/{a['facility']['id']}"),
        ("POST", f"/v1/clients/{a_client.json()['client']['id']}/revoke"),
    ]:
        response = await client.request(
            method, path, headers=b_headers, json={} if method == "PATCH" else None
        )
        assert response.status_code == 404, (method, path, response.text)
    # A's staff member is untouched.
    login = await client.post(
        "/v1/auth/token", json={"username": a_staff["username"], "password": NEW_PASSWORD}
    )
    assert login.status_code == 200
    # A manager cannot create staff for B either.
    elsewhere = await client.post(
        "/v1/users",
        json={
            "username": f"nv{uuid.uuid4().hex[:8]}",
            "full_name": "X",
            "role": "facility_staff",
            "facility_id": b["facility"]["id"],
        },
        headers=bearer(a["token"]),
    )
    assert elsewhere.status_code == 404
