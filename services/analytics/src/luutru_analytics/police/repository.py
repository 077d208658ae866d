"""Queries over the police-only tables: guest records and the access log. `communes` is
the reader's scope (commune police: theirs; empty = all)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Date

from luutru_analytics.models import AccessLogEntry, GuestRecord


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


def in_communes(stmt: Select, communes: Sequence[int]) -> Select:
    """`stmt` bounded by the scope's communes (not at all when the scope is every one)."""
    return stmt.where(GuestRecord.commune_code.in_(communes)) if communes else stmt


async def foreign_guests_now(
    session: AsyncSession, today: date, communes: Sequence[int], limit: int
) -> Sequence[GuestRecord]:
    """Foreign guests staying now, the latest arrival first."""
    stmt = (
        select(GuestRecord)
        .where(GuestRecord.kind == "stay", GuestRecord.nationality != "VNM", *present(today))
        .order_by(GuestRecord.arrived_at.desc())
        .limit(limit)
    )
    return (await session.scalars(in_communes(stmt, communes))).all()


async def search(
    session: AsyncSession,
    *,
    document: str | None,
    name_key: str | None,
    date_of_birth: date | None,
    communes: Sequence[int],
    limit: int,
) -> Sequence[GuestRecord]:
    """Guest records by document number, name key and date of birth (those given), the
    latest arrival first."""
    stmt = select(GuestRecord).order_by(GuestRecord.arrived_at.desc()).limit(limit)
    if document:
        stmt = stmt.where(GuestRecord.document_number == document)
    if name_key:
        stmt = stmt.where(GuestRecord.name_key == name_key)
    if date_of_birth:
        stmt = stmt.where(GuestRecord.date_of_birth == date_of_birth)
    return (await session.scalars(in_communes(stmt, communes))).all()


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


async def access_log(
    session: AsyncSession, *, subject: str | None, limit: int
) -> Sequence[AccessLogEntry]:
    """The newest entries first, of one subject if given."""
    stmt = select(AccessLogEntry).order_by(AccessLogEntry.id.desc()).limit(limit)
    if subject:
        stmt = stmt.where(AccessLogEntry.subject == subject)
    return (await session.scalars(stmt)).all()
