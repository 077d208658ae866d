"""The accounts app of every test in this folder."""

from __future__ import annotations

import pytest

from tests.integration.conftest import app_settings, service_app


@pytest.fixture
async def app(request, service_env, signer):
    async with service_app("accounts", service_env, signer, **app_settings(request)) as app:
        yield app
