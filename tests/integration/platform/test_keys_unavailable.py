"""Signing keys unavailable is the platform's fault, not the client's: 503 with Retry-After,
never 401. A service keeps the last good key set across a restart, and accounts serves its
JWKS from memory while its database is down (the database made unreachable by pointing the
app at a closed port, so the shared PostgreSQL is never touched)."""

from __future__ import annotations

import uuid

import pytest

from luutru_accounts.app import create_app as accounts_app
from luutru_common.db import make_engine, make_pool, make_session_factory
from luutru_ingest.app import create_app as ingest_app
from luutru_ingest.settings import IngestSettings
from tests.integration.accounts_helpers import accounts_settings, admin_token, new_facility
from tests.integration.conftest import add_facility_view
from tests.support import bearer, running_app

UNREACHABLE_DB = "postgresql+asyncpg://luutru:luutru@127.0.0.1:9/nowhere"
UNREACHABLE_ACCOUNTS = "http://127.0.0.1:9/.well-known/jwks.json"


def guest() -> dict:
    return {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1990-05-01",
        "gender": "male",
        "id_number": f"075090{uuid.uuid4().int % 10**6:06d}",
        "check_in_at": "2026-11-27T14:00:00+07:00",
        "room": "101",
    }


def ingest_settings(test_database, cache, **change) -> IngestSettings:
    return IngestSettings(
        database_url=test_database,
        embedded_workers=False,
        environment="test",
        jwks_url=UNREACHABLE_ACCOUNTS,
        jwks_cache_path=str(cache),
        **change,
    )


async def database_down(app) -> None:
    """Every way the app reaches PostgreSQL leads nowhere from now on: the ORM's sessions and
    the hot path's pool (a check-in reads its facility and writes its stay through it)."""
    app.state.session_factory = make_session_factory(make_engine(UNREACHABLE_DB))
    reachable, app.state.pool = app.state.pool, await make_pool(UNREACHABLE_DB)
    await reachable.close()


@pytest.fixture
async def accounts(test_database):
    app = accounts_app(accounts_settings(test_database))
    async with running_app(app) as client:
        yield app, client


async def test_keys_unavailable_is_503_then_the_cached_keys_serve_after_a_restart(
    accounts, db, test_database, tmp_path
):
    app, client = accounts
    manager = await new_facility(client, await admin_token(client))
    await add_facility_view(db, facility_id=manager["facility"]["id"], beds=50)
    token = bearer(manager["token"])
    cache = tmp_path / "jwks.json"

    # ingest starts while accounts cannot be reached, nothing cached: 503, not 401.
    cold = ingest_app(ingest_settings(test_database, cache))
    async with running_app(cold) as ingest:
        refused = await ingest.post("/v1/stays", json=guest(), headers=token)
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "keys-unavailable"
    assert refused.headers["Retry-After"] == "5"
    assert refused.headers["content-type"] == "application/problem+json"

    # accounts comes back: the keys are fetched (and kept in the cache file), 201.
    warm = ingest_app(ingest_settings(test_database, cache))

    async def from_accounts() -> dict:
        return (await client.get("/.well-known/jwks.json")).json()

    warm.state.token_verifier.fetch_jwks = from_accounts
    async with running_app(warm) as ingest:
        accepted = await ingest.post("/v1/stays", json=guest(), headers=token)
    assert accepted.status_code == 201, accepted.text
    assert cache.exists()

    # accounts' database goes down; its JWKS is still served, from memory.
    published = await from_accounts()
    await database_down(app)
    during = await client.get("/.well-known/jwks.json")
    assert (during.status_code, during.json()) == (200, published)

    # ingest restarted while accounts cannot be reached: the cached keys verify, 201.
    restarted = ingest_app(ingest_settings(test_database, cache))
    async with running_app(restarted) as ingest:
        accepted = await ingest.post("/v1/stays", json=guest(), headers=token)
    assert accepted.status_code == 201, accepted.text

    # A token signed by a key nobody ever published is still the client's fault: 401.
    async with running_app(ingest_app(ingest_settings(test_database, cache))) as ingest:
        bogus = manager["token"].split(".")
        forged = await ingest.post(
            "/v1/stays", json=guest(), headers=bearer(".".join([bogus[0], bogus[1], "AAAA"]))
        )
    assert forged.status_code == 401


async def test_a_service_whose_database_is_down_answers_503(test_database, tmp_path, signer):
    app = ingest_app(ingest_settings(test_database, tmp_path / "jwks.json"))
    app.state.token_verifier.add_jwks(signer.jwks)
    async with running_app(app) as ingest:
        await database_down(app)
        response = await ingest.post(
            "/v1/stays",
            json=guest(),
            headers=bearer(signer.token(role="facility_staff", facility_id=uuid.uuid4())),
        )
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
