"""Ingest's events into its outbox (luutru_common.outbox.write_outbox), in the caller's unit
of work: a state change and its events commit together."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import Event, StayCorrected
from luutru_common.logging import get_correlation_id
from luutru_common.outbox import envelopes_for, outbox_rows, write_outbox
from luutru_ingest.core import stay
from luutru_ingest.models import SCHEMA


async def emit(session: AsyncSession, events: list[Event]) -> None:
    """All of a change's events (contract models) in one outbox statement and one wake-up."""
    if events:
        envelopes = envelopes_for(events, producer=stay.PRODUCER)
        await write_outbox(session, SCHEMA, outbox_rows(events, envelopes))


async def emit_stay_corrected(session: AsyncSession, values: dict, *, reason: str | None) -> None:
    """StayCorrected for a stay's new state, through the stay's one serialiser."""
    row = stay.event_row(
        StayCorrected,
        {**stay.event_state(values), "correction_reason": reason},
        event_id=uuid.uuid4(),
        occurred_at=stay.json_time(datetime.now(UTC)),
        correlation_id=get_correlation_id(),
    )
    await write_outbox(session, SCHEMA, [row])
