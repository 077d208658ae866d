"""Keeping `stay_daily` and `room_nights` in step with `stay_facts`.

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

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.core.perturbation import record_key
from luutru_analytics.models import StayFact

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

# Dimension of `stay_daily_breakdown` → the value of a stay row.
DIMENSIONS = {
    "nationality": lambda r: r["nationality"],
    "residence": lambda r: r["country_of_residence"],
    "age_group": lambda r: r["age_band"],
    "gender": lambda r: r["gender"],
    "origin_province": lambda r: r["origin_province"] or "unknown",
}


async def snapshot(session: AsyncSession, stay_id: uuid.UUID) -> dict[str, Any] | None:
    """The stay's row as it is, locked for the rest of the transaction."""
    return (await snapshots(session, [stay_id])).get(stay_id)


async def snapshots(
    session: AsyncSession, stay_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The rows of these stays as they are (those stored), locked for the transaction."""
    rows = (
        await session.execute(
            select(*(getattr(StayFact, f) for f in FIELDS))
            .where(StayFact.stay_id.in_(stay_ids))
            .with_for_update()
        )
    ).all()
    return {r.stay_id: dict(r._mapping) for r in rows}


def _breakdown_cells(signed: Signed) -> list[tuple[tuple, list[int]]]:
    """(dimension, day, type, commune, star rating, value) → [arrivals, nights, departures,
    and the sums of their record keys], the cells that change, sorted: the same order of row
    locks in every transaction."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for row, sign in signed:
        if row is None or row["voided"]:
            continue
        key = record_key(row["stay_id"])
        area = (row["facility_type"], row["commune_code"], row["star_rating"] or 0)
        days = [(row["check_in_date"], 0)] + [(night, 1) for night in _nights(row)]
        if row["check_out_date"] is not None:
            days.append((row["check_out_date"], 2))
        for dimension, value_of in DIMENSIONS.items():
            value = value_of(row)
            for day, i in days:
                cell = cells[(dimension, day, *area, value)]
                cell[i] += sign
                cell[i + 3] += sign * key
    return sorted((k, v) for k, v in cells.items() if any(v))


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
    await _apply_breakdown(session, signed)
    counts = _facility_day_counts(signed)
    occupied = await _apply_room_nights(session, counts.rooms)
    rows = _daily_rows(counts.daily, occupied)
    if not rows:
        return
    await _add_to_area(session, _area_cells(rows, counts.attrs))
    await _add_to_daily(session, rows, counts.attrs)


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


async def _apply_room_nights(session: AsyncSession, rooms: dict[tuple, int]) -> dict[tuple, int]:
    """Add the guests per room and night; the change in occupied rooms per (day, facility)
    that follows: a room becomes occupied when its first guest arrives, free when its last
    leaves."""
    changes = [(d, f, r, n) for (d, f, r), n in rooms.items() if n]
    occupied: dict[tuple, int] = defaultdict(int)
    if not changes:
        return occupied
    # One statement for all the room-nights of this change.
    result = await session.execute(
        text(
            "INSERT INTO analytics.room_nights AS r (day, facility_id, room, guests) "
            "SELECT * FROM unnest(CAST(:days AS date[]), CAST(:fids AS uuid[]), "
            "CAST(:rooms AS text[]), CAST(:deltas AS int[])) "
            "ON CONFLICT (day, facility_id, room) DO UPDATE "
            "SET guests = r.guests + excluded.guests RETURNING day, facility_id, room, guests"
        ),
        {
            "days": [c[0] for c in changes],
            "fids": [c[1] for c in changes],
            "rooms": [c[2] for c in changes],
            "deltas": [c[3] for c in changes],
        },
    )
    deltas = {(d, f, r): n for d, f, r, n in changes}
    for day, fid, room, guests in result.all():
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


async def _add_to_area(session: AsyncSession, area: dict[tuple, list[int]]) -> None:
    await session.execute(
        text(
            "INSERT INTO analytics.stay_daily_area AS s (day, facility_type, commune_code, "
            "star_rating, arrivals, nights, departures, occupied_rooms, arrival_keys, "
            "night_keys, departure_keys) "
            "VALUES (:day, :facility_type, :commune_code, :star_rating, :arrivals, :nights, "
            ":departures, :occupied_rooms, :arrival_keys, :night_keys, :departure_keys) "
            "ON CONFLICT (day, facility_type, commune_code, star_rating) DO UPDATE SET "
            "arrivals = s.arrivals + excluded.arrivals, nights = s.nights + excluded.nights, "
            "departures = s.departures + excluded.departures, "
            "occupied_rooms = s.occupied_rooms + excluded.occupied_rooms, "
            "arrival_keys = s.arrival_keys + excluded.arrival_keys, "
            "night_keys = s.night_keys + excluded.night_keys, "
            "departure_keys = s.departure_keys + excluded.departure_keys"
        ),
        [
            {
                "day": day,
                "facility_type": ftype,
                "commune_code": commune,
                "star_rating": star,
                "arrivals": a,
                "nights": n,
                "departures": dep,
                "occupied_rooms": occ,
                "arrival_keys": ka,
                "night_keys": kn,
                "departure_keys": kd,
            }
            for (day, ftype, commune, star), (a, n, dep, occ, ka, kn, kd) in sorted(area.items())
        ],
    )


async def _add_to_daily(
    session: AsyncSession, rows: list[tuple], attrs: dict[uuid.UUID, tuple]
) -> None:
    await session.execute(
        text(
            "INSERT INTO analytics.stay_daily AS s (day, facility_id, facility_type, "
            "commune_code, star_rating, arrivals, nights, departures, occupied_rooms, "
            "arrival_keys, night_keys, departure_keys) "
            "VALUES (:day, :facility_id, :facility_type, :commune_code, :star_rating, "
            ":arrivals, :nights, :departures, :occupied_rooms, :arrival_keys, :night_keys, "
            ":departure_keys) "
            "ON CONFLICT (day, facility_id) DO UPDATE SET "
            "arrivals = s.arrivals + excluded.arrivals, nights = s.nights + excluded.nights, "
            "departures = s.departures + excluded.departures, "
            "occupied_rooms = s.occupied_rooms + excluded.occupied_rooms, "
            "arrival_keys = s.arrival_keys + excluded.arrival_keys, "
            "night_keys = s.night_keys + excluded.night_keys, "
            "departure_keys = s.departure_keys + excluded.departure_keys"
        ),
        [
            {
                "day": day,
                "facility_id": fid,
                "facility_type": attrs[fid][0],
                "commune_code": attrs[fid][1],
                "star_rating": attrs[fid][2],
                "arrivals": a,
                "nights": n,
                "departures": dep,
                "occupied_rooms": occ,
                "arrival_keys": ka,
                "night_keys": kn,
                "departure_keys": kd,
            }
            for day, fid, a, n, dep, occ, ka, kn, kd in rows
        ],
    )


async def _apply_breakdown(session: AsyncSession, signed: Signed) -> None:
    """`stay_daily_breakdown`: the same arrival / nights / departure contributions as
    `stay_daily`, once per guest dimension, under the stay row's own area; and
    `stay_daily_province`: the same cells summed over communes and star ratings."""
    rows = _breakdown_cells(signed)
    if not rows:
        return
    await session.execute(
        text(
            "INSERT INTO analytics.stay_daily_breakdown AS b (dimension, day, facility_type, "
            "commune_code, star_rating, value, arrivals, nights, departures, arrival_keys, "
            "night_keys, departure_keys) "
            "SELECT * FROM unnest(CAST(:dims AS text[]), CAST(:days AS date[]), "
            "CAST(:types AS text[]), CAST(:communes AS int[]), CAST(:stars AS int[]), "
            "CAST(:values AS text[]), CAST(:arrivals AS int[]), CAST(:nights AS int[]), "
            "CAST(:departures AS int[]), CAST(:arrival_keys AS bigint[]), "
            "CAST(:night_keys AS bigint[]), CAST(:departure_keys AS bigint[])) "
            "ON CONFLICT (dimension, day, facility_type, commune_code, star_rating, value) "
            "DO UPDATE SET arrivals = b.arrivals + excluded.arrivals, "
            "nights = b.nights + excluded.nights, departures = b.departures + excluded.departures, "
            "arrival_keys = b.arrival_keys + excluded.arrival_keys, "
            "night_keys = b.night_keys + excluded.night_keys, "
            "departure_keys = b.departure_keys + excluded.departure_keys"
        ),
        {
            "dims": [k[0] for k, _ in rows],
            "days": [k[1] for k, _ in rows],
            "types": [k[2] for k, _ in rows],
            "communes": [k[3] for k, _ in rows],
            "stars": [k[4] for k, _ in rows],
            "values": [k[5] for k, _ in rows],
            "arrivals": [v[0] for _, v in rows],
            "nights": [v[1] for _, v in rows],
            "departures": [v[2] for _, v in rows],
            "arrival_keys": [v[3] for _, v in rows],
            "night_keys": [v[4] for _, v in rows],
            "departure_keys": [v[5] for _, v in rows],
        },
    )
    province = _province_cells(rows)
    if not province:
        return
    await session.execute(
        text(
            "INSERT INTO analytics.stay_daily_province AS p (dimension, day, facility_type, "
            "value, arrivals, nights, departures, arrival_keys, night_keys, departure_keys) "
            "SELECT * FROM unnest(CAST(:dims AS text[]), CAST(:days AS date[]), "
            "CAST(:types AS text[]), CAST(:values AS text[]), CAST(:arrivals AS int[]), "
            "CAST(:nights AS int[]), CAST(:departures AS int[]), "
            "CAST(:arrival_keys AS bigint[]), CAST(:night_keys AS bigint[]), "
            "CAST(:departure_keys AS bigint[])) "
            "ON CONFLICT (dimension, day, facility_type, value) "
            "DO UPDATE SET arrivals = p.arrivals + excluded.arrivals, "
            "nights = p.nights + excluded.nights, departures = p.departures + excluded.departures, "
            "arrival_keys = p.arrival_keys + excluded.arrival_keys, "
            "night_keys = p.night_keys + excluded.night_keys, "
            "departure_keys = p.departure_keys + excluded.departure_keys"
        ),
        {
            "dims": [k[0] for k, _ in province],
            "days": [k[1] for k, _ in province],
            "types": [k[2] for k, _ in province],
            "values": [k[3] for k, _ in province],
            "arrivals": [v[0] for _, v in province],
            "nights": [v[1] for _, v in province],
            "departures": [v[2] for _, v in province],
            "arrival_keys": [v[3] for _, v in province],
            "night_keys": [v[4] for _, v in province],
            "departure_keys": [v[5] for _, v in province],
        },
    )


def _province_cells(rows: list[tuple[tuple, list[int]]]) -> list[tuple[tuple, list[int]]]:
    """The breakdown cells summed over commune and star rating: (dimension, day, type,
    value) → [arrivals, nights, departures and their key sums], sorted like the breakdown's
    (lock order)."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for (dimension, day, ftype, _commune, _star, value), counts in rows:
        cell = cells[(dimension, day, ftype, value)]
        for i, v in enumerate(counts):
            cell[i] += v
    return sorted((k, v) for k, v in cells.items() if any(v))
