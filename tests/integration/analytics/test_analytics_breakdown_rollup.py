"""The breakdown feeds read `stay_daily_breakdown` (and the other daily rollups): on a small
mixed dataset — corrections that move a stay to another nationality, commune or length,
voids, check-outs before and after their check-in, a same-day check-out, a zone facility —
every breakdown read from the rollups equals the one computed from `stay_facts`, and the
rollup equals a recount from `stay_facts`."""

from __future__ import annotations

import dataclasses
import importlib
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import text

from luutru_analytics.core.filters import FeedFilters
from luutru_analytics.core.query import FeedQuery
from luutru_analytics.feeds import repository
from luutru_common import backfill
from luutru_common.events import GuestCheckedOut, StayCorrected, StayVoided
from tests.integration.analytics_helpers import (
    VN,
    check_in,
    facility,
    guest,
    unique_commune,
    unique_day,
)

BACKFILL = importlib.import_module(
    "luutru_analytics.migrations.versions.0007_daily_rollup_by_breakdown"
).BACKFILL
PROVINCE_BACKFILL = importlib.import_module(
    "luutru_analytics.migrations.versions.0011_province_breakdown_rollup"
).BACKFILL


def out(stay, day: date, hour: int = 11) -> GuestCheckedOut:
    return GuestCheckedOut(
        stay_id=stay.stay_id,
        facility_id=stay.facility_id,
        check_out_at=datetime.combine(day, time(hour), VN),
    )


async def feed_mixed_stays(feeder) -> tuple[int, int, date]:
    """The mixed dataset of this module, fed through the projection; its two communes and
    its reference day."""
    c1, c2, d = unique_commune(), unique_commune(), unique_day()
    hotel = facility(commune=c1, star_rating=3)
    motel = facility(commune=c1, facility_type="motel")
    other = facility(commune=c2, facility_type="homestay")
    zone = facility(commune=c2, facility_type="zone_housing", zone="KCN A")
    rental = facility(commune=c1, facility_type="rental_housing")
    # The same type in the other commune: a stay moved there leaves the province's counts.
    hotel2 = facility(commune=c2, facility_type="hotel", star_rating=3)

    def day(n: int) -> date:
        return d + timedelta(days=n)

    kor = guest(nationality="KOR", passport="M1234567", gender="female", born=date(2001, 2, 3))
    chn_vn = guest(nationality="CHN", residence="VNM", passport="E7654321", born=date(1950, 1, 1))
    vn = guest(id_number="079123456789", born=date(1985, 6, 7))
    vn_other = guest(id_number="001987654321", gender="female", born=date(2015, 1, 1))
    a = check_in(hotel, day(0), nights=3, who=kor)
    b = check_in(hotel, day(2), nights=10, who=vn, room="201")
    c = check_in(motel, day(5), nights=1, who=chn_vn)
    e = check_in(other, day(-3), nights=6, who=vn_other)
    g = check_in(zone, day(1), nights=40, who=vn)
    h = check_in(rental, day(8), who=kor)
    v = check_in(motel, day(4), nights=2, who=vn)
    same_day = check_in(hotel, day(6), nights=2, who=chn_vn)
    k = check_in(hotel, day(7), nights=2, who=kor)
    await feeder.send(hotel, motel, other, zone, rental, hotel2)
    # Out of order: a check-out and a void before their check-ins.
    await feeder.send(
        out(e, day(1)), StayVoided(stay_id=v.stay_id, facility_id=motel.facility_id, reason="nhầm")
    )
    await feeder.send(a, b, c, e, g, h, v, same_day, k)
    await feeder.send(
        # a: nationality and length corrected; b: moved to the motel (another area).
        check_in(hotel, day(0), nights=2, who=vn, stay_id=a.stay_id, version=2, cls=StayCorrected),
        check_in(motel, day(3), nights=4, who=vn, stay_id=b.stay_id, version=2, cls=StayCorrected),
        out(same_day, day(6), 20),
        out(g, day(20)),
        check_in(
            hotel2, day(7), nights=2, who=kor, stay_id=k.stay_id, version=2, cls=StayCorrected
        ),
        StayVoided(stay_id=c.stay_id, facility_id=motel.facility_id, reason="nhầm"),
    )
    # An older correction after the newer one changes nothing.
    await feeder.send(
        check_in(hotel, day(0), nights=9, who=kor, stay_id=a.stay_id, version=1, cls=StayCorrected)
    )
    await feeder.send(out(b, day(9)))
    return c1, c2, d


TYPES = sorted({"hotel", "motel", "homestay", "zone_housing", "rental_housing"})


def periods(d: date) -> list[tuple[date, date, str]]:
    return [
        (d - timedelta(days=5), d + timedelta(days=30), "day"),
        (d + timedelta(days=2), d + timedelta(days=25), "week"),
        (d - timedelta(days=40), d + timedelta(days=60), "month"),
        (d + timedelta(days=6), d + timedelta(days=6), "day"),
    ]


async def test_breakdowns_from_the_rollups_equal_those_from_stay_facts(app, feeder):
    c1, c2, d = await feed_mixed_stays(feeder)
    types = TYPES
    checked = 0
    async with app.state.session_factory() as session:
        for date_from, date_to, granularity in periods(d):
            for communes, stars in (([c1, c2], None), ([c1], None), ([c1, c2], [3])):
                f = FeedFilters(date_from, date_to, granularity, (), (), ())
                e_ = FeedQuery(types, communes, stars, 0)
                for group in repository.ROLLUP_GROUPS:
                    want = await repository.stay_cells(session, f, e_, group=group)
                    got = await repository.rollup_cells(session, f, e_, group=group)
                    assert got == want, (group, date_from, date_to, granularity, communes)
                    checked += len(want)
        # The rollup itself equals a recount from stay_facts: nothing left over from the
        # voided stays or the superseded versions, no zero rows kept.
        params = {"communes": [c1, c2]}
        stored = (await session.execute(text(STORED), params)).all()
        recounted = (await session.execute(text(RECOUNT), params)).all()
    # And migration 0007's backfill from stay_facts, in batches of three stays, gives the
    # same rows (rolled back).
    job = dataclasses.replace(BACKFILL, name=f"test-{uuid.uuid4()}")
    async with app.state.session_factory() as session:
        await session.execute(text("TRUNCATE analytics.stay_daily_breakdown"))
        await session.run_sync(lambda s: backfill.run(s.connection(), job, batch_rows=3))
        backfilled = (await session.execute(text(STORED), params)).all()
        await session.rollback()
    assert stored == recounted
    assert backfilled == stored
    assert len(stored) > 100
    assert checked > 50


async def test_province_breakdowns_equal_those_from_the_area_rollup_and_the_stays(app, feeder):
    """Without a commune or star filter the guest breakdowns read `stay_daily_province`: the
    answers equal those read from `stay_daily_breakdown` and those computed from the stays,
    and the province rollup equals the breakdown rollup summed over communes and stars."""
    _, _, d = await feed_mixed_stays(feeder)
    groups = [g for g, (table, *_) in repository.ROLLUP_GROUPS.items() if table.endswith("down")]
    checked = 0
    async with app.state.session_factory() as session:
        # One snapshot for every read: the whole province includes other tests' stays.
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        for date_from, date_to, granularity in periods(d):
            f = FeedFilters(date_from, date_to, granularity, (), (), ())
            province = FeedQuery(TYPES, None, None, 0)
            every_commune = FeedQuery(TYPES, await communes(session), None, 0)
            for group in groups:
                from_province = await repository.rollup_cells(session, f, province, group=group)
                from_areas = await repository.rollup_cells(session, f, every_commune, group=group)
                from_stays = await repository.stay_cells(session, f, province, group=group)
                assert from_province == from_areas == from_stays, (group, date_from, granularity)
                checked += len(from_province)
        window = {"date_from": d - timedelta(days=50), "date_to": d + timedelta(days=70)}
        stored = (await session.execute(text(PROVINCE_STORED), window)).all()
        summed = (await session.execute(text(PROVINCE_SUMMED), window)).all()
        await session.rollback()
    # And migration 0011's backfill from the breakdown, in batches of three days, gives the
    # same rows (rolled back; without the walk's own index, which only the owner may build).
    job = dataclasses.replace(PROVINCE_BACKFILL, name=f"test-{uuid.uuid4()}", index_key=False)
    async with app.state.session_factory() as session:
        await session.execute(text("TRUNCATE analytics.stay_daily_province"))
        await session.run_sync(lambda s: backfill.run(s.connection(), job, batch_rows=3))
        backfilled = (await session.execute(text(PROVINCE_STORED), window)).all()
        await session.rollback()
    assert stored == summed
    assert backfilled == stored
    assert len(stored) > 50
    assert checked > 50


async def communes(session) -> list[int]:
    """Every commune with a stay: a filter that names them all reads the area rollups."""
    found = await session.execute(text("SELECT DISTINCT commune_code FROM analytics.stay_facts"))
    return sorted(found.scalars())


STORED = """
SELECT dimension, day, facility_type, commune_code, star_rating, value, arrivals, nights,
  departures FROM analytics.stay_daily_breakdown
WHERE commune_code = ANY(:communes) AND (arrivals, nights, departures) <> (0, 0, 0)
ORDER BY 1, 2, 3, 4, 5, 6"""

RECOUNT = """
SELECT dim.name, x.day, s.facility_type, s.commune_code, coalesce(s.star_rating, 0), dim.value,
  sum(x.a), sum(x.n), sum(x.d)
FROM analytics.stay_facts s
CROSS JOIN LATERAL (VALUES ('nationality', s.nationality),
  ('residence', s.country_of_residence), ('age_group', s.age_band), ('gender', s.gender),
  ('origin_province', coalesce(s.origin_province, 'unknown'))) AS dim(name, value)
CROSS JOIN LATERAL (
  SELECT s.check_in_date AS day, 1 AS a, 0 AS n, 0 AS d
  UNION ALL
  SELECT g::date, 0, 1, 0
  FROM generate_series(s.check_in_date, s.night_end - 1, interval '1 day') g
  UNION ALL
  SELECT s.check_out_date, 0, 0, 1 WHERE s.check_out_date IS NOT NULL
) x
WHERE NOT s.voided AND s.commune_code = ANY(:communes)
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1, 2, 3, 4, 5, 6"""

PROVINCE_STORED = """
SELECT dimension, day, facility_type, value, arrivals, nights, departures
FROM analytics.stay_daily_province
WHERE day BETWEEN :date_from AND :date_to AND (arrivals, nights, departures) <> (0, 0, 0)
ORDER BY 1, 2, 3, 4"""

PROVINCE_SUMMED = """
SELECT dimension, day, facility_type, value, sum(arrivals), sum(nights), sum(departures)
FROM analytics.stay_daily_breakdown
WHERE day BETWEEN :date_from AND :date_to
GROUP BY 1, 2, 3, 4
HAVING (sum(arrivals), sum(nights), sum(departures)) <> (0, 0, 0)
ORDER BY 1, 2, 3, 4"""
