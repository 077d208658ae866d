"""stay.v1 → `stay_facts` (pseudonymous) and `guest_records` (police-only), plus watchlist
matching of every check-in and correction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import SCHEMA, GuestRecord, StayCheckOut, StayFact, WaitingStay
from luutru_analytics.projections import rollup
from luutru_analytics.projections.attributes import (
    age_band,
    document_number,
    guest_key,
    origin_province,
)
from luutru_analytics.projections.facilities import FacilityContext, facility_contexts
from luutru_analytics.projections.staging import upsert_versioned
from luutru_common.db import raw_connection
from luutru_common.events import (
    EVENT_TYPES,
    Envelope,
    GuestCheckedOut,
    StayState,
    StayVoided,
)
from luutru_common.identity import name_match_key, normalize_name

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Check-outs and voids seen before these stays' check-ins (or corrections).
ENDINGS = (
    f"SELECT stay_id, check_out_at, voided FROM {SCHEMA}.stay_endings "
    "WHERE stay_id = ANY($1::uuid[])"
)


class Matcher(Protocol):
    """Matches police-side records of registrations once they are stored."""

    async def __call__(self, session: AsyncSession, record: dict) -> None: ...

    async def match_many(self, session: AsyncSession, records: list[dict]) -> None: ...


def local_date(moment: datetime):
    """The day in Vietnam at that moment (days of the feeds are local days)."""
    return moment.astimezone(VN).date()


class StayProjection:
    def __init__(self, *, pseudonym_secret: str, matcher: Matcher | None) -> None:
        self.secret = pseudonym_secret
        self.matcher = matcher

    async def on_stay_state(
        self, session: AsyncSession, event: StayState, envelope: Envelope
    ) -> None:
        await self.on_stay_states(session, [(event, envelope)])

    async def on_stay_states(
        self, session: AsyncSession, items: list[tuple[StayState, Envelope]]
    ) -> None:
        """GuestCheckedIn and StayCorrected, a run at a time (see `project`)."""
        await self.project(session, [event for event, _ in items])

    async def project(self, session: AsyncSession, states: list[StayState]) -> None:
        """The full stay, applied only if its version is not older than what is stored (a
        late v1 after a v2 changes nothing). A few statements per run, not per event, so the
        consumer keeps up with bursts. The facility's type, place and star rating come from
        analytics' own facts of facility.v1 (as they are when the stay is seen); a stay whose
        facility is not known yet waits for it."""
        events = _newest_versions(states)
        contexts = await facility_contexts(session, {e.facility_id for e in events})
        await _wait_for_facility(session, [e for e in events if e.facility_id not in contexts])
        events = [e for e in events if e.facility_id in contexts]
        if not events:
            return
        ids = [e.stay_id for e in events]
        before = await rollup.snapshots(session, ids)
        conn = await raw_connection(session)
        endings = {r["stay_id"]: r for r in await conn.fetch(ENDINGS, ids)}
        facts, records = [], []
        for event in events:
            fact, record = self._rows(
                event, contexts[event.facility_id], endings.get(event.stay_id)
            )
            facts.append(fact)
            records.append(record)
        # The rows the upsert wrote, as they are now; a stay it left alone (an older
        # version) is as it was.
        after = {**before, **await _upsert_stay_facts(session, facts)}
        await rollup.apply_changes(session, [(before.get(i), after.get(i)) for i in ids])
        applied = await upsert_guest_records(session, records)
        if self.matcher is not None:
            registered = {e.stay_id: e.received_at for e in events}
            await self.matcher.match_many(
                session,
                [
                    {**r, "registered_at": registered[r["record_id"]]}
                    for r in records
                    if r["record_id"] in applied
                ],
            )

    async def release_waiting(self, session: AsyncSession, facility_id: uuid.UUID) -> None:
        """Project the stays that were waiting for this facility (now known)."""
        found = await session.execute(
            delete(WaitingStay)
            .where(WaitingStay.facility_id == facility_id)
            .returning(WaitingStay.event_type, WaitingStay.event)
        )
        states = [EVENT_TYPES[kind].model_validate(data) for kind, data in found.all()]
        if states:
            await self.project(session, states)

    def _rows(
        self, event: StayState, facility: FacilityContext, ending: Mapping[str, Any] | None
    ) -> tuple[dict, dict]:
        """The stay's pseudonymous fact and its police-side record; `ending`: its row of
        `stay_endings`, if any."""
        arrival = local_date(event.check_in_at)
        check_out_at = ending["check_out_at"] if ending else None
        voided = bool(ending and ending["voided"])
        check_out_date = local_date(check_out_at) if check_out_at else None
        guest = event.guest
        fact = {
            "stay_id": event.stay_id,
            "facility_id": event.facility_id,
            "facility_type": facility.facility_type,
            "province_code": facility.province_code,
            "commune_code": facility.commune_code,
            "check_in_date": arrival,
            "age_band": age_band(guest.date_of_birth, arrival),
            "gender": guest.gender,
            "nationality": guest.nationality,
            "country_of_residence": guest.country_of_residence,
            "star_rating": facility.star_rating,
            "room": event.room,
            "guest_key": guest_key(self.secret, guest),
            "origin_province": origin_province(guest),
            "expected_check_out": event.expected_check_out,
            "check_out_date": check_out_date,
            "night_end": night_end(arrival, check_out_date, event.expected_check_out),
            "received_at": event.received_at,
            "late_minutes": event.late_minutes,
            "version": event.version,
            "voided": voided,
        }
        record = {
            "record_id": event.stay_id,
            "kind": "stay",
            "stay_id": event.stay_id,
            "trip_id": None,
            "facility_id": event.facility_id,
            "facility_type": facility.facility_type,
            "commune_code": facility.commune_code,
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
            "room": event.room,
            "arrived_at": event.check_in_at,
            "expected_departure": event.expected_check_out,
            "departed_at": check_out_at,
            "version": event.version,
            "voided": voided,
        }
        return fact, record

    async def on_checked_out(
        self, session: AsyncSession, event: GuestCheckedOut, envelope: Envelope
    ) -> None:
        """Kept in `stay_endings` (a check-out before its check-in waits there), then the
        stay's nights end on the check-out day."""
        stmt = insert(StayCheckOut).values(stay_id=event.stay_id, check_out_at=event.check_out_at)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[StayCheckOut.stay_id],
                set_={"check_out_at": stmt.excluded.check_out_at},
            )
        )
        day = local_date(event.check_out_at)
        before = await rollup.snapshot(session, event.stay_id)
        await session.execute(
            update(StayFact)
            .where(StayFact.stay_id == event.stay_id)
            .values(check_out_date=day, night_end=func.greatest(StayFact.check_in_date, day))
        )
        await rollup.apply_change(session, before, await rollup.snapshot(session, event.stay_id))
        await session.execute(
            update(GuestRecord)
            .where(GuestRecord.record_id == event.stay_id)
            .values(departed_at=event.check_out_at)
        )

    async def on_voided(self, session: AsyncSession, event: StayVoided, envelope: Envelope) -> None:
        """Kept in `stay_endings`, then the stay counts no more (its rollups taken back)."""
        stmt = insert(StayCheckOut).values(stay_id=event.stay_id, voided=True)
        await session.execute(
            stmt.on_conflict_do_update(index_elements=[StayCheckOut.stay_id], set_={"voided": True})
        )
        before = await rollup.snapshot(session, event.stay_id)
        await session.execute(
            update(StayFact).where(StayFact.stay_id == event.stay_id).values(voided=True)
        )
        await rollup.apply_change(session, before, await rollup.snapshot(session, event.stay_id))
        await session.execute(
            update(GuestRecord).where(GuestRecord.record_id == event.stay_id).values(voided=True)
        )


def night_end(arrival, check_out_date, expected_check_out):
    """The first night NOT stayed. Guest-nights are the nights from arrival up to it: the
    check-out date when known, else the expected check-out, else one night."""
    if check_out_date is not None:
        return max(arrival, check_out_date)
    if expected_check_out is not None:
        return max(arrival, expected_check_out)
    return arrival + timedelta(days=1)


def _newest_versions(states: list[StayState]) -> list[StayState]:
    """The same stay twice in one run: the newest version counts."""
    latest: dict[uuid.UUID, StayState] = {}
    for event in states:
        kept = latest.get(event.stay_id)
        if kept is None or kept.version <= event.version:
            latest[event.stay_id] = event
    return list(latest.values())


async def _wait_for_facility(session: AsyncSession, events: list[StayState]) -> None:
    """Keep the newest version of each of these stays until its facility is known."""
    if not events:
        return
    stmt = insert(WaitingStay)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WaitingStay.stay_id],
            set_={k: stmt.excluded[k] for k in ("version", "event_type", "event")},
            where=WaitingStay.version <= stmt.excluded.version,
        ),
        [
            {
                "stay_id": e.stay_id,
                "facility_id": e.facility_id,
                "version": e.version,
                "event_type": e.event_type,
                "event": e.model_dump(mode="json"),
            }
            for e in events
        ],
    )


async def _upsert_stay_facts(
    session: AsyncSession, facts: list[dict]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Store the facts unless newer versions are there; the rows written, as `rollup` reads
    them (its FIELDS)."""
    written = await upsert_versioned(
        session,
        "stay_facts",
        facts,
        key="stay_id",
        kept=("check_out_date", "voided"),
        # A check-out stored earlier wins over the expected date of the new version.
        overrides={
            "night_end": "coalesce(greatest(t.check_out_date, excluded.check_in_date), "
            "excluded.night_end)"
        },
        returning=rollup.FIELDS,
    )
    return {r["stay_id"]: dict(r) for r in written}


async def upsert_guest_record(session: AsyncSession, record: dict) -> bool:
    """Store a police-side record unless a newer version is there; True if stored."""
    return bool(await upsert_guest_records(session, [record]))


async def upsert_guest_records(session: AsyncSession, records: list[dict]) -> set:
    """Store police-side records unless newer versions are there; the ids stored."""
    written = await upsert_versioned(
        session,
        "guest_records",
        records,
        key="record_id",
        kept=("departed_at", "voided"),
        returning=("record_id",),
    )
    return {r["record_id"] for r in written}
