"""A guest's room at check-in and at a correction, against the facility's room registry.

A facility without a registry keeps the free-text room as it was. With one, the guest's
room is a registry room: given by its id (picked on the room board) or found by its number
in the free text (a typed form, a PMS, an upload), and the room's number is what the stay
shows. The capacity warning then works per room as well: more guests than the room's beds.
"""

from __future__ import annotations

import functools
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import asyncpg
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.db import Compiled, raw_connection
from luutru_common.problems import FieldError, field_error
from luutru_ingest.core.store import in_house_union, in_house_values
from luutru_ingest.models import SCHEMA, Stay

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def clean_number(number: str) -> str:
    """A room number as shown: trimmed, inner spaces folded."""
    return _SPACES.sub(" ", number.strip())


def number_key(number: str) -> str:
    """A room number as compared: "a 101" and "A  101" are the same room."""
    return clean_number(number).upper()


def sort_key(number: str) -> str:
    """The order people expect: digit runs as numbers, so A2 comes before A10."""
    return _DIGITS.sub(lambda m: m.group().zfill(9), number_key(number))


@dataclass
class RegistryRoom:
    id: uuid.UUID
    number: str
    number_key: str
    beds: int
    state: str


_ROOMS = (
    f"SELECT id, number, number_key, beds, state FROM {SCHEMA}.rooms "
    "WHERE facility_id = $1 AND state <> 'retired'"
)


async def registry(conn: asyncpg.Connection, facility_id: uuid.UUID) -> list[RegistryRoom]:
    """The facility's rooms not retired (empty: the facility keeps no registry)."""
    return [RegistryRoom(**dict(r)) for r in await conn.fetch(_ROOMS, facility_id)]


async def held_in_rooms(
    conn: asyncpg.Connection,
    facility_id: uuid.UUID,
    room_ids: Iterable[uuid.UUID],
    day: date,
    *,
    timezone: str,
) -> dict[uuid.UUID, int]:
    """Guests held on ``day`` per room of the facility (core.store.held_on: the same
    definition as the facility's count), voided records aside."""
    ids = list(set(room_ids))
    if not ids:
        return {}
    query = _held_in_rooms_query(timezone)
    values = in_house_values(day, timezone)
    rows = await conn.fetch(query.sql, *query.args(facility_id=facility_id, room_ids=ids, **values))
    return {r[0]: int(r[1]) for r in rows}


@functools.cache
def _held_in_rooms_query(timezone: str) -> Compiled:
    # The facility's two in-house parts (core.store.in_house_parts), narrowed to the rooms:
    # both indexes carry room_id, so this reads the facility's open stays and its check-outs
    # since the day began. By room alone no index applied and every check-in into a registry
    # room read the whole stays table, every facility's.
    held = in_house_union(
        Stay.room_id,
        bindparam("facility_id"),
        timezone,
        Stay.room_id == func.any(bindparam("room_ids")),
    ).subquery()
    return Compiled(select(held.c.room_id, func.count()).group_by(held.c.room_id))


def _unknown_room(pointer: str) -> FieldError:
    return field_error(
        f"{pointer}/room_id",
        "room-unknown",
        "Phòng này không có trong danh sách phòng của cơ sở (hoặc đã bỏ)",
        "This room is not in the facility's room registry (or was retired)",
    )


def place(
    values: dict, rooms: list[RegistryRoom], pointer: str
) -> tuple[RegistryRoom | None, list[FieldError], list[FieldError]]:
    """Find the guest's registry room; (the room, errors, warnings). ``values`` (a stay row)
    gets the room's id and number."""
    if not rooms:
        if values.get("room_id") is not None:
            return None, [_unknown_room(pointer)], []
        return None, [], []
    by_id = {r.id: r for r in rooms}
    room: RegistryRoom | None = None
    if values.get("room_id") is not None:
        room = by_id.get(values["room_id"])
        if room is None:
            return None, [_unknown_room(pointer)], []
    elif values.get("room"):
        key = number_key(values["room"])
        room = next((r for r in rooms if r.number_key == key), None)
        if room is None:
            return (
                None,
                [],
                [
                    field_error(
                        f"{pointer}/room",
                        "room-not-in-registry",
                        f"Phòng {values['room']} không có trong danh sách phòng của cơ sở",
                        f"Room {values['room']} is not in the facility's room registry",
                    )
                ],
            )
    if room is None:
        return None, [], []
    values["room_id"], values["room"] = room.id, room.number
    warnings = []
    if room.state == "out_of_service":
        warnings.append(
            field_error(
                f"{pointer}/room_id",
                "room-out-of-service",
                f"Phòng {room.number} đang ngừng sử dụng",
                f"Room {room.number} is out of service",
            )
        )
    return room, [], warnings


def over_room_capacity(room: RegistryRoom, pointer: str) -> FieldError:
    return field_error(
        f"{pointer}/room_id",
        "room-over-capacity",
        f"Số khách trong phòng {room.number} vượt quá {room.beds} giường",
        f"More guests in room {room.number} than its {room.beds} beds",
    )


# Most facilities keep no registry, and most check-ins type a room: remembering for a moment
# that a facility has none saves the single check-in a round trip. A room id is always
# checked against the table, so a registry's first rooms are never refused; a typed number
# is linked to them at most NO_REGISTRY_CACHE_S after they were added.
NO_REGISTRY_CACHE_S = 2.0
_without_registry: dict[uuid.UUID, float] = {}


def registry_changed(facility_id: uuid.UUID) -> None:
    """Rooms were added here: this process links typed numbers to them at once."""
    _without_registry.pop(facility_id, None)


async def place_all(
    conn: asyncpg.Connection,
    facility_id: uuid.UUID,
    prepared: list,
    *,
    pointer: Callable[[int], str],
    today: date,
    timezone: str,
) -> dict[int, list[FieldError]]:
    """Place each guest of a registration (core.registration.Prepared: index, values,
    warnings) in its registry room, with the per-room capacity warning. Returns the errors
    of the guests refused (a room id not in the registry), by index."""
    if not any(p.values.get("room_id") is not None or p.values.get("room") for p in prepared):
        return {}  # no room named: nothing to read (the hot path of most check-ins)
    by_id = any(p.values.get("room_id") is not None for p in prepared)
    if not by_id and _without_registry.get(facility_id, 0.0) > time.monotonic():
        return {}  # typed rooms of a facility seen without a registry a moment ago
    rooms = await registry(conn, facility_id)
    if not rooms:
        if len(_without_registry) > 100_000:
            _without_registry.clear()
        _without_registry[facility_id] = time.monotonic() + NO_REGISTRY_CACHE_S
    refused: dict[int, list[FieldError]] = {}
    placed = []
    for p in prepared:
        room, errors, warnings = place(p.values, rooms, pointer(p.index))
        if errors:
            refused[p.index] = errors
        elif room is not None:
            placed.append((p, room))
        p.warnings += warnings
    held = await held_in_rooms(
        conn, facility_id, (room.id for _, room in placed), today, timezone=timezone
    )
    arriving: dict[uuid.UUID, int] = {}
    for p, room in placed:
        arriving[room.id] = arriving.get(room.id, 0) + 1
        if held.get(room.id, 0) + arriving[room.id] > room.beds:
            p.warnings.append(over_room_capacity(room, pointer(p.index)))
    for p in prepared:
        p.values["warnings"] = [w.model_dump(mode="json") for w in p.warnings]
    return refused


async def placed_in_room(
    session: AsyncSession,
    facility_id: uuid.UUID,
    values: dict,
    *,
    pointer: str,
    stay_id: uuid.UUID | None = None,
) -> tuple[RegistryRoom | None, list[FieldError], list[FieldError]]:
    """One stay (a correction, a move): its room found, or why not. ``stay_id``: the stay
    itself, not counted against its room's beds."""
    if values.get("room_id") is None and not values.get("room"):
        return None, [], []
    room, errors, warnings = place(
        values, await registry(await raw_connection(session), facility_id), pointer
    )
    if room is not None and not errors:
        held = await _others_in_room(session, room.id, stay_id)
        if held + 1 > room.beds:
            warnings.append(over_room_capacity(room, pointer))
    return room, errors, warnings


async def _others_in_room(
    session: AsyncSession, room_id: uuid.UUID, stay_id: uuid.UUID | None
) -> int:
    return int(
        await session.scalar(
            text(
                f"SELECT count(*) FROM {SCHEMA}.stays WHERE room_id = :r "
                "AND status = 'checked_in' AND id IS DISTINCT FROM :s"
            ),
            {"r": room_id, "s": stay_id},
        )
        or 0
    )
