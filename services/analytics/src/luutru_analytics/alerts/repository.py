"""Queries over the alerts of watchlist hits. `communes` is the reader's scope (commune
police: theirs; empty = all); every statement is bounded by it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import Alert, FacilityFact, GuestRecord, WatchlistEntry


def in_scope(communes: Sequence[int]) -> list[ColumnElement[bool]]:
    """The condition of the reader's scope (none when it is every commune)."""
    return [Alert.commune_code.in_(communes)] if communes else []


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

    def base(self) -> list[ColumnElement[bool]]:
        """The scope and the status and match-kind filters (the commune counts use these)."""
        where = in_scope(self.communes)
        if self.status:
            where.append(Alert.status == self.status)
        if self.match_kind:
            where.append(Alert.match_kind == self.match_kind)
        return where

    def conditions(self) -> list[ColumnElement[bool]]:
        where = self.base()
        if self.chosen_communes:
            where.append(Alert.commune_code.in_(self.chosen_communes))
        return where


async def people_totals(session: AsyncSession, f: PeopleFilter) -> tuple[int, int]:
    """The people listed and all their hits in the scope."""
    listed = select(Alert.record_id).where(*f.conditions()).distinct().scalar_subquery()
    people, hits = (
        await session.execute(
            select(func.count(func.distinct(Alert.record_id)), func.count()).where(
                Alert.record_id.in_(listed), *in_scope(f.communes)
            )
        )
    ).one()
    return people, hits


async def people_page(
    session: AsyncSession, f: PeopleFilter, *, page: int, page_size: int
) -> list[uuid.UUID]:
    """The registrations of one page, the one with the newest matching hit first."""
    return list(
        (
            await session.scalars(
                select(Alert.record_id)
                .where(*f.conditions())
                .group_by(Alert.record_id)
                .order_by(func.max(Alert.seq).desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
        ).all()
    )


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
