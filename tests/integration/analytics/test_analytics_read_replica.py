"""With a read database set (a CloudNativePG standby in production), the aggregate feeds read
from it and the projections keep writing to the primary. The "standby" here is a database of
its own, so which one a feed read is plain: each holds a different arrival."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.integration.analytics_helpers import (
    Feeder,
    check_in,
    facility,
    unique_commune,
    unique_day,
)
from tests.support import TEST_TAG, bearer, recreate_database, runtime_url

STANDBY = f"luutru_standby{TEST_TAG}"


@pytest.fixture(scope="module")
def standby_database() -> None:
    recreate_database(STANDBY)


@pytest.mark.app_settings(read_database_url=runtime_url(STANDBY, "analytics"))
async def test_feeds_read_from_the_standby_and_projections_write_to_the_primary(
    standby_database, app, feeder, signer, group_prefix
):
    commune, day = unique_commune(), unique_day()
    on_primary = facility(commune=commune, facility_type="hotel", star_rating=2)
    on_standby = facility(commune=commune, facility_type="motel")
    # The app's own consumer handlers write to the primary ...
    await feeder.send(on_primary, check_in(on_primary, day))
    # ... and a feeder on the read database stands in for what replication would bring.
    standby = Feeder(app.state.read_session_factory, app.state.settings, f"{group_prefix}sb")
    await standby.send(on_standby, check_in(on_standby, day), check_in(on_standby, day))

    police = bearer(signer.token(role="police_admin", sub="police-admin-1"))
    response = await app.state.client.get(
        "/v1/feeds/arrivals",
        params={"date_from": day.isoformat(), "date_to": day.isoformat()},
        headers=police,
    )
    assert response.status_code == 200, response.text
    by_type = {r["facility_type"]: r["arrivals"] for r in response.json()["rows"]}
    assert by_type.get("motel") == 2  # the standby's
    assert "hotel" not in by_type  # the primary's arrival is not read from there

    async with app.state.session_factory() as session:
        stored = await session.scalar(
            text("SELECT count(*) FROM analytics.stay_facts WHERE commune_code = :c"),
            {"c": commune},
        )
    assert stored == 1  # the projection wrote to the primary only
