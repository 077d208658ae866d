"""accounts authentication on real PostgreSQL: first login, refresh rotation and reuse,
logout, lockout, password policy, token expiry, key rotation, machine clients, disabling."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import uuid

import jwt
import pytest
from sqlalchemy import text

from luutru_common.auth import TokenVerifier
from tests.integration.accounts_helpers import (
    NEW_PASSWORD,
    admin_token,
    login,
    new_facility,
    new_user,
)
from tests.support import bearer, service_database_env

# A low threshold: a lockout in three failures.
pytestmark = pytest.mark.app_settings(login_lockout_threshold=3)


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


async def test_first_login_token_is_good_only_for_changing_the_password(client):
    admin = await admin_token(client)
    created = await client.post(
        "/v1/facilities",
        json={
            "name": "Nhà trọ Bình Minh",
            "facility_type": "boarding_house",
            "province_code": 75,
            "commune_code": 26017,
        },
        headers=bearer(admin),
    )
    manager = created.json()["manager"]
    first = await login(client, manager["username"], manager["one_time_password"])
    assert first["must_change_password"] is True
    assert "refresh_token" not in first
    assert claims(first["access_token"])["aud"] == "luutru-password-change"
    # Refused everywhere else (ingest and analytics verify the audience the same way).
    me = await client.get("/v1/users/me", headers=bearer(first["access_token"]))
    assert me.status_code == 401
    # The policy applies to the new password.
    weak = await client.post(
        "/v1/auth/password",
        json={"current_password": manager["one_time_password"], "new_password": "abc"},
        headers=bearer(first["access_token"]),
    )
    assert weak.status_code == 422
    codes = {e["code"] for e in weak.json()["errors"]}
    assert {"password-too-short", "password-too-simple"} <= codes
    assert all(e["pointer"] == "/new_password" for e in weak.json()["errors"])
    with_name = await client.post(
        "/v1/auth/password",
        json={
            "current_password": manager["one_time_password"],
            "new_password": f"X-{manager['username']}-9",
        },
        headers=bearer(first["access_token"]),
    )
    assert "password-contains-username" in {e["code"] for e in with_name.json()["errors"]}
    changed = await client.post(
        "/v1/auth/password",
        json={"current_password": manager["one_time_password"], "new_password": NEW_PASSWORD},
        headers=bearer(first["access_token"]),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["must_change_password"] is False
    token = changed.json()["access_token"]
    assert claims(token)["aud"] == "luutru"
    me = await client.get("/v1/users/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["must_change_password"] is False
    # The one-time password is gone.
    old = await client.post(
        "/v1/auth/token",
        json={"username": manager["username"], "password": manager["one_time_password"]},
    )
    assert old.status_code == 401


# The one test at the production argon2 cost (the others hash at tests/support.py's cheap
# one): the one-time password, the changed password, and logins that check them.
@pytest.mark.app_settings(
    login_lockout_threshold=3, password_hash_memory_kib=65536, password_hash_time_cost=3
)
async def test_passwords_are_hashed_at_the_production_cost(client, db):
    admin = await admin_token(client)
    created = await new_facility(client, admin, name="Khách sạn Giá Thật")
    again = await login(client, created["manager"], NEW_PASSWORD)
    assert claims(again["access_token"])["aud"] == "luutru"
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT password_hash FROM accounts.users WHERE username = :u"),
            {"u": created["manager"]},
        )
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored[:40]
    wrong = await client.post(
        "/v1/auth/token", json={"username": created["manager"], "password": "Sai-Mật-Khẩu-1"}
    )
    assert wrong.status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(client):
    admin = await admin_token(client)
    facility = await new_facility(client, admin)
    first = facility["refresh_token"]
    rotated = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": first}
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first
    assert claims(rotated.json()["access_token"])["facility_id"] == facility["facility"]["id"]
    # The spent token comes back (stolen?): refused, and the family is revoked…
    reused = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": first}
    )
    assert reused.status_code == 401
    assert reused.json()["code"] == "invalid-grant"
    # …so the legitimate newer token no longer works either.
    after = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": second}
    )
    assert after.status_code == 401
    audit = await client.get(
        "/v1/audit", params={"action": "refresh.reused"}, headers=bearer(admin)
    )
    assert any(
        row["target_id"] == claims(rotated.json()["access_token"])["sub"]
        for row in audit.json()["items"]
    )


async def test_refresh_as_a_form_post_and_logout(client):
    admin = await admin_token(client)
    facility = await new_facility(client, admin)
    rotated = await client.post(
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": facility["refresh_token"]},
    )
    assert rotated.status_code == 200, rotated.text
    current = rotated.json()["refresh_token"]
    out = await client.post("/v1/auth/logout", json={"refresh_token": current})
    assert out.status_code == 204
    again = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": current}
    )
    assert again.status_code == 401


async def test_lockout_after_repeated_failures_for_known_and_unknown_users(client, db):
    admin = await admin_token(client)
    officer = await new_user(client, admin, "police_officer", communes=[26068])
    ghost = f"ghost-{uuid.uuid4().hex[:6]}"
    for username in (officer["username"], ghost):
        for _ in range(3):  # the threshold of this app
            wrong = await client.post(
                "/v1/auth/token", json={"username": username, "password": "Sai-Mat-Khau-1"}
            )
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "invalid-credentials"
        locked = await client.post(
            "/v1/auth/token", json={"username": username, "password": NEW_PASSWORD}
        )
        assert locked.status_code == 429, locked.text
        assert locked.json()["code"] == "login-locked"
        assert int(locked.headers["Retry-After"]) > 0
    # Every failure is in the audit log, with the client's address.
    failures = await client.get(
        "/v1/audit", params={"action": "login.failed", "limit": 50}, headers=bearer(admin)
    )
    rows = [r for r in failures.json()["items"] if r["details"].get("username") == ghost]
    assert len(rows) == 4
    assert all(r["client_ip"] for r in rows)
    assert sum(r["details"].get("locked") is True for r in rows) == 1
    # An admin's password reset lifts the lock (with a new one-time password).
    reset = await client.post(
        f"/v1/users/{officer['user']['id']}/reset-password", headers=bearer(admin)
    )
    assert reset.status_code == 200
    relogin = await login(client, officer["username"], reset.json()["one_time_password"])
    assert relogin["must_change_password"] is True


async def test_locked_account_answers_alike_whether_or_not_it_exists(client):
    """The lockout is per username, so it says nothing about which usernames exist."""
    statuses = []
    for username in (f"real-{uuid.uuid4().hex[:4]}", f"fake-{uuid.uuid4().hex[:4]}"):
        answers = [
            (
                await client.post(
                    "/v1/auth/token", json={"username": username, "password": "Whatever-123"}
                )
            ).status_code
            for _ in range(4)
        ]
        statuses.append(answers)
    assert statuses[0] == statuses[1] == [401, 401, 401, 429]


# A few seconds of life: enough for the first use even on a loaded 2-core CI machine.
@pytest.mark.app_settings(access_token_ttl_s=4)
async def test_access_token_expires(client):
    token = await admin_token(client)
    assert (await client.get("/v1/users/me", headers=bearer(token))).status_code == 200
    await asyncio.sleep(5.2)
    expired = await client.get("/v1/users/me", headers=bearer(token))
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"].lower()


# Tokens of six seconds: the old one still good for the checks below on a loaded 2-core machine.
@pytest.mark.app_settings(access_token_ttl_s=6, client_token_ttl_s=6, signing_key_grace_s=1)
async def test_key_rotation_keeps_old_tokens_verifying_until_they_expire(client):
    old_token = await admin_token(client)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    rotated = await client.post("/v1/auth/keys/rotate", headers=bearer(old_token))
    assert rotated.status_code == 200, rotated.text
    new_kid = rotated.json()["kid"]
    assert old_kid in rotated.json()["retired"]
    new_token = await admin_token(client)
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    published = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert {old_kid, new_kid} <= published
    # A verifier elsewhere (as ingest and analytics are) accepts both tokens.
    elsewhere = TokenVerifier("unused", issuer="luutru-accounts", audience="luutru")
    elsewhere.add_jwks((await client.get("/.well-known/jwks.json")).json())
    assert (await elsewhere.verify(old_token)).role == "police_admin"
    assert (await elsewhere.verify(new_token)).role == "police_admin"
    # Once the old key's tokens have all expired, it leaves the JWKS.
    await asyncio.sleep(7.5)  # past the old key's last token (6 s) and the grace (1 s)
    published = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert old_kid not in published
    assert new_kid in published


async def test_machine_client_credentials(client):
    admin = await admin_token(client)
    facility = await new_facility(client, admin)
    manager = bearer(facility["token"])
    bad_scope = await client.post(
        "/v1/clients", json={"name": "PMS", "scopes": ["trips:write"]}, headers=manager
    )
    assert bad_scope.status_code == 422
    assert bad_scope.json()["errors"][0]["pointer"] == "/scopes/0"
    created = await client.post(
        "/v1/clients", json={"name": "PMS lễ tân", "scopes": ["stays:write"]}, headers=manager
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["client"]["client_id"]
    secret = created.json()["client_secret"]
    # The secret is shown once: listing never carries it.
    listed = await client.get("/v1/clients", headers=manager)
    assert [c["client_id"] for c in listed.json()] == [client_id]
    assert "secret" not in listed.text

    # JSON body, form body (as OAuth2 libraries send it) and HTTP Basic all work.
    as_json = await client.post(
        "/v1/auth/token",
        json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    as_form = await client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    as_basic = await client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    for response in (as_json, as_form, as_basic):
        assert response.status_code == 200, response.text
        token = claims(response.json()["access_token"])
        assert token["client"] is True
        assert token["facility_id"] == facility["facility"]["id"]
        assert token["scope"] == "stays:write"
        assert "refresh_token" not in response.json()
    # A machine token is no person: refused by the management endpoints.
    machine = bearer(as_json.json()["access_token"])
    assert (await client.get("/v1/users", headers=machine)).status_code == 403
    # Asking for more than was granted is refused.
    greedy = await client.post(
        "/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "stays:write trips:write",
        },
    )
    assert greedy.status_code == 400
    wrong = await client.post(
        "/v1/auth/token",
        json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid-client"
    # Suspending the facility stops the client at once; reinstating restores it.
    fid = facility["facility"]["id"]
    await client.post(f"/v1/facilities/{fid}/suspend", json={"reason": "x"}, headers=bearer(admin))
    suspended = await client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert suspended.status_code == 403
    assert suspended.json()["code"] == "facility-not-active"
    await client.post(f"/v1/facilities/{fid}/reinstate", headers=bearer(admin))
    # Revoked by the manager: no more tokens.
    revoked = await client.post(
        f"/v1/clients/{created.json()['client']['id']}/revoke", headers=manager
    )
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    after = await client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert after.status_code == 401


async def test_disabled_user_and_suspended_facility_get_no_new_tokens(client):
    admin = await admin_token(client)
    facility = await new_facility(client, admin)
    staff = await new_user(client, facility["token"], "facility_staff")
    assert staff["user"]["facility_id"] == facility["facility"]["id"]
    disabled = await client.post(
        f"/v1/users/{staff['user']['id']}/disable", headers=bearer(facility["token"])
    )
    assert disabled.status_code == 200
    refused = await client.post(
        "/v1/auth/token", json={"username": staff["username"], "password": NEW_PASSWORD}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "account-disabled"
    # accounts itself refuses the disabled user's still-valid access token at once (by its
    # own check, or by the revocation list if its poll came first).
    still_valid = await client.get("/v1/users/me", headers=bearer(staff["token"]))
    assert still_valid.status_code == 401
    assert still_valid.json()["code"] in ("account-disabled", "token-revoked")
    # The facility suspended: its manager gets no token, nor a refresh.
    fid = facility["facility"]["id"]
    await client.post(f"/v1/facilities/{fid}/suspend", json={"reason": "x"}, headers=bearer(admin))
    login_refused = await client.post(
        "/v1/auth/token", json={"username": facility["manager"], "password": NEW_PASSWORD}
    )
    assert login_refused.status_code == 403
    refresh_refused = await client.post(
        "/v1/auth/token",
        json={"grant_type": "refresh_token", "refresh_token": facility["refresh_token"]},
    )
    assert refresh_refused.status_code == 403
    assert refresh_refused.json()["code"] == "facility-not-active"


async def test_token_endpoint_bad_input_is_a_problem(client):
    cases = [
        ({"grant_type": "magic"}, 400, "/grant_type"),
        ({"grant_type": "password", "username": "admin"}, 422, "/password"),
        ({"grant_type": "refresh_token"}, 422, "/refresh_token"),
        ({"grant_type": "client_credentials"}, 422, "/client_id"),
        ({"grant_type": 7}, 400, "/grant_type"),
    ]
    for body, status, pointer in cases:
        response = await client.post("/v1/auth/token", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert pointer in {e["pointer"] for e in response.json()["errors"]}
    for raw in (b"not json", b"[1,2]"):
        response = await client.post(
            "/v1/auth/token", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422


async def test_audit_log_is_append_only(client, db):
    await admin_token(client)
    async with db.connect() as conn:
        for statement in (
            "UPDATE accounts.audit_log SET action = 'x'",
            "DELETE FROM accounts.audit_log",
            "TRUNCATE accounts.audit_log",
        ):
            with pytest.raises(Exception, match="append-only"):
                async with conn.begin():
                    await conn.execute(text(statement))
        count = await conn.scalar(text("SELECT count(*) FROM accounts.audit_log"))
    assert count > 0


async def test_rotate_key_from_the_command_line(client, test_database):
    env = {**os.environ, **service_database_env(test_database.rsplit("/", 1)[1], "accounts")}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "luutru_accounts", "rotate-key"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    kid = done.stdout.split()[3].rstrip(";")
    token = await admin_token(client)
    assert jwt.get_unverified_header(token)["kid"] == kid
    published = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert kid in published
