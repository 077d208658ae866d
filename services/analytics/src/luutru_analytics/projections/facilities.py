"""facility.v1 → `facilities`. The topic is compacted and every event carries the whole
facility, so the newest event (by occurred_at) simply replaces the row."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import FacilityFact
from luutru_common.events import Envelope, FacilityEvent


async def on_facility_event(
    session: AsyncSession, event: FacilityEvent, envelope: Envelope
) -> None:
    values = {
        "facility_id": event.facility_id,
        "code": event.code,
        "name": event.name,
        "facility_type": event.facility_type,
        "star_rating": event.star_rating,
        "province_code": event.province_code,
        "commune_code": event.commune_code,
        "street": event.street,
        "zone": event.zone,
        "rooms": event.rooms,
        "beds": event.beds,
        "seats": event.seats,
        "status": event.status,
        "registered_at": envelope.occurred_at,
        "as_of": envelope.occurred_at,
    }
    stmt = insert(FacilityFact).values(values)
    changed = {k: stmt.excluded[k] for k in values if k not in ("facility_id", "registered_at")}
    changed["registered_at"] = func.least(FacilityFact.registered_at, stmt.excluded.registered_at)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[FacilityFact.facility_id],
            set_=changed,
            # An older event replayed after a newer one changes nothing.
            where=FacilityFact.as_of <= stmt.excluded.as_of,
        )
    )
