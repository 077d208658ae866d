from __future__ import annotations

import uuid

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import Facility


async def get(session: AsyncSession, facility_id: uuid.UUID) -> Facility | None:
    return await session.get(Facility, facility_id)


async def next_code(session: AsyncSession, province_code: int) -> str:
    """Facility codes are per province and sequential: ``75-000123``."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('accounts-facility-code'))"))
    count = await session.scalar(
        select(func.count()).select_from(Facility).where(Facility.province_code == province_code)
    )
    return f"{province_code:02d}-{(count or 0) + 1:06d}"
