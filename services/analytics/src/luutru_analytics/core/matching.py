"""Matching registrations against the watchlist.

Exact on the document number (ID or normalised passport); weaker on the accent-folded name
plus the date of birth, scored by token overlap so a missing middle name or a one-letter slip
still scores high. A hit becomes an alert and a WatchlistHit in the outbox, in the same
transaction as the projection — nothing of it goes back to ingest or the facility.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from difflib import SequenceMatcher

from sqlalchemy import Date, Text, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import Alert, WatchlistEntry, outbox
from luutru_common.events import WatchlistHit
from luutru_common.identity import normalize_passport
from luutru_common.outbox import record_events

PRODUCER = "analytics"


def normalize_document(value: str | None) -> str | None:
    """A document number as entries and records are compared by (None when blank)."""
    if not value or not value.strip():
        return None
    return normalize_passport(value)


def name_score(a: str, b: str) -> float:
    """Similarity of two folded names in [0, 1]: the better of the token Dice coefficient
    (word order and a missing middle name) and the character ratio (typos)."""
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0
    common = len(set(ta) & set(tb))
    dice = 2 * common / (len(set(ta)) + len(set(tb)))
    ratio = SequenceMatcher(None, a, b).ratio()
    return round(max(dice, ratio), 3)


def judge(entry: WatchlistEntry, record: dict, threshold: float) -> tuple[str, float] | None:
    """Whether one entry matches one registration, how and with what score."""
    doc = normalize_document(record.get("document_number"))
    if entry.document_number and doc and entry.document_number == doc:
        return "document", 1.0
    if (
        entry.name_key
        and entry.date_of_birth is not None
        and entry.date_of_birth == record["date_of_birth"]
    ):
        score = name_score(entry.name_key, record["name_key"])
        if score >= threshold:
            return "name_dob", score
    return None


# The active entries that could match any of a run's registrations: one statement whatever
# the run's size (arrays, not an IN list SQLAlchemy would render again for every length).
CANDIDATES = select(WatchlistEntry).where(
    WatchlistEntry.active,
    or_(
        WatchlistEntry.date_of_birth == any_(bindparam("births", type_=ARRAY(Date))),
        WatchlistEntry.document_number == any_(bindparam("docs", type_=ARRAY(Text))),
    ),
)


class WatchlistMatcher:
    def __init__(self, *, threshold: float) -> None:
        self.threshold = threshold

    async def __call__(self, session: AsyncSession, record: dict) -> None:
        """Match one registration against every active entry (called by the projections)."""
        await self.match_many(session, [record])

    async def match_many(self, session: AsyncSession, records: list[dict]) -> None:
        """One query for the candidates of many registrations, then judged one by one."""
        if not records:
            return
        docs = {normalize_document(r.get("document_number")) for r in records} - {None}
        births = {r["date_of_birth"] for r in records}
        entries = (
            await session.scalars(CANDIDATES, {"births": list(births), "docs": list(docs)})
        ).all()
        if not entries:
            return
        for record in records:
            for entry in entries:
                verdict = judge(entry, record, self.threshold)
                if verdict is not None:
                    await raise_alert(session, entry, record, *verdict)


async def raise_alert(
    session: AsyncSession, entry: WatchlistEntry, record: dict, kind: str, score: float
) -> uuid.UUID | None:
    """Store the alert and its WatchlistHit; nothing if this pair was alerted before."""
    now = datetime.now(UTC)
    alert_id = uuid.uuid4()
    subject_document = record.get("document_number")
    stmt = (
        insert(Alert)
        .values(
            alert_id=alert_id,
            entry_id=entry.entry_id,
            record_id=record["record_id"],
            match_kind=kind,
            score=score,
            subject_name=record["full_name"],
            subject_document=subject_document,
            stay_id=record.get("stay_id"),
            trip_id=record.get("trip_id"),
            facility_id=record["facility_id"],
            commune_code=record["commune_code"],
            status="new",
            registered_at=record.get("registered_at"),
            detected_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Alert.entry_id, Alert.record_id])
        .returning(Alert.alert_id)
    )
    if (await session.execute(stmt)).first() is None:
        return None
    hit = WatchlistHit(
        alert_id=alert_id,
        watchlist_entry_id=entry.entry_id,
        match_kind=kind,
        score=score,
        subject_name=record["full_name"],
        subject_document=subject_document,
        stay_id=record.get("stay_id"),
        trip_id=record.get("trip_id"),
        facility_id=record["facility_id"],
        commune_code=record["commune_code"],
        detected_at=now,
    )
    await record_events(session, outbox, [hit], producer=PRODUCER)
    return alert_id
