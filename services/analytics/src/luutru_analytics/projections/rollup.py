"""Keeping `stay_daily`, its sums by area, type, month and guest dimension, and `room_nights`
in step with `stay_facts`.

A stay contributes an arrival on its arrival day, one guest-night on every night from
arrival up to `night_end`, a departure on its check-out day and its room on each of those
nights. On every change the handler takes the contribution of the row as it was and adds the
one of the row as it is now; an event that changes nothing (duplicate, older version)
therefore changes no count.

Beside each count the rollups keep the sum of the record keys of the stays behind it
(`arrival_keys`, `night_keys`, `departure_keys`; core/perturbation.py): the cell key of
any cell read from them, by which the feeds round what they publish.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.core.perturbation import record_key
from luutru_analytics.models import SCHEMA
from luutru_common.db import raw_connection

FIELDS = (
    "stay_id",
    "facility_id",
    "facility_type",
    "commune_code",
    "star_rating",
    "check_in_date",
    "night_end",
    "check_out_date",
    "room",
    "voided",
    # The guest dimensions of `stay_daily_breakdown`: a correction of any of them moves the
    # stay from one breakdown value to another.
    "nationality",
    "country_of_residence",
    "age_band",
    "gender",
    "origin_province",
)

# Dimension of `stay_daily_breakdown` → the value of a stay row (in the order of the value
# columns of ADD_TO_BREAKDOWN).
DIMENSIONS = {
    "nationality": lambda r: r["nationality"],
    "residence": lambda r: r["country_of_residence"],
    "age_group": lambda r: r["age_band"],
    "gender": lambda r: r["gender"],
    "origin_province": lambda r: r["origin_province"] or "unknown",
}


SNAPSHOT = (
    f"SELECT {', '.join(FIELDS)} FROM {SCHEMA}.stay_facts WHERE stay_id = ANY($1::uuid[]) "
    "FOR UPDATE"
)


async def snapshot(session: AsyncSession, stay_id: uuid.UUID) -> dict[str, Any] | None:
    """The stay's row as it is, locked for the rest of the transaction."""
    return (await snapshots(session, [stay_id])).get(stay_id)


async def snapshots(
    session: AsyncSession, stay_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The rows of these stays as they are (those stored), locked for the transaction."""
    conn = await raw_connection(session)
    return {r["stay_id"]: dict(r) for r in await conn.fetch(SNAPSHOT, stay_ids)}


def _nights(row: dict[str, Any]) -> list[date]:
    start, end = row["check_in_date"], row["night_end"]
    return [start + timedelta(days=i) for i in range(max(0, (end - start).days))]


def _room(row: dict[str, Any]) -> str:
    return row["room"] or f"stay:{row['stay_id']}"


async def apply_change(
    session: AsyncSession, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    """`apply_changes` for one stay."""
    await apply_changes(session, [(before, after)])


Row = dict[str, Any]
Signed = list[tuple[Row | None, int]]


async def apply_changes(
    session: AsyncSession, changes: list[tuple[Row | None, Row | None]]
) -> None:
    """Apply the (before, after) pairs of many stays: each changed stay's row as it was
    counts −1, as it is +1, in a handful of statements for the whole run."""
    signed = _signed_rows(changes)
    if not signed:
        return
    conn = await raw_connection(session)
    await _apply_breakdown(conn, signed)
    counts = _facility_day_counts(signed)
    occupied = await _apply_room_nights(conn, counts.rooms)
    rows = _daily_rows(counts.daily, occupied)
    if not rows:
        return
    area = sorted(_area_cells(rows, counts.attrs).items())
    await conn.execute(ADD_TO_AREA, *_columns([(*k, *v) for k, v in area], 11))
    types = sorted(_type_cells(area).items())
    if types:
        await conn.execute(ADD_TO_TYPE, *_columns([(*k, *v) for k, v in types], 10))
    months = sorted(_month_cells(area).items())
    if months:
        await conn.execute(ADD_TO_MONTH, *_columns([(*k, *v) for k, v in months], 11))
    await conn.execute(
        ADD_TO_DAILY,
        *_columns([(d, f, *counts.attrs[f], *values) for d, f, *values in rows], 12),
    )


def _signed_rows(changes: list[tuple[Row | None, Row | None]]) -> Signed:
    """The rows of the stays that changed in anything the rollups keep, with their sign."""

    def key(r: Row | None) -> tuple | None:
        return None if r is None else tuple(r[f] for f in FIELDS)

    signed: Signed = []
    for before, after in changes:
        if key(before) != key(after):
            signed += [(before, -1), (after, 1)]
    return signed


@dataclass
class FacilityDayCounts:
    """The signed contributions of stay rows per facility and day."""

    # (day, facility) → [arrivals, guest-nights, departures, and the sums of their record keys]
    daily: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 6))
    # (night, facility, room) → guests
    rooms: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))
    # facility → (type, commune, star rating) the counts are filed under
    attrs: dict[uuid.UUID, tuple] = field(default_factory=dict)


def _facility_day_counts(signed: Signed) -> FacilityDayCounts:
    counts = FacilityDayCounts()
    for row, sign in signed:
        if row is None or row["voided"]:
            continue
        fid, key = row["facility_id"], record_key(row["stay_id"])
        counts.attrs[fid] = (row["facility_type"], row["commune_code"], row["star_rating"])
        days = [(row["check_in_date"], 0)] + [(night, 1) for night in _nights(row)]
        if row["check_out_date"] is not None:
            days.append((row["check_out_date"], 2))
        for day, i in days:
            cell = counts.daily[(day, fid)]
            cell[i] += sign
            cell[i + 3] += sign * key
        for night in _nights(row):
            counts.rooms[(night, fid, _room(row))] += sign
    return counts


async def _apply_room_nights(conn: asyncpg.Connection, rooms: dict[tuple, int]) -> dict[tuple, int]:
    """Add the guests per room and night; the change in occupied rooms per (day, facility)
    that follows: a room becomes occupied when its first guest arrives, free when its last
    leaves."""
    changes = [(d, f, r, n) for (d, f, r), n in rooms.items() if n]
    occupied: dict[tuple, int] = defaultdict(int)
    if not changes:
        return occupied
    # One statement for all the room-nights of this change.
    result = await conn.fetch(ADD_ROOM_NIGHTS, *_columns(changes, 4))
    deltas = {(d, f, r): n for d, f, r, n in changes}
    for day, fid, room, guests in result:
        delta = deltas[(day, fid, room)]
        if delta > 0 and guests == delta:
            occupied[(day, fid)] += 1
        elif delta < 0 and guests == 0:
            occupied[(day, fid)] -= 1
    return occupied


def _daily_rows(daily: dict[tuple, list[int]], occupied: dict[tuple, int]) -> list[tuple]:
    """(day, facility, arrivals, nights, departures, occupied rooms, arrival keys, night
    keys, departure keys) rows that change something, in a fixed order of row locks, so two
    consumers never wait for each other in a cycle."""
    occupied = dict(occupied)
    rows = []
    for (day, fid), (arrivals, nights, departures, *keys) in daily.items():
        rooms_delta = occupied.pop((day, fid), 0)
        if arrivals or nights or departures or rooms_delta or any(keys):
            rows.append((day, fid, arrivals, nights, departures, rooms_delta, *keys))
    rows += [(d, f, 0, 0, 0, n, 0, 0, 0) for (d, f), n in occupied.items() if n]
    rows.sort(key=lambda r: (r[0], str(r[1])))
    return rows


def _area_cells(rows: list[tuple], attrs: dict[uuid.UUID, tuple]) -> dict[tuple, list[int]]:
    """The daily rows summed per (day, type, commune, star rating; 0 = no stars)."""
    area: dict[tuple, list[int]] = defaultdict(lambda: [0] * 7)
    for day, fid, *values in rows:
        ftype, commune, star = attrs[fid]
        cell = area[(day, ftype, commune, star or 0)]
        for i, v in enumerate(values):
            cell[i] += v
    return area


def _type_cells(area: list[tuple[tuple, list[int]]]) -> dict[tuple, list[int]]:
    """The area cells summed per (day, type, star rating): `stay_daily_type_star`. Cells whose
    changes cancel out (a stay moved between communes) are left out, so a run takes no lock
    on them."""
    return _summed(area, lambda day, ftype, _commune, star: (day, ftype, star))


def _month_cells(area: list[tuple[tuple, list[int]]]) -> dict[tuple, list[int]]:
    """The area cells summed per (first day of the month, type, commune, star rating):
    `stay_monthly_area`. Cells whose changes cancel out (a stay moved within its month) are
    left out."""
    return _summed(
        area, lambda day, ftype, commune, star: (day.replace(day=1), ftype, commune, star)
    )


def _summed(area: list[tuple[tuple, list[int]]], key: Any) -> dict[tuple, list[int]]:
    """The area cells summed per `key(day, type, commune, star)`, those summing to nothing
    left out."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0] * 7)
    for area_key, values in area:
        cell = cells[key(*area_key)]
        for i, v in enumerate(values):
            cell[i] += v
    return {k: v for k, v in cells.items() if any(v)}


async def _apply_breakdown(conn: asyncpg.Connection, signed: Signed) -> None:
    """`stay_daily_breakdown`: the same arrival / nights / departure contributions as
    `stay_daily`, once per guest dimension, under the stay row's own area; and
    `stay_daily_province`: the same cells summed over communes and star ratings. The stay
    rows go to PostgreSQL as they are, with their sign and record key; it spreads them over
    their days and dimensions (ADD_TO_BREAKDOWN): ~25 cells a stay, too many for Python."""
    stays = [
        (
            sign,
            record_key(row["stay_id"]),
            row["facility_type"],
            row["commune_code"],
            row["star_rating"] or 0,
            row["check_in_date"],
            row["night_end"],
            row["check_out_date"],
            *(value_of(row) for value_of in DIMENSIONS.values()),
        )
        for row, sign in signed
        if row is not None and not row["voided"]
    ]
    if stays:
        await conn.execute(ADD_TO_BREAKDOWN, *_columns(stays, 8 + len(DIMENSIONS)))


def _columns(rows: list[tuple], width: int) -> list[list]:
    """Rows as the column arrays the `unnest` of an upsert takes."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def _cell_upsert(table: str, keys: str, key_types: str, counts: str, count_types: str) -> str:
    """One statement adding many cells' signed counts to a rollup: the cells as column
    arrays (`unnest`), added to the stored ones on conflict. Rows are taken in the order
    given (sorted by the callers): the same order of row locks in every transaction."""
    columns = [*keys.split(), *counts.split()]
    types = [*key_types.split(), *count_types.split()]
    arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, start=1))
    return (
        f"INSERT INTO {SCHEMA}.{table} AS r ({', '.join(columns)}) "
        f"SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(keys.split())}) DO UPDATE SET "
        + ", ".join(f"{c} = r.{c} + excluded.{c}" for c in counts.split())
    )


_COUNTS = "arrivals nights departures"
_KEYS = "arrival_keys night_keys departure_keys"
# A cell's columns in the area rollups (the breakdowns have no rooms): what `recount` sums.
CELL_COLUMNS = (*_COUNTS.split(), "occupied_rooms", *_KEYS.split())
# The signed stay rows of `_apply_breakdown` → the cells they change: (dimension, day, type,
# commune, star rating, value) → arrivals (kind 0: the arrival day), guest-nights (kind 1:
# every night from arrival up to night_end), departures (kind 2: the check-out day) and the
# sums of their record keys; cells whose changes cancel out are left alone. Then the same
# cells summed over communes and star ratings into `stay_daily_province`. Both in key
# order: the same order of row locks in every transaction.
ADD_TO_BREAKDOWN = f"""
WITH stays AS (
  SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::int[], $5::int[], $6::date[],
    $7::date[], $8::date[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
    AS s(sign, key, facility_type, commune_code, star_rating, check_in_date, night_end,
      check_out_date, nationality, residence, age_group, gender, origin_province)
), days AS (
  SELECT s.*, x.day, x.kind FROM stays s CROSS JOIN LATERAL (
    SELECT s.check_in_date AS day, 0 AS kind
    UNION ALL
    SELECT g::date, 1 FROM generate_series(s.check_in_date, s.night_end - 1, interval '1 day') g
    UNION ALL
    SELECT s.check_out_date, 2 WHERE s.check_out_date IS NOT NULL
  ) x
), cells AS (
  SELECT d.dimension, days.day, days.facility_type, days.commune_code, days.star_rating,
    d.value,
    coalesce(sum(sign) FILTER (WHERE kind = 0), 0) AS arrivals,
    coalesce(sum(sign) FILTER (WHERE kind = 1), 0) AS nights,
    coalesce(sum(sign) FILTER (WHERE kind = 2), 0) AS departures,
    coalesce(sum(sign * key) FILTER (WHERE kind = 0), 0) AS arrival_keys,
    coalesce(sum(sign * key) FILTER (WHERE kind = 1), 0) AS night_keys,
    coalesce(sum(sign * key) FILTER (WHERE kind = 2), 0) AS departure_keys
  FROM days CROSS JOIN LATERAL (VALUES ('nationality', nationality), ('residence', residence),
    ('age_group', age_group), ('gender', gender), ('origin_province', origin_province))
    AS d(dimension, value)
  GROUP BY 1, 2, 3, 4, 5, 6
), breakdown AS (
  INSERT INTO {SCHEMA}.stay_daily_breakdown AS r (dimension, day, facility_type,
    commune_code, star_rating, value, arrivals, nights, departures, arrival_keys, night_keys,
    departure_keys)
  SELECT * FROM cells
  WHERE (arrivals, nights, departures, arrival_keys, night_keys, departure_keys)
    <> (0, 0, 0, 0, 0, 0)
  ORDER BY dimension, day, facility_type, commune_code, star_rating, value
  ON CONFLICT (dimension, day, facility_type, commune_code, star_rating, value) DO UPDATE SET
    arrivals = r.arrivals + excluded.arrivals, nights = r.nights + excluded.nights,
    departures = r.departures + excluded.departures,
    arrival_keys = r.arrival_keys + excluded.arrival_keys,
    night_keys = r.night_keys + excluded.night_keys,
    departure_keys = r.departure_keys + excluded.departure_keys
)
INSERT INTO {SCHEMA}.stay_daily_province AS r (dimension, day, facility_type, value,
  arrivals, nights, departures, arrival_keys, night_keys, departure_keys)
SELECT * FROM (
  SELECT dimension, day, facility_type, value, sum(arrivals) AS arrivals,
    sum(nights) AS nights, sum(departures) AS departures, sum(arrival_keys) AS arrival_keys,
    sum(night_keys) AS night_keys, sum(departure_keys) AS departure_keys
  FROM cells GROUP BY 1, 2, 3, 4
) province
WHERE (arrivals, nights, departures, arrival_keys, night_keys, departure_keys)
  <> (0, 0, 0, 0, 0, 0)
ORDER BY dimension, day, facility_type, value
ON CONFLICT (dimension, day, facility_type, value) DO UPDATE SET
  arrivals = r.arrivals + excluded.arrivals, nights = r.nights + excluded.nights,
  departures = r.departures + excluded.departures,
  arrival_keys = r.arrival_keys + excluded.arrival_keys,
  night_keys = r.night_keys + excluded.night_keys,
  departure_keys = r.departure_keys + excluded.departure_keys
"""
ADD_TO_AREA = _cell_upsert(
    "stay_daily_area",
    "day facility_type commune_code star_rating",
    "date text int int",
    f"{_COUNTS} occupied_rooms {_KEYS}",
    "int int int int bigint bigint bigint",
)
ADD_TO_TYPE = _cell_upsert(
    "stay_daily_type_star",
    "day facility_type star_rating",
    "date text int",
    f"{_COUNTS} occupied_rooms {_KEYS}",
    "int int int int bigint bigint bigint",
)
ADD_TO_MONTH = _cell_upsert(
    "stay_monthly_area",
    "month facility_type commune_code star_rating",
    "date text int int",
    f"{_COUNTS} occupied_rooms {_KEYS}",
    "int int int int bigint bigint bigint",
)
# The daily rows carry the facility's area with them; a stored row keeps its own.
ADD_TO_DAILY = _cell_upsert(
    "stay_daily",
    "day facility_id facility_type commune_code star_rating",
    "date uuid text int int",
    f"{_COUNTS} occupied_rooms {_KEYS}",
    "int int int int bigint bigint bigint",
).replace(
    "ON CONFLICT (day, facility_id, facility_type, commune_code, star_rating)",
    "ON CONFLICT (day, facility_id)",
)
ADD_ROOM_NIGHTS = (
    f"INSERT INTO {SCHEMA}.room_nights AS r (day, facility_id, room, guests) "
    "SELECT * FROM unnest($1::date[], $2::uuid[], $3::text[], $4::int[]) "
    "ON CONFLICT (day, facility_id, room) DO UPDATE "
    "SET guests = r.guests + excluded.guests RETURNING day, facility_id, room, guests"
)
