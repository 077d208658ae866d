"""The queries of guest pre-registration: links and pending entries of one facility. Every
read of pending entries is bounded by the facility and by ``expires_at`` (an expired entry is
gone for every reader even before the retention run deletes it)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_ingest.models import PreRegistration, PreRegistrationLink


async def link(session: AsyncSession, link_id: uuid.UUID, *, lock: bool = False):
    query = select(PreRegistrationLink).where(PreRegistrationLink.id == link_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def live_links(session: AsyncSession, facility_id: uuid.UUID, now: datetime):
    query = (
        select(PreRegistrationLink)
        .where(
            PreRegistrationLink.facility_id == facility_id,
            PreRegistrationLink.revoked_at.is_(None),
            PreRegistrationLink.expires_at > now,
            or_(
                PreRegistrationLink.max_entries.is_(None),
                PreRegistrationLink.entries < PreRegistrationLink.max_entries,
            ),
        )
        .order_by(PreRegistrationLink.created_at.desc())
        .limit(200)
    )
    return list((await session.execute(query)).scalars())


async def revoke_standing(session: AsyncSession, facility_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(PreRegistrationLink)
        .where(
            PreRegistrationLink.facility_id == facility_id,
            PreRegistrationLink.kind == "standing",
            PreRegistrationLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


async def lock_facility_list(session: AsyncSession, facility_id: uuid.UUID) -> None:
    """One writer at a time per facility's list (the facility cap is then exact)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('pre_registrations:' || :f))"),
        {"f": str(facility_id)},
    )


async def live_count(session: AsyncSession, now: datetime, **where) -> int:
    query = (
        select(func.count())
        .select_from(PreRegistration)
        .where(
            PreRegistration.expires_at > now,
            *(getattr(PreRegistration, k) == v for k, v in where.items()),
        )
    )
    return (await session.execute(query)).scalar_one()


async def recent_from(session: AsyncSession, address: str, since: datetime) -> int:
    query = select(func.count()).where(
        PreRegistration.source_address == address, PreRegistration.created_at > since
    )
    return (await session.execute(query)).scalar_one()


async def pending(
    session: AsyncSession,
    facility_id: uuid.UUID,
    now: datetime,
    *,
    name_key: str | None = None,
    code: str | None = None,
    limit: int = 200,
):
    query = (
        select(PreRegistration, PreRegistrationLink.label)
        .join(PreRegistrationLink, PreRegistrationLink.id == PreRegistration.link_id)
        .where(PreRegistration.facility_id == facility_id, PreRegistration.expires_at > now)
        .order_by(PreRegistration.created_at.desc())
        .limit(limit)
    )
    if code:
        query = query.where(PreRegistration.code == code)
    if name_key:
        query = query.where(PreRegistration.name_key.contains(name_key, autoescape=True))
    return list((await session.execute(query)).all())


async def pending_one(
    session: AsyncSession, facility_id: uuid.UUID, entry_id: uuid.UUID, now: datetime
):
    query = (
        select(PreRegistration)
        .where(
            PreRegistration.id == entry_id,
            PreRegistration.facility_id == facility_id,
            PreRegistration.expires_at > now,
        )
        .with_for_update()
    )
    return (await session.execute(query)).scalar_one_or_none()


def window_start(now: datetime, seconds: int) -> datetime:
    return now - timedelta(seconds=seconds)
