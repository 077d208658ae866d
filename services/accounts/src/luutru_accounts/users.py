"""Users: the queries and the bootstrap of the first police admin."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.auth.passwords import hash_password
from luutru_accounts.models import User
from luutru_common.auth import Role


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def ensure_bootstrap_admin(session: AsyncSession, *, username: str, password: str) -> None:
    """Create the configured police admin once; a later password change is never undone."""
    await session.execute(
        insert(User)
        .values(
            id=uuid.uuid4(),
            username=username,
            password_hash=hash_password(password),
            role=Role.POLICE_ADMIN.value,
            full_name="Quản trị Công an tỉnh",
        )
        .on_conflict_do_nothing(index_elements=[User.username])
    )
