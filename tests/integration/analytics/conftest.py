"""The analytics app of every test in this folder, its event feeder and a police admin."""

from __future__ import annotations

import pytest

from tests.integration.analytics_helpers import Feeder
from tests.integration.conftest import app_settings, service_app
from tests.support import bearer


@pytest.fixture
async def app(request, service_env, signer):
    async with service_app("analytics", service_env, signer, **app_settings(request)) as app:
        yield app


@pytest.fixture
def feeder(app, group_prefix) -> Feeder:
    """Events fed to the app's own projection handlers through the real consumer runner."""
    return Feeder(app.state.session_factory, app.state.settings, f"{group_prefix}analytics")


@pytest.fixture
def admin(signer) -> dict[str, str]:
    """A provincial police admin's headers (the same person each time: alerts name them)."""
    return bearer(signer.token(role="police_admin", sub="police-admin-1"))
