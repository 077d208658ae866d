"""facility.v1 → `facilities`: analytics' own facts of the registry. Analytics takes a
facility's type, place and star rating from here, never from the stay events, so a stay seen
before its facility waits for it (`stays.StayProjection.release_waiting`)."""

from __future__ import annotations

import uuid
from typing import NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import FacilityFact
from luutru_common.events import Envelope, FacilityEvent
from luutru_common.facility_view import upsert_facility

# The fields of facility.v1 analytics keeps (the id, `as_of` and `registered_at` aside).
COLUMNS = (
    "code",
    "name",
    "facility_type",
    "star_rating",
    "province_code",
    "commune_code",
    "street",
    "zone",
    "rooms",
    "beds",
    "seats",
    "status",
)


class FacilityContext(NamedTuple):
    """What a stay's counts are filed under: the facility's type, place and star rating."""

    facility_type: str
    province_code: int
    commune_code: int
    star_rating: int | None


async def facility_contexts(
    session: AsyncSession, facility_ids: set[uuid.UUID]
) -> dict[uuid.UUID, FacilityContext]:
    """The context of each of these facilities that analytics knows (unknown ones absent)."""
    if not facility_ids:
        return {}
    rows = await session.execute(
        select(
            FacilityFact.facility_id,
            FacilityFact.facility_type,
            FacilityFact.province_code,
            FacilityFact.commune_code,
            FacilityFact.star_rating,
        ).where(FacilityFact.facility_id.in_(facility_ids))
    )
    return {r[0]: FacilityContext(*r[1:]) for r in rows}


class WaitingStays(Protocol):
    async def release_waiting(self, session: AsyncSession, facility_id: uuid.UUID) -> None: ...


class FacilityProjection:
    def __init__(self, *, waiting: WaitingStays) -> None:
        self.waiting = waiting

    async def on_facility_event(
        self, session: AsyncSession, event: FacilityEvent, envelope: Envelope
    ) -> None:
        """Store the facility as the event tells it, then project the stays that were
        waiting for it."""
        await upsert_facility(
            session,
            FacilityFact.__table__,
            event,
            envelope,
            columns=COLUMNS,
            first_seen="registered_at",
        )
        await self.waiting.release_waiting(session, event.facility_id)
