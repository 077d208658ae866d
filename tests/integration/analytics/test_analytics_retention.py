"""Retention in analytics (luutru_common.retention, docs/privacy.md) as `luutru-analytics
retention` runs it: identities past their period are anonymised, housekeeping rows deleted, in
bounded batches, and every aggregate the feeds answer is exactly what it was."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.integration.analytics_helpers import (
    Feeder,
    check_in,
    facility,
    guest,
    unique_commune,
    unique_day,
)
from tests.integration.conftest import run_retention
from tests.support import bearer

FEEDS = (
    ("/v1/feeds/tourism", {}),
    ("/v1/feeds/tourism", {"granularity": "week"}),
    ("/v1/feeds/arrivals", {}),
)


async def test_old_identities_go_and_every_aggregate_stays(app, signer, group_prefix, db):
    feeder = Feeder(app.state.session_factory, app.state.settings, f"{group_prefix}ret")
    commune, day = unique_commune(), unique_day()  # a day years ago: past every period
    hotel = facility(commune=commune, facility_type="hotel", rooms=10, beds=20)
    numbers = [f"0750{uuid.uuid4().int % 10**8:08d}" for _ in range(3)]
    await feeder.send(
        hotel,
        *(
            check_in(hotel, day, nights=2, room=str(i), who=guest(id_number=n, name=f"Lý Văn {i}"))
            for i, n in enumerate(numbers)
        ),
    )
    police = bearer(signer.token(role="police_admin"))
    params = {
        "date_from": day.isoformat(),
        "date_to": (day + timedelta(days=2)).isoformat(),
        "commune": commune,
    }

    async def feeds() -> list:
        answers = []
        for path, extra in FEEDS:
            response = await app.state.client.get(path, params={**params, **extra}, headers=police)
            assert response.status_code == 200, response.text
            answers.append(response.json())
        return answers

    async def search(number: str) -> list:
        response = await app.state.client.post(
            "/v1/police/search",
            json={
                "document_number": number,
                "case_reference": "15/TB-CAX",
                "reason": "criminal-investigation",
            },
            headers=police,
        )
        assert response.status_code == 200, response.text
        return response.json()["rows"]

    before = await feeds()
    assert before[0]["rows"] and sum(r["arrivals"] for r in before[0]["rows"]) == 3
    assert len(await search(numbers[0])) == 1

    done = await asyncio.to_thread(run_retention, "analytics", LUUTRU_RETENTION_BATCH="2")
    assert done["guest identities of guest records"] >= 3  # in batches of two

    assert await feeds() == before  # every aggregate exactly as it was
    assert await search(numbers[0]) == []  # the person is no longer findable
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT full_name, id_number, document_number, date_of_birth"
                    " FROM analytics.guest_records WHERE facility_id = :f"
                ),
                {"f": hotel.facility_id},
            )
        ).all()
    assert len(rows) == 3
    assert all(
        r.full_name == "" and r.id_number is None and r.document_number is None for r in rows
    )
    assert all(r.date_of_birth.month == 1 and r.date_of_birth.day == 1 for r in rows)
    # A second run finds nothing more to do.
    again = await asyncio.to_thread(run_retention, "analytics")
    assert again["guest identities of guest records"] == 0


@pytest.mark.app_settings(embedded_workers=True, retention_interval_s=0.5)
async def test_the_worker_applies_the_periods_on_its_schedule(app, db):
    """With LUUTRU_RETENTION_INTERVAL_S set, the service's workers run the same rules."""
    event = uuid.uuid4()
    async with db.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO analytics.processed_events (consumer_group, event_id, processed_at)"
                " VALUES ('retention-worker-test', :e, now() - interval '400 days')"
            ),
            {"e": event},
        )
    for _ in range(120):
        async with db.connect() as conn:
            left = (
                await conn.execute(
                    text("SELECT count(*) FROM analytics.processed_events WHERE event_id = :e"),
                    {"e": event},
                )
            ).scalar()
        if left == 0:
            break
        await asyncio.sleep(0.5)
    assert left == 0
