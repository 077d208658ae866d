"""The rules of alerts: a person's card from their hits, and the life of an alert
(new → acknowledged → closed, or new → closed) with its notes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.alerts import repository
from luutru_analytics.alerts.schemas import AlertHitOut, AlertOut, AlertPerson, AlertTransition
from luutru_analytics.models import Alert
from luutru_common.admin_units import commune_name

# Where an alert in each status may move next.
NEXT = {"new": {"acknowledged", "closed"}, "acknowledged": {"closed"}, "closed": set()}


def person_status(statuses: list[str]) -> str:
    """A person is as open as their most open hit."""
    for status in ("new", "acknowledged"):
        if status in statuses:
            return status
    return "closed"


def move(alert: Alert, body: AlertTransition, by: str, now: datetime) -> None:
    """One step of an alert's life, with its note appended to the history."""
    alert.notes = [
        *alert.notes,
        {"at": now.isoformat(), "by": by, "status": body.status, "note": body.note},
    ]
    alert.status = body.status
    alert.updated_at = now


async def people(
    session: AsyncSession, record_ids: list[uuid.UUID], communes: Sequence[int]
) -> list[AlertPerson]:
    """The cards of these registrations, in the order given: all their hits the caller may see
    (newest first) with the watchlist entries, the facility and the room."""
    if not record_ids:
        return []
    hits: dict[uuid.UUID, list[AlertHitOut]] = {r: [] for r in record_ids}
    for alert, reason, name, document, born in await repository.hits_with_entries(
        session, record_ids, communes
    ):
        hits[alert.record_id].append(
            AlertHitOut.model_validate(
                {
                    **AlertOut.model_validate(alert).model_dump(),
                    "entry_reason": reason,
                    "entry_name": name,
                    "entry_document": document,
                    "entry_date_of_birth": born,
                }
            )
        )
    records = await repository.guest_records(session, record_ids)
    facilities = await repository.facilities(
        session, {h[0].facility_id for h in hits.values() if h}
    )
    cards = []
    for record_id in record_ids:
        own = hits[record_id]
        if not own:
            continue
        first, rec = own[0], records.get(record_id)
        fac = facilities.get(first.facility_id)
        cards.append(
            AlertPerson(
                record_id=record_id,
                kind=rec.kind if rec else None,
                subject_name=first.subject_name,
                subject_document=first.subject_document,
                date_of_birth=rec.date_of_birth if rec else None,
                stay_id=first.stay_id,
                trip_id=first.trip_id,
                facility_id=first.facility_id,
                facility_code=fac.code if fac else None,
                facility_name=fac.name if fac else None,
                facility_street=fac.street if fac else None,
                commune_code=first.commune_code,
                commune_name=commune_name(first.commune_code),
                room=rec.room if rec else None,
                arrived_at=rec.arrived_at if rec else first.registered_at,
                status=person_status([h.status for h in own]),
                hit_count=len(own),
                open_count=sum(1 for h in own if h.status != "closed"),
                last_detected_at=max(h.detected_at for h in own),
                hits=own,
            )
        )
    return cards
