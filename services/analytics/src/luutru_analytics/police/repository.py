"""Queries over the police-only table of guest records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, cast, func, select
from sqlalchemy.types import Date

from luutru_analytics.models import GuestRecord


def present(today: date) -> list:
    """Staying now: not voided, not checked out, arrived, and the expected departure (or the
    day after arrival when none was given) not passed."""
    arrival_day = cast(func.timezone("Asia/Ho_Chi_Minh", GuestRecord.arrived_at), Date)
    return [
        ~GuestRecord.voided,
        GuestRecord.departed_at.is_(None),
        arrival_day <= today,
        func.coalesce(GuestRecord.expected_departure, arrival_day + 1) >= today,
    ]


def in_communes(stmt: Select, communes: tuple[int, ...]) -> Select:
    return stmt.where(GuestRecord.commune_code.in_(communes)) if communes else stmt


def foreign_guests_now(today: date, communes: tuple[int, ...], limit: int) -> Select:
    stmt = (
        select(GuestRecord)
        .where(GuestRecord.kind == "stay", GuestRecord.nationality != "VNM", *present(today))
        .order_by(GuestRecord.arrived_at.desc())
        .limit(limit)
    )
    return in_communes(stmt, communes)


def search(
    *,
    document: str | None,
    name_key: str | None,
    date_of_birth: date | None,
    communes: tuple[int, ...],
    limit: int,
) -> Select:
    stmt = select(GuestRecord).order_by(GuestRecord.arrived_at.desc()).limit(limit)
    if document:
        stmt = stmt.where(GuestRecord.document_number == document)
    if name_key:
        stmt = stmt.where(GuestRecord.name_key == name_key)
    if date_of_birth:
        stmt = stmt.where(GuestRecord.date_of_birth == date_of_birth)
    return in_communes(stmt, communes)
