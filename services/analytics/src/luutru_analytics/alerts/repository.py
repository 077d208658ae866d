"""Queries over the alerts of watchlist hits. `communes` is the reader's scope (commune
police: theirs; empty = all); every statement is bounded by it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from luutru_analytics.models import Alert, FacilityFact, GuestRecord, WatchlistEntry

# The statuses of the officers' queue: the alerts still to work, a few thousand at most.
OPEN = ("new", "acknowledged")


def in_scope(communes: Sequence[int], alert: type[Alert] = Alert) -> list[ColumnElement[bool]]:
    """The condition of the reader's scope (none when it is every commune)."""
    return [alert.commune_code.in_(communes)] if communes else []


async def latest(
    session: AsyncSession, communes: Sequence[int], *, status: str | None, limit: int
) -> Sequence[Alert]:
    """The newest alerts first."""
    stmt = select(Alert).where(*in_scope(communes)).order_by(Alert.seq.desc()).limit(limit)
    if status:
        stmt = stmt.where(Alert.status == status)
    return (await session.scalars(stmt)).all()


@dataclass(frozen=True)
class PeopleFilter:
    """Which people a page lists: those with at least one hit in the scope that passes the
    status, match kind and (chosen) commune filters."""

    communes: Sequence[int]  # the scope
    status: str | None = None
    match_kind: str | None = None
    chosen_communes: Sequence[int] | None = None

    def base(self, alert: type[Alert] = Alert) -> list[ColumnElement[bool]]:
        """The scope and the status and match-kind filters (the commune counts use these)."""
        where = in_scope(self.communes, alert)
        if self.status:
            where.append(alert.status == self.status)
        if self.match_kind:
            where.append(alert.match_kind == self.match_kind)
        return where

    def conditions(self, alert: type[Alert] = Alert) -> list[ColumnElement[bool]]:
        where = self.base(alert)
        if self.chosen_communes:
            where.append(alert.commune_code.in_(self.chosen_communes))
        return where

    def narrowed(self) -> bool:
        """Whether anything but the scope picks the people."""
        return bool(self.status or self.match_kind or self.chosen_communes)


def newest_matching_hits(f: PeopleFilter) -> Select:
    """Each listed person's newest hit among those that pass the filter — one row a person,
    whose `seq` is their place in the list. Found as the passing hits that are the newest
    passing hit of their registration: a probe of ix_alerts_record_commune_seq per hit
    walked, written as a correlated max so that it stays a probe and the planner cannot
    make it a join over every hit of the filter (it did, misled by stale statistics). So a
    page walks the newest hits down an index (by status, by commune, or by seq) and stops
    when it is full, where grouping by person read every alert ever raised per request."""
    newer = aliased(Alert)
    newest = (
        select(func.max(newer.seq))
        .where(newer.record_id == Alert.record_id, *f.conditions(newer))
        .scalar_subquery()
    )
    return select(Alert.record_id, Alert.seq).where(*f.conditions(), Alert.seq == newest)


async def people_totals(session: AsyncSession, f: PeopleFilter) -> tuple[int, int]:
    """The people listed and all their hits in the scope."""
    if f.status in OPEN:
        # The queue (a few thousand open hits, through the status index): each person's hits
        # counted by a probe of the person index. A correlated count, so that the planner,
        # misled by statistics older than the history, cannot join the people to every
        # alert of the scope instead (it did: a scan of the commune's history per request).
        listed = select(Alert.record_id).where(*f.conditions()).distinct().subquery()
        theirs = aliased(Alert)
        hits = (
            select(func.count())
            .where(theirs.record_id == listed.c.record_id, *in_scope(f.communes, theirs))
            .scalar_subquery()
        )
        stmt = select(func.count(), func.coalesce(func.sum(hits), 0)).select_from(listed)
    elif f.narrowed():
        # A filter over the history (closed, a match kind, a commune): one pass joined,
        # cheaper than a probe per person when they are many.
        listed = select(Alert.record_id).where(*f.conditions()).distinct().scalar_subquery()
        stmt = select(func.count(func.distinct(Alert.record_id)), func.count()).where(
            Alert.record_id.in_(listed), *in_scope(f.communes)
        )
    else:
        # Everyone in the scope: their hits are the scope's, one pass and no join.
        stmt = select(func.count(func.distinct(Alert.record_id)), func.count()).where(
            *in_scope(f.communes)
        )
    people, hits = (await session.execute(stmt)).one()
    return people, int(hits)


async def people_page(
    session: AsyncSession,
    f: PeopleFilter,
    *,
    page_size: int,
    before: int | None = None,
    page: int = 1,
) -> list[tuple[uuid.UUID, int]]:
    """The registrations of one page with their place in the list (the seq of their newest
    passing hit), the newest first; `page_size + 1` rows when another page follows.
    After a cursor (`before`: the last place of the previous page) the page is the people
    placed below it, so alerts raised or moved meanwhile neither repeat a person nor skip
    one (a person hit again moves above the first page, where the live stream announces
    them); without it, `page` counts pages from the top (OFFSET: shifts when alerts
    arrive, and when the people of the page before leave the filter)."""
    stmt = newest_matching_hits(f).order_by(Alert.seq.desc()).limit(page_size + 1)
    if before is not None:
        stmt = stmt.where(Alert.seq < before)
    else:
        stmt = stmt.offset((page - 1) * page_size)
    return [(record_id, seq) for record_id, seq in await session.execute(stmt)]


async def people_per_commune(session: AsyncSession, f: PeopleFilter) -> list[tuple[int, int]]:
    """People per commune, whatever communes were chosen (the filter's choices)."""
    rows = await session.execute(
        select(Alert.commune_code, func.count(func.distinct(Alert.record_id)))
        .where(*f.base())
        .group_by(Alert.commune_code)
    )
    return [(commune, people) for commune, people in rows]


async def hits_with_entries(
    session: AsyncSession, record_ids: Sequence[uuid.UUID], communes: Sequence[int]
) -> list[tuple]:
    """The hits of these registrations in the scope, newest first, each with the reason,
    name, document and date of birth of the watchlist entry it matched."""
    return list(
        (
            await session.execute(
                select(
                    Alert,
                    WatchlistEntry.reason,
                    WatchlistEntry.full_name,
                    WatchlistEntry.document_number,
                    WatchlistEntry.date_of_birth,
                )
                .outerjoin(WatchlistEntry, WatchlistEntry.entry_id == Alert.entry_id)
                .where(Alert.record_id.in_(record_ids), *in_scope(communes))
                .order_by(Alert.seq.desc())
            )
        ).all()
    )


async def guest_records(
    session: AsyncSession, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, GuestRecord]:
    found = await session.scalars(select(GuestRecord).where(GuestRecord.record_id.in_(record_ids)))
    return {r.record_id: r for r in found.all()}


async def facilities(
    session: AsyncSession, facility_ids: set[uuid.UUID]
) -> dict[uuid.UUID, FacilityFact]:
    found = await session.scalars(
        select(FacilityFact).where(FacilityFact.facility_id.in_(facility_ids))
    )
    return {f.facility_id: f for f in found.all()}


async def person_hits_for_update(
    session: AsyncSession, record_id: uuid.UUID, communes: Sequence[int]
) -> Sequence[Alert]:
    """The hits of one registration in the scope, oldest first, locked."""
    return (
        await session.scalars(
            select(Alert)
            .where(Alert.record_id == record_id, *in_scope(communes))
            .order_by(Alert.seq)
            .with_for_update()
        )
    ).all()


async def one_for_update(
    session: AsyncSession, alert_id: uuid.UUID, communes: Sequence[int]
) -> Alert | None:
    """One alert, locked; None when there is none or it is outside the scope."""
    alert = await session.get(Alert, alert_id, with_for_update=True)
    if alert is None or (communes and alert.commune_code not in communes):
        return None
    return alert


async def last_seq(session: AsyncSession) -> int:
    """The stream position of the newest alert (0 when there is none)."""
    return (await session.scalar(select(Alert.seq).order_by(Alert.seq.desc()).limit(1))) or 0


async def after(
    session: AsyncSession, seq: int, communes: Sequence[int], *, limit: int = 100
) -> Sequence[Alert]:
    """Alerts in the scope after stream position `seq`, in order."""
    stmt = (
        select(Alert).where(Alert.seq > seq, *in_scope(communes)).order_by(Alert.seq).limit(limit)
    )
    return (await session.scalars(stmt)).all()
