"""Room and bed occupancy from real rooms: a facility with a room registry (room.v1) counts
the rooms in service each night, one without it its declared counts, and the feed says
which. The expected figures are worked out here, night by night, from the test's own list
of rooms and stays — not by the feed's SQL."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from luutru_common.events import RoomAdded, RoomBackInService, RoomChanged, RoomOutOfService
from tests.integration.analytics_helpers import (
    VN,
    check_in,
    envelope,
    facility,
    unique_commune,
    unique_day,
)
from tests.support import bearer


def room_event(cls, fid, room_id, number, beds, state, version):
    return cls(
        room_id=room_id,
        facility_id=fid,
        number=number,
        beds=beds,
        state=state,
        version=version,
    )


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), VN)


def in_service_at_end_of(history: list[tuple[datetime, str, int]], day: date):
    """The room's (state, beds) at the end of `day` (local time), or None before it existed."""
    end = datetime.combine(day + timedelta(days=1), time(0), VN)
    current = None
    for moment, state, beds in sorted(history):
        if moment < end:
            current = (state, beds)
    return current


@pytest.fixture
async def world(app, signer, feeder):
    c = unique_commune()
    d = unique_day()
    d -= timedelta(days=d.weekday())  # a Monday: one week bucket covers d .. d+2
    hotel = facility(commune=c, facility_type="hotel", rooms=10, beds=20)  # keeps a registry
    motel = facility(commune=c, facility_type="motel", rooms=5, beds=10)  # declared only
    await feeder.send(hotel, motel)
    fid = hotel.facility_id
    r1, r2, r3, r4 = (uuid.uuid4() for _ in range(4))
    # Each registry room's history: (when, state, beds).
    histories = {
        r1: [(at(d - timedelta(days=30), 9), "in_service", 2)],
        r2: [(at(d - timedelta(days=30), 9), "in_service", 2)],
        # out of service during d+1, back on d+2; its beds raised to 4 on d+2 as well
        r3: [
            (at(d - timedelta(days=30), 9), "in_service", 3),
            (at(d + timedelta(days=1), 10), "out_of_service", 3),
            (at(d + timedelta(days=2), 10), "in_service", 3),
            (at(d + timedelta(days=2), 11), "in_service", 4),
        ],
        # added on d+1
        r4: [(at(d + timedelta(days=1), 15), "in_service", 1)],
    }
    events = [
        envelope(
            room_event(RoomAdded, fid, r1, "R1", 2, "in_service", 1),
            occurred_at=histories[r1][0][0],
        ),
        envelope(
            room_event(RoomAdded, fid, r2, "R2", 2, "in_service", 1),
            occurred_at=histories[r2][0][0],
        ),
        envelope(
            room_event(RoomAdded, fid, r3, "R3", 3, "in_service", 1),
            occurred_at=histories[r3][0][0],
        ),
        envelope(
            room_event(RoomOutOfService, fid, r3, "R3", 3, "out_of_service", 2),
            occurred_at=histories[r3][1][0],
        ),
        envelope(
            room_event(RoomBackInService, fid, r3, "R3", 3, "in_service", 3),
            occurred_at=histories[r3][2][0],
        ),
        envelope(
            room_event(RoomChanged, fid, r3, "R3", 4, "in_service", 4),
            occurred_at=histories[r3][3][0],
        ),
        envelope(
            room_event(RoomAdded, fid, r4, "R4", 1, "in_service", 1),
            occurred_at=histories[r4][0][0],
        ),
    ]
    # Delivered out of order and one twice: the projection is an upsert per version.
    await feeder.send(*reversed(events))
    await feeder.send(events[3])
    stays = [
        # (facility, arrival, nights, room)
        (hotel, d, 2, "R1"),
        (hotel, d, 2, "R1"),
        (hotel, d, 1, "R2"),
        (hotel, d + timedelta(days=2), 1, "R3"),
        (motel, d, 1, "1"),
        (motel, d + timedelta(days=1), 2, "2"),
        # before the hotel kept a registry (its first room: d-30)
        (hotel, d - timedelta(days=40), 1, "R1"),
    ]
    await feeder.send(*(check_in(f, day, nights=n, room=r) for f, day, n, r in stays))
    return {
        "commune": c,
        "day": d,
        "hotel": hotel,
        "motel": motel,
        "histories": histories,
        "stays": stays,
        "police": bearer(signer.token(role="police_admin")),
        "client": app.state.client,
    }


def counts(w, night: date, types: set[str]) -> tuple[int, int, int, int]:
    """(occupied rooms, available rooms, guests, available beds) of one night."""
    rooms = beds = 0
    for fac in (w["hotel"], w["motel"]):
        if fac.facility_type not in types:
            continue
        registry_began = min(h[0][0] for h in w["histories"].values())
        if fac is w["hotel"] and registry_began < datetime.combine(
            night + timedelta(days=1), time(0), VN
        ):
            for history in w["histories"].values():
                now = in_service_at_end_of(history, night)
                if now is not None and now[0] == "in_service":
                    rooms, beds = rooms + 1, beds + now[1]
        else:
            rooms, beds = rooms + fac.rooms, beds + fac.beds
    held = [
        (f.facility_id, room)
        for f, day, n, room in w["stays"]
        if f.facility_type in types and day <= night < day + timedelta(days=n)
    ]
    return len(set(held)), rooms, len(held), beds


def expected(w, nights: list[date], *, types: set[str]) -> tuple[float, float]:
    """(room occupancy, bed occupancy) over these nights, by the IRTS definitions: occupied
    room-nights ÷ available room-nights, guest-nights ÷ available bed-nights."""
    totals = [sum(c) for c in zip(*(counts(w, n, types) for n in nights), strict=True)]
    occupied, rooms, guests, beds = totals
    return round(occupied / rooms, 4), round(guests / beds, 4)


async def feed(w, **params):
    d = w["day"]
    response = await w["client"].get(
        "/v1/feeds/tourism",
        params={
            "date_from": d.isoformat(),
            "date_to": (d + timedelta(days=2)).isoformat(),
            "commune": w["commune"],
            **params,
        },
        headers=w["police"],
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_occupancy_uses_the_registry_where_there_is_one(world):
    d = world["day"]
    nights = [d + timedelta(days=i) for i in range(3)]
    body = await feed(world)
    got = [(r["room_occupancy"], r["bed_occupancy"]) for r in body["rows"]]
    assert got == [expected(world, [n], types={"hotel", "motel"}) for n in nights]
    # Worked by hand for the first night: rooms R1 R2 R3 + 5 declared = 8, occupied R1 R2
    # and motel room 1 = 3 → 0.375; beds 2+2+3 + 10 = 17, guests 4 → 0.2353.
    assert got[0] == (0.375, 0.2353)
    assert {r["capacity_source"] for r in body["rows"]} == {"mixed"}
    assert body["capacity"] == {
        "source": "mixed",
        "registry_facilities": 1,
        "declared_facilities": 1,
    }


async def test_before_its_registry_a_facility_counts_its_declared_rooms(world):
    before = world["day"] - timedelta(days=40)
    body = await feed(
        world,
        facility_type="hotel",
        date_from=before.isoformat(),
        date_to=(before + timedelta(days=1)).isoformat(),
    )
    got = [(r["room_occupancy"], r["bed_occupancy"]) for r in body["rows"]]
    nights = [before, before + timedelta(days=1)]
    assert got == [expected(world, [n], types={"hotel"}) for n in nights]
    assert got[0] == (0.1, 0.05)  # 1 of the 10 declared rooms, 1 of the 20 declared beds


@pytest.mark.parametrize(("kind", "source"), [("hotel", "registry"), ("motel", "declared")])
async def test_the_feed_says_where_rooms_come_from(world, kind, source):
    d = world["day"]
    nights = [d + timedelta(days=i) for i in range(3)]
    body = await feed(world, facility_type=kind)
    got = [(r["room_occupancy"], r["bed_occupancy"]) for r in body["rows"]]
    assert got == [expected(world, [n], types={kind}) for n in nights]
    assert body["capacity"]["source"] == source
    # A bucket of several nights: room-nights summed over the nights, then divided.
    [row] = (await feed(world, facility_type=kind, granularity="week"))["rows"]
    assert (row["room_occupancy"], row["bed_occupancy"]) == expected(world, nights, types={kind})
    assert row["capacity_source"] == source


async def test_the_registry_room_facts_hold_the_newest_version(world, db):
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT number, beds, state, version FROM analytics.rooms "
                    "WHERE facility_id = :f ORDER BY number"
                ),
                {"f": world["hotel"].facility_id},
            )
        ).all()
        periods = await conn.scalar(
            text("SELECT count(*) FROM analytics.room_states WHERE facility_id = :f"),
            {"f": world["hotel"].facility_id},
        )
    assert [tuple(r) for r in rows] == [
        ("R1", 2, "in_service", 1),
        ("R2", 2, "in_service", 1),
        ("R3", 4, "in_service", 4),
        ("R4", 1, "in_service", 1),
    ]
    assert periods == 7
