"""The stays table's write path, shared by every way a guest arrives (a check-in, a batch, an
upload chunk), and the counts the rules need. They speak asyncpg directly, inside the caller's
transaction (luutru_common.db.transaction, or `raw_connection` under an ORM unit of work):
one statement per chunk instead of one per guest is what makes thousands of guests a second,
and no ORM on a single check-in is what makes hundreds a second.

The inserts take no conflict target: a natural key already there makes the guest a
duplicate, and a receipt number drawn twice (unique too) leaves the row out for
core.registration to draw again — either way the row is simply not in RETURNING.
"""

from __future__ import annotations

import functools
import json
import operator
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.db import Compiled, jsonb_text
from luutru_common.outbox import OUTBOX_COLUMNS, TRACE_COLUMN, OutboxRow, notify_channel
from luutru_common.tracing import current_traceparent
from luutru_ingest.core.stay import COLUMNS
from luutru_ingest.models import SCHEMA, FacilityView, Stay

_cols = ", ".join(COLUMNS)
# A row's COPY record: its values in column order, the warnings (the one jsonb column) as
# text. Read by itemgetter (in C): a generator over the columns took 4.7 µs a guest.
_WARNINGS = list(COLUMNS).index("warnings")
_BEFORE_WARNINGS = operator.itemgetter(*list(COLUMNS)[:_WARNINGS])
_AFTER_WARNINGS = operator.itemgetter(*list(COLUMNS)[_WARNINGS + 1 :])
assert [c for c, t in COLUMNS.items() if t == "jsonb"] == ["warnings"]
# jsonb travels as text (asyncpg has no default jsonb[] codec) and is cast in the SELECT.
_select = ", ".join(f"{c}::jsonb" if t == "jsonb" else c for c, t in COLUMNS.items())
SELECT_BY_NATURAL_KEYS = (
    f"SELECT s.* FROM {SCHEMA}.stays s JOIN unnest($2::text[], $3::date[]) AS k(doc, day) "
    "ON s.document_number = k.doc AND s.check_in_date = k.day WHERE s.facility_id = $1"
)

# Rows arrive by binary COPY into a per-connection temporary table, then move with one
# INSERT … ON CONFLICT: COPY is the cheapest way in, and the natural key still decides.
CREATE_STAGING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS stays_in "
    f"(LIKE {SCHEMA}.stays INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
)
MOVE_STAGED = (
    f"INSERT INTO {SCHEMA}.stays ({_cols}) SELECT {_cols} FROM stays_in "
    "ON CONFLICT DO NOTHING RETURNING id"
)

_OUTBOX_ARRAYS = (
    "unnest(CAST(:oe AS uuid[]), CAST(:os AS uuid[]), CAST(:ot AS text[]), CAST(:ok AS text[]), "
    "CAST(:oet AS text[]), CAST(:op AS text[]), CAST(:oc AS text[])) AS x(e, sid, t, k, et, p, c)"
)
_STAY_ARRAYS = ", ".join(
    f"CAST(:s{i} AS {'text' if t == 'jsonb' else t}[])" for i, t in enumerate(COLUMNS.values())
)
# A few guests (a single check-in): stays, their events and the relay's wake-up in one round
# trip. An event is written only for a stay the statement actually inserted. `wake` false:
# no NOTIFY in the transaction, the caller wakes the relay after its commit (RelayWakeup).
INSERT_SMALL = text(
    f"WITH s AS (INSERT INTO {SCHEMA}.stays ({_cols}) "
    f"SELECT {_select} FROM unnest({_STAY_ARRAYS}) AS t({_cols}) "
    "ON CONFLICT DO NOTHING RETURNING id), "
    f"o AS (INSERT INTO {SCHEMA}.outbox ({', '.join(OUTBOX_COLUMNS)}, {TRACE_COLUMN}) "
    f"SELECT e, t, k, et, p, c, CAST(:otp AS text) FROM {_OUTBOX_ARRAYS} "
    "WHERE x.sid IN (SELECT id FROM s) RETURNING 1) "
    f"SELECT s.id, CASE WHEN CAST(:wake AS boolean) THEN pg_notify('{notify_channel(SCHEMA)}', '') "
    "END FROM s"
)
_INSERT_SMALL = Compiled(INSERT_SMALL)


async def facility(session: AsyncSession, facility_id: uuid.UUID) -> FacilityView | None:
    return await session.get(FacilityView, facility_id)


_FACILITY = Compiled(
    select(*FacilityView.__table__.columns).where(FacilityView.id == bindparam("id"))
)


async def facility_outside_session(
    db: asyncpg.Pool | asyncpg.Connection, facility_id: uuid.UUID
) -> FacilityView | None:
    """`facility` in one statement without an ORM session, detached: what a request checks
    before its transaction. From thousands of facilities nearly every check-in reads its
    facility again (the copy lives seconds), and a session's checkout, BEGIN, identity map
    and ROLLBACK around that one row cost more CPU than the check-in's own insert."""
    row = await db.fetchrow(_FACILITY.sql, *_FACILITY.args(id=facility_id))
    return None if row is None else FacilityView(**dict(row))


async def insert_stays(conn: asyncpg.Connection, rows: list[dict]) -> set[uuid.UUID]:
    """Insert the rows whose natural key is new; returns the ids created.

    A list seen for the first time (the usual case) goes straight into the table by COPY, in
    a savepoint: PostgreSQL writes each row once. A key already there (a retry, a guest sent
    twice) or a receipt number drawn twice fails that COPY; the savepoint undoes it and the
    rows go through the staging table, where the natural key decides row by row."""
    if not rows:
        return set()
    records = [(*_BEFORE_WARNINGS(r), jsonb_text(r["warnings"]), *_AFTER_WARNINGS(r)) for r in rows]
    await conn.execute("SAVEPOINT stays_copy")
    try:
        await conn.copy_records_to_table(
            "stays", schema_name=SCHEMA, records=records, columns=list(COLUMNS)
        )
    except asyncpg.UniqueViolationError:
        await conn.execute("ROLLBACK TO SAVEPOINT stays_copy")
    else:
        await conn.execute("RELEASE SAVEPOINT stays_copy")
        return {r["id"] for r in rows}
    await conn.execute(CREATE_STAGING)
    # Empty already unless a caller stages twice in one transaction. DELETE, not TRUNCATE:
    # TRUNCATE gives the table a new file each time (0.7 ms quiet, 14 ms a batch under load).
    await conn.execute("DELETE FROM stays_in")
    await conn.copy_records_to_table("stays_in", records=records, columns=list(COLUMNS))
    return {r["id"] for r in await conn.fetch(MOVE_STAGED)}


async def insert_small(
    conn: asyncpg.Connection,
    rows: list[dict],
    events: list[tuple[uuid.UUID, OutboxRow]],
    *,
    wake: bool = True,
) -> set[uuid.UUID]:
    """Insert new stays and, for those inserted, their events; returns the ids created.

    events: (stay_id, outbox row) pairs. wake: NOTIFY the relay in this transaction.
    """
    params: dict = {}
    for i, (c, t) in enumerate(COLUMNS.items()):
        params[f"s{i}"] = [
            json.dumps(row[c], ensure_ascii=False) if t == "jsonb" else row[c] for row in rows
        ]
    outbox_rows = [row for _, row in events]
    for key, n in (("oe", 0), ("ot", 1), ("ok", 2), ("oet", 3), ("op", 4), ("oc", 5)):
        params[key] = [row[n] for row in outbox_rows]
    params["os"] = [stay_id for stay_id, _ in events]
    params["otp"] = current_traceparent()
    params["wake"] = wake
    return {r[0] for r in await conn.fetch(_INSERT_SMALL.sql, *_INSERT_SMALL.args(**params))}


async def by_natural_keys(
    conn: asyncpg.Connection, facility_id: uuid.UUID, keys: list[tuple[str, date]]
) -> dict[tuple[str, date], asyncpg.Record]:
    """The stored stays of the facility with these (document number, arrival day) keys."""
    if not keys:
        return {}
    rows = await conn.fetch(
        SELECT_BY_NATURAL_KEYS, facility_id, [k[0] for k in keys], [k[1] for k in keys]
    )
    return {(r["document_number"], r["check_in_date"]): r for r in rows}


def held_on(day: date, timezone: str):
    """Held on ``day`` (local time): arrived by then and not gone before it. A guest never
    checked out is held up to today even past the expected check-out: that overstayer is the
    one the facility must see to check out (and who fills a bed); only days to come trust the
    expected date. One definition for the reconcile list and the over-capacity warning."""
    local_out = func.timezone(timezone, Stay.check_out_at).cast(Date)
    today = func.timezone(timezone, func.now()).cast(Date)
    return and_(
        Stay.check_in_date <= day,
        or_(
            and_(Stay.check_out_at.is_not(None), local_out >= day),
            and_(
                Stay.check_out_at.is_(None),
                or_(
                    Stay.expected_check_out.is_(None),
                    Stay.expected_check_out >= day,
                    today >= day,
                ),
            ),
        ),
    )


async def in_house_count(
    conn: asyncpg.Connection,
    facility_id: uuid.UUID,
    day: date,
    *,
    timezone: str,
    at_most: int | None = None,
) -> int:
    """Guests held on ``day``, voided records aside; counted no further than ``at_most``.

    The over-capacity warning needs the count only up to the declared beds: past them every
    new guest is over. It reads only stays that can be in the house — those still open and
    those checked out since the day began — never the facility's history, which grows with
    every year (bench/README.md, "the in-house count reads only what can be in the house")."""
    query = _in_house_count_query(timezone)
    args = query.args(facility_id=facility_id, at_most=at_most, **in_house_values(day, timezone))
    return int(await conn.fetchval(query.sql, *args) or 0)


# Written as SQL literals, not parameters: a generic plan uses a partial index only when the
# statement's own conditions imply the index's predicate (migration 0012).
_NOT_VOIDED = Stay.status != literal_column("'voided'")
_A_DAY = timedelta(days=1)


def still_open():
    """Never checked out nor voided: the stays of ix_stays_open."""
    return and_(Stay.check_out_at.is_(None), _NOT_VOIDED)


def checked_out_since(since, *, voided_too: bool = False):
    """Checked out (not voided, unless ``voided_too``) at ``since`` or later: a range of
    ix_stays_checked_out."""
    since_then = and_(Stay.check_out_at.is_not(None), Stay.check_out_at >= since)
    return since_then if voided_too else and_(since_then, _NOT_VOIDED)


def voided_open():
    """Voided and never checked out: the stays of ix_stays_voided_open (0013)."""
    return and_(Stay.check_out_at.is_(None), Stay.status == literal_column("'voided'"))


def in_house_parts(timezone: str, *, voided_too: bool = False) -> tuple:
    """Held on the day (bind parameter "day"), as parts that never overlap, each a range of
    its own partial index: still open, or checked out since the day began (bind parameter
    "since", from `in_house_values`) — what the facility's count and the per-room count
    (core.rooms) read, instead of every stay up to the day. ``voided_too`` (the in-house
    list, which shows what the facility cancelled with its status): voided records as well,
    those never checked out being a third part."""
    held = held_on(bindparam("day", type_=Date), timezone)
    since = bindparam("since", type_=DateTime(timezone=True))
    parts = (
        and_(still_open(), held),
        and_(checked_out_since(since, voided_too=voided_too), held),
    )
    return (*parts, and_(voided_open(), held)) if voided_too else parts


def in_house_union(column, facility_id, timezone: str, *narrower, voided_too: bool = False):
    """``column`` of a facility's stays held on the day (bind parameters of
    `in_house_values`), ``narrower`` conditions added: a union of `in_house_parts`, each a
    range of its own index — the stays that can be in the house, never the history."""
    return union_all(
        *(
            select(column).where(Stay.facility_id == facility_id, part, *narrower)
            for part in in_house_parts(timezone, voided_too=voided_too)
        )
    )


def in_house_values(day: date, timezone: str) -> dict:
    """The parameters of `in_house_parts`. "since" is a moment, not an expression of the
    day, so that the planner sees how recent it is (a day's check-outs, not a default
    third of them): held_on's `timezone(…)::date >= day` is no range of an index at all. It
    is a day early because a local midnight is not always one moment (where the clocks go
    back or jump at it); held_on, beside it, keeps the count exact."""
    return {"day": day, "since": datetime.combine(day - _A_DAY, time(0), ZoneInfo(timezone))}


@functools.cache
def _in_house_count_query(timezone: str) -> Compiled:
    # Compiled once per time zone, with the facility and the day as parameters: building
    # this expression anew took more CPU than the rest of a single check-in's statements.
    #
    # Each part is counted no further than the beds, and their sum no further than the
    # beds either. LIMIT NULL is no limit, and least() passes over a NULL.
    #
    # Each part in the order of its index, so that its plan is that index read and stopped
    # at the beds. Without an order, once the statistics saw thousands of open stays a LIMIT
    # looked cheap to fill from a sequential scan of the whole table (bench/README.md, "the
    # stall after an autoanalyze"); with one, any other plan must sort them all first.
    at_most = bindparam("at_most", type_=Integer)

    def counted(part, order):
        held = (
            select(literal_column("1"))
            .where(Stay.facility_id == bindparam("facility_id"), part)
            .order_by(order)
            .limit(at_most)
            .subquery()
        )
        return select(func.count()).select_from(held).scalar_subquery()

    open_, checked_out = in_house_parts(timezone)
    total = counted(open_, Stay.check_in_date.desc()) + counted(
        checked_out, Stay.check_out_at.desc()
    )
    return Compiled(select(func.least(total, at_most)))
