"""stay.v1 → `stay_facts` (pseudonymous) and `guest_records` (police-only), plus watchlist
matching of every check-in and correction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import FacilityFact, GuestRecord, StayCheckOut, StayFact
from luutru_analytics.projections import rollup
from luutru_analytics.projections.attributes import (
    age_band,
    document_number,
    guest_key,
    origin_province,
)
from luutru_common.events import Envelope, GuestCheckedOut, StayState, StayVoided
from luutru_common.identity import name_match_key, normalize_name

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Matcher(Protocol):
    """Matches police-side records of registrations once they are stored."""

    async def __call__(self, session: AsyncSession, record: dict) -> None: ...

    async def match_many(self, session: AsyncSession, records: list[dict]) -> None: ...


def local_date(moment: datetime):
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
        """GuestCheckedIn and StayCorrected, a run at a time: the full stay, applied only if
        its version is not older than what is stored (a late v1 after a v2 changes
        nothing). A few statements per run, not per event, so the consumer keeps up with
        bursts."""
        latest: dict = {}
        for event, _ in items:  # the same stay twice in one run: the newest version counts
            kept = latest.get(event.stay_id)
            if kept is None or kept.version <= event.version:
                latest[event.stay_id] = event
        events = list(latest.values())
        ids = [e.stay_id for e in events]
        before = await rollup.snapshots(session, ids)
        endings = {
            e.stay_id: e
            for e in (
                await session.scalars(select(StayCheckOut).where(StayCheckOut.stay_id.in_(ids)))
            ).all()
        }
        # Ingest knows no star ratings; the registry (facility.v1, projected here before any
        # of the facility's stays can be accepted) does: the rating when the stay is seen.
        unrated = {e.facility_id for e in events if e.star_rating is None}
        stars = dict(
            (
                await session.execute(
                    select(FacilityFact.facility_id, FacilityFact.star_rating).where(
                        FacilityFact.facility_id.in_(unrated)
                    )
                )
            ).all()
            if unrated
            else []
        )
        facts, records = [], []
        for event in events:
            if event.star_rating is None and stars.get(event.facility_id) is not None:
                event = event.model_copy(update={"star_rating": stars[event.facility_id]})
            fact, record = self._rows(event, endings.get(event.stay_id))
            facts.append(fact)
            records.append(record)
        # One cached statement executed for many rows (SQLAlchemy's insertmanyvalues).
        stmt = insert(StayFact)
        kept = ("stay_id", "check_out_date", "voided")
        set_ = {k: stmt.excluded[k] for k in facts[0] if k not in kept}
        # A check-out stored earlier wins over the expected date of the new version.
        set_["night_end"] = func.coalesce(
            func.greatest(StayFact.check_out_date, stmt.excluded.check_in_date),
            stmt.excluded.night_end,
        )
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[StayFact.stay_id],
                set_=set_,
                where=StayFact.version <= stmt.excluded.version,
            ),
            facts,
        )
        after = await rollup.snapshots(session, ids)
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

    def _rows(self, event: StayState, ending: StayCheckOut | None) -> tuple[dict, dict]:
        arrival = local_date(event.check_in_at)
        check_out_date = local_date(ending.check_out_at) if ending and ending.check_out_at else None
        guest = event.guest
        fact = {
            "stay_id": event.stay_id,
            "facility_id": event.facility_id,
            "facility_type": event.facility_type,
            "province_code": event.province_code,
            "commune_code": event.commune_code,
            "check_in_date": arrival,
            "age_band": age_band(guest.date_of_birth, arrival),
            "gender": guest.gender,
            "nationality": guest.nationality,
            "country_of_residence": guest.country_of_residence,
            "star_rating": event.star_rating,
            "room": event.room,
            "guest_key": guest_key(self.secret, guest),
            "origin_province": origin_province(guest),
            "expected_check_out": event.expected_check_out,
            "check_out_date": check_out_date,
            "night_end": night_end(arrival, check_out_date, event.expected_check_out),
            "received_at": event.received_at,
            "late_minutes": event.late_minutes,
            "version": event.version,
            "voided": bool(ending and ending.voided),
        }
        record = {
            "record_id": event.stay_id,
            "kind": "stay",
            "stay_id": event.stay_id,
            "trip_id": None,
            "facility_id": event.facility_id,
            "facility_type": event.facility_type,
            "commune_code": event.commune_code,
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
            "departed_at": ending.check_out_at if ending else None,
            "version": event.version,
            "voided": bool(ending and ending.voided),
        }
        return fact, record

    async def on_checked_out(
        self, session: AsyncSession, event: GuestCheckedOut, envelope: Envelope
    ) -> None:
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


async def upsert_guest_record(session: AsyncSession, record: dict) -> bool:
    """Store a police-side record unless a newer version is there; True if stored."""
    return bool(await upsert_guest_records(session, [record]))


async def upsert_guest_records(session: AsyncSession, records: list[dict]) -> set:
    """Store police-side records unless newer versions are there; the ids stored."""
    if not records:
        return set()
    stmt = insert(GuestRecord)
    kept = ("record_id", "departed_at", "voided")
    result = await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[GuestRecord.record_id],
            set_={k: stmt.excluded[k] for k in records[0] if k not in kept},
            where=GuestRecord.version <= stmt.excluded.version,
        ).returning(GuestRecord.record_id),
        records,
    )
    return set(result.scalars().all())
