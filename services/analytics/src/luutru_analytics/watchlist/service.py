"""Adding watchlist entries: store, then match the guests staying now."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import GuestRecord, WatchlistEntry
from luutru_analytics.police.repository import present
from luutru_analytics.watchlist.matching import judge, normalize_document, raise_alert
from luutru_analytics.watchlist.schemas import WatchlistEntryIn
from luutru_common.identity import name_match_key, normalize_name

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def add_entry(
    session: AsyncSession, data: WatchlistEntryIn, *, created_by: str, threshold: float
) -> tuple[WatchlistEntry, int]:
    """Store one entry and raise alerts for matching guests staying now."""
    entry = WatchlistEntry(
        entry_id=uuid.uuid4(),
        document_number=normalize_document(data.document_number),
        full_name=normalize_name(data.full_name) if data.full_name else None,
        name_key=name_match_key(data.full_name) if data.full_name else None,
        date_of_birth=data.date_of_birth,
        reason=data.reason,
        active=True,
        created_by=created_by,
        created_at=datetime.now(VN),
    )
    session.add(entry)
    await session.flush()
    return entry, await match_present_guests(session, entry, threshold=threshold)


async def match_present_guests(
    session: AsyncSession, entry: WatchlistEntry, *, threshold: float
) -> int:
    conditions = []
    if entry.document_number:
        conditions.append(GuestRecord.document_number == entry.document_number)
    if entry.date_of_birth is not None and entry.name_key:
        conditions.append(GuestRecord.date_of_birth == entry.date_of_birth)
    if not conditions:
        return 0
    today = datetime.now(VN).date()
    records = (
        await session.scalars(select(GuestRecord).where(or_(*conditions), *present(today)))
    ).all()
    raised = 0
    for r in records:
        record = {c.key: getattr(r, c.key) for c in GuestRecord.__table__.columns}
        record["registered_at"] = None
        verdict = judge(entry, record, threshold)
        if verdict and await raise_alert(session, entry, record, *verdict):
            raised += 1
    return raised
