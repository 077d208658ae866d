"""The ingest app of every test in this folder, and facilities of a test's own in ingest's
read model (so nothing another test stored counts as a duplicate or in a total)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import add_facility_view, app_settings, service_app


@pytest.fixture
async def app(request, service_env, signer):
    async with service_app("ingest", service_env, signer, **app_settings(request)) as app:
        yield app


@pytest.fixture
async def facility(db):
    """An active hotel of unknown capacity."""
    return await add_facility_view(db, beds=None)


@pytest.fixture
async def coach(db):
    """An active coach operator."""
    return await add_facility_view(db, facility_type="coach", beds=None)
