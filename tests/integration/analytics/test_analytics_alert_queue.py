"""The alert queue with a history behind it: the officer's page reads the page, not every
alert ever raised; paging by cursor neither repeats nor skips a person while alerts arrive
and officers acknowledge them; the totals agree with the list; two officers moving the same
alert at once — on real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import asynccontextmanager

from sqlalchemy import event, text

from tests.integration.analytics_helpers import unique_commune
from tests.support import bearer

# A person raised again, or many times: one row each, in the order given (seq follows it).
RAISE = text("""
INSERT INTO analytics.alerts (alert_id, entry_id, record_id, match_kind, score, subject_name,
  facility_id, commune_code, status, detected_at, updated_at)
SELECT gen_random_uuid(), gen_random_uuid(), r, :kind, 1.0, 'Người Thử ' || i,
  gen_random_uuid(), :commune, :status, now(), now()
FROM unnest(CAST(:records AS uuid[])) WITH ORDINALITY AS x(r, i)
ORDER BY i
""")


async def raise_hits(db, commune: int, records: list[uuid.UUID], *, status="new", kind="document"):
    async with db.begin() as conn:
        await conn.execute(
            RAISE, {"records": records, "commune": commune, "status": status, "kind": kind}
        )


def people(n: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(n)]


def rows_read(node: dict) -> int:
    """Index and table entries a plan's scans went through: those they returned and those
    their filters threw away (as tests/integration/ingest/test_ingest_in_house_count.py)."""
    read = 0
    if "Scan" in node["Node Type"]:
        read = node["Actual Rows"] * node.get("Actual Loops", 1)
        read += node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return read + sum(rows_read(child) for child in node.get("Plans", []))


@asynccontextmanager
async def statements_of(app):
    """The SELECTs the app sends meanwhile, with their parameters."""
    seen: list[tuple[str, tuple]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


async def most_read(db, seen: list[tuple[str, tuple]]) -> tuple[int, str]:
    """The most entries one of these statements reads, executed again under EXPLAIN ANALYZE."""
    worst = (0, "")
    async with db.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        for statement, parameters in seen:
            found = await raw.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", *parameters)
            # The engine's connections decode json themselves.
            plan = (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]
            worst = max(worst, (rows_read(plan), statement))
        await conn.rollback()  # FOR UPDATE of the transitions' statements
    return worst


async def test_the_queue_reads_the_open_alerts_not_the_history(app, admin, signer, db):
    """A commune with 3,000 people whose alerts were closed long ago and five new ones: the
    officer's queue (new, acknowledged), a person's card and their acknowledgement read a few
    dozen entries, not the history — before and after the statistics know of it. Grouping
    every alert by person on each request read all of them."""
    client = app.state.client
    commune = unique_commune()
    await raise_hits(db, commune, people(3000), status="closed")
    fresh = people(5)
    await raise_hits(db, commune, fresh)
    officer = bearer(signer.token(role="police_officer", communes=[commune]))
    for analysed in (False, True):
        if analysed:
            async with db.begin() as conn:
                await conn.execute(text("ANALYZE analytics.alerts"))
        for who, params in (
            (officer, {"status": "new"}),
            (officer, {"status": "acknowledged"}),
            (admin, {"status": "new", "commune": commune}),
        ):
            async with statements_of(app) as seen:
                page = await client.get("/v1/alerts/people", params=params, headers=who)
            assert page.status_code == 200, page.text
            read, statement = await most_read(db, seen)
            assert read < 300, (params, read, statement)
        # The all-status list: its page walks the commune's newest hits down and stops when
        # full (its totals count the commune's history: bench/README.md, "Alert queue").
        # Only once the statistics know of the history: before, the planner takes the
        # commune for a few rows and sorts them all instead.
        async with statements_of(app) as seen:
            listed = await client.get("/v1/alerts/people", params={"page_size": 5}, headers=officer)
        assert [p["record_id"] for p in listed.json()["items"]] == [str(r) for r in fresh[::-1]]
        paging = [s for s in seen if "max(alerts_1.seq)" in s[0]]
        assert paging
        if analysed:
            assert (await most_read(db, paging))[0] < 300
    # Working one person: the lock of their hits and their card.
    async with statements_of(app) as seen:
        moved = await client.post(
            f"/v1/alerts/people/{fresh[0]}/transitions",
            json={"status": "acknowledged"},
            headers=officer,
        )
    assert moved.status_code == 200, moved.text
    read, statement = await most_read(db, seen)
    assert read < 300, (read, statement)


async def walk(client, headers, params: dict, *, between=None) -> list[dict]:
    """Every page by cursor; `between(page)` runs after each page is read."""
    items, cursor, pages = [], None, 0
    while True:
        answer = await client.get(
            "/v1/alerts/people",
            params={**params, **({"cursor": cursor} if cursor else {})},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        pages += 1
        if between:
            await between(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
        assert pages < 100


async def test_paging_by_cursor_neither_repeats_nor_skips_while_alerts_arrive(app, admin, db):
    """An officer works the new ones three at a time: after each page, two more people are
    hit (they arrive on top) and the page's people are acknowledged (they leave the filter).
    Every person who was new when the officer began is shown once; with pages counted from
    the top (OFFSET) the acknowledged ones shifted the rest up and every other page was
    skipped, and the arrivals pushed people already seen onto the next page again."""
    client = app.state.client
    commune = unique_commune()
    waiting = people(10)
    await raise_hits(db, commune, waiting)
    await raise_hits(db, commune, waiting[4:5])  # one of them hit twice: still one person

    async def meanwhile(items):
        await raise_hits(db, commune, people(2))
        for item in items:
            moved = await client.post(
                f"/v1/alerts/people/{item['record_id']}/transitions",
                json={"status": "acknowledged"},
                headers=admin,
            )
            assert moved.status_code == 200, moved.text

    params = {"status": "new", "commune": commune, "page_size": 3}
    seen = [i["record_id"] for i in await walk(client, admin, params, between=meanwhile)]
    assert len(seen) == len(set(seen))
    assert {uuid.UUID(r) for r in seen} == set(waiting)

    # Arrivals alone, on the list of every status: the newest first, nobody twice.
    async def arrivals(_items):
        await raise_hits(db, commune, people(2))

    before = {uuid.UUID(i["record_id"]) for i in await walk(client, admin, {"commune": commune})}
    params = {"commune": commune, "page_size": 4}
    seen = [i["record_id"] for i in await walk(client, admin, params, between=arrivals)]
    assert len(seen) == len(set(seen))
    assert {uuid.UUID(r) for r in seen} == before


async def test_the_totals_agree_with_the_list(app, admin, signer, db):
    """For every filter the list's people and their hits are the totals shown above it."""
    client = app.state.client
    c1, c2 = unique_commune(), unique_commune()
    a, b, c = people(7), people(4), people(5)
    await raise_hits(db, c1, a, status="closed")
    await raise_hits(db, c1, b)
    await raise_hits(db, c1, a[:2], kind="name_dob")  # new hits of closed people
    await raise_hits(db, c2, c, status="acknowledged")
    officer = bearer(signer.token(role="police_officer", communes=[c1]))
    both = {"commune": [c1, c2]}
    for headers, params in (
        (admin, both),
        (admin, {**both, "status": "new"}),
        (admin, {**both, "status": "closed"}),
        (admin, {**both, "status": "acknowledged"}),
        (admin, {**both, "match_kind": "name_dob"}),
        (officer, {}),
        (officer, {"status": "new"}),
    ):
        first = (
            await client.get(
                "/v1/alerts/people", params={**params, "page_size": 3}, headers=headers
            )
        ).json()
        items = await walk(client, headers, {**params, "page_size": 3})
        assert len(items) == first["total_people"], params
        assert sum(i["hit_count"] for i in items) == first["total_hits"], params
        assert first["pages"] == -(-len(items) // 3) or (not items and first["pages"] == 1)
    expected = {
        "new": len(b) + 2,
        "closed": len(a),
        "acknowledged": len(c),
    }
    for status, n in expected.items():
        body = (
            await client.get("/v1/alerts/people", params={**both, "status": status}, headers=admin)
        ).json()
        assert body["total_people"] == n, status


async def test_two_officers_acknowledging_the_same_alert_at_once(app, signer, db):
    """One of them moves it and the other is told it has moved (409); the history holds one
    acknowledgement. The same for a person's hits acknowledged together."""
    client = app.state.client
    commune = unique_commune()
    one, two = people(1), people(1)
    await raise_hits(db, commune, one)
    await raise_hits(db, commune, two * 3)
    officers = [
        bearer(signer.token(role="police_officer", communes=[commune], sub=f"officer-{i}"))
        for i in range(2)
    ]
    listed = (
        await client.get("/v1/alerts/people", params={"page_size": 5}, headers=officers[0])
    ).json()
    (hit,) = next(p for p in listed["items"] if p["record_id"] == str(one[0]))["hits"]
    answers = await asyncio.gather(
        *(
            client.post(
                f"/v1/alerts/{hit['alert_id']}/transitions",
                json={"status": "acknowledged", "note": who["Authorization"][-6:]},
                headers=who,
            )
            for who in officers
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    answers = await asyncio.gather(
        *(
            client.post(
                f"/v1/alerts/people/{two[0]}/transitions",
                json={"status": "acknowledged"},
                headers=who,
            )
            for who in officers
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    async with db.connect() as conn:
        notes = (
            await conn.execute(
                text("SELECT notes FROM analytics.alerts WHERE commune_code = :c"),
                {"c": commune},
            )
        ).scalars()
        assert [len(n) for n in notes] == [1, 1, 1, 1]


async def stream_alerts(app, headers: dict, *, last_event_id: int, wanted: int) -> list[int]:
    """The live stream as a console reads it, driven through ASGI (a streamed answer never
    ends, so not through the test client): the ids of the first `wanted` alert events, then
    the console goes away."""
    events: list[int] = []
    gone = asyncio.Event()
    requested = False

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            assert message["status"] == 200
        elif message["type"] == "http.response.body":
            for block in message.get("body", b"").decode().split("\n\n"):
                if "event: alert" in block:
                    events.append(int(block.split("id: ")[1].split("\n")[0]))
            if len(events) >= wanted:
                gone.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/alerts/stream",
        "raw_path": b"/v1/alerts/stream",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"test"),
            (b"authorization", headers["Authorization"].encode()),
            (b"last-event-id", str(last_event_id).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("test", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=20)
    return events


async def test_alerts_sent_on_the_live_stream_are_in_the_access_log(app, signer, db):
    """The stream shows names and documents as they arrive: each delivery is logged with the
    alerts it showed, not only the stream's opening (which shows nothing)."""
    commune = unique_commune()
    async with db.connect() as conn:
        start = (await conn.execute(text("SELECT max(seq) FROM analytics.alerts"))).scalar() or 0
    await raise_hits(db, commune, people(3))
    subject = f"officer-{uuid.uuid4().hex[:8]}"
    officer = bearer(signer.token(role="police_officer", communes=[commune], sub=subject))
    shown = await stream_alerts(app, officer, last_event_id=start, wanted=3)
    assert len(shown) == 3
    async with db.connect() as conn:
        logged = (
            await conn.execute(
                text(
                    "SELECT action, query, result_count FROM analytics.access_log"
                    " WHERE subject = :s ORDER BY id"
                ),
                {"s": subject},
            )
        ).all()
    assert logged[0].action == "alerts-stream" and logged[0].result_count == 0
    sent = [row for row in logged if row.action == "alerts-stream-sent"]
    assert sum(row.result_count for row in sent) == 3
    assert "".join(row.query["seqs"] for row in sent).count(",") + len(sent) == 3
    for seq in shown:
        assert any(str(seq) in row.query["seqs"] for row in sent)
