from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import User


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    """The user of an exact (already normalised) username."""
    return await session.scalar(select(User).where(User.username == username))


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def list_users(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID | None,
    role: str | None,
    disabled: bool | None,
    after: str | None,
    limit: int,
) -> list[User]:
    """Users in username order, filtered by what is given; `after` is the last username of the
    previous page."""
    query = select(User).order_by(User.username).limit(limit)
    if facility_id is not None:
        query = query.where(User.facility_id == facility_id)
    if role is not None:
        query = query.where(User.role == role)
    if disabled is not None:
        query = query.where(User.disabled == disabled)
    if after is not None:
        query = query.where(User.username > after)
    return list((await session.scalars(query)).all())
