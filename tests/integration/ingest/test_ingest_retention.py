"""Retention in ingest (luutru_common.retention, docs/privacy.md) as `luutru-ingest retention`
runs it: stays past their period lose the guest's identity, housekeeping rows are deleted."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.integration.conftest import add_facility_view, run_retention


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

    done = await asyncio.to_thread(run_retention, "ingest")
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
