"""Guests staying now: the condition police's lists and the watchlist's matching of a new
entry share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Date

from luutru_analytics.models import GuestRecord


def present(today: date) -> list[ColumnElement[bool]]:
    """Staying now: not voided, not checked out, arrived, and the expected departure (or the
    day after arrival when none was given) not passed."""
    arrival_day = cast(func.timezone("Asia/Ho_Chi_Minh", GuestRecord.arrived_at), Date)
    return [
        ~GuestRecord.voided,
        GuestRecord.departed_at.is_(None),
        arrival_day <= today,
        func.coalesce(GuestRecord.expected_departure, arrival_day + 1) >= today,
    ]


async def present_with(
    session: AsyncSession, today: date, *, document: str | None, date_of_birth: date | None
) -> Sequence[GuestRecord]:
    """Guests staying now with this document number or this date of birth (the candidates
    of a new watchlist entry)."""
    conditions = []
    if document:
        conditions.append(GuestRecord.document_number == document)
    if date_of_birth is not None:
        conditions.append(GuestRecord.date_of_birth == date_of_birth)
    if not conditions:
        return []
    stmt = select(GuestRecord).where(or_(*conditions), *present(today))
    return (await session.scalars(stmt)).all()
