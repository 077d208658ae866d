"""Back-off after repeated failed logins, counted per (username, source address) and per
source address — never per username alone, so no one can lock a user out by failing on
purpose: the owner, signing in from an address that has not failed, is let in while the
attacker's address is held back.

A username's count includes unknown usernames alike, so a hold says nothing about which
usernames exist. Once a key reaches its threshold within the window, each further failure
doubles the hold (the progressive delay), up to the longest hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import LoginThrottle


def pair_key(username: str, source: str | None) -> str:
    """The throttle key of failures for one username from one source address."""
    return f"user:{username}|from:{source or 'unknown'}"  # clear_user relies on this shape


def source_key(source: str | None) -> str:
    """The throttle key of every failure from one source address, whatever the username."""
    return f"from:{source or 'unknown'}"


def hold_for(failures: int, *, threshold: int, base_s: int, longest_s: int) -> int:
    """Seconds to hold a key back after ``failures`` failures within the window."""
    if failures < threshold:
        return 0
    return min(longest_s, base_s * 2 ** min(failures - threshold, 20))


async def locked_until(session: AsyncSession, keys: list[str], *, now: datetime) -> datetime | None:
    """The latest hold among ``keys`` still running, if any."""
    ends = await session.scalars(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now
        )
    )
    return max(ends, default=None)


async def record_failure(
    session: AsyncSession,
    key: str,
    *,
    now: datetime,
    threshold: int,
    window_s: int,
    base_s: int,
    longest_s: int,
) -> datetime | None:
    """Count one failure (atomically, whatever runs in parallel: the upsert holds the row
    until commit) and hold the key back once the failures within the window reach the
    threshold. Returns the hold's end, if held."""
    table = LoginThrottle.__table__
    stale = table.c.last_failure_at < now - timedelta(seconds=window_s)
    stmt = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.username],
        set_={"failures": case((stale, 1), else_=table.c.failures + 1), "last_failure_at": now},
    ).returning(table.c.failures)
    failures = await session.scalar(stmt)
    seconds = hold_for(failures, threshold=threshold, base_s=base_s, longest_s=longest_s)
    if not seconds:
        return None
    until = now + timedelta(seconds=seconds)
    await session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=until)
    )
    return until


async def clear(session: AsyncSession, key: str) -> None:
    """Forget the failures counted under ``key`` (after a successful sign-in)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def clear_user(session: AsyncSession, username: str) -> None:
    """Lift the holds on a username from every source (an admin's password reset)."""
    prefix = f"user:{username}|from:"
    await session.execute(
        delete(LoginThrottle).where(LoginThrottle.key.startswith(prefix, autoescape=True))
    )
