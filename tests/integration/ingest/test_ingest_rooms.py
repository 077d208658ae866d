"""The room registry and the room board through the ingest API on the real PostgreSQL:
registry rules (ranges, duplicates, idempotency, who may), the board's states from real
stays, check-in in a registry room with the per-room capacity warning, and moves recorded
as corrections with their event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import guest, manager, staff
from tests.support import bearer

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def facility(db):
    return await add_facility_view(db, beds=100)


def rooms_url(facility) -> str:
    return f"/v1/rooms/{facility}"


async def add_range(client, signer, facility, rng: str, beds: int = 2, **extra):
    response = await client.post(
        rooms_url(facility) + "/range",
        json={"range": rng, "beds": beds, **extra},
        headers=manager(signer, facility),
    )
    assert response.status_code == 201, response.text
    return {r["number"]: r for r in response.json()["rooms"]}


async def rows(db, sql: str, **params):
    async with db.connect() as conn:
        return (await conn.execute(text(sql), params)).all()


async def test_a_range_creates_every_room_once_in_order(client, signer, db, facility):
    created = await add_range(client, signer, facility, "A1–A12", beds=3, floor="1")
    assert list(created) == [f"A{i}" for i in range(1, 13)]
    # Listed in the order people expect (A2 before A10), page by page.
    page = await client.get(
        rooms_url(facility), params={"limit": 5}, headers=staff(signer, facility)
    )
    first = page.json()
    assert [r["number"] for r in first["items"]] == ["A1", "A2", "A3", "A4", "A5"]
    numbers = [r["number"] for r in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        body = (
            await client.get(
                rooms_url(facility),
                params={"limit": 5, "cursor": cursor},
                headers=staff(signer, facility),
            )
        ).json()
        numbers += [r["number"] for r in body["items"]]
        cursor = body["next_cursor"]
    assert numbers == [f"A{i}" for i in range(1, 13)]
    # A cursor not handed out is a 422 naming it, never a 500.
    for bad in ("nonsense", "WyJhIiwgIngiXQ"):  # the second: ["a", "x"]
        refused = await client.get(
            rooms_url(facility), params={"cursor": bad}, headers=staff(signer, facility)
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["pointer"] == "/query:cursor"
    # One RoomAdded per room on room.v1, keyed by the facility.
    events = await rows(
        db,
        "SELECT topic, event_type FROM ingest.outbox WHERE key = :f AND topic = 'room.v1'",
        f=str(facility),
    )
    assert sorted(events) == [("room.v1", "RoomAdded")] * 12


@pytest.mark.parametrize(
    ("rng", "code"),
    [
        ("101 to", "range-unreadable"),
        ("A1–B5", "range-prefix-mismatch"),
        ("120–101", "range-reversed"),
        ("1–1000", "range-too-large"),
    ],
)
async def test_a_bad_range_is_refused_with_its_reason(client, signer, facility, rng, code):
    response = await client.post(
        rooms_url(facility) + "/range",
        json={"range": rng, "beds": 1},
        headers=manager(signer, facility),
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert (error["pointer"], error["code"]) == ("/range", code)


async def test_a_number_already_there_refuses_the_whole_range(client, signer, db, facility):
    await add_range(client, signer, facility, "101–105")
    response = await client.post(
        rooms_url(facility) + "/range",
        json={"range": "104–110", "beds": 2},
        headers=manager(signer, facility),
    )
    assert response.status_code == 409
    message = response.json()["errors"][0]["message"]["vi"]
    assert "104" in message and "105" in message
    [(count,)] = await rows(
        db, "SELECT count(*) FROM ingest.rooms WHERE facility_id = :f", f=facility
    )
    assert count == 5  # nothing of the refused range was stored
    one = await client.post(
        rooms_url(facility), json={"number": " 101 ", "beds": 1}, headers=manager(signer, facility)
    )
    assert one.status_code == 409


async def test_a_create_retried_with_its_key_creates_one_room(client, signer, db, facility):
    headers = {**manager(signer, facility), "Idempotency-Key": f"room-{uuid.uuid4()}"}
    body = {"number": "Phòng VIP", "beds": 2, "kind": "room", "floor": "5"}
    first = await client.post(rooms_url(facility), json=body, headers=headers)
    again = await client.post(rooms_url(facility), json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["room_id"] == again.json()["room_id"]
    [(count,)] = await rows(
        db, "SELECT count(*) FROM ingest.rooms WHERE facility_id = :f", f=facility
    )
    assert count == 1


async def test_who_may_manage_and_see_rooms(client, signer, db, facility):
    body = {"number": "201", "beds": 2}
    refused = await client.post(rooms_url(facility), json=body, headers=staff(signer, facility))
    assert refused.status_code == 403
    other = await add_facility_view(db)
    foreign = await client.post(rooms_url(facility), json=body, headers=manager(signer, other))
    assert foreign.status_code == 404
    police_admin = bearer(signer.token(role="police_admin"))
    made = await client.post(rooms_url(facility), json=body, headers=police_admin)
    assert made.status_code == 201, made.text
    # A police officer sees the registry of a facility of his commune, not another's.
    here = bearer(signer.token(role="police_officer", communes=[26068]))
    away = bearer(signer.token(role="police_officer", communes=[25000]))
    seen = await client.get(rooms_url(facility), headers=here)
    assert [r["number"] for r in seen.json()["items"]] == ["201"]
    assert (await client.get(rooms_url(facility), headers=away)).status_code == 403
    # The board names guests: the facility's own people only.
    assert (await client.get(rooms_url(facility) + "/board", headers=here)).status_code == 403


async def test_edit_out_of_service_retire_keep_the_history(client, signer, db, facility):
    rooms = await add_range(client, signer, facility, "301–302")
    room = rooms["301"]["room_id"]
    url = f"{rooms_url(facility)}/{room}"
    headers = manager(signer, facility)
    edited = await client.patch(url, json={"beds": 4, "number": "301A"}, headers=headers)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["number"], edited.json()["beds"]) == ("301A", 4)
    clash = await client.patch(url, json={"number": "302"}, headers=headers)
    assert clash.status_code == 409
    out = await client.post(url + "/out-of-service", json={"reason": "Sửa điện"}, headers=headers)
    assert out.json()["state"] == "out_of_service"
    retired = await client.post(url + "/retire", json={}, headers=headers)
    assert retired.json()["state"] == "retired"
    assert (await client.patch(url, json={"beds": 1}, headers=headers)).status_code == 409
    history = (await client.get(url + "/history", headers=headers)).json()
    assert [(h["version"], h["number"], h["beds"], h["state"]) for h in history] == [
        (1, "301", 2, "in_service"),
        (2, "301A", 4, "in_service"),
        (3, "301A", 4, "out_of_service"),
        (4, "301A", 4, "retired"),
    ]
    events = await rows(
        db,
        "SELECT event_type FROM ingest.outbox WHERE topic = 'room.v1' AND key = :f "
        "AND payload::jsonb->'data'->>'room_id' = :r ORDER BY id",
        f=str(facility),
        r=room,
    )
    assert [e[0] for e in events] == ["RoomAdded", "RoomChanged", "RoomOutOfService", "RoomRetired"]
    # The number of a retired room may be given again.
    again = await client.post(
        rooms_url(facility), json={"number": "301a", "beds": 1}, headers=headers
    )
    assert again.status_code == 201
    listed = (await client.get(rooms_url(facility), headers=headers)).json()["items"]
    assert [r["number"] for r in listed] == ["301a", "302"]


def _today() -> datetime:
    return datetime.now(VN)


async def test_the_board_shows_each_room_from_real_stays(client, signer, db, facility):
    rooms = await add_range(client, signer, facility, "101–104", beds=2)
    headers = staff(signer, facility)
    now = _today()
    today, yesterday = now.date(), (now - timedelta(days=1)).date()
    arrival = (now - timedelta(days=2)).isoformat()
    # 101: two guests, one due out today; 102: by typed number, past its date; 103 out.
    r101 = rooms["101"]["room_id"]
    a = await client.post(
        "/v1/stays",
        json=guest(room=None, room_id=r101, check_in_at=arrival, expected_check_out=str(today)),
        headers=headers,
    )
    assert a.status_code == 201, a.text
    assert a.json()["warnings"] == []
    b = await client.post(
        "/v1/stays", json=guest(room=None, room_id=r101, check_in_at=arrival), headers=headers
    )
    late = await client.post(
        "/v1/stays",
        json=guest(room="102", check_in_at=arrival, expected_check_out=str(yesterday)),
        headers=headers,
    )
    assert b.status_code == late.status_code == 201
    stored = await rows(
        db, "SELECT room, room_id FROM ingest.stays WHERE id = :s", s=late.json()["stay_id"]
    )
    assert stored == [("102", uuid.UUID(rooms["102"]["room_id"]))]
    # A third guest in a room of two beds: accepted, with the per-room warning.
    third = await client.post(
        "/v1/stays", json=guest(room=None, room_id=r101, check_in_at=arrival), headers=headers
    )
    assert third.status_code == 201
    assert [w["code"] for w in third.json()["warnings"]] == ["room-over-capacity"]
    # A room of no registry of this facility is refused, pointing at the field.
    unknown = await client.post(
        "/v1/stays", json=guest(room=None, room_id=str(uuid.uuid4())), headers=headers
    )
    assert unknown.status_code == 422
    assert [e["pointer"] for e in unknown.json()["errors"]] == ["/room_id"]
    # A room number not in the registry is kept as typed, with a warning.
    typed = await client.post("/v1/stays", json=guest(room="999"), headers=headers)
    assert [w["code"] for w in typed.json()["warnings"]] == ["room-not-in-registry"]
    await client.post(
        f"{rooms_url(facility)}/{rooms['103']['room_id']}/out-of-service",
        json={},
        headers=manager(signer, facility),
    )
    # The third guest leaves.
    out = await client.post(
        f"/v1/stays/{third.json()['stay_id']}/check-out", json={}, headers=headers
    )
    assert out.status_code == 200
    board = (await client.get(rooms_url(facility) + "/board", headers=headers)).json()
    tiles = {t["number"]: t for t in board["rooms"]}
    assert board["day"] == str(today)
    assert {n: t["state"] for n, t in tiles.items()} == {
        "101": "due_out",
        "102": "overstaying",
        "103": "out_of_service",
        "104": "free",
    }
    assert (len(tiles["101"]["guests"]), tiles["101"]["beds_left"]) == (2, 0)
    assert tiles["102"]["guests"][0]["overstaying"] is True
    assert tiles["104"]["beds_left"] == 2
    assert board["counts"] == {
        "free": 1,
        "occupied": 0,
        "due_out": 1,
        "overstaying": 1,
        "out_of_service": 1,
    }
    assert board["guests_without_room"] == 1  # the guest of room 999


async def test_a_move_is_a_correction_at_the_time_of_the_move(client, signer, db, facility):
    rooms = await add_range(client, signer, facility, "201–202", beds=1)
    headers = staff(signer, facility)
    now = _today()
    checked = await client.post(
        "/v1/stays",
        json=guest(
            room=None,
            room_id=rooms["201"]["room_id"],
            check_in_at=(now - timedelta(hours=5)).isoformat(),
        ),
        headers=headers,
    )
    stay_id = checked.json()["stay_id"]
    moved_at = (now - timedelta(hours=1)).replace(microsecond=0)
    moved = await client.post(
        f"/v1/stays/{stay_id}/move",
        json={"room_id": rooms["202"]["room_id"], "moved_at": moved_at.isoformat()},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["room"], moved.json()["version"]) == ("202", 2)
    [(changed_at, reason, before)] = await rows(
        db,
        "SELECT changed_at, reason, data->>'room' FROM ingest.stay_versions WHERE stay_id = :s",
        s=stay_id,
    )
    assert changed_at == moved_at.astimezone(UTC)
    assert before == "201" and "201" in reason
    [(data,)] = await rows(
        db,
        "SELECT payload::jsonb->'data' FROM ingest.outbox WHERE event_type = 'StayCorrected' "
        "AND payload::jsonb->'data'->>'stay_id' = :s",
        s=stay_id,
    )
    assert (data["room"], data["room_id"]) == ("202", rooms["202"]["room_id"])
    board = (await client.get(rooms_url(facility) + "/board", headers=headers)).json()
    assert {t["number"]: t["state"] for t in board["rooms"]} == {"201": "free", "202": "occupied"}
    # A move before the arrival is refused; a room of another facility is unknown.
    early = await client.post(
        f"/v1/stays/{stay_id}/move",
        json={
            "room_id": rooms["201"]["room_id"],
            "moved_at": (now - timedelta(days=1)).isoformat(),
        },
        headers=headers,
    )
    assert early.status_code == 422
    assert [e["pointer"] for e in early.json()["errors"]] == ["/moved_at"]
    # A room with a guest cannot be retired.
    retire = await client.post(
        f"{rooms_url(facility)}/{rooms['202']['room_id']}/retire",
        json={},
        headers=manager(signer, facility),
    )
    assert retire.status_code == 409
