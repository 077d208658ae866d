"""A migration's backfill runs in bounded batches and resumes where it stopped: analytics
0007 (the breakdown rollup from stay_facts) killed after two batches, then run again, gives
exactly the rollup a recount gives — no stay counted twice, none left out. The same for 0011
(the province rollup, a few days per batch) and 0012 (the record keys of every rollup): cut
short and resumed, they store what the one-shot statements they replaced computed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

import luutru_analytics
from luutru_common import backfill
from luutru_common.db import make_engine
from luutru_common.migrations import upgrade
from luutru_common.settings import owner_role
from tests.integration.analytics.test_analytics_breakdown_rollup import RECOUNT, STORED
from tests.support import TEST_TAG, create_database, database_url

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


async def _query(sql: str, params: dict | None = None) -> list:
    engine = make_engine(database_url(DATABASE), pool_size=1)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params or {})
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


def test_a_killed_backfill_resumes_and_counts_every_stay_once(monkeypatch):
    create_database(DATABASE)
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
    upgrade(MIGRATIONS, owner, "0007")
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


# Rollup rows for every (day, facility) and (day, type, commune, star) the stays touch: 0003
# and 0004 leave these to the stay handlers, and 0012 gives keys to the rows there are.
ROLLUP_ROWS = [
    """INSERT INTO analytics.stay_daily (day, facility_id, facility_type, commune_code,
  star_rating)
SELECT DISTINCT x.day, s.facility_id, s.facility_type, s.commune_code, s.star_rating
FROM analytics.stay_facts s CROSS JOIN LATERAL (
  SELECT g::date AS day FROM generate_series(s.check_in_date, s.night_end, interval '1 day') g
) x""",
    """INSERT INTO analytics.stay_daily_area (day, facility_type, commune_code, star_rating)
SELECT DISTINCT day, facility_type, commune_code, coalesce(star_rating, 0)
FROM analytics.stay_daily""",
]
# What 0011 computed in one statement before it ran in batches.
ONE_SHOT_PROVINCE = """
SELECT dimension, day, facility_type, value, sum(arrivals), sum(nights), sum(departures)
FROM analytics.stay_daily_breakdown GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"""
PROVINCE = """
SELECT dimension, day, facility_type, value, arrivals, nights, departures
FROM analytics.stay_daily_province ORDER BY 1, 2, 3, 4"""
# What 0012 ran in one transaction before it ran in batches (its statements, unchanged).
ONE_SHOT_KEYS = [
    """
CREATE TEMPORARY TABLE stay_key_contributions ON COMMIT DROP AS
SELECT s.facility_id, s.facility_type, s.commune_code, coalesce(s.star_rating, 0) AS star,
  s.nationality, s.country_of_residence, s.age_band, s.gender,
  coalesce(s.origin_province, 'unknown') AS origin_province, x.day, x.i,
  ('x' || left(encode(sha256(uuid_send(s.stay_id)), 'hex'), 6))::bit(24)::int AS key
FROM analytics.stay_facts s
CROSS JOIN LATERAL (
  SELECT s.check_in_date AS day, 0 AS i
  UNION ALL
  SELECT g::date, 1 FROM generate_series(s.check_in_date, s.night_end - 1, interval '1 day') g
  UNION ALL
  SELECT s.check_out_date, 2 WHERE s.check_out_date IS NOT NULL
) x
WHERE NOT s.voided""",
    """UPDATE analytics.stay_daily r SET arrival_keys = coalesce(x.ka, 0),
  night_keys = coalesce(x.kn, 0), departure_keys = coalesce(x.kd, 0)
FROM (SELECT day, facility_id, sum(key) FILTER (WHERE i = 0) AS ka,
        sum(key) FILTER (WHERE i = 1) AS kn, sum(key) FILTER (WHERE i = 2) AS kd
      FROM stay_key_contributions GROUP BY 1, 2) x
WHERE r.day = x.day AND r.facility_id = x.facility_id""",
    """UPDATE analytics.stay_daily_area r SET arrival_keys = coalesce(x.ka, 0),
  night_keys = coalesce(x.kn, 0), departure_keys = coalesce(x.kd, 0)
FROM (SELECT day, facility_type, commune_code, star, sum(key) FILTER (WHERE i = 0) AS ka,
        sum(key) FILTER (WHERE i = 1) AS kn, sum(key) FILTER (WHERE i = 2) AS kd
      FROM stay_key_contributions GROUP BY 1, 2, 3, 4) x
WHERE r.day = x.day AND r.facility_type = x.facility_type
  AND r.commune_code = x.commune_code AND r.star_rating = x.star""",
    """UPDATE analytics.stay_daily_breakdown r SET arrival_keys = coalesce(x.ka, 0),
  night_keys = coalesce(x.kn, 0), departure_keys = coalesce(x.kd, 0)
FROM (SELECT dim.name, dim.value, c.day, c.facility_type, c.commune_code, c.star,
        sum(c.key) FILTER (WHERE c.i = 0) AS ka, sum(c.key) FILTER (WHERE c.i = 1) AS kn,
        sum(c.key) FILTER (WHERE c.i = 2) AS kd
      FROM stay_key_contributions c
      CROSS JOIN LATERAL (VALUES ('nationality', c.nationality),
        ('residence', c.country_of_residence), ('age_group', c.age_band),
        ('gender', c.gender), ('origin_province', c.origin_province)) AS dim(name, value)
      GROUP BY 1, 2, 3, 4, 5, 6) x
WHERE r.dimension = x.name AND r.value = x.value AND r.day = x.day
  AND r.facility_type = x.facility_type AND r.commune_code = x.commune_code
  AND r.star_rating = x.star""",
    """UPDATE analytics.stay_daily_province r SET arrival_keys = x.ka, night_keys = x.kn,
  departure_keys = x.kd
FROM (SELECT dimension, day, facility_type, value, sum(arrival_keys) AS ka,
        sum(night_keys) AS kn, sum(departure_keys) AS kd
      FROM analytics.stay_daily_breakdown GROUP BY 1, 2, 3, 4) x
WHERE r.dimension = x.dimension AND r.day = x.day AND r.facility_type = x.facility_type
  AND r.value = x.value""",
]
ROLLUPS = ("stay_daily", "stay_daily_area", "stay_daily_breakdown", "stay_daily_province")
DAYS = 3  # per batch of the backfills that walk the rollups by day
DAY_INDEX = "analytics.stay_daily_breakdown_day_backfill"


def _batch_rows(job: backfill.Backfill) -> int:
    return DAYS if job.key == "day" else BATCH


async def _rollups(one_shot: bool = False) -> dict[str, list]:
    """Every row of the four rollups, as stored — or as the one-shot 0012 would have set
    them (computed in a transaction that is rolled back)."""
    engine = make_engine(database_url(DATABASE), pool_size=1)
    try:
        async with engine.connect() as conn:
            if one_shot:
                for statement in ONE_SHOT_KEYS:
                    await conn.execute(text(statement))
            rows = {
                t: (await conn.execute(text(f"SELECT * FROM analytics.{t}"))).all() for t in ROLLUPS
            }
            await conn.rollback()
    finally:
        await engine.dispose()
    return {t: sorted(map(tuple, r), key=repr) for t, r in rows.items()}


def test_killed_rollup_backfills_resume_to_what_one_shot_gave(monkeypatch):
    create_database(DATABASE)
    owner = database_url(DATABASE, owner_role("analytics"))
    upgrade(MIGRATIONS, owner, "0006")
    asyncio.run(_query(STAY_FACTS))
    upgrade(MIGRATIONS, owner, "0010")  # 0007 fills the breakdown from the stays
    for statement in ROLLUP_ROWS:
        asyncio.run(_query(statement))
    [(days,)] = asyncio.run(
        _query("SELECT count(DISTINCT day) FROM analytics.stay_daily_breakdown")
    )
    assert days > 2 * DAYS
    [(area_days,)] = asyncio.run(
        _query("SELECT count(DISTINCT day) FROM analytics.stay_daily_area")
    )
    run = backfill.run
    calls = []

    def killed_in_the_call(cut: int):
        def killed(connection, job, **_):
            calls.append(job.name)
            if len(calls) < cut:
                return run(connection, job, batch_rows=_batch_rows(job))
            run(connection, job, batch_rows=_batch_rows(job), max_batches=2)
            raise RuntimeError("the Job's deadline came")

        return killed

    # 0011 cut after two batches of days: those days' province rows are in, no other.
    monkeypatch.setattr(backfill, "run", killed_in_the_call(1))
    with pytest.raises(RuntimeError, match="deadline"):
        upgrade(MIGRATIONS, owner, "0011")
    assert asyncio.run(_query("SELECT version_num FROM analytics.alembic_version")) == [("0010",)]
    assert asyncio.run(_query("SELECT count(DISTINCT day) FROM analytics.stay_daily_province")) == [
        (2 * DAYS,)
    ]
    # The walk's own index on day stays until the walk is done.
    assert asyncio.run(_query("SELECT to_regclass(:i) IS NOT NULL", {"i": DAY_INDEX})) == [(True,)]

    # 0011 resumed to its end, then 0012 cut in its third backfill (the breakdown's keys).
    calls.clear()
    monkeypatch.setattr(backfill, "run", killed_in_the_call(4))
    with pytest.raises(RuntimeError, match="deadline"):
        upgrade(MIGRATIONS, owner, "head")
    assert calls == [
        "0011_stay_daily_province",
        "0012_stay_daily_keys",
        "0012_stay_daily_area_keys",
        "0012_stay_daily_breakdown_keys",
    ]
    assert asyncio.run(_query("SELECT version_num FROM analytics.alembic_version")) == [("0011",)]

    done = []

    def resumed(connection, job, **_):
        done.append((job.name, run(connection, job, batch_rows=_batch_rows(job))))

    monkeypatch.setattr(backfill, "run", resumed)
    upgrade(MIGRATIONS, owner, "head")
    # Only what was left: no stay's keys added twice.
    assert done == [
        ("0012_stay_daily_keys", 0),
        ("0012_stay_daily_area_keys", 0),
        ("0012_stay_daily_breakdown_keys", STAYS - 2 * BATCH),
        ("0012_stay_daily_province_keys", days),
        ("0015_stay_daily_type_star", area_days),
        ("0016_stay_monthly_area", area_days),
    ]
    assert asyncio.run(_query("SELECT to_regclass(:i) IS NULL", {"i": DAY_INDEX})) == [(True,)]

    assert asyncio.run(_query(PROVINCE)) == asyncio.run(_query(ONE_SHOT_PROVINCE))
    stored = asyncio.run(_rollups())
    assert stored == asyncio.run(_rollups(one_shot=True))
    for table, rows in stored.items():
        assert any(row[-1] or row[-2] or row[-3] for row in rows), table  # keys were given
