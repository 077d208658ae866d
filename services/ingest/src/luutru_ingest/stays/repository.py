from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_ingest.models import FacilityView, Stay


async def facility(session: AsyncSession, facility_id: uuid.UUID) -> FacilityView | None:
    return await session.get(FacilityView, facility_id)


async def insert_if_new(session: AsyncSession, values: dict) -> bool:
    """Insert unless the natural key exists; True when this call created the stay."""
    stmt = (
        insert(Stay)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["facility_id", "document_number", "check_in_date"])
        .returning(Stay.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def by_natural_key(
    session: AsyncSession, facility_id: uuid.UUID, document_number: str, check_in_date: date
) -> Stay | None:
    return await session.scalar(
        select(Stay).where(
            Stay.facility_id == facility_id,
            Stay.document_number == document_number,
            Stay.check_in_date == check_in_date,
        )
    )
