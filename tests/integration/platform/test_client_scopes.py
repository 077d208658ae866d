"""The scope × endpoint matrix for machine clients (OAuth2 client credentials): every endpoint
of every service against every scope a client can hold. Reads need a read scope as writes
need a write scope; an endpoint given no scope is closed to clients; people are unaffected."""

from __future__ import annotations

import re
import uuid

import pytest

from luutru_accounts.app import create_app as accounts_app
from luutru_analytics.app import create_app as analytics_app
from luutru_analytics.settings import AnalyticsSettings
from luutru_ingest.app import create_app as ingest_app
from luutru_ingest.client_scopes import CLIENT_SCOPES, CLOSED_TO_CLIENTS
from luutru_ingest.settings import IngestSettings
from tests.integration.accounts_helpers import accounts_settings
from tests.integration.conftest import add_facility_view
from tests.support import bearer, running_app

SCOPES = ("stays:write", "stays:read", "trips:write", "trips:read")
REFUSALS = {"scope-missing", "client-not-allowed"}
# No token at all: health, keys, and the guest's pre-registration page (the signed link).
PUBLIC = {
    "/livez", "/readyz", "/metrics", "/.well-known/jwks.json",
    "/v1/guest-links/{token}", "/v1/guest-links/{token}/pre-registrations",
}  # fmt: skip


def operations(app, *, bearer_only: bool = False) -> list[tuple[str, str]]:
    """The operations of an app's OpenAPI (those taking a bearer token, if asked)."""
    return [
        (method.upper(), path)
        for path, ops in app.openapi()["paths"].items()
        for method, op in ops.items()
        if path not in PUBLIC and (not bearer_only or op.get("security"))
    ]


def concrete(path: str) -> str:
    """A path template with its parameters filled (ids that exist nowhere)."""
    path = path.replace("{fmt}", "csv")
    path = re.sub(r"\{[a-z_]*id\}", str(uuid.uuid4()), path)
    return re.sub(r"\{[a-z_]+\}", "X1", path)


async def call(client, method: str, path: str, headers: dict):
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return await client.request(method, concrete(path), json=body, headers=headers)


def refused(response) -> bool:
    return response.status_code == 403 and response.json().get("code") in REFUSALS


def test_every_ingest_endpoint_has_its_scope_decided():
    """The table names real endpoints only, and each endpoint of ingest is either in it or
    deliberately closed to clients (the room registry's management)."""
    ops = set(operations(ingest_app(IngestSettings())))
    assert set(CLIENT_SCOPES) | CLOSED_TO_CLIENTS == ops
    assert not set(CLIENT_SCOPES) & CLOSED_TO_CLIENTS


@pytest.mark.parametrize(("method", "path"), sorted(CLOSED_TO_CLIENTS))
async def test_room_management_is_closed_to_every_client(ingest, db, method, path):
    _app, client, signer = ingest
    fid = await add_facility_view(db)
    for scope in SCOPES:
        token = signer.token(role="facility_manager", facility_id=fid, client=True, scope=scope)
        response = await call(
            client, method, path.replace("{facility_id}", str(fid)), bearer(token)
        )
        assert refused(response), (scope, response.status_code, response.text)


@pytest.fixture(scope="module")
async def ingest(test_database):
    from tests import support

    signer = support.TestSigner()
    app = ingest_app(
        IngestSettings(
            database_url=test_database,
            embedded_workers=False,
            environment="test",
            jwks_url="http://127.0.0.1:9/unused",
        )
    )
    app.state.token_verifier.add_jwks(signer.jwks)
    async with running_app(app) as client:
        yield app, client, signer


INGEST_CASES = [
    pytest.param(method, path, scope, id=f"{method} {path} [{scope}]")
    for method, path in sorted(CLIENT_SCOPES)
    for scope in SCOPES
]


@pytest.mark.parametrize(("method", "path", "scope"), INGEST_CASES)
async def test_ingest_scope_endpoint_matrix(ingest, db, method, path, scope):
    _app, client, signer = ingest
    facility_type = "coach" if scope.startswith("trips") else "hotel"
    fid = await add_facility_view(db, facility_type=facility_type)
    token = signer.token(role="facility_staff", facility_id=fid, client=True, scope=scope)
    response = await call(client, method, path, bearer(token))
    allowed = scope in CLIENT_SCOPES[(method, path)]
    assert refused(response) is not allowed, (response.status_code, response.text)
    if not allowed:
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_write_only_client_cannot_list_guests(ingest, db):
    """The finding: a client granted only stays:write read every guest of the day."""
    _app, client, signer = ingest
    fid = await add_facility_view(db)
    writer = bearer(
        signer.token(role="facility_staff", facility_id=fid, client=True, scope="stays:write")
    )
    reader = bearer(
        signer.token(role="facility_staff", facility_id=fid, client=True, scope="stays:read")
    )
    listed = await client.get("/v1/stays", params={"date": "2026-11-27"}, headers=writer)
    assert (listed.status_code, listed.json()["code"]) == (403, "scope-missing")
    assert (
        await client.get("/v1/stays", params={"date": "2026-11-27"}, headers=reader)
    ).status_code == 200
    person = bearer(signer.token(role="facility_staff", facility_id=fid))
    assert (
        await client.get("/v1/stays", params={"date": "2026-11-27"}, headers=person)
    ).status_code == 200


async def test_analytics_is_closed_to_clients(test_database, signer):
    settings = AnalyticsSettings(
        database_url=test_database,
        embedded_workers=False,
        environment="test",
        jwks_url="http://127.0.0.1:9/unused",
    )
    app = analytics_app(settings)
    app.state.token_verifier.add_jwks(signer.jwks)
    token = bearer(
        signer.token(
            role="facility_staff",
            facility_id=uuid.uuid4(),
            client=True,
            scope=" ".join(SCOPES),
        )
    )
    async with running_app(app) as client:
        for method, path in operations(app):
            response = await call(client, method, path, token)
            assert refused(response), (method, path, response.status_code, response.text)


async def test_accounts_is_closed_to_clients(test_database, signer):
    app = accounts_app(accounts_settings(test_database))
    app.state.token_verifier.add_jwks(signer.jwks)
    token = bearer(
        signer.token(
            role="facility_staff",
            facility_id=uuid.uuid4(),
            client=True,
            scope=" ".join(SCOPES),
        )
    )
    async with running_app(app) as client:
        # The password change takes the username and password, a bearer token only optionally.
        ops = set(operations(app, bearer_only=True)) - {("POST", "/v1/auth/password")}
        assert len(ops) > 10
        for method, path in sorted(ops):
            response = await call(client, method, path, token)
            assert refused(response), (method, path, response.status_code, response.text)
