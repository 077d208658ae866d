"""Back-off and lockout after repeated failed logins, counted per username whether or not the
user exists, so a lockout reveals nothing about which usernames are real."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import LoginThrottle


async def locked_until(session: AsyncSession, username: str, *, now: datetime) -> datetime | None:
    row = await session.get(LoginThrottle, username)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


async def record_failure(
    session: AsyncSession,
    username: str,
    *,
    now: datetime,
    threshold: int,
    window_s: int,
    lockout_s: int,
) -> datetime | None:
    """Count one failure (atomically, whatever runs in parallel); lock the username when the
    failures within the window reach the threshold. Returns the lock's end, if locked."""
    table = LoginThrottle.__table__
    stale = table.c.last_failure_at < now - timedelta(seconds=window_s)
    failures = case((stale, 1), else_=table.c.failures + 1)
    lock_end = now + timedelta(seconds=lockout_s)
    stmt = insert(LoginThrottle).values(
        username=username,
        failures=1,
        last_failure_at=now,
        locked_until=lock_end if threshold <= 1 else None,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.username],
        set_={
            "failures": failures,
            "last_failure_at": now,
            # A failure right after a lock expires locks again at once: the counter is still
            # at the threshold within the window — the back-off.
            "locked_until": case((failures >= threshold, lock_end), else_=table.c.locked_until),
        },
    ).returning(table.c.locked_until)
    until = await session.scalar(stmt)
    return until if until is not None and until > now else None


async def clear(session: AsyncSession, username: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))
