"""Queries over the watchlist entries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import WatchlistEntry


async def active_entries(session: AsyncSession) -> Sequence[WatchlistEntry]:
    """The entries still matched, oldest first."""
    stmt = select(WatchlistEntry).where(WatchlistEntry.active).order_by(WatchlistEntry.created_at)
    return (await session.scalars(stmt)).all()


async def entry(session: AsyncSession, entry_id: uuid.UUID) -> WatchlistEntry | None:
    return await session.get(WatchlistEntry, entry_id)
