"""Projections of stay.v1 into tables without personal data."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import StayFact
from luutru_common.events import Envelope, GuestCheckedIn

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Age groups of the tourism statistics (DOMAIN.md).
AGE_BANDS = (
    (14, "0-14"),
    (24, "15-24"),
    (34, "25-34"),
    (44, "35-44"),
    (54, "45-54"),
    (64, "55-64"),
)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: date, day: date) -> str:
    age = age_on(birth, day)
    for upper, label in AGE_BANDS:
        if age <= upper:
            return label
    return "65+"


async def on_guest_checked_in(
    session: AsyncSession, event: GuestCheckedIn, envelope: Envelope
) -> None:
    arrival_day = event.check_in_at.astimezone(VN).date()
    stmt = insert(StayFact).values(
        stay_id=event.stay_id,
        facility_id=event.facility_id,
        facility_type=event.facility_type,
        province_code=event.province_code,
        commune_code=event.commune_code,
        check_in_date=arrival_day,
        age_band=age_band(event.guest.date_of_birth, arrival_day),
        gender=event.guest.gender,
        nationality=event.guest.nationality,
        country_of_residence=event.guest.country_of_residence,
    )
    # The stay id is the natural key: a re-sent event (new event id) counts once too.
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[StayFact.stay_id]))
