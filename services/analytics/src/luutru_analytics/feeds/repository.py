"""The feed queries over the pseudonymous projections, in SQL (period buckets, overlaps of
stays with buckets, occupancy). Definitions are in docs/analytics.md."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.core.filters import FeedFilters
from luutru_analytics.core.perturbation import record_key_sql
from luutru_analytics.core.query import FeedQuery
from luutru_analytics.core.scope import FeedScope
from luutru_analytics.models import FacilityFact, StayFact

# Nights are local days (the stay rollups date them the same way).
LOCAL_TZ = "Asia/Ho_Chi_Minh"

# Breakdown keys of stays: SQL over `s` (stay_facts) and `fa` (facilities, left-joined).
STAY_GROUPS: dict[str, str] = {
    "none": "''",
    "residence": "s.country_of_residence",
    "domestic": (
        "CASE WHEN s.country_of_residence = 'VNM' THEN 'domestic' ELSE 'international' END"
    ),
    "nationality": "s.nationality",
    "age_group": "s.age_band",
    "facility_type": "s.facility_type",
    "star_rating": "coalesce(s.star_rating::text, 'none')",
    "commune": "s.commune_code::text",
    "facility": "s.facility_id::text",
    "zone": "coalesce(fa.zone, 'none')",
    "origin_province": "coalesce(s.origin_province, 'unknown')",
    "gender": "s.gender",
}

BUCKETS = """
b AS (
  SELECT greatest(g::date, CAST(:date_from AS date)) AS start,
         least((g + CAST(CAST(:step AS text) AS interval))::date - 1, CAST(:date_to AS date)) AS stop
  FROM generate_series(date_trunc(:unit, CAST(:date_from AS timestamp)),
                       CAST(:date_to AS timestamp), CAST(CAST(:step AS text) AS interval)) g
)"""

STEPS = {"day": "1 day", "week": "1 week", "month": "1 month"}


def _params(f: FeedFilters, q: FeedQuery) -> dict[str, Any]:
    return {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "unit": f.granularity,
        "step": STEPS[f.granularity],
        **q.params(),
    }


def _stay_where(q: FeedQuery) -> str:
    """Stays in the query's scope that overlap the period."""
    where = [
        *q.stay_conditions("s"),
        "s.check_in_date <= CAST(:date_to AS date)",
        "s.night_end >= CAST(:date_from AS date)",
        # No stay is longer than the longest one: a lower bound for the arrival-day index.
        "s.check_in_date >= CAST(:date_from AS date) - CAST(:longest AS int)",
    ]
    return " AND ".join(where)


@dataclass
class StayCell:
    start: date
    stop: date
    key: str
    arrivals: int
    nights: int
    departures: int
    stays: int  # stays that touch the cell: the people behind it, for suppression
    # Sums of the record keys behind arrivals, guest-nights and departures: the cell keys.
    arrival_keys: int = 0
    night_keys: int = 0
    departure_keys: int = 0


STAY_KEY = record_key_sql("s.stay_id")


async def stay_cells(
    session: AsyncSession, f: FeedFilters, q: FeedQuery, *, group: str = "none"
) -> list[StayCell]:
    """Arrivals, guest-nights and departures per period bucket and breakdown key."""
    key = STAY_GROUPS[group]
    join = (
        "LEFT JOIN analytics.facilities fa ON fa.facility_id = s.facility_id"
        if "fa." in key
        else ""
    )
    sql = f"""
WITH {BUCKETS}
SELECT b.start, b.stop, {key} AS key,
  count(*) FILTER (WHERE s.check_in_date BETWEEN b.start AND b.stop) AS arrivals,
  coalesce(sum(greatest(0, least(s.night_end, b.stop + 1)
                           - greatest(s.check_in_date, b.start))), 0) AS nights,
  count(*) FILTER (WHERE s.check_out_date BETWEEN b.start AND b.stop) AS departures,
  count(*) AS stays,
  coalesce(sum({STAY_KEY}) FILTER (WHERE s.check_in_date BETWEEN b.start AND b.stop), 0),
  coalesce(sum({STAY_KEY}::bigint * greatest(0, least(s.night_end, b.stop + 1)
                           - greatest(s.check_in_date, b.start))), 0),
  coalesce(sum({STAY_KEY}) FILTER (WHERE s.check_out_date BETWEEN b.start AND b.stop), 0)
FROM b JOIN analytics.stay_facts s
  ON s.check_in_date <= b.stop AND s.night_end >= b.start AND {_stay_where(q)}
{join}
GROUP BY 1, 2, 3 ORDER BY 1, 3"""
    params = {**_params(f, q), "longest": await longest_stay(session)}
    rows = (await session.execute(text(sql), params)).all()
    return [StayCell(r[0], r[1], r[2], *(int(v) for v in r[3:])) for r in rows]


# Breakdown keys read from the daily rollups: (table, key SQL over `r`, dimension or None).
ROLLUP_GROUPS: dict[str, tuple[str, str, str | None]] = {
    "none": ("stay_daily_area", "''", None),
    "residence": ("stay_daily_breakdown", "r.value", "residence"),
    "domestic": (
        "stay_daily_breakdown",
        "CASE WHEN r.value = 'VNM' THEN 'domestic' ELSE 'international' END",
        "residence",
    ),
    "nationality": ("stay_daily_breakdown", "r.value", "nationality"),
    "age_group": ("stay_daily_breakdown", "r.value", "age_group"),
    "gender": ("stay_daily_breakdown", "r.value", "gender"),
    "origin_province": ("stay_daily_breakdown", "r.value", "origin_province"),
    "facility_type": ("stay_daily_area", "r.facility_type", None),
    "star_rating": (
        "stay_daily_area",
        "CASE WHEN r.star_rating = 0 THEN 'none' ELSE r.star_rating::text END",
        None,
    ),
    "commune": ("stay_daily_area", "r.commune_code::text", None),
    "facility": ("stay_daily", "r.facility_id::text", None),
    # The zone as the facility has it now, as `stay_cells` joins it.
    "zone": ("stay_daily", "coalesce(fa.zone, 'none')", None),
}

# The rollups summed over the whole province, and what each sums over:
# `stay_daily_breakdown` per guest dimension, day, type and value (over communes and star
# ratings); `stay_daily_area` per day, type and star rating (over communes). A question that
# neither filters nor breaks down by what a sum drops reads it: a few rows a day instead of
# one per commune (and star rating). The feeds benchmark empties this to time the same
# questions without them.
PROVINCE_TABLES: dict[str, tuple[str, frozenset[str]]] = {
    "stay_daily_breakdown": ("stay_daily_province", frozenset({"commune", "star_rating"})),
    "stay_daily_area": ("stay_daily_type_star", frozenset({"commune"})),
}


def rollup_table(table: str, q: FeedQuery, group: str = "none") -> str:
    """The rollup a question reads: the province's sum of `table` when the question asks
    nothing of what that sum drops (a commune or star filter, a breakdown by them), else
    `table`."""
    summed, dropped = PROVINCE_TABLES.get(table, (table, frozenset()))
    asked = {group}
    if q.communes is not None:
        asked.add("commune")
    if q.star_ratings is not None:
        asked.add("star_rating")
    return table if asked & dropped else summed


# The rollups summed per calendar month, for the days of a question's whole-month buckets:
# `stay_daily_area` per month, type, commune and star rating. A year by commune then reads a
# dozen rows per area instead of one per day. The feeds benchmark empties this to time the
# same questions without it.
MONTHLY_TABLES: dict[str, str] = {"stay_daily_area": "stay_monthly_area"}


@dataclass(frozen=True)
class MonthSplit:
    """Where a question's days are read from when some of its buckets are whole calendar
    months: those months from the monthly rollup, the other days from the daily one, and the
    night before each bucket (the stays touching it) from the daily one too."""

    months: list[date]  # first days of the whole-month buckets
    days: list[date]  # days read from the daily rollup
    # Of those, the nights before a bucket that lie inside a whole month: read only for the
    # stays touching the next bucket, their counts already in the month's row.
    edges: list[date]


def month_split(f: FeedFilters) -> MonthSplit | None:
    """The split of a monthly question that has whole months; None when it has none (by day
    or week, or a period within one month): the daily rollup answers it all."""
    if f.granularity != "month":
        return None
    cut = buckets(f.date_from, f.date_to, "month")
    months = [start for start, stop in cut if start.day == 1 and (stop + timedelta(1)).day == 1]
    if not months:
        return None
    whole = set(months)
    days, day = [], f.date_from - timedelta(1)
    while day <= f.date_to:
        if day.replace(day=1) not in whole:
            days.append(day)
        day += timedelta(1)
    edges = [start - timedelta(1) for start, _ in cut]
    edges = [e for e in edges if e.replace(day=1) in whole]
    return MonthSplit(months, days + edges, edges)


async def rollup_cells(
    session: AsyncSession, f: FeedFilters, q: FeedQuery, *, group: str = "none"
) -> list[StayCell]:
    """The same cells as `stay_cells`, read from the daily rollups. Stays that touch a
    bucket are those that arrive in it plus those staying the night before it starts (a
    stay touches [start, stop] when it arrives by `stop` and its night_end is not before
    `start`), so `stays` = arrivals of the bucket + guest-nights of the day before.

    A bucket that is a whole calendar month reads its counts from the monthly rollup where
    there is one (`MONTHLY_TABLES`), as one row dated the month's first day; the night before
    it still comes from the daily rollup (an `edge` row when that night lies in another
    whole month, whose own counts are in its monthly row)."""
    table, key, dimension = ROLLUP_GROUPS[group]
    table = rollup_table(table, q, group)
    split = month_split(f) if table in MONTHLY_TABLES else None
    where = [*q.conditions("r")]
    if dimension is not None:
        where.append("r.dimension = :dimension")
    join = (
        "LEFT JOIN analytics.facilities fa ON fa.facility_id = r.facility_id"
        if "fa." in key
        else ""
    )
    d = _day_rows(table, key, join, where, split)
    # The buckets as arrays (cut by `buckets`, as BUCKETS cuts them): the planner then knows
    # there are a dozen, not the thousand it guesses for a generate_series, which had it
    # plan a year by commune as 0.5 M joined rows, in parallel workers.
    sql = f"""
WITH b AS (
  SELECT * FROM unnest(CAST(:starts AS date[]), CAST(:stops AS date[])) AS b(start, stop)
),
d AS ({d}
),
c AS (
  SELECT b.start, b.stop, d.key,
    coalesce(sum(d.a) FILTER (WHERE d.day >= b.start AND NOT d.edge), 0) AS arrivals,
    coalesce(sum(d.n) FILTER (WHERE d.day >= b.start AND NOT d.edge), 0) AS nights,
    coalesce(sum(d.dep) FILTER (WHERE d.day >= b.start AND NOT d.edge), 0) AS departures,
    coalesce(sum(d.n) FILTER (WHERE d.day = b.start - 1), 0) AS staying,
    coalesce(sum(d.ka) FILTER (WHERE d.day >= b.start AND NOT d.edge), 0) AS ka,
    coalesce(sum(d.kn) FILTER (WHERE d.day >= b.start AND NOT d.edge), 0) AS kn,
    coalesce(sum(d.kd) FILTER (WHERE d.day >= b.start AND NOT d.edge), 0) AS kd
  FROM b JOIN d ON d.day BETWEEN b.start - 1 AND b.stop
  GROUP BY 1, 2, 3
)
SELECT start, stop, key, arrivals, nights, departures, arrivals + staying AS stays, ka, kn, kd
FROM c WHERE arrivals + staying > 0
ORDER BY 1, 3"""
    cut = buckets(f.date_from, f.date_to, f.granularity)
    params = {
        **_params(f, q),
        "dimension": dimension,
        "starts": [start for start, _ in cut],
        "stops": [stop for _, stop in cut],
    }
    if split is not None:
        params.update(months=split.months, days=split.days, edges=split.edges)
    rows = (await session.execute(text(sql), params)).all()
    return [StayCell(r[0], r[1], r[2], *(int(v) for v in r[3:])) for r in rows]


# The counts of a rollup row summed, as `rollup_cells` reads them.
_SUMS = """sum(r.arrivals) AS a, sum(r.nights) AS n, sum(r.departures) AS dep,
    sum(r.arrival_keys) AS ka, sum(r.night_keys) AS kn, sum(r.departure_keys) AS kd"""


def _day_rows(table: str, key: str, join: str, where: list[str], split: MonthSplit | None) -> str:
    """The rows (day, key, edge, counts) `rollup_cells` sums per bucket: every day of the
    period and the one before from `table`, or with a month split the whole months from
    the monthly rollup (dated their first day) and the other days from `table`."""
    if split is None:
        days = "r.day BETWEEN CAST(:date_from AS date) - 1 AND CAST(:date_to AS date)"
        return f"""
  SELECT r.day, {key} AS key, false AS edge, {_SUMS}
  FROM analytics.{table} r {join}
  WHERE {" AND ".join([days, *where])}
  GROUP BY 1, 2"""
    # A month's row is dated its first day: never the night before a bucket (that would be a
    # bucket starting on the 2nd, i.e. the period's first, whose month is not whole).
    return f"""
  SELECT r.month AS day, {key} AS key, false AS edge, {_SUMS}
  FROM analytics.{MONTHLY_TABLES[table]} r {join}
  WHERE {" AND ".join(["r.month = ANY(CAST(:months AS date[]))", *where])}
  GROUP BY 1, 2
  UNION ALL
  SELECT r.day, {key} AS key, r.day = ANY(CAST(:edges AS date[])) AS edge, {_SUMS}
  FROM analytics.{table} r {join}
  WHERE {" AND ".join(["r.day = ANY(CAST(:days AS date[]))", *where])}
  GROUP BY 1, 2"""


async def longest_stay(session: AsyncSession) -> int:
    """Nights of the longest stay (one probe of ix_stay_facts_length)."""
    longest = await session.scalar(
        text("SELECT max(night_end - check_in_date) FROM analytics.stay_facts")
    )
    return int(longest or 0)


@dataclass
class DailyCell:
    start: date
    stop: date
    key: str
    arrivals: int
    nights: int
    departures: int
    people: int  # a lower bound of the people behind the cell: max(arrivals, busiest night)
    arrival_keys: int = 0
    night_keys: int = 0
    departure_keys: int = 0


DAILY_GROUPS = {"none": "''", "facility": "sd.facility_id::text"}


async def daily_cells(
    session: AsyncSession, f: FeedFilters, q: FeedQuery, *, group: str = "none"
) -> list[DailyCell]:
    """The same counts as `stay_cells`, read from the pre-aggregated `stay_daily` (a few
    rows per facility and day instead of one per stay)."""
    where = [
        "sd.day BETWEEN CAST(:date_from AS date) AND CAST(:date_to AS date)",
        *q.conditions("sd"),
    ]
    sql = f"""
WITH {BUCKETS},
d AS (
  SELECT sd.day, {DAILY_GROUPS[group]} AS key, sum(sd.arrivals) AS arrivals,
    sum(sd.nights) AS nights, sum(sd.departures) AS departures,
    sum(sd.arrival_keys) AS ka, sum(sd.night_keys) AS kn, sum(sd.departure_keys) AS kd
  FROM analytics.stay_daily sd
  WHERE {" AND ".join(where)}
  GROUP BY 1, 2
)
SELECT b.start, b.stop, d.key, sum(d.arrivals), sum(d.nights), sum(d.departures),
  greatest(sum(d.arrivals), max(d.nights)), sum(d.ka), sum(d.kn), sum(d.kd)
FROM b JOIN d ON d.day BETWEEN b.start AND b.stop
GROUP BY 1, 2, 3
HAVING sum(d.arrivals) + sum(d.nights) + sum(d.departures) > 0
ORDER BY 1, 3"""
    rows = (await session.execute(text(sql), _params(f, q))).all()
    return [DailyCell(r[0], r[1], r[2], *(int(v) for v in r[3:])) for r in rows]


async def area_days(
    session: AsyncSession, q: FeedQuery, date_from: date, date_to: date
) -> dict[date, tuple[int, ...]]:
    """Per day: arrivals, guest-nights, departures, occupied room-nights and the record-key
    sums of arrivals and guest-nights, from the area rollup (`stay_daily_area`, or without
    a commune filter its sum per type and star rating, `stay_daily_type_star`)."""
    where = ["a.day BETWEEN :date_from AND :date_to", *q.conditions("a")]
    sql = f"""SELECT a.day, sum(a.arrivals), sum(a.nights), sum(a.departures),
  sum(a.occupied_rooms), sum(a.arrival_keys), sum(a.night_keys)
FROM analytics.{rollup_table("stay_daily_area", q)} a WHERE {" AND ".join(where)}
GROUP BY a.day"""
    params = {"date_from": date_from, "date_to": date_to, **q.params()}
    rows = (await session.execute(text(sql), params)).all()
    return {r[0]: tuple(int(v) for v in r[1:]) for r in rows}


@dataclass
class Capacity:
    """Available rooms and beds per night of a period (IRTS): facilities with a room registry
    count their rooms in service that night, the others their declared rooms and beds."""

    declared_rooms: int
    declared_beds: int
    # night → (rooms, beds) of the registry facilities: in service, or declared before the
    # facility's registry began
    registry: dict[date, tuple[int, int]]
    registry_facilities: int
    declared_facilities: int

    def rooms(self, day: date) -> int:
        return self.declared_rooms + self.registry.get(day, (0, 0))[0]

    def beds(self, day: date) -> int:
        return self.declared_beds + self.registry.get(day, (0, 0))[1]

    @property
    def source(self) -> str | None:
        """registry, declared or mixed: where the available rooms and beds come from."""
        if self.registry_facilities and self.declared_facilities:
            return "mixed"
        if self.registry_facilities:
            return "registry"
        return "declared" if self.declared_facilities else None


async def capacity_by_night(
    session: AsyncSession, q: FeedQuery, date_from: date, date_to: date
) -> Capacity:
    """The available rooms and beds of the facilities in scope that are not closed, night by
    night. A registry room counts on a night when its state at the end of that day (local
    time) is in service: added that day or before, not out of service, not retired. Before a
    facility's first registry room, its declared counts stand (its history before the
    registry is not lost)."""
    where = [*q.conditions("fa"), "fa.status <> 'closed'"]
    params = {**q.params(), "date_from": date_from, "date_to": date_to}
    declared_sql = f"""SELECT count(*) FILTER (WHERE r.facility_id IS NULL),
  count(*) FILTER (WHERE r.facility_id IS NOT NULL),
  coalesce(sum(fa.rooms) FILTER (WHERE r.facility_id IS NULL), 0),
  coalesce(sum(fa.beds) FILTER (WHERE r.facility_id IS NULL), 0)
FROM analytics.facilities fa
LEFT JOIN (SELECT DISTINCT facility_id FROM analytics.room_states) r
  ON r.facility_id = fa.facility_id
WHERE {" AND ".join(where)}"""
    declared_n, registry_n, rooms, beds = (await session.execute(text(declared_sql), params)).one()
    registry: dict[date, tuple[int, int]] = {}
    if registry_n:
        sql = f"""WITH s AS (
  SELECT rs.room_id, rs.state, rs.beds, rs.valid_from,
    lead(rs.valid_from) OVER (PARTITION BY rs.room_id ORDER BY rs.version) AS valid_to
  FROM analytics.room_states rs JOIN analytics.facilities fa ON fa.facility_id = rs.facility_id
  WHERE {" AND ".join(where)}
),
began AS (
  SELECT fa.facility_id, coalesce(fa.rooms, 0) AS rooms, coalesce(fa.beds, 0) AS beds,
    min(rs.valid_from) AS since
  FROM analytics.room_states rs JOIN analytics.facilities fa ON fa.facility_id = rs.facility_id
  WHERE {" AND ".join(where)}
  GROUP BY 1, 2, 3
),
nights AS (
  SELECT n::date AS day, timezone('{LOCAL_TZ}', (n::date + 1)::timestamp) AS day_end
  FROM generate_series(CAST(:date_from AS date), CAST(:date_to AS date), interval '1 day') n
),
live AS (
  SELECT n.day, count(*) AS rooms, sum(s.beds) AS beds FROM nights n
  JOIN s ON s.valid_from < n.day_end AND (s.valid_to IS NULL OR s.valid_to >= n.day_end)
  WHERE s.state = 'in_service'
  GROUP BY n.day
),
before AS (
  SELECT n.day, sum(b.rooms) AS rooms, sum(b.beds) AS beds FROM nights n
  JOIN began b ON b.since >= n.day_end
  GROUP BY n.day
)
SELECT n.day, coalesce(l.rooms, 0) + coalesce(bf.rooms, 0),
  coalesce(l.beds, 0) + coalesce(bf.beds, 0)
FROM nights n LEFT JOIN live l USING (day) LEFT JOIN before bf USING (day)"""
        rows = (await session.execute(text(sql), params)).all()
        registry = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    return Capacity(int(rooms), int(beds), registry, int(registry_n), int(declared_n))


def buckets(date_from: date, date_to: date, granularity: str) -> list[tuple[date, date]]:
    """The period cut into days, ISO weeks (Monday first) or calendar months, the first and
    last clipped to the period — as the SQL of `stay_cells` cuts it."""
    out = []
    start = date_from
    while start <= date_to:
        if granularity == "day":
            stop = start
        elif granularity == "week":
            stop = start + timedelta(days=6 - start.weekday())
        else:
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            stop = following - timedelta(days=1)
        stop = min(stop, date_to)
        out.append((start, stop))
        start = stop + timedelta(days=1)
    return out


async def present_now(
    session: AsyncSession, q: FeedQuery, today: date, *, group: str
) -> dict[str, tuple[int, int]]:
    """People staying today (arrived, not checked out, night_end not passed) and the sum of
    their record keys, by key."""
    key = STAY_GROUPS[group]
    join = (
        "LEFT JOIN analytics.facilities fa ON fa.facility_id = s.facility_id"
        if "fa." in key
        else ""
    )
    where = [
        *q.stay_conditions("s"),
        "s.check_in_date <= :today",
        "s.night_end > :today",
        "s.check_out_date IS NULL",
    ]
    sql = f"""SELECT {key} AS key, count(*), sum({STAY_KEY}) FROM analytics.stay_facts s {join}
WHERE {" AND ".join(where)} GROUP BY 1"""
    rows = (await session.execute(text(sql), {**q.params(), "today": today})).all()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


async def arrivals_by_day(
    session: AsyncSession, scope: FeedScope, date_from: date, date_to: date
) -> list[tuple[date, str, int, int]]:
    """Arrivals per arrival day and facility type in the scope (the first feed), with the
    sum of their record keys."""
    key = literal_column(record_key_sql("analytics.stay_facts.stay_id"))
    stmt = (
        select(StayFact.check_in_date, StayFact.facility_type, func.count(), func.sum(key))
        .where(
            StayFact.check_in_date.between(date_from, date_to),
            StayFact.facility_type.in_(scope.facility_types),
            ~StayFact.voided,
        )
        .group_by(StayFact.check_in_date, StayFact.facility_type)
        .order_by(StayFact.check_in_date, StayFact.facility_type)
    )
    if scope.communes:
        stmt = stmt.where(StayFact.commune_code.in_(scope.communes))
    return [(day, ftype, n, int(keys)) for day, ftype, n, keys in await session.execute(stmt)]


# Breakdown keys of trips: SQL over `t` (trips).
TRIP_GROUPS = {
    "route": "t.origin_province || '-' || t.destination_province",
    "operator": "t.operator_id::text",
    "day": "t.departure_date::text",
    "origin_province": "t.origin_province::text",
    "destination_province": "t.destination_province::text",
}


PASSENGER_KEY = record_key_sql("passenger_id")


@dataclass
class TripCell:
    key: str
    trips: int
    seats: int
    passengers: int  # booked, with demographics: removed and no-shows excluded
    passenger_keys: int = 0  # sum of the passengers' record keys: the cell key


async def trip_cells(
    session: AsyncSession, f: FeedFilters, q: FeedQuery, *, group: str
) -> list[TripCell]:
    """Trips not cancelled that depart in the period, their seats and passengers, by key.
    Trips have no facility type or star rating: only the query's communes apply."""
    where = [
        "t.departure_date BETWEEN :date_from AND :date_to",
        "NOT EXISTS (SELECT 1 FROM analytics.trip_cancellations c WHERE c.trip_id = t.trip_id)",
        *q.conditions("t", types=False, stars=False),
    ]
    sql = f"""
SELECT {TRIP_GROUPS[group]} AS key, count(*) AS trips, sum(t.seats) AS seats,
       coalesce(sum(p.passengers), 0) AS passengers, coalesce(sum(p.keys), 0) AS keys
FROM analytics.trips t
LEFT JOIN (SELECT trip_id, count(*) AS passengers, sum({PASSENGER_KEY}) AS keys
           FROM analytics.trip_passengers
           WHERE status = 'booked' AND age_band IS NOT NULL GROUP BY trip_id) p
  ON p.trip_id = t.trip_id
WHERE {" AND ".join(where)}
GROUP BY 1 ORDER BY 1"""
    params = {"date_from": f.date_from, "date_to": f.date_to, "communes": q.communes}
    rows = (await session.execute(text(sql), params)).all()
    return [TripCell(r[0], r[1], *(int(v) for v in r[2:])) for r in rows]


async def facility_names(
    session: AsyncSession, facility_ids: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str]]:
    """Code and registered name of each of these facilities (coach operators included)."""
    if not facility_ids:
        return {}
    found = await session.execute(
        select(FacilityFact.facility_id, FacilityFact.code, FacilityFact.name).where(
            FacilityFact.facility_id.in_(facility_ids)
        )
    )
    return {fid: (code, name) for fid, code, name in found}
