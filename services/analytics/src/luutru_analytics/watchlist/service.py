"""Adding watchlist entries: store, then match the guests staying now."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.core import presence
from luutru_analytics.core.matching import matches, normalize_document, raise_alerts
from luutru_analytics.models import GuestRecord, WatchlistEntry
from luutru_analytics.watchlist.schemas import WatchlistEntryIn
from luutru_common.identity import name_match_key, normalize_name

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def add_entry(
    session: AsyncSession, data: WatchlistEntryIn, *, created_by: str, threshold: float
) -> tuple[WatchlistEntry, int]:
    """Store one entry and raise alerts for matching guests staying now."""
    [(entry, raised)] = await add_entries(
        session, [data], created_by=created_by, threshold=threshold
    )
    return entry, raised


async def add_entries(
    session: AsyncSession, items: list[WatchlistEntryIn], *, created_by: str, threshold: float
) -> list[tuple[WatchlistEntry, int]]:
    """Store entries (an upload's rows, or one) and raise alerts for the guests staying now
    who match them; each entry with the number of alerts it raised. One insert, one query
    for the guests sharing any entry's document or birth date, and the matching of
    core.matching by shared keys: a province's list of 20,000 took two round trips a row."""
    now = datetime.now(VN)
    entries = [
        WatchlistEntry(
            entry_id=uuid.uuid4(),
            document_number=normalize_document(data.document_number),
            full_name=normalize_name(data.full_name) if data.full_name else None,
            name_key=name_match_key(data.full_name) if data.full_name else None,
            date_of_birth=data.date_of_birth,
            reason=data.reason,
            active=True,
            created_by=created_by,
            created_at=now,
        )
        for data in items
    ]
    session.add_all(entries)
    await session.flush()
    raised = await match_present_guests(session, entries, threshold=threshold)
    return [(entry, raised.get(entry.entry_id, 0)) for entry in entries]


async def match_present_guests(
    session: AsyncSession, entries: list[WatchlistEntry], *, threshold: float
) -> dict[uuid.UUID, int]:
    """Raise alerts for the guests staying now who match new entries; how many each raised."""
    guests = await presence.present_with(
        session,
        datetime.now(VN).date(),
        documents=[e.document_number for e in entries if e.document_number],
        # A name alone matches nobody: the weaker match needs the date of birth too.
        births=[e.date_of_birth for e in entries if e.name_key and e.date_of_birth],
    )
    records = []
    for guest in guests:
        record = {c.key: getattr(guest, c.key) for c in GuestRecord.__table__.columns}
        record["registered_at"] = None
        records.append(record)
    raised = await raise_alerts(session, matches(entries, records, threshold))
    return Counter(m.entry.entry_id for m in raised.values())
