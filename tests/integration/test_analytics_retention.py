"""Retention (luutru_common.retention, docs/privacy.md) as `luutru-<service> retention` runs it:
identities past their period are anonymised, housekeeping rows deleted, in bounded batches, and
every aggregate the feeds answer is exactly what it was."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from luutru_analytics.app import create_app
from luutru_analytics.settings import AnalyticsSettings
from tests.integration.analytics_helpers import (
    Feeder,
    check_in,
    facility,
    guest,
    unique_commune,
    unique_day,
)
from tests.integration.conftest import TEST_DB, add_facility_view
from tests.support import bearer, running_app, service_database_env

FEEDS = (
    ("/v1/feeds/tourism", {}),
    ("/v1/feeds/tourism", {"granularity": "week"}),
    ("/v1/feeds/arrivals", {}),
)


def retention(service: str, **env) -> dict[str, int]:
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


@pytest.fixture
async def client(service_env, signer):
    app = create_app(AnalyticsSettings(**service_env, embedded_workers=False))
    async with running_app(app) as client:
        app.state.token_verifier.add_jwks(signer.jwks)
        app.state.client = client
        yield app


async def test_old_identities_go_and_every_aggregate_stays(client, signer, group_prefix, db):
    app = client
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

    done = await asyncio.to_thread(retention, "analytics", LUUTRU_RETENTION_BATCH="2")
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
    again = await asyncio.to_thread(retention, "analytics")
    assert again["guest identities of guest records"] == 0


async def test_ingest_anonymises_old_stays_and_prunes_its_housekeeping(db):
    facility_id = await add_facility_view(db)
    old = datetime.now(UTC) - timedelta(days=800)
    recent = datetime.now(UTC) - timedelta(days=1)
    stays = {"old": uuid.uuid4(), "recent": uuid.uuid4()}
    async with db.begin() as conn:
        for label, received in (("old", old), ("recent", recent)):
            await conn.execute(
                text(
                    "INSERT INTO ingest.stays (id, facility_id, document_type, document_number,"
                    " full_name, name_key, date_of_birth, gender, nationality,"
                    " country_of_residence, check_in_at, check_in_date, received_at, due_at,"
                    " late_minutes, status, warnings, receipt_number) VALUES (:id, :f,"
                    " 'id_number', :number, 'Đỗ Thị Hoa', 'do thi hoa', '1980-06-15', 'female',"
                    " 'VNM', 'VNM', :at, :day, :at, :at, 0, 'checked_out', '[]', :receipt)"
                ),
                {
                    "id": stays[label],
                    "f": facility_id,
                    "number": f"0791{uuid.uuid4().int % 10**8:08d}",
                    "at": received,
                    "day": received.date(),
                    "receipt": f"T{uuid.uuid4().hex[:10]}",
                },
            )
        await conn.execute(
            text(
                "INSERT INTO ingest.idempotency_keys (facility_id, key, request_hash, created_at)"
                " VALUES (:f, 'old-key', 'h', :old), (:f, 'new-key', 'h', now())"
            ),
            {"f": facility_id, "old": old},
        )
        await conn.execute(
            text(
                "INSERT INTO ingest.processed_events (consumer_group, event_id, processed_at)"
                " VALUES ('retention-test', :a, :old), ('retention-test', :b, now())"
            ),
            {"a": uuid.uuid4(), "b": uuid.uuid4(), "old": old},
        )

    done = await asyncio.to_thread(retention, "ingest")
    assert done["guest identities of stays"] >= 1
    assert done["idempotency keys"] >= 1 and done["processed event ids"] >= 1

    async with db.connect() as conn:
        names = dict(
            (
                await conn.execute(
                    text("SELECT id, full_name FROM ingest.stays WHERE id = ANY(:ids)"),
                    {"ids": list(stays.values())},
                )
            ).all()
        )
        keys = set(
            (
                await conn.execute(
                    text("SELECT key FROM ingest.idempotency_keys WHERE facility_id = :f"),
                    {"f": facility_id},
                )
            ).scalars()
        )
        groups = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM ingest.processed_events"
                    " WHERE consumer_group = 'retention-test'"
                )
            )
        ).scalar()
    assert names == {stays["old"]: "", stays["recent"]: "Đỗ Thị Hoa"}
    assert keys == {"new-key"}
    assert groups == 1


async def test_the_worker_applies_the_periods_on_its_schedule(service_env, db):
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
    settings = AnalyticsSettings(**service_env, embedded_workers=True, retention_interval_s=0.5)
    async with running_app(create_app(settings)):
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
