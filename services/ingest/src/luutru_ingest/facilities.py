"""ingest's read model of facilities, projected from facility.v1."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import (
    Envelope,
    FacilityClosed,
    FacilityEvent,
    FacilityRegistered,
    FacilityReinstated,
    FacilitySuspended,
    FacilityUpdated,
)
from luutru_ingest.models import FacilityView


async def on_facility_event(
    session: AsyncSession, event: FacilityEvent, envelope: Envelope
) -> None:
    """Every facility event carries the whole facility (facility.v1 is compacted): upsert it."""
    values = {
        "id": event.facility_id,
        "code": event.code,
        "name": event.name,
        "facility_type": event.facility_type,
        "province_code": event.province_code,
        "commune_code": event.commune_code,
        "beds": event.beds,
        "status": event.status,
        "as_of": envelope.occurred_at,
    }
    stmt = insert(FacilityView).values(**values)
    # Last writer by event time wins, so a replayed older event cannot undo a newer one.
    stmt = stmt.on_conflict_do_update(
        index_elements=[FacilityView.id],
        set_={k: stmt.excluded[k] for k in values if k != "id"},
        where=FacilityView.as_of <= stmt.excluded.as_of,
    )
    await session.execute(stmt)


FACILITY_HANDLERS = {
    cls.event_type: on_facility_event
    for cls in (
        FacilityRegistered,
        FacilityUpdated,
        FacilitySuspended,
        FacilityReinstated,
        FacilityClosed,
    )
}
