"""The stay queries of the stays feature: one stay, by id or receipt number, and the
reconcile list. The write path every arrival shares is core.store."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.identity import name_match_key
from luutru_ingest import receipt_numbers
from luutru_ingest.core import store
from luutru_ingest.models import Stay


async def stay_for_update(
    session: AsyncSession, facility_id: uuid.UUID, stay_id: uuid.UUID
) -> Stay | None:
    """The facility's stay, locked for a change; another facility's is None."""
    return await session.scalar(
        select(Stay).where(Stay.id == stay_id, Stay.facility_id == facility_id).with_for_update()
    )


async def stay(session: AsyncSession, facility_id: uuid.UUID, stay_id: uuid.UUID) -> Stay | None:
    return await session.scalar(
        select(Stay).where(Stay.id == stay_id, Stay.facility_id == facility_id)
    )


async def stay_by_number(session: AsyncSession, facility_id: uuid.UUID, number: str) -> Stay | None:
    return await session.scalar(
        select(Stay).where(Stay.receipt_number == number, Stay.facility_id == facility_id)
    )


def matching(text_query: str):
    """A name (any accents, any part of it), a room, or a receipt number (as typed)."""
    number = receipt_numbers.normalize(text_query)
    folded = name_match_key(text_query)
    conditions = [func.lower(Stay.room) == text_query.strip().lower()]
    if folded:
        escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Stay.name_key.like(f"%{escaped}%"))
    if number is not None:
        conditions.append(Stay.receipt_number == number)
    return or_(*conditions)


async def stays_on(
    session: AsyncSession,
    facility_id: uuid.UUID,
    day: date,
    *,
    after: uuid.UUID | None,
    limit: int,
    in_house: bool = False,
    timezone: str = "Asia/Ho_Chi_Minh",
    text_query: str | None = None,
) -> list[Stay]:
    """A page of the facility's stays in id order: those arriving on ``day``, or with
    ``in_house`` those held that day; ``text_query`` narrows to a name, room or receipt."""
    narrower = []
    if text_query and text_query.strip():
        narrower.append(matching(text_query))
    if after is not None:
        narrower.append(Stay.id > after)
    if in_house:
        return await _held_page(session, facility_id, day, narrower, limit, timezone)
    query = select(Stay).where(Stay.facility_id == facility_id, Stay.check_in_date == day)
    return list(
        (await session.scalars(query.where(*narrower).order_by(Stay.id).limit(limit))).all()
    )


async def _held_page(
    session: AsyncSession, facility_id, day: date, narrower: list, limit: int, timezone: str
) -> list[Stay]:
    """A page of the stays held on ``day``, voided records included with their status (the
    facility sees what it cancelled). The page's ids come from the three parts of
    `store.in_house_parts`, each read from its own partial index — the stays that can be in the
    house — and only then sorted: `held_on` over the facility's stays read its whole
    history, 180–260 ms a page for a hotel's three years (bench/README.md)."""
    query = held_page_query(facility_id, narrower, limit, timezone)
    return list((await session.scalars(query, store.in_house_values(day, timezone))).all())


def held_page_query(facility_id, narrower: list, limit: int, timezone: str):
    """`_held_page`'s statement; bind parameters "day" and "since" (`store.in_house_values`)."""
    ids = store.in_house_union(
        Stay.id, facility_id, timezone, *narrower, voided_too=True
    ).subquery()
    page = select(ids.c.id).order_by(ids.c.id).limit(limit).subquery()
    return select(Stay).join(page, Stay.id == page.c.id).order_by(Stay.id)
