"""room.v1 → `rooms` (each registry room as it is now) and `room_states` (every version of
a room from the time it took effect), for the occupancy of facilities with a registry.

Every room event carries the whole room, so both are upserts: the same event twice, or an
older one after a newer, changes nothing.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import RoomFact, RoomStatePeriod
from luutru_common.consumer import Handler
from luutru_common.events import ROOM_EVENTS, Envelope, RoomEvent


async def on_room_event(session: AsyncSession, event: RoomEvent, envelope: Envelope) -> None:
    values = {
        "room_id": event.room_id,
        "facility_id": event.facility_id,
        "number": event.number,
        "kind": event.kind,
        "beds": event.beds,
        "state": event.state,
        "version": event.version,
        "as_of": envelope.occurred_at,
    }
    room = insert(RoomFact).values(**values)
    await session.execute(
        room.on_conflict_do_update(
            index_elements=[RoomFact.room_id],
            set_={k: room.excluded[k] for k in values if k != "room_id"},
            where=RoomFact.version <= room.excluded.version,
        )
    )
    period = insert(RoomStatePeriod).values(
        room_id=event.room_id,
        version=event.version,
        facility_id=event.facility_id,
        state=event.state,
        beds=event.beds,
        valid_from=envelope.occurred_at,
    )
    await session.execute(period.on_conflict_do_nothing())


ROOM_HANDLERS: dict[str, Handler] = {cls.event_type: on_room_event for cls in ROOM_EVENTS}
