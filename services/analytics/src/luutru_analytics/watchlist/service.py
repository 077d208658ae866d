"""Adding watchlist entries: store, then match the guests staying now."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.core import presence
from luutru_analytics.core.matching import judge, normalize_document, raise_alert
from luutru_analytics.models import GuestRecord, WatchlistEntry
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
    """Raise alerts for the guests staying now who match a new entry; how many were raised."""
    records = await presence.present_with(
        session,
        datetime.now(VN).date(),
        document=entry.document_number,
        # A name alone matches nobody: the weaker match needs the date of birth too.
        date_of_birth=entry.date_of_birth if entry.name_key else None,
    )
    raised = 0
    for r in records:
        record = {c.key: getattr(r, c.key) for c in GuestRecord.__table__.columns}
        record["registered_at"] = None
        verdict = judge(entry, record, threshold)
        if verdict and await raise_alert(session, entry, record, *verdict):
            raised += 1
    return raised
