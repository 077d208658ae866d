"""Feed queries over millions of stays, and the same questions answered by DuckDB scanning
the raw rows (what an analyst would do with an export instead).

    uv run --group bench python -m bench.analytics.feeds --stays 10000000

1. A database of its own is filled in SQL (generate_series): 2,000 facilities in 50
   communes, N stays over two years (1–5 nights), then the daily rollup the projections
   keep (`stay_daily`, `stay_daily_area`, `stay_daily_type_star`, `stay_monthly_area`,
   `stay_daily_breakdown`, `stay_daily_province`) is built from them. Stays carry no room
   number here, so each is a room of its own.
2. Each feed question is asked through the real API (in-process ASGI app, police token, so
   no suppression) `--reps` times; p50/p95 of the whole HTTP answer.
3. The raw rows go to DuckDB (an in-memory table loaded from a CSV export); the same
   questions in DuckDB SQL over the raw rows, timed the same way; ratio = ours ÷ DuckDB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime

import duckdb
import httpx
from bench.analytics.common import (
    PG,
    database_url,
    fresh_database,
    machine,
    percentile,
    psql,
    timed_get,
)
from tests.support import TestSigner

from luutru_analytics.app import create_app
from luutru_analytics.feeds import repository
from luutru_analytics.settings import AnalyticsSettings

# A second database (LUUTRU_BENCH_FEEDS_DB) keeps one fill while another is made.
DB = os.environ.get("LUUTRU_BENCH_FEEDS_DB", "luutru_bench_feeds")
START = date(2024, 1, 1)

# The breakdown rollup from the stays, one guest dimension at a time: stays alike in
# everything the rollup keeps are counted once, then spread over their days (what migration
# 0007's backfill does in resumable batches; here the whole table in one statement each).
BREAKDOWN = "".join(
    f"""
INSERT INTO analytics.stay_daily_breakdown (dimension, day, facility_type, commune_code,
  star_rating, value, arrivals, nights, departures)
SELECT '{name}', x.day, per.facility_type, per.commune_code, per.star_rating, per.value,
  sum(x.a * per.stays), sum(x.n * per.stays), sum(x.d * per.stays)
FROM (
  SELECT {value} AS value, facility_type, commune_code, coalesce(star_rating, 0) AS star_rating,
    check_in_date, night_end, check_out_date, count(*) AS stays
  FROM analytics.stay_facts WHERE NOT voided GROUP BY 1, 2, 3, 4, 5, 6, 7
) per
CROSS JOIN LATERAL (
  SELECT per.check_in_date AS day, 1 AS a, 0 AS n, 0 AS d
  UNION ALL
  SELECT g::date, 0, 1, 0
  FROM generate_series(per.check_in_date, per.night_end - 1, interval '1 day') g
  UNION ALL
  SELECT per.check_out_date, 0, 0, 1 WHERE per.check_out_date IS NOT NULL
) x
GROUP BY 2, 3, 4, 5, 6;
"""
    for name, value in (
        ("nationality", "nationality"),
        ("residence", "country_of_residence"),
        ("age_group", "age_band"),
        ("gender", "gender"),
        ("origin_province", "coalesce(origin_province, 'unknown')"),
    )
)

# The province rollup from the breakdown (what migration 0011's backfill does in batches).
PROVINCE = """
INSERT INTO analytics.stay_daily_province (dimension, day, facility_type, value, arrivals,
  nights, departures)
SELECT dimension, day, facility_type, value, sum(arrivals), sum(nights), sum(departures)
FROM analytics.stay_daily_breakdown
GROUP BY 1, 2, 3, 4;
"""

# The type and star rollup from the area rollup (what migration 0015's backfill does in batches).
TYPE = """
INSERT INTO analytics.stay_daily_type_star (day, facility_type, star_rating, arrivals, nights,
  departures, occupied_rooms)
SELECT day, facility_type, star_rating, sum(arrivals), sum(nights), sum(departures),
  sum(occupied_rooms)
FROM analytics.stay_daily_area
GROUP BY 1, 2, 3;
"""

# The monthly area rollup from the area rollup (what migration 0016's backfill does in batches).
MONTHLY = """
INSERT INTO analytics.stay_monthly_area (month, facility_type, commune_code, star_rating,
  arrivals, nights, departures, occupied_rooms)
SELECT date_trunc('month', day)::date, facility_type, commune_code, star_rating, sum(arrivals),
  sum(nights), sum(departures), sum(occupied_rooms)
FROM analytics.stay_daily_area
GROUP BY 1, 2, 3, 4;
"""

FILL = (
    """
\\timing on
SET work_mem = '512MB';
SELECT setseed(0.42);
INSERT INTO analytics.facilities (facility_id, code, name, facility_type, star_rating,
  province_code, commune_code, rooms, beds, status, registered_at, as_of)
SELECT gen_random_uuid(), 'B' || n, 'Cơ sở ' || n,
  (ARRAY['hotel','hotel','hotel','hotel','motel','motel','motel','boarding_house',
         'homestay','medical'])[1 + n % 10],
  CASE WHEN n % 10 < 4 THEN 1 + n % 5 END, 75, 26000 + (n / 10) % 50,
  5 + n % 96, 2 * (5 + n % 96), 'active', now(), now()
FROM generate_series(0, 1999) n;
CREATE TEMP TABLE fac AS
  SELECT row_number() OVER (ORDER BY code) - 1 AS n, * FROM analytics.facilities;
ALTER TABLE analytics.stay_facts SET UNLOGGED;
DROP INDEX analytics.ix_stay_facts_day_type;
DROP INDEX analytics.ix_stay_facts_facility_day;
DROP INDEX analytics.ix_stay_facts_night_end;
INSERT INTO analytics.stay_facts (stay_id, facility_id, facility_type, province_code,
  commune_code, check_in_date, age_band, gender, nationality, country_of_residence,
  star_rating, night_end, check_out_date, received_at, late_minutes, version, voided)
SELECT gen_random_uuid(), f.facility_id, f.facility_type, 75, f.commune_code, s.day,
  (ARRAY['0-14','15-24','25-34','35-44','45-54','55-64','65+'])[1 + (s.r * 7)::int % 7],
  CASE WHEN s.r < 0.5 THEN 'male' ELSE 'female' END,
  CASE WHEN s.r < 0.85 THEN 'VNM' WHEN s.r < 0.92 THEN 'KOR' ELSE 'CHN' END,
  CASE WHEN s.r < 0.86 THEN 'VNM' ELSE 'KOR' END,
  f.star_rating, s.day + s.nights, s.day + s.nights, now(), 0, 1, false
FROM (SELECT i, random() AS r, floor(random() * 2000)::int AS fn,
        DATE '2024-01-01' + floor(random() * 730)::int AS day,
        1 + floor(random() * 5)::int AS nights
      FROM generate_series(1, :stays) i) s
JOIN fac f ON f.n = s.fn;
ALTER TABLE analytics.stay_facts SET LOGGED;
CREATE INDEX ix_stay_facts_day_type ON analytics.stay_facts (check_in_date, facility_type);
CREATE INDEX ix_stay_facts_facility_day ON analytics.stay_facts (facility_id, check_in_date);
CREATE INDEX ix_stay_facts_night_end ON analytics.stay_facts (night_end);
INSERT INTO analytics.stay_daily (day, facility_id, facility_type, commune_code, star_rating,
  arrivals, nights, departures, occupied_rooms)
SELECT day, facility_id, min(facility_type), min(commune_code), min(star_rating),
  sum(a), sum(n), sum(d), sum(n)
FROM (
  SELECT check_in_date AS day, facility_id, facility_type, commune_code, star_rating,
    1 AS a, 0 AS n, 0 AS d FROM analytics.stay_facts
  UNION ALL
  SELECT g::date, facility_id, facility_type, commune_code, star_rating, 0, 1, 0
  FROM analytics.stay_facts,
       generate_series(check_in_date, night_end - 1, interval '1 day') g
  UNION ALL
  SELECT check_out_date, facility_id, facility_type, commune_code, star_rating, 0, 0, 1
  FROM analytics.stay_facts
) x GROUP BY day, facility_id;
INSERT INTO analytics.stay_daily_area (day, facility_type, commune_code, star_rating,
  arrivals, nights, departures, occupied_rooms)
SELECT day, facility_type, commune_code, coalesce(star_rating, 0), sum(arrivals), sum(nights),
  sum(departures), sum(occupied_rooms)
FROM analytics.stay_daily GROUP BY 1, 2, 3, 4;
"""
    + BREAKDOWN
    + PROVINCE
    + TYPE
    + MONTHLY
    + """
-- In production rows arrive in time order; the bulk fill above does not keep that order.
CLUSTER analytics.stay_facts USING ix_stay_facts_day_type;
CLUSTER analytics.stay_daily USING pk_stay_daily;
CLUSTER analytics.stay_daily_area USING pk_stay_daily_area;
CLUSTER analytics.stay_daily_breakdown USING pk_stay_daily_breakdown;
CLUSTER analytics.stay_daily_province USING pk_stay_daily_province;
CLUSTER analytics.stay_daily_type_star USING pk_stay_daily_type_star;
VACUUM ANALYZE analytics.stay_daily_breakdown;
VACUUM ANALYZE analytics.stay_daily_province;
VACUUM ANALYZE analytics.stay_daily_area;
VACUUM ANALYZE analytics.stay_daily_type_star;
VACUUM ANALYZE analytics.stay_monthly_area;
VACUUM ANALYZE analytics.stay_facts;
VACUUM ANALYZE analytics.stay_daily;
VACUUM ANALYZE analytics.facilities;
"""
)

# A tourism year by month broken down by `key`, in DuckDB over the raw rows.
YEAR_BY = """
        WITH s AS (SELECT * FROM stays WHERE facility_type IN ('hotel','motel',
          'boarding_house','homestay') AND check_in_date <= DATE '2025-06-30'
          AND night_end > DATE '2024-07-01' {where}),
        n AS (SELECT {key} AS k, date_trunc('month',
                unnest(generate_series(greatest(check_in_date, DATE '2024-07-01'),
                least(night_end - 1, DATE '2025-06-30'), INTERVAL 1 DAY))) AS m FROM s)
        SELECT k, m, count(*) FROM n GROUP BY ALL
        UNION ALL
        SELECT {key}, date_trunc('month', check_in_date), count(*)
        FROM s WHERE check_in_date >= DATE '2024-07-01' GROUP BY ALL
        """

# (name, feed path, query parameters, the same question in DuckDB over the raw rows)
QUESTIONS = [
    (
        "tourism, 1 month by day, whole province",
        "/v1/feeds/tourism",
        {"date_from": "2025-03-01", "date_to": "2025-03-31", "granularity": "day"},
        """
        WITH s AS (SELECT * FROM stays WHERE facility_type IN ('hotel','motel',
          'boarding_house','homestay') AND check_in_date <= DATE '2025-03-31'
          AND night_end > DATE '2025-03-01')
        SELECT d, (SELECT count(*) FROM s WHERE check_in_date = d) AS arrivals, n AS nights
        FROM (SELECT unnest(generate_series(greatest(check_in_date, DATE '2025-03-01'),
                least(night_end - 1, DATE '2025-03-31'), INTERVAL 1 DAY))::date AS d,
                count(*) OVER () AS n FROM s) GROUP BY ALL
        """,
    ),
    (
        "tourism, 1 quarter by week, one commune",
        "/v1/feeds/tourism",
        {
            "date_from": "2025-04-01",
            "date_to": "2025-06-30",
            "granularity": "week",
            "commune": 26007,
        },
        """
        WITH s AS (SELECT * FROM stays WHERE commune_code = 26007 AND facility_type IN
          ('hotel','motel','boarding_house','homestay') AND check_in_date <= DATE '2025-06-30'
          AND night_end > DATE '2025-04-01'),
        n AS (SELECT date_trunc('week', unnest(generate_series(
                greatest(check_in_date, DATE '2025-04-01'), least(night_end - 1,
                DATE '2025-06-30'), INTERVAL 1 DAY))) AS w FROM s)
        SELECT w, count(*) FROM n GROUP BY w
        UNION ALL
        SELECT date_trunc('week', check_in_date), count(*) FROM s
        WHERE check_in_date >= DATE '2025-04-01' GROUP BY 1
        """,
    ),
    (
        "tourism, 1 year by month, hotels",
        "/v1/feeds/tourism",
        {
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
            "granularity": "month",
            "facility_type": "hotel",
        },
        """
        WITH s AS (SELECT * FROM stays WHERE facility_type = 'hotel'
          AND check_in_date <= DATE '2025-06-30' AND night_end > DATE '2024-07-01'),
        n AS (SELECT date_trunc('month', unnest(generate_series(
                greatest(check_in_date, DATE '2024-07-01'), least(night_end - 1,
                DATE '2025-06-30'), INTERVAL 1 DAY))) AS m FROM s)
        SELECT m, count(*) FROM n GROUP BY m
        UNION ALL
        SELECT date_trunc('month', check_in_date), count(*) FROM s
        WHERE check_in_date >= DATE '2024-07-01' GROUP BY 1
        """,
    ),
    (
        "tourism by nationality, 1 month, whole province",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2025-03-01",
            "date_to": "2025-03-31",
            "granularity": "month",
            "by": "nationality",
        },
        """
        WITH s AS (SELECT * FROM stays WHERE facility_type IN ('hotel','motel',
          'boarding_house','homestay') AND check_in_date <= DATE '2025-03-31'
          AND night_end >= DATE '2025-03-01')
        SELECT nationality,
          count(*) FILTER (WHERE check_in_date >= DATE '2025-03-01') AS arrivals,
          sum(greatest(0, least(night_end, DATE '2025-04-01')
                          - greatest(check_in_date, DATE '2025-03-01'))) AS nights
        FROM s GROUP BY nationality
        """,
    ),
    (
        "tourism domestic vs international, 1 year by month, whole province",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
            "granularity": "month",
            "by": "domestic",
        },
        """
        WITH s AS (SELECT * FROM stays WHERE facility_type IN ('hotel','motel',
          'boarding_house','homestay') AND check_in_date <= DATE '2025-06-30'
          AND night_end > DATE '2024-07-01'),
        n AS (SELECT country_of_residence = 'VNM' AS domestic, date_trunc('month',
                unnest(generate_series(greatest(check_in_date, DATE '2024-07-01'),
                least(night_end - 1, DATE '2025-06-30'), INTERVAL 1 DAY))) AS m FROM s)
        SELECT domestic, m, count(*) FROM n GROUP BY ALL
        UNION ALL
        SELECT country_of_residence = 'VNM', date_trunc('month', check_in_date), count(*)
        FROM s WHERE check_in_date >= DATE '2024-07-01' GROUP BY ALL
        """,
    ),
    (
        "tourism by nationality, 1 year by month, whole province",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
            "granularity": "month",
            "by": "nationality",
        },
        """
        WITH s AS (SELECT * FROM stays WHERE facility_type IN ('hotel','motel',
          'boarding_house','homestay') AND check_in_date <= DATE '2025-06-30'
          AND night_end > DATE '2024-07-01'),
        n AS (SELECT nationality, date_trunc('month',
                unnest(generate_series(greatest(check_in_date, DATE '2024-07-01'),
                least(night_end - 1, DATE '2025-06-30'), INTERVAL 1 DAY))) AS m FROM s)
        SELECT nationality, m, count(*) FROM n GROUP BY ALL
        UNION ALL
        SELECT nationality, date_trunc('month', check_in_date), count(*)
        FROM s WHERE check_in_date >= DATE '2024-07-01' GROUP BY ALL
        """,
    ),
    (
        "tourism by star rating, 1 year by month, whole province",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
            "granularity": "month",
            "by": "star_rating",
        },
        YEAR_BY.format(key="coalesce(star_rating, 0)", where=""),
    ),
    (
        "tourism by commune, 1 year by month, whole province",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
            "granularity": "month",
            "by": "commune",
        },
        YEAR_BY.format(key="commune_code", where=""),
    ),
    (
        "tourism by commune, 1 year by month from mid-month, whole province",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2024-07-15",
            "date_to": "2025-07-14",
            "granularity": "month",
            "by": "commune",
        },
        YEAR_BY.format(key="commune_code", where="")
        .replace("2024-07-01", "2024-07-15")
        .replace("2025-06-30", "2025-07-14"),
    ),
    (
        "tourism by nationality, 1 year by month, one commune",
        "/v1/feeds/tourism/breakdown",
        {
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
            "granularity": "month",
            "by": "nationality",
            "commune": 26007,
        },
        YEAR_BY.format(key="nationality", where="AND commune_code = 26007"),
    ),
    (
        "health, 1 week by facility and day",
        "/v1/feeds/health",
        {"date_from": "2025-05-05", "date_to": "2025-05-11", "granularity": "day"},
        """
        WITH s AS (SELECT * FROM stays WHERE facility_type = 'medical'
          AND check_in_date <= DATE '2025-05-11' AND night_end >= DATE '2025-05-05')
        SELECT facility_id, d, count(*) FROM (
          SELECT facility_id, unnest(generate_series(greatest(check_in_date,
            DATE '2025-05-05'), least(night_end - 1, DATE '2025-05-11'), INTERVAL 1 DAY)) AS d
          FROM s) GROUP BY ALL
        """,
    ),
]


def fill(stays: int) -> None:
    fresh_database(DB)
    started = time.monotonic()
    env = {**os.environ, "PGPASSWORD": "luutru"}
    subprocess.run(
        [*PG, "-d", DB, "-v", "ON_ERROR_STOP=1", "-q", "-v", f"stays={stays}"],
        input=FILL,
        text=True,
        check=True,
        env=env,
    )
    print(f"filled {stays} stays in {time.monotonic() - started:.0f} s")


def catch_up() -> None:
    """--skip-fill: bring a kept database to the current migrations; a new rollup is then
    backfilled from its stays by the migration, and clustered like the fill does."""
    before = psql(DB, "SELECT version_num FROM analytics.alembic_version")
    subprocess.run(
        [sys.executable, "-m", "luutru_analytics", "migrate"],
        check=True,
        env={**os.environ, "LUUTRU_DATABASE_URL": database_url(DB)},
    )
    if before < "0007":
        started = time.monotonic()
        psql(DB, "CLUSTER analytics.stay_daily_breakdown USING pk_stay_daily_breakdown")
        psql(DB, "VACUUM ANALYZE analytics.stay_daily_breakdown")
        print(f"clustered the breakdown rollup in {time.monotonic() - started:.0f} s")
    if before < "0011":
        psql(DB, "CLUSTER analytics.stay_daily_province USING pk_stay_daily_province")
        psql(DB, "VACUUM ANALYZE analytics.stay_daily_province")
    if before < "0015":
        psql(DB, "CLUSTER analytics.stay_daily_type_star USING pk_stay_daily_type_star")
        psql(DB, "VACUUM ANALYZE analytics.stay_daily_type_star")
        psql(DB, "ANALYZE analytics.stay_daily_area")
    if before < "0016":
        psql(DB, "VACUUM ANALYZE analytics.stay_monthly_area")


async def ours(reps: int) -> list[tuple[float, float]]:
    signer = TestSigner()
    settings = AnalyticsSettings(database_url=database_url(DB), embedded_workers=False)
    app = create_app(settings)
    app.state.token_verifier.add_jwks(signer.jwks)
    headers = {"Authorization": f"Bearer {signer.token(role='police_admin', ttl=3600)}"}
    results = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
            for _, path, params, _ in QUESTIONS:
                results.append(await timed_get(client, path, params, headers, reps))
    return results


def theirs(reps: int) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stays.csv")
        env = {**os.environ, "PGPASSWORD": "luutru"}
        subprocess.run(
            [
                *PG,
                "-d",
                DB,
                "-c",
                f"\\copy (SELECT facility_id, facility_type, commune_code, star_rating, "
                f"check_in_date, night_end, check_out_date, age_band, gender, nationality, "
                f"country_of_residence FROM analytics.stay_facts) TO '{path}' CSV HEADER",
            ],
            check=True,
            env=env,
        )
        con = duckdb.connect()
        con.execute(f"CREATE TABLE stays AS SELECT * FROM read_csv_auto('{path}')")
    results = []
    for *_, sql in QUESTIONS:
        times = []
        for i in range(reps + 2):
            t = time.perf_counter()
            con.execute(sql).fetchall()
            if i >= 2:
                times.append(time.perf_counter() - t)
        results.append((percentile(times, 50), percentile(times, 95)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stays", type=int, default=10_000_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--skip-duckdb", action="store_true", help="our side only")
    parser.add_argument(
        "--without-province-rollup",
        action="store_true",
        help="whole-province questions read stay_daily_breakdown and stay_daily_area, as "
        "before migrations 0011 and 0015",
    )
    parser.add_argument(
        "--without-monthly-rollup",
        action="store_true",
        help="monthly questions read every day of stay_daily_area, as before migration 0016",
    )
    args = parser.parse_args()
    print(machine(), datetime.now(UTC).isoformat(timespec="seconds"))
    if args.skip_fill:
        catch_up()
    else:
        fill(args.stays)
    print(
        "stays:",
        psql(DB, "SELECT count(*) FROM analytics.stay_facts"),
        "daily rows:",
        psql(DB, "SELECT count(*) FROM analytics.stay_daily"),
        "breakdown rows:",
        psql(DB, "SELECT count(*) FROM analytics.stay_daily_breakdown"),
        "province rows:",
        psql(DB, "SELECT count(*) FROM analytics.stay_daily_province"),
        "type rows:",
        psql(DB, "SELECT count(*) FROM analytics.stay_daily_type_star"),
        "monthly area rows:",
        psql(DB, "SELECT count(*) FROM analytics.stay_monthly_area"),
    )
    if args.without_province_rollup:
        repository.PROVINCE_TABLES = {}
    if args.without_monthly_rollup:
        repository.MONTHLY_TABLES = {}
    a = asyncio.run(ours(args.reps))
    nan = (float("nan"), float("nan"))
    b = [nan] * len(QUESTIONS) if args.skip_duckdb else theirs(max(5, args.reps // 3))
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    print("| question | luutru p50 | luutru p95 | DuckDB p50 | DuckDB p95 | ratio p95 |")
    print("|---|---|---|---|---|---|")
    for (name, *_), (p50, p95), (d50, d95) in zip(QUESTIONS, a, b, strict=True):
        print(
            f"| {name} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | {d50 * 1000:.0f} ms | "
            f"{d95 * 1000:.0f} ms | {p95 / d95:.2f} |"
        )


if __name__ == "__main__":
    main()
