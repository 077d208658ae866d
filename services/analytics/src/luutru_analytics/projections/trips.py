"""trip.v1 → `trips`, `trip_passengers` (pseudonymous) and `guest_records` (police-only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import (
    FacilityFact,
    GuestRecord,
    TripCancellation,
    TripFact,
    TripPassenger,
)
from luutru_analytics.projections.attributes import age_band, document_number, guest_key
from luutru_analytics.projections.stays import Matcher, local_date, upsert_guest_record
from luutru_common.events import (
    Envelope,
    Passenger,
    TripCancelled,
    TripManifestSubmitted,
    TripPassengersChanged,
)
from luutru_common.identity import name_match_key, normalize_name


class TripProjection:
    def __init__(self, *, pseudonym_secret: str, matcher: Matcher | None) -> None:
        self.secret = pseudonym_secret
        self.matcher = matcher

    async def on_manifest(
        self, session: AsyncSession, event: TripManifestSubmitted, envelope: Envelope
    ) -> None:
        """The trip and its passengers (pseudonymous and police-side), matched."""
        values = {
            "trip_id": event.trip_id,
            "operator_id": event.operator_id,
            "province_code": event.province_code,
            "commune_code": event.commune_code,
            "origin_province": event.origin_province,
            "destination_province": event.destination_province,
            "departure_date": local_date(event.departure_at),
            "seats": event.seats,
        }
        stmt = insert(TripFact).values(values)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[TripFact.trip_id],
                set_={k: stmt.excluded[k] for k in values if k != "trip_id"},
            )
        )
        await self._add_passengers(
            session,
            event.trip_id,
            event.operator_id,
            event.commune_code,
            event.departure_at,
            event.passengers,
            registered_at=event.received_at,
        )

    async def on_passengers_changed(
        self, session: AsyncSession, event: TripPassengersChanged, envelope: Envelope
    ) -> None:
        """Passengers added (matched), removed or marked no-show; a change before its
        manifest files the passengers under the operator's commune."""
        trip = await session.get(TripFact, event.trip_id)
        if trip is not None:
            commune, departure = trip.commune_code, None
        else:
            facility = await session.get(FacilityFact, event.operator_id)
            commune, departure = (facility.commune_code if facility else 0), None
        await self._add_passengers(
            session,
            event.trip_id,
            event.operator_id,
            commune,
            departure or envelope.occurred_at,
            event.added,
            registered_at=envelope.occurred_at,
        )
        for ids, status in ((event.removed, "removed"), (event.no_shows, "no_show")):
            for pid in ids:
                await _set_status(session, event.trip_id, pid, status)

    async def on_cancelled(
        self, session: AsyncSession, event: TripCancelled, envelope: Envelope
    ) -> None:
        """Kept apart, so a cancellation before the manifest still cancels the trip."""
        await session.execute(
            insert(TripCancellation).values(trip_id=event.trip_id).on_conflict_do_nothing()
        )

    async def _add_passengers(
        self,
        session: AsyncSession,
        trip_id: uuid.UUID,
        operator_id: uuid.UUID,
        commune_code: int,
        departure_at: datetime,
        passengers: list[Passenger],
        *,
        registered_at: datetime,
    ) -> None:
        day = local_date(departure_at)
        for p in passengers:
            guest = p.guest
            row = {
                "passenger_id": p.passenger_id,
                "trip_id": trip_id,
                "status": "booked",
                "age_band": age_band(guest.date_of_birth, day),
                "gender": guest.gender,
                "nationality": guest.nationality,
                "guest_key": guest_key(self.secret, guest),
            }
            stmt = insert(TripPassenger).values(row)
            # A removal or no-show seen first keeps its status; the manifest fills the rest.
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[TripPassenger.passenger_id],
                    set_={k: stmt.excluded[k] for k in row if k not in ("passenger_id", "status")},
                )
            )
            record = {
                "record_id": p.passenger_id,
                "kind": "passenger",
                "stay_id": None,
                "trip_id": trip_id,
                "facility_id": operator_id,
                "facility_type": "coach",
                "commune_code": commune_code,
                "full_name": normalize_name(guest.full_name),
                "name_key": name_match_key(guest.full_name),
                "date_of_birth": guest.date_of_birth,
                "gender": guest.gender,
                "id_number": guest.id_number,
                "passport_number": guest.passport_number,
                "document_number": document_number(guest),
                "nationality": guest.nationality,
                "country_of_residence": guest.country_of_residence,
                "visa_type": guest.visa_type,
                "visa_number": guest.visa_number,
                "entry_date": guest.entry_date,
                "entry_port": guest.entry_port,
                "room": p.seat,
                "arrived_at": departure_at,
                "expected_departure": day,
                "departed_at": None,
                "version": 1,
                "voided": False,
            }
            await upsert_guest_record(session, record)
            if self.matcher is not None:
                await self.matcher(session, {**record, "registered_at": registered_at})


async def _set_status(
    session: AsyncSession, trip_id: uuid.UUID, passenger_id: uuid.UUID, status: str
) -> None:
    stmt = insert(TripPassenger).values(passenger_id=passenger_id, trip_id=trip_id, status=status)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[TripPassenger.passenger_id], set_={"status": status}
        )
    )
    if status == "removed":
        await session.execute(
            GuestRecord.__table__.update()
            .where(GuestRecord.record_id == passenger_id)
            .values(voided=True)
        )
