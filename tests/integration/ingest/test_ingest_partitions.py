"""Monthly partitions of ingest.stay_versions (luutru_common.partitions, migration 0008):
rows land in their month, a month without a partition waits in the default one and is
reported, `partitions ensure` makes it a month of its own, and retention drops exactly the
months whose every version is past its period."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.integration.conftest import TEST_DB, add_facility_view, run_retention
from tests.support import runtime_url, service_database_env

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def partitions_cli(action: str) -> subprocess.CompletedProcess:
    """`luutru-ingest partitions <action>` as the workers and the CronJob run it."""
    return subprocess.run(
        [sys.executable, "-m", "luutru_ingest", "partitions", action],
        env={**os.environ, **service_database_env(TEST_DB, "ingest")},
        capture_output=True,
        text=True,
    )


async def add_stay(db, facility_id, received: datetime, check_out: datetime | None = None):
    stay_id = uuid.uuid4()
    async with db.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO ingest.stays (id, facility_id, document_type, document_number,"
                " full_name, name_key, date_of_birth, gender, nationality, country_of_residence,"
                " check_in_at, check_in_date, received_at, due_at, late_minutes, status,"
                " warnings, receipt_number, check_out_at) VALUES (:id, :f, 'id_number', :number,"
                " 'Lê Văn Nam', 'le van nam', '1975-02-01', 'male', 'VNM', 'VNM', :at, :day,"
                " :at, :at, 0, 'checked_out', '[]', :receipt, :out)"
            ),
            {
                "id": stay_id,
                "f": facility_id,
                "number": f"0791{uuid.uuid4().int % 10**8:08d}",
                "at": received,
                "day": received.date(),
                "receipt": f"P{uuid.uuid4().hex[:10]}",
                "out": check_out,
            },
        )
    return stay_id


async def add_version(db, stay_id, version: int, changed_at: datetime) -> str:
    """Store an earlier version of a stay; the partition it landed in."""
    async with db.begin() as conn:
        return (
            await conn.execute(
                text(
                    "INSERT INTO ingest.stay_versions (stay_id, version, data, changed_by,"
                    " changed_at) VALUES (:s, :v, '{}', 'test', :at)"
                    " RETURNING tableoid::regclass::text"
                ),
                {"s": stay_id, "v": version, "at": changed_at},
            )
        ).scalar_one()


async def months_of(db) -> set[str]:
    async with db.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'ingest.stay_versions'::regclass"
            )
        )
        return set(rows.scalars())


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=ICT)


async def test_versions_land_in_their_month_and_a_month_without_partition_waits_in_default(db):
    assert partitions_cli("ensure").returncode == 0
    facility_id = await add_facility_view(db)
    now = datetime.now(UTC)
    stay_id = await add_stay(db, facility_id, now)

    here = await add_version(db, stay_id, 1, now)
    assert here == f"ingest.stay_versions_p{now.astimezone(ICT):%Y%m}"
    # 2015 has no partition (nothing created that far back): the row is kept, in the default.
    assert await add_version(db, stay_id, 2, at(2015, 5)) == "ingest.stay_versions_default"

    status = partitions_cli("status")
    assert status.returncode == 1, status.stdout  # rows without a month: worth a look
    assert "rows in the default partition" in status.stdout
    assert " 0 rows in the default partition" not in status.stdout

    ensured = partitions_cli("ensure")
    assert ensured.returncode == 0, ensured.stderr
    assert "rows moved out of the default partition" in ensured.stdout
    assert "ingest.stay_versions_p201505" in {f"ingest.{m}" for m in await months_of(db)}
    async with db.connect() as conn:
        where = (
            await conn.execute(
                text(
                    "SELECT tableoid::regclass::text FROM ingest.stay_versions"
                    " WHERE stay_id = :s AND version = 2"
                ),
                {"s": stay_id},
            )
        ).scalar_one()
    assert where == "ingest.stay_versions_p201505"
    assert partitions_cli("status").returncode == 0


async def test_ensure_keeps_three_months_ahead(db):
    assert partitions_cli("ensure").returncode == 0
    this_month = datetime.now(ICT).date().replace(day=1)
    ahead = {this_month}
    for _ in range(3):
        last = max(ahead)
        ahead.add((last + timedelta(days=32)).replace(day=1))
    assert {f"stay_versions_p{m:%Y%m}" for m in ahead} <= await months_of(db)


async def test_retention_drops_exactly_the_months_wholly_past_their_period(db):
    facility_id = await add_facility_view(db)
    ended_long_ago = await add_stay(db, facility_id, at(2016, 3, 1), at(2016, 3, 5))
    # Arrived in 2016 and left yesterday: its identity (and its versions) are still kept.
    left_yesterday = await add_stay(
        db, facility_id, at(2016, 4, 1), datetime.now(UTC) - timedelta(days=1)
    )
    now = datetime.now(UTC)
    recent = await add_stay(db, facility_id, now)

    assert (
        await add_version(db, ended_long_ago, 1, at(2016, 3, 2)) == "ingest.stay_versions_default"
    )
    await add_version(db, ended_long_ago, 2, at(2016, 3, 3))
    await add_version(db, ended_long_ago, 3, at(2016, 4, 2))
    await add_version(db, left_yesterday, 1, at(2016, 4, 2))
    await add_version(db, recent, 1, now)
    assert partitions_cli("ensure").returncode == 0
    assert {"stay_versions_p201603", "stay_versions_p201604"} <= await months_of(db)

    done = await asyncio.to_thread(run_retention, "ingest")

    months = await months_of(db)
    assert "stay_versions_p201603" not in months  # every version in it was due: dropped
    assert "stay_versions_p201604" in months  # one version still kept: the month stays
    assert f"stay_versions_p{now.astimezone(ICT):%Y%m}" in months
    assert "stay_versions_default" in months
    async with db.connect() as conn:
        left = set(
            (
                await conn.execute(
                    text(
                        "SELECT stay_id, version FROM ingest.stay_versions"
                        " WHERE stay_id = ANY(:ids)"
                    ),
                    {"ids": [ended_long_ago, left_yesterday, recent]},
                )
            ).all()
        )
    # The due version of April went row by row; the kept ones are all there.
    assert left == {(left_yesterday, 1), (recent, 1)}
    assert done["earlier versions of stays"] >= 3


async def test_the_runtime_role_cannot_drop_a_month_not_over_or_another_table():
    engine = create_async_engine(runtime_url(TEST_DB, "ingest"))
    try:
        for call, why in (
            ("ingest.drop_month_partition('stay_versions', current_date)", "not over yet"),
            ("ingest.drop_month_partition('stays', DATE '2016-01-01')", "not a range-partitioned"),
            ("ingest.ensure_month_partitions('outbox', 1)", "not a range-partitioned"),
        ):
            async with engine.connect() as conn:
                with pytest.raises(Exception, match=why):
                    await conn.execute(text(f"SELECT {call}"))
            async with engine.connect() as conn:
                with pytest.raises(Exception, match="must be owner"):
                    await conn.execute(text("DROP TABLE ingest.stay_versions_default"))
    finally:
        await engine.dispose()
