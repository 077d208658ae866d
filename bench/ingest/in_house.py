"""The in-house counts on a facility with years of history (run on purpose, not in the suite):

    uv run python -m bench.ingest.in_house [--beds 150]

One hotel's three years — 50,000 stays, 45 arrivals a day of one or two nights, one in a
hundred voided, one in five thousand never checked out — beside 200,000 stays of 500 other
facilities, in three states of the statistics:

- fresh: everything vacuumed and analysed;
- stale: analysed when the table held 30 stays, the 250,000 loaded since (autovacuum off);
- import: the other facilities analysed, then the hotel's history arrives at once.

For each, EXPLAIN (ANALYZE, BUFFERS) of the facility's count (core.store.in_house_count, bounded
by the beds), the per-room count over its 100 rooms (core.rooms.held_in_rooms), the room
board's guests (rooms.board) and the in-house list's first page (stays.repository), as custom
and generic plans: time, buffers, the indexes read and
the entries they went through (returned or filtered out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
from bench.ingest.run import recreate
from tests.support import TEST_TAG, database_url

from luutru_common.db import Compiled
from luutru_ingest.core import rooms, store
from luutru_ingest.rooms import board
from luutru_ingest.stays import repository

DB = f"luutru_bench_in_house{TEST_TAG}"
ZONE = "Asia/Ho_Chi_Minh"
HOTEL = uuid.UUID("00000000-0000-0000-0000-0000000000f1")
ROOM = "('00000000-0000-0000-0000-' || lpad((g % 100)::text, 12, '0'))::uuid"

# g-th stay of facility f, arriving `arr`, leaving `dep`: checked out at 11:00 local on its
# day of departure once that day is past.
_STAYS = """
INSERT INTO ingest.stays (id, facility_id, document_type, document_number, full_name, name_key,
    date_of_birth, gender, nationality, country_of_residence, room, room_id, check_in_at,
    check_in_date, expected_check_out, due_at, late_minutes, status, warnings, check_out_at,
    receipt_number)
SELECT gen_random_uuid(), f, 'id_number', 'D' || f || '-' || g, 'Khách', 'khach',
    date '1980-01-01', 'male', 'VNM', 'VNM', (g % 100)::text, {room},
    (arr + time '14:00') AT TIME ZONE $1, arr, dep, (arr + time '14:00') AT TIME ZONE $1, 0,
    CASE WHEN {voided} THEN 'voided' WHEN dep < today AND {leaves} THEN 'checked_out'
         ELSE 'checked_in' END,
    '[]', CASE WHEN dep < today AND {leaves} THEN (dep + time '11:00') AT TIME ZONE $1 END,
    'R-' || gen_random_uuid()
FROM (SELECT g, {facility} AS f, t.today, {arrival} AS arr, {arrival} + {nights} AS dep
      FROM (SELECT timezone($1, now())::date AS today) t, generate_series(0, {last}) g) s
"""
HOTEL_STAYS = _STAYS.format(
    room=ROOM,
    voided="g % 100 = 7",
    leaves="g % 5000 <> 3",
    facility=f"'{HOTEL}'::uuid",
    arrival="today - g / 45",
    nights="1 + g % 2",
    last=49_999,
)
OTHER_STAYS = _STAYS.format(
    room="NULL::uuid",
    voided="false",
    leaves="true",
    facility="('00000000-0000-0000-0000-' || lpad(to_hex(1000 + g % 500), 12, '0'))::uuid",
    arrival="today - g % 1095",
    nights="1 + g % 3",
    last=199_999,
)


async def load(conn: asyncpg.Connection, state: str) -> None:
    await conn.execute("ALTER TABLE ingest.stays SET (autovacuum_enabled = false)")
    if state == "stale":
        await conn.execute(OTHER_STAYS.replace("199999", "29"), ZONE)
        await conn.execute("ANALYZE ingest.stays")
        await conn.execute("DELETE FROM ingest.stays")
    await conn.execute(OTHER_STAYS, ZONE)
    if state == "import":
        await conn.execute("VACUUM ANALYZE ingest.stays")
    await conn.execute(HOTEL_STAYS, ZONE)
    if state == "fresh":
        await conn.execute("VACUUM ANALYZE ingest.stays")


def scans(node: dict) -> tuple[list[str], int]:
    """The indexes (or tables) a plan read, and the entries its scans went through."""
    names, read = [], 0
    if "Scan" in node["Node Type"]:
        names.append(node.get("Index Name") or node["Node Type"])
        read = node["Actual Rows"] * node.get("Actual Loops", 1)
        read += node.get("Rows Removed by Filter", 0)
    for child in node.get("Plans", []):
        more, n = scans(child)
        names, read = names + more, read + n
    return names, read


async def explain(conn: asyncpg.Connection, sql: str, args: list) -> dict:
    out = {}
    for mode in ("force_custom_plan", "force_generic_plan"):
        await conn.execute(f"SET plan_cache_mode = {mode}")
        statement = await conn.prepare(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        for _ in range(3):  # the last of three: the buffers in shared memory
            plan = json.loads(await statement.fetchval(*args))[0]
        top = plan["Plan"]
        names, read = scans(top)
        out[mode.split("_")[1]] = {
            "ms": round(plan["Execution Time"], 3),
            "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
            "read": read,
            "scans": sorted(set(names)),
        }
    await conn.execute("RESET plan_cache_mode")
    return out


async def main(args) -> None:
    today = datetime.now(ZoneInfo(ZONE)).date()
    values = store.in_house_values(today, ZONE)
    count = store._in_house_count_query(ZONE)
    per_room = rooms._held_in_rooms_query(ZONE)
    held_page = Compiled(repository.held_page_query(HOTEL, [], 1000, ZONE))
    room_ids = [uuid.UUID(f"00000000-0000-0000-0000-{n:012d}") for n in range(100)]
    for state in ("fresh", "stale", "import"):
        recreate(DB)
        conn = await asyncpg.connect(database_url(DB).replace("+asyncpg", ""))
        try:
            await load(conn, state)
            statements = {
                "count": (count.sql, count.args(facility_id=HOTEL, at_most=args.beds, **values)),
                "per_room": (
                    per_room.sql,
                    per_room.args(facility_id=HOTEL, room_ids=room_ids, **values),
                ),
                "board": (str(board._IN_HOUSE).replace(":f", "$1"), [HOTEL]),
                # The in-house list's first page, as the console asks for it (1,000).
                "list": (held_page.sql, held_page.args(**values)),
            }
            for name, (sql, sql_args) in statements.items():
                result = await explain(conn, sql, sql_args)
                print(json.dumps({"statistics": state, "statement": name, **result}))
        finally:
            await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--beds", type=int, default=150)
    asyncio.run(main(parser.parse_args()))
