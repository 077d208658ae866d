"""A migration's backfill runs in bounded batches and resumes where it stopped: analytics
0007 (the breakdown rollup from stay_facts) killed after two batches, then run again, gives
exactly the rollup a recount gives — no stay counted twice, none left out."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from sqlalchemy import text

import luutru_analytics
from luutru_common import backfill
from luutru_common.db import make_engine
from luutru_common.migrations import upgrade
from luutru_common.settings import owner_role
from tests.integration.analytics.test_analytics_breakdown_rollup import RECOUNT, STORED
from tests.support import ROLES_SQL, TEST_TAG, _psql, database_url

DATABASE = f"luutru_backfill{TEST_TAG}"
MIGRATIONS = Path(luutru_analytics.__file__).parent / "migrations"
STAYS = 230
BATCH = 50

# Stays of many kinds: nationalities, ages, communes, lengths, check-outs, voids.
STAY_FACTS = f"""
INSERT INTO analytics.stay_facts (stay_id, facility_id, facility_type, province_code,
  commune_code, check_in_date, age_band, gender, nationality, country_of_residence,
  star_rating, origin_province, check_out_date, night_end, voided, version)
SELECT gen_random_uuid(), gen_random_uuid(), (ARRAY['hotel', 'motel', 'homestay'])[i % 3 + 1],
  79, 26700 + i % 4, DATE '2026-02-10' + i % 9, (ARRAY['18-29', '30-44', '45-59'])[i % 3 + 1],
  (ARRAY['male', 'female'])[i % 2 + 1], (ARRAY['VNM', 'KOR', 'CHN', 'USA'])[i % 4 + 1],
  'VNM', CASE WHEN i % 3 = 0 THEN 3 END, CASE WHEN i % 5 = 0 THEN '079' END,
  CASE WHEN i % 2 = 0 THEN DATE '2026-02-10' + i % 9 + i % 4 END,
  DATE '2026-02-10' + i % 9 + greatest(i % 4, 1), i % 17 = 0, 1
FROM generate_series(1, {STAYS}) i
"""


def _recreate() -> None:
    psql = _psql("luutru", "postgres")
    subprocess.run([*psql, "-c", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'], check=True)
    subprocess.run([*psql, "-c", f'CREATE DATABASE "{DATABASE}" OWNER luutru'], check=True)
    subprocess.run(
        [*_psql("postgres", DATABASE), "-v", f"database={DATABASE}", "-f", str(ROLES_SQL)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def _query(sql: str, params: dict | None = None) -> list:
    engine = make_engine(database_url(DATABASE), pool_size=1)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params or {})
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


def test_a_killed_backfill_resumes_and_counts_every_stay_once(monkeypatch):
    _recreate()
    owner = database_url(DATABASE, owner_role("analytics"))
    upgrade(MIGRATIONS, owner, "0006")
    asyncio.run(_query(STAY_FACTS))
    run = backfill.run

    def killed_after_two_batches(connection, job, **_):
        run(connection, job, batch_rows=BATCH, max_batches=2)
        raise RuntimeError("the Job's deadline came")

    monkeypatch.setattr(backfill, "run", killed_after_two_batches)
    try:
        upgrade(MIGRATIONS, owner, "0007")
        raise AssertionError("the migration should have been cut short")
    except RuntimeError as stopped:
        assert "deadline" in str(stopped)
    # The migration is not recorded as done, but the two batches are committed.
    assert asyncio.run(_query("SELECT version_num FROM analytics.alembic_version")) == [("0006",)]
    [(done, finished)] = asyncio.run(
        _query("SELECT rows_done, finished_at IS NOT NULL FROM analytics.backfill_progress")
    )
    assert (done, finished) == (2 * BATCH, False)
    partial = asyncio.run(_query("SELECT sum(arrivals) FROM analytics.stay_daily_breakdown"))
    assert 0 < partial[0][0] < STAYS * 5

    batches = []

    def resumed(connection, job, **_):
        batches.append(run(connection, job, batch_rows=BATCH))

    monkeypatch.setattr(backfill, "run", resumed)
    upgrade(MIGRATIONS, owner, "head")
    assert batches == [STAYS - 2 * BATCH]  # only what was left
    [(done, finished)] = asyncio.run(
        _query("SELECT rows_done, finished_at IS NOT NULL FROM analytics.backfill_progress")
    )
    assert (done, finished) == (STAYS, True)
    params = {"communes": [26700, 26701, 26702, 26703]}
    stored = asyncio.run(_query(STORED, params))
    recounted = asyncio.run(_query(RECOUNT, params))
    assert stored == recounted
    assert sum(r.arrivals for r in stored) == 5 * len([i for i in range(1, STAYS + 1) if i % 17])
