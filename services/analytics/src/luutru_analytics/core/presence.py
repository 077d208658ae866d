"""Guests staying now: the condition police's lists and the watchlist's matching of a new
entry share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Text, any_, cast, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
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
    session: AsyncSession, today: date, *, documents: list[str], births: list[date]
) -> Sequence[GuestRecord]:
    """Guests staying now with any of these document numbers or dates of birth (the
    candidates of new watchlist entries). Arrays, not IN lists: a list of thousands of
    entries would pass PostgreSQL's limit of bind parameters."""
    conditions = []
    if documents:
        conditions.append(GuestRecord.document_number == any_(cast(documents, ARRAY(Text))))
    if births:
        conditions.append(GuestRecord.date_of_birth == any_(cast(births, ARRAY(Date))))
    if not conditions:
        return []
    stmt = select(GuestRecord).where(or_(*conditions), *present(today))
    return (await session.scalars(stmt)).all()
