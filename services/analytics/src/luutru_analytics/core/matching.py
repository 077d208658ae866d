"""Matching registrations against the watchlist.

Exact on the document number (ID or normalised passport); weaker on the accent-folded name
plus the date of birth, scored by token overlap so a missing middle name or a one-letter slip
still scores high. A hit becomes an alert and a WatchlistHit in the outbox, in the same
transaction as the projection — nothing of it goes back to ingest or the facility.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from difflib import SequenceMatcher

from sqlalchemy import Date, Text, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import SCHEMA, WatchlistEntry, outbox
from luutru_common.db import raw_connection
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


def judge(
    entry: WatchlistEntry, record: dict, threshold: float, doc: str | None
) -> tuple[str, float] | None:
    """Whether one entry matches one registration (``doc``: its document number normalised,
    `normalize_document`), how and with what score."""
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
        if entries:
            await raise_alerts(session, matches(entries, records, self.threshold))


def matches(entries: list[WatchlistEntry], records: list[dict], threshold: float) -> list[Match]:
    """Every (entry, record) pair `judge` finds a match, record by record and in the entries'
    order within each — judging only the entries that share the record's document or date of
    birth, the only pairs that can match. Judging every pair made a run's cost grow with its
    size times the watchlist's: the candidates are the entries born on any of the run's birth
    dates, which on a long list is most of it (bench/README.md)."""
    by_document: dict[str, list[int]] = defaultdict(list)
    by_birth: dict[date, list[int]] = defaultdict(list)
    for position, entry in enumerate(entries):
        if entry.document_number:
            by_document[entry.document_number].append(position)
        if entry.name_key and entry.date_of_birth is not None:
            by_birth[entry.date_of_birth].append(position)
    found = []
    for record in records:
        doc = normalize_document(record.get("document_number"))
        sharing = by_birth.get(record["date_of_birth"], [])
        if doc in by_document:
            sharing = sorted({*sharing, *by_document[doc]})
        for position in sharing:
            verdict = judge(entries[position], record, threshold, doc)
            if verdict is not None:
                found.append(Match(entries[position], record, *verdict))
    return found


@dataclass(frozen=True)
class Match:
    """One registration found to match one watchlist entry."""

    entry: WatchlistEntry
    record: dict
    kind: str
    score: float


# A run's alerts in one statement whatever their number (arrays, as the projection's); a pair
# alerted before (a replayed or corrected registration) is skipped by the unique constraint.
INSERT_ALERTS = f"""
INSERT INTO {SCHEMA}.alerts (alert_id, entry_id, record_id, match_kind, score, subject_name,
    subject_document, stay_id, trip_id, facility_id, commune_code, status, registered_at,
    detected_at, updated_at)
SELECT a, e, r, k, s, n, d, st, tr, f, c, 'new', reg, $13, $13
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::float8[], $6::text[],
    $7::text[], $8::uuid[], $9::uuid[], $10::uuid[], $11::int[], $12::timestamptz[])
    AS x(a, e, r, k, s, n, d, st, tr, f, c, reg)
ON CONFLICT (entry_id, record_id) DO NOTHING
RETURNING alert_id
"""


async def raise_alerts(session: AsyncSession, matches: list[Match]) -> dict[uuid.UUID, Match]:
    """Store the alerts of many matches and their WatchlistHits, in two statements; the ids of
    those raised now, with their match (a pair alerted before raises nothing)."""
    by_pair = {(m.entry.entry_id, m.record["record_id"]): m for m in matches}
    if not by_pair:
        return {}
    now = datetime.now(UTC)
    ids = {pair: uuid.uuid4() for pair in by_pair}
    rows = [
        (
            ids[pair],
            m.entry.entry_id,
            m.record["record_id"],
            m.kind,
            m.score,
            m.record["full_name"],
            m.record.get("document_number"),
            m.record.get("stay_id"),
            m.record.get("trip_id"),
            m.record["facility_id"],
            m.record["commune_code"],
            m.record.get("registered_at"),
        )
        for pair, m in by_pair.items()
    ]
    columns = [list(c) for c in zip(*rows, strict=True)]
    conn = await raw_connection(session)
    raised = {r["alert_id"] for r in await conn.fetch(INSERT_ALERTS, *columns, now)}
    hits = [
        WatchlistHit(
            alert_id=ids[pair],
            watchlist_entry_id=m.entry.entry_id,
            match_kind=m.kind,
            score=m.score,
            subject_name=m.record["full_name"],
            subject_document=m.record.get("document_number"),
            stay_id=m.record.get("stay_id"),
            trip_id=m.record.get("trip_id"),
            facility_id=m.record["facility_id"],
            commune_code=m.record["commune_code"],
            detected_at=now,
        )
        for pair, m in by_pair.items()
        if ids[pair] in raised
    ]
    await record_events(session, outbox, hits, producer=PRODUCER)
    return {ids[pair]: m for pair, m in by_pair.items() if ids[pair] in raised}
