"""Queries over the police-only tables: guest records and the access log. `communes` is
the reader's scope (commune police: theirs; empty = all)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.core.presence import present
from luutru_analytics.models import AccessLogEntry, GuestRecord


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


async def access_log(
    session: AsyncSession, *, subject: str | None, limit: int
) -> Sequence[AccessLogEntry]:
    """The newest entries first, of one subject if given."""
    stmt = select(AccessLogEntry).order_by(AccessLogEntry.id.desc()).limit(limit)
    if subject:
        stmt = stmt.where(AccessLogEntry.subject == subject)
    return (await session.scalars(stmt)).all()
