"""A service's own view of the facility registry, projected from facility.v1.

The topic is compacted and every facility event carries the whole facility as it is after
the change, so a projection is one upsert: the newest event by `occurred_at` replaces the
row, and an older event replayed after a newer one changes nothing. Each service keeps the
columns it needs in a table of its own schema; this is the one statement they share, and the
column declarations of the facility.v1 fields (`FacilityCore`, `FacilityAttributes`) are
written here once for the registry itself (accounts) and the views of it (ingest, analytics).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, Table, Text, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from luutru_common.consumer import Handler
from luutru_common.events import (
    Envelope,
    FacilityClosed,
    FacilityEvent,
    FacilityRegistered,
    FacilityReinstated,
    FacilitySuspended,
    FacilityUpdated,
)

FACILITY_EVENTS = (
    FacilityRegistered,
    FacilityUpdated,
    FacilitySuspended,
    FacilityReinstated,
    FacilityClosed,
)


class FacilityCore:
    """Declarative mixin: the facility.v1 fields every copy of the registry keeps, each in
    the column of its name. A table that constrains one (accounts: unique code, indexed
    type) declares that column again in its own class."""

    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    facility_type: Mapped[str] = mapped_column(Text)
    province_code: Mapped[int] = mapped_column(Integer)
    commune_code: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text)


class FacilityAttributes:
    """Declarative mixin: the optional facility.v1 fields that describe the place — stars,
    address, zone and size (the registry's and analytics' copies; ingest needs beds only)."""

    star_rating: Mapped[int | None] = mapped_column(Integer)
    street: Mapped[str | None] = mapped_column(Text)
    zone: Mapped[str | None] = mapped_column(Text)
    rooms: Mapped[int | None] = mapped_column(Integer)
    beds: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int | None] = mapped_column(Integer)


async def upsert_facility(
    session: AsyncSession,
    table: Table,
    event: FacilityEvent,
    envelope: Envelope,
    *,
    columns: Sequence[str],
    key: str = "facility_id",
    as_of: str = "as_of",
    first_seen: str | None = None,
) -> None:
    """Store `event` in `table` (schema-qualified by its MetaData).

    `columns` are fields of the event, each kept in the column of the same name; `key` is
    the column holding the facility id; `as_of` the column holding the `occurred_at` of the
    event the row reflects (the guard against older events); `first_seen`, if given, a
    column that keeps the earliest `occurred_at` seen (when the facility was registered).
    """
    values = {key: event.facility_id, **{c: getattr(event, c) for c in columns}}
    values[as_of] = envelope.occurred_at
    if first_seen is not None:
        values[first_seen] = envelope.occurred_at
    stmt = insert(table).values(values)
    changed = {c: stmt.excluded[c] for c in values if c not in (key, first_seen)}
    if first_seen is not None:
        changed[first_seen] = func.least(table.c[first_seen], stmt.excluded[first_seen])
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c[key]],
            set_=changed,
            where=table.c[as_of] <= stmt.excluded[as_of],
        )
    )


def facility_handlers(handler: Handler) -> dict[str, Handler]:
    """The same handler for every facility.v1 event type, keyed as the consumer runner wants."""
    return {cls.event_type: handler for cls in FACILITY_EVENTS}
