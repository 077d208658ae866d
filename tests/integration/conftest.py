"""What every integration test shares: the test database, the tests' signing key, and one
way to run a service's app in process (`service_app`). Each service's folder has a conftest
with its `app` fixture; a module asks for other settings with the `app_settings` marker."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support import (
    SERVICES,
    TEST_PASSWORD_HASHING,
    TEST_TAG,
    TestSigner,
    database_url,
    kafka_settings,
    recreate_database,
    running_app,
    runtime_url,
    service_database_env,
)

TEST_DB = f"luutru_test{TEST_TAG}"


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "app_settings(**overrides): settings of the module's in-process app that differ from"
        " the defaults of `service_app` (small chunks, a lower lockout threshold…)",
    )


@pytest.fixture(scope="session")
def test_database(infrastructure) -> str:
    recreate_database(TEST_DB)
    return database_url(TEST_DB)


@pytest.fixture(scope="session")
def signer() -> TestSigner:
    return TestSigner()


@pytest.fixture
def group_prefix() -> str:
    """Consumer groups of one test: their own offsets, their own dead-letter topics."""
    return f"t{uuid.uuid4().hex[:8]}-"


@pytest.fixture
def service_env(request, test_database, group_prefix) -> dict:
    """Settings of the service a test module is named after (test_<service>_…), connecting as
    that service's runtime role like in production; other modules get the admin role."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    service = next((s for s in SERVICES if module.startswith(f"test_{s}_")), None)
    return {
        "database_url": runtime_url(TEST_DB, service) if service else test_database,
        **kafka_settings(),
        "consumer_group_prefix": group_prefix,
        "environment": "test",
        **TEST_PASSWORD_HASHING,
        "outbox_poll_interval_s": 0.2,
        "jwks_url": "http://127.0.0.1:9/unused",
    }


@pytest.fixture(scope="session")
def shared_env(test_database) -> dict:
    """Settings of an app that serves a whole module (no consumer groups: its workers are off)."""
    return {
        "database_url": test_database,
        **kafka_settings(),
        "environment": "test",
        **TEST_PASSWORD_HASHING,
        "jwks_url": "http://127.0.0.1:9/unused",
    }


def app_settings(request) -> dict:
    """The `app_settings` marker's overrides of the requesting test or module, if any."""
    marker = request.node.get_closest_marker("app_settings")
    return dict(marker.kwargs) if marker else {}


def service_instance(service: str, env: dict, signer: TestSigner, **overrides):
    """One service's app on the test database, not started: workers off (tests drive them) and
    trusting the tests' signing key, so a test can sign any role's token."""
    create_app = importlib.import_module(f"luutru_{service}.app").create_app
    settings_class = getattr(
        importlib.import_module(f"luutru_{service}.settings"), f"{service.title()}Settings"
    )
    app = create_app(settings_class(**{**env, "embedded_workers": False, **overrides}))
    app.state.token_verifier.add_jwks(signer.jwks)
    return app


@asynccontextmanager
async def service_app(service: str, env: dict, signer: TestSigner, **overrides):
    """`service_instance` with its lifespan running; its HTTP client is `app.state.client`."""
    app = service_instance(service, env, signer, **overrides)
    async with running_app(app) as client:
        app.state.client = client
        yield app


@pytest.fixture
def client(app):
    """The HTTP client of the folder's `app`."""
    return app.state.client


@pytest.fixture
async def db(test_database):
    engine = create_async_engine(test_database)
    yield engine
    await engine.dispose()


async def add_facility_view(
    engine, *, facility_type="hotel", status="active", beds=10, facility_id=None
) -> uuid.UUID:
    """Put a facility straight into ingest's read model, as the facility.v1 consumer would
    (``facility_id``: one registered in accounts)."""
    fid = uuid.UUID(str(facility_id)) if facility_id else uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO ingest.facilities (id, code, name, facility_type, province_code,"
                " commune_code, beds, status, as_of) VALUES (:id, :code, 'Test', :t, 75, 26068,"
                " :beds, :status, :as_of)"
            ),
            {
                "id": fid,
                "code": f"75-T{fid.hex[:6]}",
                "t": facility_type,
                "beds": beds,
                "status": status,
                "as_of": datetime.now(UTC),
            },
        )
    return fid


def run_retention(service: str, **env) -> dict[str, int]:
    """Run `luutru-<service> retention`; rows touched per data class."""
    done = subprocess.run(
        [sys.executable, "-m", f"luutru_{service}", "retention"],
        env={**os.environ, **service_database_env(TEST_DB, service), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line.rsplit(": ", 1) for line in done.stdout.splitlines()]
    return {name: int(count) for name, count in lines}
