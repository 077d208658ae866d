"""Refresh tokens: opaque, stored as SHA-256 only, rotated at every use.

Tokens descend from one login in a family. Presenting a token that was already used means it
was copied: the whole family is revoked, so both the thief and the user must log in again.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import RefreshToken

PREFIX = "rt_"


def token_hash(token: str) -> str:
    """What is stored of a refresh token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    ttl_s: int,
    now: datetime,
    family_id: uuid.UUID | None = None,
) -> tuple[str, uuid.UUID]:
    """A new refresh token in `family_id`'s session (a new session when None): the token and
    its family."""
    token = PREFIX + secrets.token_urlsafe(32)
    family = family_id or uuid.uuid4()
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            token_hash=token_hash(token),
            family_id=family,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_s),
        )
    )
    return token, family


@dataclass(frozen=True)
class Presented:
    row: RefreshToken | None
    outcome: str  # "ok", "unknown", "expired", "reused"


async def use(session: AsyncSession, token: str, *, now: datetime) -> Presented:
    """Mark a presented token used (locking its row against a parallel use)."""
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash(token)).with_for_update()
    )
    if row is None:
        return Presented(None, "unknown")
    if row.used_at is not None or row.revoked_at is not None:
        await revoke_family(session, row.family_id, now=now)
        return Presented(row, "reused")
    if row.expires_at <= now:
        return Presented(row, "expired")
    row.used_at = now
    return Presented(row, "ok")


async def find(session: AsyncSession, token: str) -> RefreshToken | None:
    """The row of a refresh token, whether used or not."""
    return await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash(token))
    )


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, *, now: datetime) -> None:
    """End one session: every refresh token of the family."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_user(session: AsyncSession, user_id: uuid.UUID, *, now: datetime) -> None:
    """End every session of the user (a password change or reset)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
