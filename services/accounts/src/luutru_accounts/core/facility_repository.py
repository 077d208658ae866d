from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import Facility


async def get(session: AsyncSession, facility_id: uuid.UUID) -> Facility | None:
    return await session.get(Facility, facility_id)


async def get_for_update(session: AsyncSession, facility_id: uuid.UUID) -> Facility | None:
    """The facility with its row locked until the transaction ends, so changes to one facility
    happen one after another."""
    return await session.scalar(
        select(Facility).where(Facility.id == facility_id).with_for_update()
    )


async def next_code(session: AsyncSession, province_code: int) -> str:
    """Facility codes are per province and sequential: ``75-000123``."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('accounts-facility-code'))"))
    count = await session.scalar(
        select(func.count()).select_from(Facility).where(Facility.province_code == province_code)
    )
    return f"{province_code:02d}-{(count or 0) + 1:06d}"


async def search(
    session: AsyncSession,
    *,
    facility_type: str | None,
    province_code: int | None,
    commune_codes: list[int] | None,
    status: str | None,
    text_query: str | None,
    after: str | None,
    limit: int,
) -> list[Facility]:
    """Facilities in code order (codes are unique, so the last code is the cursor)."""
    query = select(Facility).order_by(Facility.code).limit(limit)
    if facility_type is not None:
        query = query.where(Facility.facility_type == facility_type)
    if province_code is not None:
        query = query.where(Facility.province_code == province_code)
    if commune_codes is not None:
        query = query.where(Facility.commune_code.in_(commune_codes))
    if status is not None:
        query = query.where(Facility.status == status)
    if text_query:
        pattern = (
            "%" + text_query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(
            or_(
                Facility.name.ilike(pattern),
                Facility.code.ilike(pattern),
                Facility.business_licence_number.ilike(pattern),
            )
        )
    if after is not None:
        query = query.where(Facility.code > after)
    return list((await session.scalars(query)).all())


async def licence_taken(session: AsyncSession, number: str | None) -> bool:
    """Another facility (not closed) already holds this business licence number."""
    if not number:
        return False
    found = await session.scalar(
        select(Facility.id)
        .where(Facility.business_licence_number == number, Facility.status != "closed")
        .limit(1)
    )
    return found is not None
