"""The transactional outbox: with the Kafka broker stopped, a check-in still answers 201, and
its event reaches stay.v1 once the broker is back, and only then leaves the outbox."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import text

from luutru_common.events import Topic
from luutru_ingest.app import create_app
from luutru_ingest.settings import IngestSettings
from tests.integration.conftest import add_facility_view
from tests.integration.kafka_helpers import end_offsets, eventually, wait_for_message
from tests.support import ROOT, bearer, running_app

pytestmark = [pytest.mark.kafka_outage, pytest.mark.infra_disruptive]


def infra(command: str) -> None:
    subprocess.run(["bash", str(ROOT / "infra" / "local.sh"), command], check=True, timeout=180)


async def test_check_in_survives_kafka_outage(service_env, signer, db):
    async def waiting(stay_id: str) -> int:
        async with db.connect() as conn:
            return await conn.scalar(
                text(
                    "SELECT count(*) FROM ingest.outbox "
                    "WHERE payload::jsonb->'data'->>'stay_id' = :s"
                ),
                {"s": stay_id},
            )

    offsets = await end_offsets(Topic.STAY)
    fid = await add_facility_view(db)
    app = create_app(IngestSettings(**service_env))  # relay running in the background
    app.state.token_verifier.add_jwks(signer.jwks)
    guest = {
        "full_name": "Lê Hoàng Nam",
        "date_of_birth": "1979-12-30",
        "gender": "male",
        "id_number": "079079004321",
        "check_in_at": "2026-11-27T20:15:00+07:00",
    }
    token = signer.token(role="facility_staff", facility_id=fid)
    async with running_app(app) as client:
        infra("kafka-stop")
        try:
            response = await client.post("/v1/stays", json=guest, headers=bearer(token))
            assert response.status_code == 201, response.text
            stay_id = response.json()["stay_id"]
            assert await waiting(stay_id) == 1  # stored, waiting for the broker
            # Still ready (the pod stays in its Service), and says Kafka is away.
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {
                "status": "degraded",
                "checks": {"database": True, "kafka": False},
            }
        finally:
            infra("kafka-start")
        record, event = await wait_for_message(
            Topic.STAY,
            offsets,
            lambda r, v: bool(v) and v["data"].get("stay_id") == stay_id,
            timeout=60,
        )

        async def gone():
            return await waiting(stay_id) == 0

        # The relay deletes a row once the broker acknowledged it: a moment after delivery.
        assert await eventually(gone, timeout=15)
    assert event["event_type"] == "GuestCheckedIn"
    assert record.key == str(fid).encode()
