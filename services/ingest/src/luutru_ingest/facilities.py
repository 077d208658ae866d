"""ingest's read model of facilities, projected from facility.v1 with the shared upsert."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import Envelope, FacilityEvent
from luutru_common.facility_view import facility_handlers, upsert_facility
from luutru_ingest.models import FacilityView

# The fields of facility.v1 ingest keeps: enough to check that a facility may act.
COLUMNS = (
    "code",
    "name",
    "facility_type",
    "province_code",
    "commune_code",
    "beds",
    "status",
)


async def on_facility_event(
    session: AsyncSession, event: FacilityEvent, envelope: Envelope
) -> None:
    """Store the facility as the event tells it; an older event replayed changes nothing."""
    await upsert_facility(
        session, FacilityView.__table__, event, envelope, columns=COLUMNS, key="id"
    )


FACILITY_HANDLERS = facility_handlers(on_facility_event)
