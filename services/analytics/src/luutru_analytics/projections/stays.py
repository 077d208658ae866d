"""stay.v1 → `stay_facts` (pseudonymous) and `guest_records` (police-only), plus watchlist
matching of every check-in and correction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import GuestRecord, StayCheckOut, StayFact
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

# Called with the police-side record of a registration once it is stored.
Matcher = Callable[[AsyncSession, dict], Awaitable[None]]


def local_date(moment: datetime):
    return moment.astimezone(VN).date()


class StayProjection:
    def __init__(self, *, pseudonym_secret: str, matcher: Matcher | None) -> None:
        self.secret = pseudonym_secret
        self.matcher = matcher

    async def on_stay_state(
        self, session: AsyncSession, event: StayState, envelope: Envelope
    ) -> None:
        """GuestCheckedIn and StayCorrected: the full stay, applied only if its version is
        not older than what is stored (a late v1 after a v2 changes nothing)."""
        before = await rollup.snapshot(session, event.stay_id)
        ending = await session.get(StayCheckOut, event.stay_id)
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
        stmt = insert(StayFact).values(fact)
        kept = ("stay_id", "check_out_date", "voided")
        set_ = {k: stmt.excluded[k] for k in fact if k not in kept}
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
            )
        )
        await rollup.apply_change(session, before, await rollup.snapshot(session, event.stay_id))

        doc = document_number(guest)
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
            "document_number": doc,
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
        applied = await upsert_guest_record(session, record)
        if applied and self.matcher is not None:
            await self.matcher(session, {**record, "registered_at": event.received_at})

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
    stmt = insert(GuestRecord).values(record)
    kept = ("record_id", "departed_at", "voided")
    result = await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[GuestRecord.record_id],
            set_={k: stmt.excluded[k] for k in record if k not in kept},
            where=GuestRecord.version <= stmt.excluded.version,
        ).returning(GuestRecord.record_id)
    )
    return result.first() is not None
