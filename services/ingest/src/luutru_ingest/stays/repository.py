"""All stay queries. The bulk paths speak asyncpg directly (arrays through `unnest`): one
statement per chunk instead of one per guest is what makes thousands of guests a second."""

from __future__ import annotations

import functools
import json
import uuid
from datetime import date

import asyncpg
from sqlalchemy import Date, and_, bindparam, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.db import Compiled, driver_connection
from luutru_common.identity import name_match_key
from luutru_ingest import receipt_numbers
from luutru_ingest.models import FacilityView, Stay

# Column → PostgreSQL array type, in insert order.
# The inserts below take no conflict target: a natural key already there makes the guest a
# duplicate, and a receipt number drawn twice (unique too) leaves the row out for
# service.register to draw again — either way the row is simply not in RETURNING.
STAY_COLUMNS: dict[str, str] = {
    "id": "uuid",
    "facility_id": "uuid",
    "document_type": "text",
    "document_number": "text",
    "full_name": "text",
    "name_key": "text",
    "date_of_birth": "date",
    "gender": "text",
    "nationality": "text",
    "country_of_residence": "text",
    "room": "text",
    "reason": "text",
    "check_in_at": "timestamptz",
    "check_in_date": "date",
    "expected_check_out": "date",
    "received_at": "timestamptz",
    "due_at": "timestamptz",
    "late_minutes": "int",
    "status": "text",
    "warnings": "jsonb",
    "legacy_id_number": "text",
    "visa_type": "text",
    "visa_number": "text",
    "entry_date": "date",
    "entry_port": "text",
    "accompanying_adult_document": "text",
    "relationship": "text",
    "unaccompanied_minor": "bool",
    "source": "text",
    "version": "int",
    "upload_id": "uuid",
    "receipt_number": "text",
}

_cols = list(STAY_COLUMNS)
# jsonb travels as text (asyncpg has no default jsonb[] codec) and is cast in the SELECT.
_params = ", ".join(
    f"${i}::{'text' if t == 'jsonb' else t}[]" for i, t in enumerate(STAY_COLUMNS.values(), 1)
)
_select = ", ".join(f"{c}::jsonb" if t == "jsonb" else c for c, t in STAY_COLUMNS.items())
INSERT_STAYS = (
    f"INSERT INTO ingest.stays ({', '.join(_cols)}) "
    f"SELECT {_select} FROM unnest({_params}) AS t({', '.join(_cols)}) "
    "ON CONFLICT DO NOTHING RETURNING id"
)
SELECT_BY_NATURAL_KEYS = (
    "SELECT s.* FROM ingest.stays s JOIN unnest($2::text[], $3::date[]) AS k(doc, day) "
    "ON s.document_number = k.doc AND s.check_in_date = k.day WHERE s.facility_id = $1"
)
INSERT_OUTBOX = (
    "INSERT INTO ingest.outbox (event_id, topic, key, event_type, payload, correlation_id) "
    "SELECT e, t, k, et, p::jsonb, c FROM unnest($1::uuid[], $2::text[], $3::text[], "
    "$4::text[], $5::text[], $6::text[]) AS x(e, t, k, et, p, c)"
)


def jsonb_text(value) -> str:
    # Most records carry no warnings: skip the encoder for the empty list.
    return "[]" if not value else json.dumps(value, ensure_ascii=False)


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session, inside the session's transaction."""
    return await driver_connection(session)


async def facility(session: AsyncSession, facility_id: uuid.UUID) -> FacilityView | None:
    return await session.get(FacilityView, facility_id)


# Rows arrive by binary COPY into a per-connection temporary table, then move with one
# INSERT … ON CONFLICT: COPY is the cheapest way in, and the natural key still decides.
CREATE_STAGING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS stays_in "
    "(LIKE ingest.stays INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
)
MOVE_STAGED = (
    f"INSERT INTO ingest.stays ({', '.join(_cols)}) SELECT {', '.join(_cols)} FROM stays_in "
    "ON CONFLICT DO NOTHING RETURNING id"
)


async def insert_stays(session: AsyncSession, rows: list[dict]) -> set[uuid.UUID]:
    """Insert the rows whose natural key is new; returns the ids created."""
    if not rows:
        return set()
    conn = await driver(session)
    await conn.execute(CREATE_STAGING)
    await conn.execute("TRUNCATE stays_in")
    records = [
        tuple(jsonb_text(row[c]) if t == "jsonb" else row[c] for c, t in STAY_COLUMNS.items())
        for row in rows
    ]
    await conn.copy_records_to_table("stays_in", records=records, columns=_cols)
    return {r["id"] for r in await conn.fetch(MOVE_STAGED)}


_OUTBOX_ARRAYS = (
    "unnest(CAST(:oe AS uuid[]), CAST(:os AS uuid[]), CAST(:ot AS text[]), CAST(:ok AS text[]), "
    "CAST(:oet AS text[]), CAST(:op AS text[]), CAST(:oc AS text[])) AS x(e, sid, t, k, et, p, c)"
)
_STAY_ARRAYS = ", ".join(
    f"CAST(:s{i} AS {'text' if t == 'jsonb' else t}[])" for i, t in enumerate(STAY_COLUMNS.values())
)
# A few guests (a single check-in): stays, their events and the relay's wake-up in one round
# trip. An event is written only for a stay the statement actually inserted.
INSERT_SMALL = text(
    f"WITH s AS (INSERT INTO ingest.stays ({', '.join(_cols)}) "
    f"SELECT {_select} FROM unnest({_STAY_ARRAYS}) AS t({', '.join(_cols)}) "
    "ON CONFLICT DO NOTHING RETURNING id), "
    "o AS (INSERT INTO ingest.outbox (event_id, topic, key, event_type, payload, correlation_id) "
    f"SELECT e, t, k, et, CAST(p AS jsonb), c FROM {_OUTBOX_ARRAYS} "
    "WHERE x.sid IN (SELECT id FROM s) RETURNING 1) "
    "SELECT s.id, pg_notify('ingest_outbox', '') FROM s"
)


async def insert_small(
    session: AsyncSession, rows: list[dict], events: list[tuple[uuid.UUID, tuple]]
) -> set[uuid.UUID]:
    """Insert new stays and, for those inserted, their events; returns the ids created.

    events: (stay_id, outbox row) pairs.
    """
    params: dict = {}
    for i, (c, t) in enumerate(STAY_COLUMNS.items()):
        params[f"s{i}"] = [
            json.dumps(row[c], ensure_ascii=False) if t == "jsonb" else row[c] for row in rows
        ]
    outbox_rows = [row for _, row in events]
    for key, n in (("oe", 0), ("ot", 1), ("ok", 2), ("oet", 3), ("op", 4), ("oc", 5)):
        params[key] = [row[n] for row in outbox_rows]
    params["os"] = [stay_id for stay_id, _ in events]
    conn = await driver(session)
    return {r[0] for r in await conn.fetch(_INSERT_SMALL.sql, *_INSERT_SMALL.args(**params))}


_INSERT_SMALL = Compiled(INSERT_SMALL)


async def by_natural_keys(
    session: AsyncSession, facility_id: uuid.UUID, keys: list[tuple[str, date]]
) -> dict[tuple[str, date], asyncpg.Record]:
    if not keys:
        return {}
    conn = await driver(session)
    rows = await conn.fetch(
        SELECT_BY_NATURAL_KEYS, facility_id, [k[0] for k in keys], [k[1] for k in keys]
    )
    return {(r["document_number"], r["check_in_date"]): r for r in rows}


async def insert_outbox(session: AsyncSession, rows: list[tuple]) -> None:
    """rows: (event_id, topic, key, event_type, payload_json, correlation_id)."""
    if not rows:
        return
    conn = await driver(session)
    if len(rows) < 20:
        await conn.execute(INSERT_OUTBOX, *[list(col) for col in zip(*rows, strict=True)])
    else:
        await conn.copy_records_to_table(
            "outbox",
            schema_name="ingest",
            records=rows,
            columns=["event_id", "topic", "key", "event_type", "payload", "correlation_id"],
        )
    await conn.execute("SELECT pg_notify('ingest_outbox', '')")


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


@functools.cache
def _in_house_count_query(timezone: str) -> Compiled:
    # Compiled once per time zone, with the facility and the day as parameters: building
    # this expression anew took more CPU than the rest of a single check-in's statements.
    return Compiled(
        select(func.count()).where(
            Stay.facility_id == bindparam("facility_id"),
            Stay.status != "voided",
            held_on(bindparam("day", type_=Date), timezone),
        )
    )


async def in_house_count(
    session: AsyncSession, facility_id: uuid.UUID, day: date, *, timezone: str
) -> int:
    """Guests held on ``day``, voided records aside."""
    query = _in_house_count_query(timezone)
    conn = await driver(session)
    return int(await conn.fetchval(query.sql, *query.args(facility_id=facility_id, day=day)) or 0)


async def stay_for_update(
    session: AsyncSession, facility_id: uuid.UUID, stay_id: uuid.UUID
) -> Stay | None:
    return await session.scalar(
        select(Stay).where(Stay.id == stay_id, Stay.facility_id == facility_id).with_for_update()
    )


async def stay(session: AsyncSession, facility_id: uuid.UUID, stay_id: uuid.UUID) -> Stay | None:
    return await session.scalar(
        select(Stay).where(Stay.id == stay_id, Stay.facility_id == facility_id)
    )


async def stay_by_number(session: AsyncSession, facility_id: uuid.UUID, number: str) -> Stay | None:
    return await session.scalar(
        select(Stay).where(Stay.receipt_number == number, Stay.facility_id == facility_id)
    )


def matching(text_query: str):
    """A name (any accents, any part of it), a room, or a receipt number (as typed)."""
    number = receipt_numbers.normalize(text_query)
    folded = name_match_key(text_query)
    conditions = [func.lower(Stay.room) == text_query.strip().lower()]
    if folded:
        escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Stay.name_key.like(f"%{escaped}%"))
    if number is not None:
        conditions.append(Stay.receipt_number == number)
    return or_(*conditions)


async def stays_on(
    session: AsyncSession,
    facility_id: uuid.UUID,
    day: date,
    *,
    after: uuid.UUID | None,
    limit: int,
    in_house: bool = False,
    timezone: str = "Asia/Ho_Chi_Minh",
    text_query: str | None = None,
) -> list[Stay]:
    query = select(Stay).where(Stay.facility_id == facility_id)
    if text_query and text_query.strip():
        query = query.where(matching(text_query))
    if in_house:
        # Voided records included, with their status, so the facility sees what it cancelled.
        query = query.where(held_on(day, timezone))
    else:
        query = query.where(Stay.check_in_date == day)
    if after is not None:
        query = query.where(Stay.id > after)
    return list((await session.scalars(query.order_by(Stay.id).limit(limit))).all())
