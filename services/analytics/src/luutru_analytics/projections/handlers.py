"""The handler table of the analytics consumer group (facility.v1, stay.v1, trip.v1,
room.v1)."""

from __future__ import annotations

from luutru_analytics.core.matching import WatchlistMatcher
from luutru_analytics.projections.facilities import FacilityProjection
from luutru_analytics.projections.rooms import ROOM_HANDLERS
from luutru_analytics.projections.stays import StayProjection
from luutru_analytics.projections.trips import TripProjection
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.consumer import BatchHandler, Handler
from luutru_common.events import (
    GuestCheckedIn,
    GuestCheckedOut,
    StayCorrected,
    StayVoided,
    TripCancelled,
    TripManifestSubmitted,
    TripPassengersChanged,
)
from luutru_common.facility_view import facility_handlers


def build_handlers(settings: AnalyticsSettings, *, matching: bool = True) -> dict[str, Handler]:
    """Every event type the consumer handles one at a time."""
    return _build(settings, matching=matching)[0]


def build_batch_handlers(
    settings: AnalyticsSettings, *, matching: bool = True
) -> dict[str, BatchHandler]:
    """Check-ins and corrections in runs (the bulk of the traffic)."""
    return _build(settings, matching=matching)[1]


def _build(settings: AnalyticsSettings, *, matching: bool):
    """`matching=False` for a rebuild: replaying history must not alert on old stays for
    entries added since (those were matched against guests present when they were added)."""
    matcher = WatchlistMatcher(threshold=settings.name_match_threshold) if matching else None
    stays = StayProjection(pseudonym_secret=settings.pseudonym_secret, matcher=matcher)
    trips = TripProjection(pseudonym_secret=settings.pseudonym_secret, matcher=matcher)
    facilities = FacilityProjection(waiting=stays)
    handlers = facility_handlers(facilities.on_facility_event)
    handlers.update(
        {
            GuestCheckedIn.event_type: stays.on_stay_state,
            StayCorrected.event_type: stays.on_stay_state,
            GuestCheckedOut.event_type: stays.on_checked_out,
            StayVoided.event_type: stays.on_voided,
            TripManifestSubmitted.event_type: trips.on_manifest,
            TripPassengersChanged.event_type: trips.on_passengers_changed,
            TripCancelled.event_type: trips.on_cancelled,
            **ROOM_HANDLERS,
        }
    )
    batch: dict[str, BatchHandler] = {
        GuestCheckedIn.event_type: stays.on_stay_states,
        StayCorrected.event_type: stays.on_stay_states,
    }
    return handlers, batch
