"""`luutru-analytics recount`: the rollups summed from another rollup (the type and star rollup
and the monthly one from the area rollup, the province's breakdown from the communes') set
back to their source's sums after an older release's worker projected without them — the
upgrade window of a migration that adds such a rollup — and after a damaged row; a second
run changes nothing; and a recount running beside the new release's projection waits for it
rather than overwrite what it added."""

from __future__ import annotations

import asyncio

import asyncpg

from luutru_analytics.projections import recount, rollup
from luutru_common.db import asyncpg_dsn
from tests.integration.analytics.test_analytics_breakdown_rollup import feed_mixed_stays
from tests.integration.analytics.test_analytics_monthly_rollup import feed_month_ends

# Each derived rollup against its source's sums, written out on their own (not from
# `recount.Derived`): the rows that differ, all-zero rows counting as absent.
_AREA = "arrivals, nights, departures, occupied_rooms, arrival_keys, night_keys, departure_keys"
_BREAKDOWN = "arrivals, nights, departures, arrival_keys, night_keys, departure_keys"


def _sums(columns: str) -> str:
    return ", ".join(f"sum({c})" for c in columns.split(", "))


def _not_zero(columns: str) -> str:
    return f"({columns}) <> ({', '.join('0' for _ in columns.split(', '))})"


DIFFERENCES = {
    "stay_daily_type_star": (
        f"SELECT day, facility_type, star_rating, {_AREA} FROM analytics.stay_daily_type_star"
        f" WHERE {_not_zero(_AREA)}",
        f"SELECT day, facility_type, star_rating, {_sums(_AREA)} FROM analytics.stay_daily_area"
        f" GROUP BY 1, 2, 3 HAVING {_not_zero(_sums(_AREA))}",
    ),
    "stay_monthly_area": (
        f"SELECT month, facility_type, commune_code, star_rating, {_AREA}"
        f" FROM analytics.stay_monthly_area WHERE {_not_zero(_AREA)}",
        "SELECT date_trunc('month', day)::date, facility_type, commune_code, star_rating,"
        f" {_sums(_AREA)} FROM analytics.stay_daily_area GROUP BY 1, 2, 3, 4"
        f" HAVING {_not_zero(_sums(_AREA))}",
    ),
    "stay_daily_province": (
        f"SELECT dimension, day, facility_type, value, {_BREAKDOWN}"
        f" FROM analytics.stay_daily_province WHERE {_not_zero(_BREAKDOWN)}",
        f"SELECT dimension, day, facility_type, value, {_sums(_BREAKDOWN)}"
        f" FROM analytics.stay_daily_breakdown GROUP BY 1, 2, 3, 4"
        f" HAVING {_not_zero(_sums(_BREAKDOWN))}",
    ),
}


async def differences(conn: asyncpg.Connection) -> dict[str, int]:
    """How many rows of each derived rollup differ from its source's sums (both ways)."""
    counts = {}
    for table, (stored, summed) in DIFFERENCES.items():
        counts[table] = await conn.fetchval(
            f"SELECT count(*) FROM (({stored} EXCEPT {summed}) UNION ALL"
            f" ({summed} EXCEPT {stored})) d"
        )
    return counts


async def connect(app) -> asyncpg.Connection:
    return await asyncpg.connect(asyncpg_dsn(app.state.settings.database_url))


async def test_recount_repairs_what_an_older_release_projected(app, feeder, monkeypatch):
    _, _, d = await feed_mixed_stays(feeder)
    conn = await connect(app)
    try:
        assert await differences(conn) == dict.fromkeys(DIFFERENCES, 0)
        # A worker of the release before the type and monthly rollups: it keeps the area
        # rollup (and the breakdowns) only.
        with monkeypatch.context() as old_release:
            old_release.setattr(rollup, "_type_cells", lambda area: {})
            old_release.setattr(rollup, "_month_cells", lambda area: {})
            await feed_month_ends(feeder, d)
        # And one damaged row of the province's breakdown.
        await conn.execute(
            "UPDATE analytics.stay_daily_province SET arrivals = arrivals + 3"
            " WHERE (dimension, day, facility_type, value) = (SELECT dimension, day,"
            " facility_type, value FROM analytics.stay_daily_province WHERE day = $1 LIMIT 1)",
            d,
        )
        drift = await differences(conn)
        assert drift["stay_daily_type_star"] > 0 and drift["stay_monthly_area"] > 0
        assert drift["stay_daily_province"] == 2  # the damaged row, stored and summed

        changed = await recount.recount_all(conn)

        assert await differences(conn) == dict.fromkeys(DIFFERENCES, 0)
        assert changed["stay_daily_province"] == 1
        # Each wrong row was written once: half the symmetric difference, or fewer rows
        # where a missing and a wrong row share a key.
        for table in ("stay_daily_type_star", "stay_monthly_area"):
            assert 0 < changed[table] <= drift[table], table
        assert await recount.recount_all(conn) == dict.fromkeys(DIFFERENCES, 0)
    finally:
        await recount.recount_all(conn)  # never leave the shared test database drifted
        await conn.close()


async def test_a_recount_waits_for_the_projection_under_way(app, feeder):
    """The new release's handlers add to the area rollup and its monthly sum in one
    transaction; a recount that wrote the month's row meanwhile — from a snapshot without that
    transaction — would overwrite what it added. The recount's lock on the source waits."""
    await feed_mixed_stays(feeder)
    conn, handler = await connect(app), await connect(app)
    try:
        row = await conn.fetchrow(
            "SELECT day, facility_type, commune_code, star_rating FROM analytics.stay_daily_area"
            " ORDER BY day DESC LIMIT 1"
        )
        month = row["day"].replace(day=1)
        month_key = "(month, facility_type, commune_code, star_rating) = ($1, $2, $3, $4)"
        key = (month, row["facility_type"], row["commune_code"], row["star_rating"])
        # The month's row has drifted (an older release), so the recount will write it.
        await conn.execute(
            f"UPDATE analytics.stay_monthly_area SET nights = nights + 7 WHERE {month_key}", *key
        )
        # The handler's transaction under way: one more arrival in the area and the month.
        projection = handler.transaction()
        await projection.start()
        await handler.execute(
            "UPDATE analytics.stay_daily_area SET arrivals = arrivals + 1 WHERE"
            " (day, facility_type, commune_code, star_rating) = ($1, $2, $3, $4)",
            row["day"],
            *key[1:],
        )
        await handler.execute(
            f"UPDATE analytics.stay_monthly_area SET arrivals = arrivals + 1 WHERE {month_key}",
            *key,
        )
        recounting = asyncio.create_task(recount.recount_all(conn))
        await asyncio.sleep(1)
        assert not recounting.done()  # waiting for the handler's transaction
        await projection.commit()
        changed = await recounting
        assert changed["stay_monthly_area"] == 1  # the drifted row only
        assert await differences(conn) == dict.fromkeys(DIFFERENCES, 0)
        arrivals = await conn.fetchval(
            f"SELECT arrivals FROM analytics.stay_monthly_area WHERE {month_key}", *key
        )
        summed = await conn.fetchval(
            "SELECT sum(arrivals) FROM analytics.stay_daily_area WHERE day >= $1"
            " AND day < $1 + interval '1 month' AND (facility_type, commune_code, star_rating)"
            " = ($2, $3, $4)",
            *key,
        )
        assert arrivals == summed
    finally:
        await handler.close()
        await recount.recount_all(conn)
        await conn.close()
