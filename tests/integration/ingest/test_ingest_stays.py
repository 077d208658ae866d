"""Batches, idempotency (retries and races), the life of a stay, reconcile and dry runs —
through the ingest API on the real PostgreSQL (workers off)."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import uuid

import pytest
from sqlalchemy import text

from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import guest, id_number, staff

pytestmark = pytest.mark.app_settings(batch_chunk_size=7)


@pytest.fixture
async def facility(db):
    """A hotel of 500 beds: every batch here fits."""
    return await add_facility_view(db, beds=500)


async def count(db, sql: str, **params) -> int:
    async with db.connect() as conn:
        return await conn.scalar(text(sql), params)


async def test_batch_accepts_the_valid_and_points_at_the_rest(client, signer, db, facility):
    guests = [guest() for _ in range(20)]
    guests[3]["id_number"] = "12345"
    guests[11] = {"full_name": "X", "date_of_birth": "not a date"}
    guests[15]["nationality"] = "ZZZ"
    response = await client.post(
        "/v1/stays/batch", json={"guests": guests}, headers=staff(signer, facility)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (17, 0, 3)
    by_index = {r["index"]: r for r in body["results"]}
    assert [e["pointer"] for e in by_index[3]["errors"]] == ["/guests/3/id_number"]
    assert "/guests/11/date_of_birth" in {e["pointer"] for e in by_index[11]["errors"]}
    assert "/guests/11/check_in_at" in {e["pointer"] for e in by_index[11]["errors"]}
    assert [e["code"] for e in by_index[15]["errors"]] == ["country-code"]
    assert by_index[0]["receipt"]["due_at"] == "2026-11-27T16:00:00Z"
    # 17 stays, 17 events, across chunks of 7 — all durable when the answer came.
    stays = await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=facility)
    events = await count(
        db,
        "SELECT count(*) FROM ingest.outbox WHERE key = :f AND event_type = 'GuestCheckedIn'",
        f=str(facility),
    )
    assert (stays, events) == (17, 17)
    # Sent again: every accepted guest is a duplicate with its original receipt.
    again = (
        await client.post(
            "/v1/stays/batch", json={"guests": guests}, headers=staff(signer, facility)
        )
    ).json()
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 17, 3)
    assert again["results"][0]["receipt"]["stay_id"] == by_index[0]["receipt"]["stay_id"]


async def test_a_batch_item_reports_every_violation(client, signer, db, facility):
    guests = [
        guest(date_of_birth="1995-02-31", id_number="07509000123"),
        guest(date_of_birth="31-Feb-95", gender="nam", expected_check_out="2026-11-01"),
        guest(check_in_at="2026-13-01T14:00:00", expected_check_out="2026-11-01", room="1" * 51),
        guest(),
    ]
    response = await client.post(
        "/v1/stays/batch", json={"guests": guests}, headers=staff(signer, facility)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 3)
    errors = [{(e["pointer"], e["code"]) for e in r["errors"]} for r in body["results"]]
    assert errors[0] == {
        ("/guests/0/date_of_birth", "date-invalid"),
        ("/guests/0/id_number", "id-number-format"),
    }
    # No `required` for the unreadable date of birth and gender; the arrival's rules still run.
    assert errors[1] == {
        ("/guests/1/date_of_birth", "date-format"),
        ("/guests/1/gender", "literal_error"),
        ("/guests/1/expected_check_out", "check-out-before-check-in"),
    }
    # Without a readable arrival, the rules about it wait.
    assert errors[2] == {
        ("/guests/2/check_in_at", "date-invalid"),
        ("/guests/2/room", "string_too_long"),
    }
    assert [r["status"] for r in body["results"]] == ["rejected"] * 3 + ["accepted"]
    stays = await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=facility)
    assert stays == 1


async def test_a_refused_correction_lists_every_violation(client, signer, db, facility):
    headers = staff(signer, facility)
    stay_id = (await client.post("/v1/stays", json=guest(), headers=headers)).json()["stay_id"]
    bad_stay = guest(date_of_birth="1995-02-31", id_number="07509000123", nationality="VN1")
    response = await client.put(f"/v1/stays/{stay_id}", json={"stay": bad_stay}, headers=headers)
    assert response.status_code == 422
    assert {(e["pointer"], e["code"]) for e in response.json()["errors"]} == {
        ("/reason", "missing"),
        ("/stay/date_of_birth", "date-invalid"),
        ("/stay/id_number", "id-number-format"),
        ("/stay/nationality", "country-code"),
    }
    view = (await client.get(f"/v1/stays/{stay_id}", headers=headers)).json()
    assert view["version"] == 1


async def test_idempotency_key_replays_and_refuses_another_body(client, signer, db, facility):
    headers = {**staff(signer, facility), "Idempotency-Key": "k-" + uuid.uuid4().hex}
    body = guest()
    first = await client.post("/v1/stays", json=body, headers=headers)
    again = await client.post("/v1/stays", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    other = await client.post("/v1/stays", json=guest(), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"
    assert (
        await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=facility) == 1
    )


@pytest.mark.parametrize("with_key", [False, True])
async def test_racing_duplicates_register_once(client, signer, db, facility, with_key):
    headers = staff(signer, facility)
    if with_key:
        headers["Idempotency-Key"] = uuid.uuid4().hex
    body = guest()
    responses = await asyncio.gather(
        *[client.post("/v1/stays", json=body, headers=headers) for _ in range(8)]
    )
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert len({r.json()["stay_id"] for r in responses}) == 1
    stays = await count(
        db,
        "SELECT count(*) FROM ingest.stays WHERE facility_id = :f AND document_number = :d",
        f=facility,
        d=body["id_number"],
    )
    events = await count(
        db,
        "SELECT count(*) FROM ingest.outbox WHERE payload::jsonb->'data'->>'stay_id' = :s",
        s=responses[0].json()["stay_id"],
    )
    assert (stays, events) == (1, 1)


async def test_racing_batches_register_each_guest_once(client, signer, db, facility):
    guests = [guest() for _ in range(30)]
    answers = await asyncio.gather(
        *[
            client.post("/v1/stays/batch", json={"guests": guests}, headers=staff(signer, facility))
            for _ in range(3)
        ]
    )
    assert sum(a.json()["accepted"] for a in answers) == 30
    assert sum(a.json()["duplicates"] for a in answers) == 60
    assert (
        await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=facility)
        == 30
    )


async def test_life_of_a_stay(client, signer, db, facility):
    headers = staff(signer, facility)
    stay_id = (await client.post("/v1/stays", json=guest(), headers=headers)).json()["stay_id"]

    extended = await client.post(
        f"/v1/stays/{stay_id}/extend", json={"expected_check_out": "2026-11-30"}, headers=headers
    )
    assert extended.status_code == 200, extended.text
    assert (extended.json()["version"], extended.json()["expected_check_out"]) == (2, "2026-11-30")

    corrected_body = guest(full_name="Nguyễn Văn Ân", id_number=extended.json()["document_number"])
    corrected = await client.put(
        f"/v1/stays/{stay_id}",
        json={"stay": corrected_body, "reason": "sai dấu tên"},
        headers=headers,
    )
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["full_name"], corrected.json()["version"]) == ("Nguyễn Văn Ân", 3)
    no_reason = await client.put(
        f"/v1/stays/{stay_id}", json={"stay": corrected_body}, headers=headers
    )
    assert no_reason.status_code == 422

    early = await client.post(
        f"/v1/stays/{stay_id}/check-out",
        json={"check_out_at": "2026-11-26T10:00:00+07:00"},
        headers=headers,
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["code"] == "check-out-before-check-in"
    out = await client.post(
        f"/v1/stays/{stay_id}/check-out",
        json={"check_out_at": "2026-11-29T10:00:00+07:00"},
        headers=headers,
    )
    assert out.json()["status"] == "checked_out"

    voided = await client.post(
        f"/v1/stays/{stay_id}/void", json={"reason": "nhập nhầm"}, headers=headers
    )
    assert voided.json()["status"] == "voided"
    refused = await client.post(
        f"/v1/stays/{stay_id}/extend", json={"expected_check_out": "2026-12-01"}, headers=headers
    )
    assert refused.status_code == 409

    async with db.connect() as conn:
        versions = (
            await conn.execute(
                text(
                    "SELECT version, reason, data->>'full_name' FROM ingest.stay_versions "
                    "WHERE stay_id = :s ORDER BY version"
                ),
                {"s": stay_id},
            )
        ).all()
        events = (
            (
                await conn.execute(
                    text(
                        "SELECT event_type FROM ingest.outbox "
                        "WHERE payload::jsonb->'data'->>'stay_id' = :s "
                        "ORDER BY id"
                    ),
                    {"s": stay_id},
                )
            )
            .scalars()
            .all()
        )
    assert [(v[0], v[1], v[2]) for v in versions] == [
        (1, "extension", "Nguyễn Văn An"),
        (2, "sai dấu tên", "Nguyễn Văn An"),
    ]
    assert events == [
        "GuestCheckedIn",
        "StayCorrected",
        "StayCorrected",
        "GuestCheckedOut",
        "StayVoided",
    ]


async def test_another_facility_cannot_touch_my_stay(client, signer, db, facility):
    stay_id = (
        await client.post("/v1/stays", json=guest(), headers=staff(signer, facility))
    ).json()["stay_id"]
    other = await add_facility_view(db)
    response = await client.post(
        f"/v1/stays/{stay_id}/void", json={"reason": "x"}, headers=staff(signer, other)
    )
    assert response.status_code == 404


async def test_reconcile_pages_through_the_day_with_statuses(client, signer, db, facility):
    headers = staff(signer, facility)
    guests = [guest(check_in_at="2026-11-20T09:00:00+07:00") for _ in range(5)]
    batch = (await client.post("/v1/stays/batch", json={"guests": guests}, headers=headers)).json()
    voided = batch["results"][0]["receipt"]["stay_id"]
    await client.post(f"/v1/stays/{voided}/void", json={"reason": "x"}, headers=headers)
    await client.post(
        "/v1/stays", json=guest(check_in_at="2026-11-21T09:00:00+07:00"), headers=headers
    )

    seen, cursor = [], None
    while True:
        params = {"date": "2026-11-20", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/stays", params=params, headers=headers)).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5
    assert {s["stay_id"]: s["status"] for s in seen}[voided] == "voided"
    assert all("unaccompanied_minor" not in s for s in seen)


async def test_dry_run_and_validate_store_nothing(client, signer, db, facility):
    headers = staff(signer, facility)
    report = await client.post("/v1/stays/validate", json=guest(gender="female"), headers=headers)
    assert report.status_code == 200
    assert report.json()["valid"] is True
    assert [w["code"] for w in report.json()["warnings"]] == ["id-gender-mismatch"]
    bad = (
        await client.post("/v1/stays/validate", json=guest(id_number="1"), headers=headers)
    ).json()
    assert bad["valid"] is False and bad["errors"][0]["code"] == "id-number-format"
    dry = await client.post(
        "/v1/stays/batch?dry_run=true", json={"guests": [guest(), guest()]}, headers=headers
    )
    assert [r["status"] for r in dry.json()["results"]] == ["valid", "valid"]
    assert (
        await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=facility) == 0
    )


async def test_unaccompanied_minor_is_a_police_only_flag(client, signer, db, facility):
    minor = guest(date_of_birth="2015-06-01", id_number=id_number(2015), full_name="Lê Bảo Ngọc")
    response = await client.post("/v1/stays", json=minor, headers=staff(signer, facility))
    assert response.status_code == 201
    assert "minor" not in response.text
    async with db.connect() as conn:
        payload = await conn.scalar(
            text(
                "SELECT payload::jsonb FROM ingest.outbox "
                "WHERE payload::jsonb->'data'->>'stay_id' = :s"
            ),
            {"s": response.json()["stay_id"]},
        )
    assert payload["data"]["unaccompanied_minor"] is True


async def test_qr_check_in_marks_the_source(client, signer, db, facility):
    qr = f"{id_number()}||Phạm Minh Tuấn|01051990|Nam|Biên Hòa"
    response = await client.post(
        "/v1/stays",
        json={"qr": qr, "check_in_at": "2026-11-27T14:00:00+07:00", "room": "7"},
        headers=staff(signer, facility),
    )
    assert response.status_code == 201, response.text
    async with db.connect() as conn:
        payload = await conn.scalar(
            text(
                "SELECT payload::jsonb FROM ingest.outbox "
                "WHERE payload::jsonb->'data'->>'stay_id' = :s"
            ),
            {"s": response.json()["stay_id"]},
        )
    assert payload["data"]["guest"]["source"] == "qr"
    assert payload["data"]["guest"]["full_name"] == "Phạm Minh Tuấn"
    parsed = await client.post("/v1/qr/parse", json={"qr": qr}, headers=staff(signer, facility))
    assert parsed.json()["full_name"] == "Phạm Minh Tuấn"


async def test_late_records_are_accepted_with_minutes_late(client, signer, facility):
    response = await client.post(
        "/v1/stays",
        json=guest(check_in_at="2026-11-01T10:00:00+07:00"),
        headers=staff(signer, facility),
    )
    assert response.status_code == 201
    assert response.json()["on_time"] is False and response.json()["late_minutes"] > 0


async def test_over_capacity_is_a_warning(client, signer, db):
    small = await add_facility_view(db, beds=2)
    guests = [guest(check_in_at="2026-11-27T10:00:00+07:00") for _ in range(3)]
    body = (
        await client.post("/v1/stays/batch", json={"guests": guests}, headers=staff(signer, small))
    ).json()
    assert body["accepted"] == 3
    assert [[w["code"] for w in r["warnings"]] for r in body["results"]] == [
        [],
        [],
        ["over-capacity"],
    ]


async def test_an_overstayer_never_checked_out_still_fills_a_bed(client, signer, db):
    """The same 'held' as the reconcile list: past the expected date, not checked out."""
    small = await add_facility_view(db, beds=2)
    headers = staff(signer, small)
    overstayer = guest(check_in_at="2026-11-20T10:00:00+07:00", expected_check_out="2026-11-21")
    assert (await client.post("/v1/stays", json=overstayer, headers=headers)).status_code == 201
    body = (
        await client.post("/v1/stays/batch", json={"guests": [guest(), guest()]}, headers=headers)
    ).json()
    assert [[w["code"] for w in r["warnings"]] for r in body["results"]] == [
        [],
        ["over-capacity"],
    ]


async def test_past_its_beds_every_new_guest_is_over(client, signer, db):
    """The count stops at the beds (a facility's whole history is not read on every
    check-in): a facility already past them still warns each guest, single or batched."""
    small = await add_facility_view(db, beds=2)
    headers = staff(signer, small)
    singles = [
        (await client.post("/v1/stays", json=guest(), headers=headers)).json() for _ in range(4)
    ]
    assert [[w["code"] for w in s["warnings"]] for s in singles] == [
        [],
        [],
        ["over-capacity"],
        ["over-capacity"],
    ]
    body = (
        await client.post("/v1/stays/batch", json={"guests": [guest(), guest()]}, headers=headers)
    ).json()
    assert [[w["code"] for w in r["warnings"]] for r in body["results"]] == [
        ["over-capacity"],
        ["over-capacity"],
    ]


async def test_the_in_house_count_stops_where_asked(client, signer, db, service_env):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import asyncpg

    from luutru_common.db import asyncpg_dsn
    from luutru_ingest.core import store

    fid = await add_facility_view(db, beds=None)
    for _ in range(3):
        assert (
            await client.post("/v1/stays", json=guest(), headers=staff(signer, fid))
        ).status_code == 201
    conn = await asyncpg.connect(asyncpg_dsn(service_env["database_url"]))
    try:
        zone = "Asia/Ho_Chi_Minh"
        today = datetime.now(ZoneInfo(zone)).date()
        assert await store.in_house_count(conn, fid, today, timezone=zone) == 3
        assert await store.in_house_count(conn, fid, today, timezone=zone, at_most=2) == 2
        assert await store.in_house_count(conn, fid, today, timezone=zone, at_most=5) == 3
    finally:
        await conn.close()


# Other facilities' stays first, then one facility's at the table's end: how a facility's
# stays lie after a large batch. Copies of one checked-in stay, removed afterwards.
_CLONE_STAYS = """
INSERT INTO ingest.stays
SELECT (jsonb_populate_record(s, jsonb_build_object(
    'id', gen_random_uuid(), 'facility_id', coalesce($2, gen_random_uuid()),
    'document_number', 'PLAN' || g, 'receipt_number', 'PLAN-' || gen_random_uuid(),
    'check_in_date', s.check_in_date - g % 28, 'expected_check_out', null))).*
FROM ingest.stays s, generate_series(1, $3) g WHERE s.id = $1
"""


# The count's two partial indexes (migration 0012): the stays still open, those checked out.
_IN_HOUSE_INDEXES = {"ix_stays_open", "ix_stays_checked_out"}


async def test_the_in_house_count_reads_its_index_whatever_the_statistics(
    client, signer, db, service_env, test_database
):
    """The count's plan once followed the statistics: after an autoanalyze that saw the
    facility's thousands of stays, a sequential scan of the whole table looked cheap for its
    LIMIT (60–130 ms a check-in, bench/README.md). It must read the facility's part of its
    two partial indexes, for the statement's own plans and for the generic one alike."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import asyncpg

    from luutru_common.db import asyncpg_dsn
    from luutru_ingest.core import store

    fid = await add_facility_view(db, beds=None)
    answer = await client.post("/v1/stays", json=guest(), headers=staff(signer, fid))
    template = uuid.UUID(answer.json()["stay_id"])
    conn = await asyncpg.connect(asyncpg_dsn(service_env["database_url"]))
    try:
        await conn.execute(_CLONE_STAYS, template, None, 20_000)
        await conn.execute(_CLONE_STAYS, template, fid, 3_000)
        # As the owner (the service's role may not vacuum the table: it would only warn), so
        # the statistics do see the thousands of stays.
        owner = await asyncpg.connect(asyncpg_dsn(test_database))
        try:
            await owner.execute("VACUUM (ANALYZE) ingest.stays")
        finally:
            await owner.close()
        zone = "Asia/Ho_Chi_Minh"
        today = datetime.now(ZoneInfo(zone)).date()
        query = store._in_house_count_query(zone)
        # A prepared statement, as asyncpg runs it: its plans are custom or generic.
        await conn.execute(f"PREPARE in_house_count AS {query.sql}")
        for at_most in (200, 2000):
            values = store.in_house_values(today, zone)
            args = query.args(facility_id=fid, at_most=at_most, **values)
            # EXECUTE takes literals: facility, day, the zone, the bound.
            values = ", ".join(str(a) if isinstance(a, int) else f"'{a}'" for a in args)
            # The statement's own plans and the generic one; with index reads priced as the
            # statistics might make them look, up to ten times dearer than by default.
            for mode, page_cost in itertools.product(
                ("force_custom_plan", "force_generic_plan"), (4, 40)
            ):
                await conn.execute(f"SET plan_cache_mode = {mode}")
                await conn.execute(f"SET random_page_cost = {page_cost}")
                plan = await conn.fetchval(
                    f"EXPLAIN (FORMAT JSON) EXECUTE in_house_count({values})"
                )
                scans = _scans(json.loads(plan)[0]["Plan"])
                # The facility's part of the two indexes, never the whole table.
                assert "Seq Scan" not in [kind for kind, _ in scans], (mode, page_cost, scans)
                assert {index for _, index in scans} - {None} <= _IN_HOUSE_INDEXES, scans
            await conn.execute("RESET random_page_cost")
            counted = await store.in_house_count(conn, fid, today, timezone=zone, at_most=at_most)
            assert counted == at_most
    finally:
        await conn.execute(
            "DELETE FROM ingest.stays WHERE document_number LIKE 'PLAN%' AND id <> $1", template
        )
        await conn.close()


def _scans(node: dict) -> list[tuple[str, str | None]]:
    """Every scan of a JSON plan: (node type, index name)."""
    found = [(node["Node Type"], node.get("Index Name"))] if "Scan" in node["Node Type"] else []
    for child in node.get("Plans", []):
        found += _scans(child)
    return found


async def test_coach_cannot_register_guests_and_clients_need_the_scope(client, signer, db):
    coach = await add_facility_view(db, facility_type="coach")
    refused = await client.post("/v1/stays", json=guest(), headers=staff(signer, coach))
    assert refused.json()["code"] == "facility-type-takes-no-guests"
    hotel = await add_facility_view(db)
    pms = staff(signer, hotel, client=True, scope="trips:write")
    assert (await client.post("/v1/stays", json=guest(), headers=pms)).json()[
        "code"
    ] == "scope-missing"
    allowed = staff(signer, hotel, client=True, scope="stays:write")
    assert (await client.post("/v1/stays", json=guest(), headers=allowed)).status_code == 201


@pytest.mark.parametrize("size", [1, 50])
async def test_nothing_is_visible_before_the_commit(service_env, db, size):
    """The bulk statements go through asyncpg directly: they must still run inside the unit
    of work, so an answer never promises what a rollback could take back."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from luutru_common.db import UnitOfWork, make_engine, make_session_factory, raw_connection
    from luutru_ingest.core import registration
    from luutru_ingest.deadline import DeadlineRule
    from luutru_ingest.models import FacilityView

    fid = await add_facility_view(db, beds=None)  # no capacity query runs first
    engine = make_engine(service_env["database_url"])
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            facility = await uow.session.get(FacilityView, fid)
            uow.session.expunge_all()
        async with UnitOfWork(make_session_factory(engine)) as uow:
            results = await registration.register(
                await raw_connection(uow.session),
                facility=facility,
                items=[(i, guest()) for i in range(size)],
                rule=DeadlineRule(ZoneInfo("Asia/Ho_Chi_Minh")),
                now=datetime.now(UTC),
                pointer=lambda i: f"/guests/{i}",
            )
            assert {r.status for r in results} == {"accepted"}
            seen = await count(
                db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=fid
            )
            assert seen == 0
            # leaving without commit rolls back
        assert (
            await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=fid) == 0
        )
        assert await count(db, "SELECT count(*) FROM ingest.outbox WHERE key = :f", f=str(fid)) == 0
    finally:
        await engine.dispose()


async def test_reconcile_held_lists_every_guest_in_house_that_day(client, signer, facility):
    headers = staff(signer, facility)
    staying = guest(
        check_in_at="2026-10-01T15:00:00+07:00", expected_check_out="2026-10-05", room="1"
    )
    gone = guest(check_in_at="2026-10-01T15:00:00+07:00", room="2")
    later = guest(check_in_at="2026-10-04T15:00:00+07:00", room="3")
    # Expected to leave on the 2nd but never checked out: still held (the facility must see
    # them to check them out), on every day up to today.
    overstaying = guest(
        check_in_at="2026-10-01T15:00:00+07:00", expected_check_out="2026-10-02", room="4"
    )
    ids = {}
    for name, body in (
        ("staying", staying),
        ("gone", gone),
        ("later", later),
        ("overstaying", overstaying),
    ):
        ids[name] = (await client.post("/v1/stays", json=body, headers=headers)).json()["stay_id"]
    await client.post(
        f"/v1/stays/{ids['gone']}/check-out",
        json={"check_out_at": "2026-10-02T09:00:00+07:00"},
        headers=headers,
    )
    page = (
        await client.get(
            "/v1/stays", params={"date": "2026-10-03", "held": "true"}, headers=headers
        )
    ).json()
    assert {s["stay_id"] for s in page["items"]} == {ids["staying"], ids["overstaying"]}
    arrivals = (
        await client.get("/v1/stays", params={"date": "2026-10-01"}, headers=headers)
    ).json()
    assert {s["stay_id"] for s in arrivals["items"]} == {
        ids["staying"],
        ids["gone"],
        ids["overstaying"],
    }
    # A day to come trusts the expected check-out dates.
    future = (
        await client.get(
            "/v1/stays", params={"date": "2099-01-01", "held": "true"}, headers=headers
        )
    ).json()
    assert ids["overstaying"] not in {s["stay_id"] for s in future["items"]}


async def test_batch_with_idempotency_key_replays_its_answer(client, signer, db, facility):
    headers = {**staff(signer, facility), "Idempotency-Key": uuid.uuid4().hex}
    body = {"guests": [guest() for _ in range(10)]}
    first = await client.post("/v1/stays/batch", json=body, headers=headers)
    again = await client.post("/v1/stays/batch", json=body, headers=headers)
    assert first.json()["accepted"] == 10
    assert again.json() == first.json()  # the original answer: accepted, not duplicates
    assert (
        await count(db, "SELECT count(*) FROM ingest.stays WHERE facility_id = :f", f=facility)
        == 10
    )


async def test_a_record_shows_every_field_a_correction_replaces(client, signer, facility):
    """A client pre-fills a correction from GET; a field missing there would be erased by
    the full replacement unless typed again."""
    headers = staff(signer, facility)
    foreigner = {
        "full_name": "Kim Min Jun",
        "date_of_birth": "1991-03-04",
        "gender": "male",
        "passport_number": f"M{random.randrange(10**7):07d}",
        "nationality": "KOR",
        "visa_type": "DL",
        "visa_number": "V1234567",
        "entry_date": "2026-11-20",
        "entry_port": "Cửa khẩu Tân Sơn Nhất",
        "check_in_at": "2026-11-27T14:00:00+07:00",
        "room": "202",
        "reason": "du lịch",
    }
    stay_id = (await client.post("/v1/stays", json=foreigner, headers=headers)).json()["stay_id"]
    shown = (await client.get(f"/v1/stays/{stay_id}", headers=headers)).json()
    for field in ("visa_type", "visa_number", "entry_date", "entry_port", "reason", "room"):
        assert shown[field] == foreigner[field], field
    # The correction built from what GET shows (the room changed) keeps every other field.
    replacement = {k: shown[k] for k in foreigner if k in shown}
    replacement |= {"passport_number": shown["document_number"], "room": "203"}
    corrected = await client.put(
        f"/v1/stays/{stay_id}", json={"stay": replacement, "reason": "đổi phòng"}, headers=headers
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["visa_number"] == "V1234567"
    assert corrected.json()["room"] == "203"
