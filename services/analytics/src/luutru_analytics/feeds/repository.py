"""The feed queries over the pseudonymous projections, in SQL (period buckets, overlaps of
stays with buckets, occupancy). Definitions are in docs/analytics.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.feeds.filters import FeedFilters
from luutru_analytics.feeds.scope import Effective

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


def _params(f: FeedFilters, e: Effective) -> dict[str, Any]:
    return {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "unit": f.granularity,
        "step": STEPS[f.granularity],
        "types": e.facility_types,
        "communes": e.communes,
        "stars": e.star_ratings,
    }


def _stay_where(e: Effective) -> str:
    where = [
        "NOT s.voided",
        "s.facility_type = ANY(CAST(:types AS text[]))",
        "s.check_in_date <= CAST(:date_to AS date)",
        "s.night_end >= CAST(:date_from AS date)",
    ]
    if e.communes is not None:
        where.append("s.commune_code = ANY(CAST(:communes AS int[]))")
    if e.star_ratings is not None:
        where.append("s.star_rating = ANY(CAST(:stars AS int[]))")
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


async def stay_cells(
    session: AsyncSession, f: FeedFilters, e: Effective, *, group: str = "none"
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
  count(*) AS stays
FROM b JOIN analytics.stay_facts s
  ON s.check_in_date <= b.stop AND s.night_end >= b.start AND {_stay_where(e)}
{join}
GROUP BY 1, 2, 3 ORDER BY 1, 3"""
    rows = (await session.execute(text(sql), _params(f, e))).all()
    return [StayCell(*r) for r in rows]


async def occupancy(
    session: AsyncSession, f: FeedFilters, e: Effective
) -> dict[date, tuple[int, int, int, int]]:
    """Per bucket: occupied room-nights, available room-nights, guest-nights at facilities
    that declared beds, available bed-nights. Only facilities that declared rooms (beds)
    count on either side of the room (bed) ratio; a stay without a room number occupies a
    room of its own."""
    fac_where = ["fa.facility_type = ANY(CAST(:types AS text[]))", "fa.status <> 'closed'"]
    if e.communes is not None:
        fac_where.append("fa.commune_code = ANY(CAST(:communes AS int[]))")
    if e.star_ratings is not None:
        fac_where.append("fa.star_rating = ANY(CAST(:stars AS int[]))")
    sql = f"""
WITH {BUCKETS},
used AS (
  SELECT b.start,
    count(DISTINCT (s.facility_id, coalesce(s.room, s.stay_id::text), n))
      FILTER (WHERE fa.rooms > 0) AS room_nights,
    count(n) FILTER (WHERE fa.beds > 0) AS bed_guest_nights
  FROM b JOIN analytics.stay_facts s
    ON s.check_in_date <= b.stop AND s.night_end > b.start AND {_stay_where(e)}
  JOIN analytics.facilities fa ON fa.facility_id = s.facility_id
  CROSS JOIN LATERAL generate_series(
      greatest(s.check_in_date, b.start)::timestamp,
      (least(s.night_end, b.stop + 1) - 1)::timestamp, interval '1 day') n
  GROUP BY b.start
),
available AS (
  SELECT b.start,
    sum(coalesce(fa.rooms, 0) * (b.stop - b.start + 1)) AS room_nights,
    sum(coalesce(fa.beds, 0) * (b.stop - b.start + 1)) AS bed_nights
  FROM b JOIN analytics.facilities fa ON {" AND ".join(fac_where)}
  GROUP BY b.start
)
SELECT b.start, coalesce(u.room_nights, 0), coalesce(a.room_nights, 0),
       coalesce(u.bed_guest_nights, 0), coalesce(a.bed_nights, 0)
FROM b LEFT JOIN used u ON u.start = b.start LEFT JOIN available a ON a.start = b.start"""
    rows = (await session.execute(text(sql), _params(f, e))).all()
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}


async def present_now(
    session: AsyncSession, e: Effective, today: date, *, group: str
) -> dict[str, int]:
    """People staying today (arrived, not checked out, night_end not passed), by key."""
    key = STAY_GROUPS[group]
    join = (
        "LEFT JOIN analytics.facilities fa ON fa.facility_id = s.facility_id"
        if "fa." in key
        else ""
    )
    where = [
        "NOT s.voided",
        "s.facility_type = ANY(CAST(:types AS text[]))",
        "s.check_in_date <= :today",
        "s.night_end > :today",
        "s.check_out_date IS NULL",
    ]
    if e.communes is not None:
        where.append("s.commune_code = ANY(CAST(:communes AS int[]))")
    sql = f"""SELECT {key} AS key, count(*) FROM analytics.stay_facts s {join}
WHERE {" AND ".join(where)} GROUP BY 1"""
    rows = (
        await session.execute(
            text(sql), {"types": e.facility_types, "communes": e.communes, "today": today}
        )
    ).all()
    return {r[0]: int(r[1]) for r in rows}
