"""Projections of facility.v1, stay.v1 and trip.v1.

Every handler is idempotent on its own (upserts on natural keys, version and time guards), on
top of the consumer runner's `processed_events`: a re-sent event with a new event id, a
check-out before its check-in, or an older correction after a newer one all end in the same
rows as the events in order would.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.projections.attributes import AGE_BANDS, age_band, age_on
from luutru_common.events import Envelope, GuestCheckedIn


async def on_guest_checked_in(
    session: AsyncSession, event: GuestCheckedIn, envelope: Envelope
) -> None:
    """The check-in handler with the default settings (the walking skeleton's entry point;
    the service builds its handlers with `handlers.build_handlers`)."""
    from luutru_analytics.projections.handlers import build_handlers
    from luutru_analytics.settings import AnalyticsSettings

    await build_handlers(AnalyticsSettings())[GuestCheckedIn.event_type](session, event, envelope)


__all__ = ["AGE_BANDS", "age_band", "age_on", "on_guest_checked_in"]
