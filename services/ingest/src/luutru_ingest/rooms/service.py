"""The room registry: rooms created (one, or a range), edited, taken out of service, back in
service, retired — each change a new version in room_versions and an event on room.v1, in
the caller's unit of work."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import (
    RoomAdded,
    RoomBackInService,
    RoomChanged,
    RoomEvent,
    RoomOutOfService,
    RoomRetired,
)
from luutru_common.problems import FieldError, Problem, field_error
from luutru_ingest.core.events import emit
from luutru_ingest.core.rooms import clean_number, number_key, registry_changed, sort_key
from luutru_ingest.models import Room, RoomVersion
from luutru_ingest.rooms.schemas import RoomEdit, RoomIn

# The fields a version keeps (the history a police officer or a manager reads back).
VERSIONED = ("number", "name", "floor", "kind", "beds", "state", "state_reason")


def _exists(numbers: list[str], pointer: str) -> Problem:
    listed = ", ".join(numbers)
    return Problem(
        409,
        "room-exists",
        "Room already registered",
        f"Đã có phòng {listed} / Room {listed} already exists",
        errors=[
            field_error(
                pointer,
                "room-exists",
                f"Cơ sở đã có phòng {listed}",
                f"The facility already has room {listed}",
            )
        ],
    )


async def _taken(session: AsyncSession, facility_id: uuid.UUID, keys: list[str]) -> list[str]:
    """The numbers among ``keys`` that a room not retired already has."""
    rows = await session.scalars(
        select(Room.number)
        .where(Room.facility_id == facility_id, Room.number_key.in_(keys))
        .where(Room.state != "retired")
        .order_by(Room.sort_key)
    )
    return list(rows)


async def create(
    session: AsyncSession,
    facility_id: uuid.UUID,
    items: list[RoomIn],
    *,
    by: str,
    now: datetime,
    pointer: str,
) -> list[Room]:
    """New rooms, all or none: a number the facility already has refuses the lot (409)."""
    keys = [number_key(i.number) for i in items]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise Problem.invalid(
            "Room numbers repeat",
            [
                field_error(
                    pointer,
                    "room-number-repeated",
                    f"Số phòng lặp lại: {', '.join(repeated)}",
                    f"Room numbers repeat: {', '.join(repeated)}",
                )
            ],
        )
    # Two managers adding the same number at once: the second waits here, then sees it.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:f))"), {"f": f"rooms:{facility_id}"}
    )
    taken = await _taken(session, facility_id, keys)
    if taken:
        raise _exists(taken, pointer)
    rooms = []
    for item, key in zip(items, keys, strict=True):
        number = clean_number(item.number)
        room = Room(
            id=uuid.uuid4(),
            facility_id=facility_id,
            number=number,
            number_key=key,
            sort_key=sort_key(number),
            name=item.name,
            floor=item.floor,
            kind=item.kind,
            beds=item.beds,
            state="in_service",
            state_reason=None,
            version=1,
            created_at=now,
            updated_at=now,
        )
        session.add(room)
        session.add(_version(room, by, now))
        rooms.append(room)
    await session.flush()
    await emit(session, [_event(RoomAdded, r) for r in rooms])
    registry_changed(facility_id)
    return rooms


async def room_for_update(
    session: AsyncSession, facility_id: uuid.UUID, room_id: uuid.UUID
) -> Room:
    """The facility's room, locked until the transaction ends; 404 when the facility has no such
    room."""
    room = await session.scalar(
        select(Room).where(Room.id == room_id, Room.facility_id == facility_id).with_for_update()
    )
    if room is None:
        raise Problem(404, "room-not-found", "Room not found", "Không tìm thấy phòng")
    return room


def _not_retired(room: Room) -> None:
    if room.state == "retired":
        raise Problem(
            409,
            "room-retired",
            "Room is retired",
            f"Phòng {room.number} đã bỏ, không sửa được / Room {room.number} was retired",
        )


async def edit(
    session: AsyncSession,
    facility_id: uuid.UUID,
    room_id: uuid.UUID,
    changes: RoomEdit,
    *,
    by: str,
    now: datetime,
) -> Room:
    """Change a room's fields (a new number must be free among the rooms not retired); a retired
    room cannot change. Emits RoomChanged."""
    room = await room_for_update(session, facility_id, room_id)
    _not_retired(room)
    fields = changes.model_dump(exclude_unset=True)
    errors: list[FieldError] = []
    for required in ("number", "kind", "beds"):
        if required in fields and fields[required] is None:
            errors.append(
                field_error(f"/{required}", "required", "Không được để trống", "Cannot be empty")
            )
    if errors:
        raise Problem.invalid("Request is invalid", errors)
    if "number" in fields:
        number = clean_number(fields.pop("number"))
        key = number_key(number)
        if key != room.number_key:
            await session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:f))"), {"f": f"rooms:{facility_id}"}
            )
            if await _taken(session, facility_id, [key]):
                raise _exists([number], "/number")
        room.number, room.number_key, room.sort_key = number, key, sort_key(number)
    for name, value in fields.items():
        setattr(room, name, value)
    return await _changed(session, room, RoomChanged, by=by, now=now)


async def set_state(
    session: AsyncSession,
    facility_id: uuid.UUID,
    room_id: uuid.UUID,
    state: str,
    *,
    reason: str | None,
    by: str,
    now: datetime,
) -> Room:
    """Out of service, back in service, or retired. The same state again is a retry."""
    room = await room_for_update(session, facility_id, room_id)
    if room.state == state:
        return room
    _not_retired(room)
    if state == "retired":
        guests = await session.scalar(
            text("SELECT count(*) FROM ingest.stays WHERE room_id = :r AND status = 'checked_in'"),
            {"r": room.id},
        )
        if guests:
            raise Problem(
                409,
                "room-occupied",
                "Room has guests",
                f"Phòng {room.number} còn {guests} khách: trả phòng hoặc chuyển phòng trước / "
                f"Room {room.number} has {guests} guests: check them out or move them first",
            )
    room.state, room.state_reason = state, reason
    event = {"in_service": RoomBackInService, "out_of_service": RoomOutOfService}.get(
        state, RoomRetired
    )
    return await _changed(session, room, event, by=by, now=now)


async def _changed(
    session: AsyncSession, room: Room, event: type[RoomEvent], *, by: str, now: datetime
) -> Room:
    room.version += 1
    room.updated_at = now
    session.add(_version(room, by, now))
    await session.flush()
    await emit(session, [_event(event, room)])
    return room


def _version(room: Room, by: str, now: datetime) -> RoomVersion:
    return RoomVersion(
        room_id=room.id,
        version=room.version,
        data={k: getattr(room, k) for k in VERSIONED},
        changed_by=by,
        changed_at=now,
    )


def _event(event: type[RoomEvent], room: Room) -> RoomEvent:
    extra = {"reason": room.state_reason} if event in (RoomOutOfService, RoomRetired) else {}
    return event(
        room_id=room.id,
        facility_id=room.facility_id,
        number=room.number,
        name=room.name,
        floor=room.floor,
        kind=room.kind,  # type: ignore[arg-type]
        beds=room.beds,
        state=room.state,  # type: ignore[arg-type]
        version=room.version,
        **extra,
    )
