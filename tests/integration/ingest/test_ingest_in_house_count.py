"""The in-house count (core.store.in_house_count) on the real PostgreSQL: split into the stays
still open and those checked out since the day began, it counts exactly what held_on
defines — around local midnight too — and reads only what can be in the house, not the
facility's history."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, bindparam, func, select

from luutru_common.db import Compiled, asyncpg_dsn, make_engine, make_session_factory
from luutru_ingest.core import rooms, store
from luutru_ingest.models import Stay
from luutru_ingest.rooms import board
from luutru_ingest.stays import repository

ZONE = "Asia/Ho_Chi_Minh"  # UTC+7: local midnight is 17:00 UTC the day before
VN = ZoneInfo(ZONE)

_INSERT = """
INSERT INTO ingest.stays (id, facility_id, document_type, document_number, full_name, name_key,
    date_of_birth, gender, nationality, country_of_residence, check_in_at, check_in_date,
    expected_check_out, due_at, late_minutes, status, warnings, check_out_at, receipt_number,
    room_id)
SELECT gen_random_uuid(), $1, 'passport', 'COUNT-' || gen_random_uuid(), 'Khách', 'KHACH',
    date '1990-01-01', 'male', 'VNM', 'VNM', a, timezone($2, a)::date, e, a, 0, s, '[]',
    o, 'COUNT-' || gen_random_uuid(), $7
FROM unnest($3::timestamptz[], $4::date[], $5::text[], $6::timestamptz[]) AS t(a, e, s, o)
"""


@pytest.fixture
async def conn(test_database):
    connection = await asyncpg.connect(asyncpg_dsn(test_database))
    yield connection
    await connection.close()


def today() -> date:
    return datetime.now(VN).date()


def local(day: date, at: time = time(14)) -> datetime:
    return datetime.combine(day, at, VN)


async def add_stays(conn, facility_id: uuid.UUID, stays: list[tuple], room_id=None) -> None:
    """(arrival, expected check-out, status, check-out) per stay, all in ``room_id``."""
    columns = list(zip(*stays, strict=True)) if stays else [[], [], [], []]
    await conn.execute(_INSERT, facility_id, ZONE, *map(list, columns), room_id)


def definition(*narrower) -> Compiled:
    """The count as held_on defines it, read however the planner likes: the yardstick."""
    return Compiled(
        select(func.count()).where(
            Stay.facility_id == bindparam("facility_id"),
            Stay.status != "voided",
            store.held_on(bindparam("day", type_=Date), ZONE),
            *narrower,
        )
    )


@pytest.fixture(scope="module")
def by_definition() -> Compiled:
    return definition()


async def assert_same_count(conn, facility_id, day: date, by_definition, at_most=None) -> None:
    expected = await conn.fetchval(
        by_definition.sql, *by_definition.args(facility_id=facility_id, day=day)
    )
    if at_most is not None:
        expected = min(expected, at_most)
    counted = await store.in_house_count(conn, facility_id, day, timezone=ZONE, at_most=at_most)
    assert counted == expected, (day, at_most)


def every_kind(now: date) -> list[tuple]:
    """One stay of each kind the count tells apart, around ``now`` (today)."""
    before, after = now - timedelta(days=1), now + timedelta(days=1)
    midnight = local(now, time(0))  # 17:00 UTC the day before
    second = timedelta(seconds=1)
    arrived = local(now - timedelta(days=5))
    return [
        # Open: no expected check-out, one past (an overstayer), today, one to come.
        (arrived, None, "checked_in", None),
        (arrived, before - timedelta(days=2), "checked_in", None),
        (arrived, now, "checked_in", None),
        (arrived, now + timedelta(days=3), "checked_in", None),
        # Arrived today, tomorrow (after the days before it), open.
        (local(now), after, "checked_in", None),
        (local(after), None, "checked_in", None),
        # Checked out: long ago, just before local midnight, at it, just after, later today.
        (arrived, None, "checked_out", local(now - timedelta(days=4))),
        (arrived, now, "checked_out", midnight - second),
        (arrived, now, "checked_out", midnight),
        (arrived, now, "checked_out", midnight + second),
        (arrived, after, "checked_out", local(now, time(11))),
        # ... and the same around tomorrow's local midnight (a day to come).
        (arrived, after, "checked_out", local(after, time(0)) - second),
        (arrived, after, "checked_out", local(after, time(0))),
        # Voided, open and after a check-out today: never counted.
        (arrived, None, "voided", None),
        (arrived, now, "voided", midnight + second),
    ]


async def test_the_split_count_is_held_on_around_local_midnight(conn, by_definition):
    now = today()
    facility_id = uuid.uuid4()
    await add_stays(conn, facility_id, every_kind(now))
    days = [now + timedelta(days=d) for d in (-6, -5, -4, -1, 0, 1, 2, 3, 4)]
    for day in days:
        for at_most in (None, 1, 3, 6, 100):
            await assert_same_count(conn, facility_id, day, by_definition, at_most)
    # Today: the four open, today's arrival, and five checked out from local midnight on.
    assert await store.in_house_count(conn, facility_id, now, timezone=ZONE) == 10


_offsets = st.integers(min_value=-4, max_value=3)
# Check-outs around local midnight (a second either side) or in the middle of a day.
_clock = st.sampled_from(
    [timedelta(seconds=-1), timedelta(0), timedelta(seconds=1), timedelta(hours=11)]
)
_stays = st.lists(
    st.tuples(
        _offsets,  # arrival, days from today
        st.none() | _offsets,  # expected check-out
        st.sampled_from(["checked_in", "checked_out", "voided"]),
        st.none() | st.tuples(_offsets, _clock),  # check-out: day, time from its midnight
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(stays=_stays, at_most=st.none() | st.integers(min_value=0, max_value=6))
async def test_any_history_counts_as_held_on_defines(conn, by_definition, stays, at_most):
    now = today()
    facility_id = uuid.uuid4()

    def day(offset: int) -> date:
        return now + timedelta(days=offset)

    rows = [
        (
            local(day(arrival)),
            None if expected is None else day(expected),
            status,
            None if out is None else local(day(out[0]), time(0)) + out[1],
        )
        for arrival, expected, status, out in stays
    ]
    await add_stays(conn, facility_id, rows)
    for offset in range(-5, 5):
        await assert_same_count(conn, facility_id, day(offset), by_definition, at_most)


def a_year_gone(now: date, n: int = 3000) -> list[tuple]:
    """``n`` stays checked out over the past year (each the day after its arrival, the last
    two days ago): a history that can no longer be in the house."""
    return [
        (
            local(now - timedelta(days=3 + i % 360)),
            None,
            "checked_out",
            local(now - timedelta(days=2 + i % 360), time(11)),
        )
        for i in range(n)
    ]


def four_in_house(now: date) -> list[tuple]:
    return [(local(now - timedelta(days=i)), None, "checked_in", None) for i in range(4)]


async def plan_of(conn, sql: str, args: list) -> dict:
    """The executed plan (EXPLAIN ANALYZE) of ``sql`` with ``args``, as the session plans it."""
    explain = await conn.prepare(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
    return json.loads(await explain.fetchval(*args))[0]["Plan"]


def rows_read(node: dict) -> int:
    """Index and table entries a plan's scans went through: those they returned and those
    their filters threw away (a bitmap scan's entries count twice: index, then table)."""
    read = 0
    if "Scan" in node["Node Type"]:
        read = node["Actual Rows"] * node.get("Actual Loops", 1)
        read += node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return read + sum(rows_read(child) for child in node.get("Plans", []))


async def test_the_count_reads_what_can_be_in_the_house_not_the_history(conn):
    """Three thousand stays checked out over the past year, four still in the house and two
    gone this morning: the count reads a handful of entries, not thousands — with the
    statistics of before the history arrived and with fresh ones, in either plan."""
    now = today()
    facility_id = uuid.uuid4()
    history, in_house = a_year_gone(now), four_in_house(now)
    gone = [(local(now - timedelta(days=1)), now, "checked_out", local(now, time(0, 30)))] * 2
    await add_stays(conn, facility_id, history + in_house + gone)
    query = store._in_house_count_query(ZONE)
    args = query.args(facility_id=facility_id, at_most=100, **store.in_house_values(now, ZONE))
    try:
        for analysed in (False, True):
            if analysed:
                await conn.execute("ANALYZE ingest.stays")
            for mode in ("force_custom_plan", "force_generic_plan"):
                await conn.execute(f"SET plan_cache_mode = {mode}")
                plan = await plan_of(conn, query.sql, args)
                assert rows_read(plan) < 20, (analysed, mode, plan)
    finally:
        await conn.execute("RESET plan_cache_mode")
        # Other tests' plans are theirs: the history goes.
        await conn.execute("DELETE FROM ingest.stays WHERE facility_id = $1", facility_id)


async def test_a_room_counts_as_held_on_defines_and_reads_its_facility_only(conn):
    """The per-room count (core.rooms.held_in_rooms) reads the same two parts, narrowed to
    the rooms: each room's count is the facility's definition for that room alone, and a
    long history in another room of the facility is not read."""
    now = today()
    facility_id = uuid.uuid4()
    room, other, busy = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await add_stays(conn, facility_id, every_kind(now), room_id=room)
    await add_stays(conn, facility_id, every_kind(now)[:3], room_id=other)
    await add_stays(conn, facility_id, a_year_gone(now), room_id=busy)
    in_room = definition(Stay.room_id == bindparam("room_id"))
    try:
        for offset in (-5, -1, 0, 1, 3):
            day = now + timedelta(days=offset)
            held = await rooms.held_in_rooms(conn, facility_id, [room, other], day, timezone=ZONE)
            for room_id in (room, other):
                expected = await conn.fetchval(
                    in_room.sql, *in_room.args(facility_id=facility_id, day=day, room_id=room_id)
                )
                assert held.get(room_id, 0) == expected, (day, room_id)
        await conn.execute("ANALYZE ingest.stays")
        query = rooms._held_in_rooms_query(ZONE)
        values = store.in_house_values(now, ZONE)
        args = query.args(facility_id=facility_id, room_ids=[room, busy], **values)
        for mode in ("force_custom_plan", "force_generic_plan"):
            await conn.execute(f"SET plan_cache_mode = {mode}")
            plan = await plan_of(conn, query.sql, args)
            # The few stays of the facility besides the history (18), not its 3,000.
            assert rows_read(plan) < 100, (mode, plan)
    finally:
        await conn.execute("RESET plan_cache_mode")
        await conn.execute("DELETE FROM ingest.stays WHERE facility_id = $1", facility_id)


async def test_the_board_reads_the_open_stays_not_the_history(conn):
    """The room board's guests in house now (rooms.board): the facility's open stays only."""
    now = today()
    facility_id = uuid.uuid4()
    in_house = four_in_house(now)
    await add_stays(conn, facility_id, a_year_gone(now) + in_house)
    sql = str(board._IN_HOUSE).replace(":f", "$1")
    try:
        await conn.execute("ANALYZE ingest.stays")
        plan = await plan_of(conn, sql, [facility_id])
        # The four (twice over in a bitmap scan), not the 3,000.
        assert rows_read(plan) <= 2 * len(in_house), plan
    finally:
        await conn.execute("DELETE FROM ingest.stays WHERE facility_id = $1", facility_id)


@pytest.fixture
async def session(test_database):
    engine = make_engine(test_database, pool_size=1)
    async with make_session_factory(engine)() as s:
        yield s
    await engine.dispose()


def with_voided(now: date) -> list[tuple]:
    """`every_kind`, and the voided records the in-house list shows with their status."""
    arrived = local(now - timedelta(days=5))
    return [
        *every_kind(now),
        (arrived, now - timedelta(days=3), "voided", None),  # expected gone, never checked out
        (arrived, now + timedelta(days=2), "voided", None),
        (local(now + timedelta(days=1)), None, "voided", None),  # arriving tomorrow
        (arrived, now, "voided", local(now, time(0)) - timedelta(seconds=1)),  # out yesterday
    ]


async def test_the_in_house_list_is_held_on_voided_records_included(conn, session):
    """The list's three index-backed parts (stays.repository `_held_page`) page through
    exactly the stays held_on defines, voided ones included, in id order, on days around
    today; a text query narrows every part."""
    now = today()
    facility_id = uuid.uuid4()
    await add_stays(conn, facility_id, with_voided(now))
    defined = Compiled(
        select(Stay.id)
        .where(Stay.facility_id == bindparam("f"), store.held_on(bindparam("day"), ZONE))
        .order_by(Stay.id)
    )
    for offset in (-6, -5, -1, 0, 1, 2, 3):
        day = now + timedelta(days=offset)
        expected = [
            r[0] for r in await conn.fetch(defined.sql, *defined.args(f=facility_id, day=day))
        ]
        listed, after = [], None
        while True:  # pages of three, as the console's cursor walks them
            page = await repository.stays_on(
                session, facility_id, day, after=after, limit=3, in_house=True, timezone=ZONE
            )
            listed += [s.id for s in page]
            if len(page) < 3:
                break
            after = page[-1].id
        assert listed == expected, day

    async def found(text_query: str) -> list:
        return await repository.stays_on(
            session,
            facility_id,
            now,
            after=None,
            limit=100,
            in_house=True,
            timezone=ZONE,
            text_query=text_query,
        )

    every = await conn.fetch(defined.sql, *defined.args(f=facility_id, day=now))
    assert len(await found("KHÁCH")) == len(every)
    assert await found("Trần Thị Không Có") == []


async def test_the_in_house_list_reads_what_can_be_in_the_house_not_the_history(conn):
    now = today()
    facility_id = uuid.uuid4()
    await add_stays(conn, facility_id, a_year_gone(now) + with_voided(now))
    query = Compiled(repository.held_page_query(facility_id, [], 1000, ZONE))
    args = query.args(**store.in_house_values(now, ZONE))
    try:
        await conn.execute("ANALYZE ingest.stays")
        plan = await plan_of(conn, query.sql, args)
        # The stays of with_voided (19), index and table, not the 3,000 of the history.
        assert rows_read(plan) < 100, plan
    finally:
        await conn.execute("DELETE FROM ingest.stays WHERE facility_id = $1", facility_id)
