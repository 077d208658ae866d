"""Every department metric against a small dataset whose answers are worked out by hand.

The dataset lives in a commune and on days of its own (random), so rows of other tests
cannot mix in; the police see it without suppression, which the access tests cover.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from python_calamine import CalamineWorkbook

from luutru_common.events import (
    GuestCheckedOut,
    Passenger,
    StayVoided,
    TripCancelled,
    TripManifestSubmitted,
    TripPassengersChanged,
)
from tests.integration.analytics_helpers import (
    VN,
    check_in,
    facility,
    guest,
    unique_commune,
    unique_day,
)
from tests.support import bearer


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


@pytest.fixture
async def world(app, signer, feeder):
    """The dataset (see the module docstring of each test for its arithmetic)."""
    c = unique_commune()
    d = unique_day()
    d -= timedelta(days=d.weekday())  # a Monday: one week bucket covers d .. d+2
    h1 = facility(commune=c, facility_type="hotel", star_rating=3, rooms=10, beds=20)
    h2 = facility(commune=c, facility_type="motel", rooms=5, beds=10)
    m1 = facility(commune=c, facility_type="medical", rooms=None, beds=50, name="Bệnh viện A")
    z1 = facility(commune=c, facility_type="zone_housing", rooms=None, beds=None, zone="KCN A")
    await feeder.send(h1, h2, m1, z1)

    vn = lambda years, **kw: guest(born=years_before(d, years), **kw)  # noqa: E731
    s4 = check_in(h1, d + timedelta(days=1), room="103", who=vn(40))
    m2 = check_in(m1, d + timedelta(days=1))
    z2 = check_in(z1, d + timedelta(days=1), nights=200, who=vn(50, id_number="075075000002"))
    s7 = check_in(h2, d, nights=1, room="2")
    today = datetime.now(VN).date()
    await feeder.send(
        # hotel H1
        check_in(h1, d, nights=2, room="101", who=vn(30)),  # s1
        check_in(h1, d, nights=1, room="102", who=vn(20, nationality="KOR", passport="M1234567")),
        check_in(h1, d, nights=2, room="101", who=vn(8)),  # s3, a child sharing room 101
        s4,
        check_in(
            h1,
            d + timedelta(days=2),
            nights=3,
            room="104",
            who=vn(70, nationality="USA", passport="P7654321", residence="VNM"),
        ),  # s5
        # motel H2
        check_in(h2, d - timedelta(days=1), nights=2, room="1", who=vn(30)),  # s6
        s7,
        # medical M1
        check_in(m1, d, nights=3),  # m1
        m2,
        # zone housing Z1
        check_in(z1, d, nights=100, who=vn(25, gender="female", id_number="001195000001")),
        z2,
        check_in(
            z1, today - timedelta(days=1), nights=30, who=guest(id_number="079090000003")
        ),  # z3, living there now
        GuestCheckedOut(
            stay_id=s4.stay_id,
            facility_id=h1.facility_id,
            check_out_at=datetime.combine(d + timedelta(days=1), time(18), VN),
        ),
        GuestCheckedOut(
            stay_id=m2.stay_id,
            facility_id=m1.facility_id,
            check_out_at=datetime.combine(d + timedelta(days=2), time(9), VN),
        ),
        GuestCheckedOut(
            stay_id=z2.stay_id,
            facility_id=z1.facility_id,
            check_out_at=datetime.combine(d + timedelta(days=2), time(9), VN),
        ),
        StayVoided(stay_id=s7.stay_id, facility_id=h2.facility_id, reason="nhầm"),
    )
    return {
        "feeder": feeder,
        "commune": c,
        "day": d,
        "police": bearer(signer.token(role="police_admin")),
        "client": app.state.client,
    }


def q(w, **extra):
    d = w["day"]
    return {
        "date_from": d.isoformat(),
        "date_to": (d + timedelta(days=2)).isoformat(),
        "commune": w["commune"],
        **extra,
    }


async def get(w, path, **params):
    response = await w["client"].get(path, params=q(w, **params), headers=w["police"])
    assert response.status_code == 200, response.text
    return response.json()


async def test_tourism_per_day(world):
    body = await get(world, "/v1/feeds/tourism")
    rows = [
        (
            r["arrivals"],
            r["guest_nights"],
            r["average_length_of_stay"],
            r["room_occupancy"],
            r["bed_occupancy"],
        )
        for r in body["rows"]
    ]
    # Arrivals: d: s1 s2 s3 = 3; d+1: s4 = 1; d+2: s5 = 1 (s7 voided, m*/z* not tourism).
    # Nights (dated by the evening): d: s1 s2 s3 s6 = 4; d+1: s1 s3 = 2 (s4 left the same day);
    # d+2: s5 = 1. ALOS = nights ÷ arrivals: 4/3 = 1.33, 2/1, 1/1.
    # Rooms: H1 10 + H2 5 = 15 a day. Occupied: d: H1 101 (s1+s3 share it), 102, H2 1 = 3
    # → 3/15 = 0.2; d+1: 101 → 1/15 = 0.0667; d+2: 104 → 0.0667.
    # Beds: 20 + 10 = 30 a day: 4/30 = 0.1333, 2/30 = 0.0667, 1/30 = 0.0333.
    assert rows == [
        (3, 4, 1.33, 0.2, 0.1333),
        (1, 2, 2.0, 0.0667, 0.0667),
        (1, 1, 1.0, 0.0667, 0.0333),
    ]
    # Totals 5 arrivals, 7 nights, ALOS 1.4. Previous 3 days: s6 only (1 arrival, 1 night on
    # d-1) → change (5-1)/1 = 4.0 and (7-1)/1 = 6.0.
    assert (body["total"]["arrivals"], body["total"]["guest_nights"]) == (5, 7)
    assert body["total"]["average_length_of_stay"] == 1.4
    assert (body["previous_period"]["arrivals"], body["previous_period"]["guest_nights"]) == (1, 1)
    assert body["change"] == {"arrivals": 4.0, "guest_nights": 6.0}


async def test_tourism_per_week_and_filters(world):
    body = await get(world, "/v1/feeds/tourism", granularity="week")
    (row,) = body["rows"]
    # One bucket d..d+2: rooms (3+1+1)/(15×3) = 0.1111, beds 7/(30×3) = 0.0778.
    assert (row["arrivals"], row["guest_nights"], row["room_occupancy"], row["bed_occupancy"]) == (
        5,
        7,
        0.1111,
        0.0778,
    )
    # Only 3-star hotels: H1 alone — arrivals 5 (all at H1), nights 6 (no s6),
    # rooms (101+102 on d, 101 on d+1, 104 on d+2) 4/(10×3) = 0.1333, beds 6/(20×3) = 0.1.
    body = await get(world, "/v1/feeds/tourism", granularity="week", star_rating=3)
    (row,) = body["rows"]
    assert (row["arrivals"], row["guest_nights"], row["room_occupancy"], row["bed_occupancy"]) == (
        5,
        6,
        0.1333,
        0.1,
    )
    body = await get(world, "/v1/feeds/tourism", granularity="week", facility_type="motel")
    (row,) = body["rows"]
    # Motel H2: no arrivals in the period, s6's night of d: rooms 1/15, beds 1/30.
    assert (row["arrivals"], row["guest_nights"], row["room_occupancy"], row["bed_occupancy"]) == (
        0,
        1,
        0.0667,
        0.0333,
    )


async def test_tourism_breakdowns(world):
    def cells(body):
        return {r["key"]: (r["arrivals"], r["guest_nights"]) for r in body["rows"]}

    # By country of residence: domestic s1 s3 s4 s5 (a US citizen living in Viet Nam) = 4
    # arrivals, nights 2+2+0+1 + s6's 1 = 6; international s2: 1 arrival, 1 night.
    body = await get(world, "/v1/feeds/tourism/breakdown", by="domestic", granularity="week")
    assert cells(body) == {"domestic": (4, 6), "international": (1, 1)}
    # By nationality, top 2: VNM 3 arrivals (s1 s3 s4), nights 2+2+0+1 = 5; KOR 1/1; USA and
    # KOR tie on one arrival, so the alphabetically first stays and USA goes to OTHER (1/1).
    body = await get(
        world, "/v1/feeds/tourism/breakdown", by="nationality", granularity="week", top=2
    )
    assert cells(body) == {"VNM": (3, 5), "KOR": (1, 1), "OTHER": (1, 1)}
    names = {r["key"]: r["name"] for r in body["rows"]}
    assert names == {"VNM": "Việt Nam", "KOR": "Hàn Quốc", "OTHER": None}
    # Age groups on the arrival day: s1 30 and s6 30 → 25-34 (1 arrival, 2+1 nights), s2 20,
    # s3 8 (2 nights), s4 40 (0 nights), s5 70.
    body = await get(world, "/v1/feeds/tourism/breakdown", by="age_group", granularity="week")
    assert cells(body) == {
        "0-14": (1, 2),
        "15-24": (1, 1),
        "25-34": (1, 3),
        "35-44": (1, 0),
        "65+": (1, 1),
    }
    body = await get(world, "/v1/feeds/tourism/breakdown", by="facility_type", granularity="week")
    assert cells(body) == {"hotel": (5, 6), "motel": (0, 1)}
    body = await get(world, "/v1/feeds/tourism/breakdown", by="star_rating", granularity="week")
    assert cells(body) == {"3": (5, 6), "none": (0, 1)}
    for by in ("gender", "origin_province"):  # every guest in exactly one cell
        body = await get(world, "/v1/feeds/tourism/breakdown", by=by, granularity="week")
        totals = [sum(v[i] for v in cells(body).values()) for i in (0, 1)]
        assert totals == [5, 7], by
    assert set(cells(body)) >= {"unknown"}  # the passport holders have no province of origin


async def test_health_counts_by_facility_and_day(world):
    body = await get(world, "/v1/feeds/health")
    rows = [(r["facility_name"], r["arrivals"], r["nights"], r["departures"]) for r in body["rows"]]
    # m1 from d for 3 nights; m2 on d+1, discharged d+2 (1 night).
    # d: 1 arrival, 1 night; d+1: 1 arrival, 2 nights; d+2: 0 arrivals, m1's night, m2 out.
    assert rows == [("Bệnh viện A", 1, 1, 0), ("Bệnh viện A", 1, 2, 0), ("Bệnh viện A", 0, 1, 1)]
    assert set(body["rows"][0]) >= {"average_length_of_stay"}
    assert not {"age_band", "gender", "nationality"} & set(body["rows"][0])  # counts only


async def test_zones_residents_arrivals_departures(world):
    body = await get(world, "/v1/feeds/zones", by="zone")
    rows = [(r["period_start"], r["key"], r["arrivals"], r["departures"]) for r in body["rows"]]
    d = world["day"]
    # z1 arrives d, z2 arrives d+1 and leaves d+2; z3 arrived yesterday and lives there now.
    assert rows == [
        (d.isoformat(), "KCN A", 1, 0),
        ((d + timedelta(days=1)).isoformat(), "KCN A", 1, 0),
        ((d + timedelta(days=2)).isoformat(), "KCN A", 0, 1),
    ]
    assert body["residents_now"] == [{"key": "KCN A", "residents": 1, "suppressed": False}]
    body = await get(world, "/v1/feeds/zones", by="origin_province", granularity="week")
    # Province of origin from the ID number: z1 "001" (Hà Nội), z2 "075" (Đồng Nai).
    assert [(r["key"], r["arrivals"], r["departures"]) for r in body["rows"]] == [
        ("001", 1, 0),
        ("075", 1, 1),
    ]
    assert [r["name"] for r in body["rows"]] == ["Hà Nội", "Đồng Nai"]  # the legacy provinces
    assert body["residents_now"] == [
        {"key": "079", "name": "TP. Hồ Chí Minh", "residents": 1, "suppressed": False}
    ]
    body = await get(world, "/v1/feeds/zones", by="gender", granularity="week")
    assert [(r["key"], r["arrivals"]) for r in body["rows"]] == [("female", 1), ("male", 1)]


async def test_transport_trips_passengers_load_factor(world, app):
    w = world
    d, c = w["day"], w["commune"]
    operator = facility(commune=c, facility_type="coach", rooms=None, beds=None)
    pax = [Passenger(passenger_id=uuid.uuid4(), guest=guest(), seat=str(i)) for i in range(11)]

    def trip(day, dest, seats, passengers):
        return TripManifestSubmitted(
            trip_id=uuid.uuid4(),
            operator_id=operator.facility_id,
            province_code=75,
            commune_code=c,
            plate="60B-123.45",
            origin_province=75,
            destination_province=dest,
            departure_at=datetime.combine(day, time(8), VN),
            seats=seats,
            passengers=passengers,
            received_at=datetime.combine(day, time(7), VN),
        )

    t1 = trip(d, 79, 40, pax[:3])
    t2 = trip(d + timedelta(days=1), 1, 30, pax[3:9])
    t3 = trip(d + timedelta(days=2), 79, 20, pax[9:11])
    later = Passenger(passenger_id=uuid.uuid4(), guest=guest(), seat="9")
    await w["feeder"].send(
        operator,
        t1,
        t2,
        t3,
        TripPassengersChanged(
            trip_id=t1.trip_id,
            operator_id=operator.facility_id,
            added=[later],
            removed=[pax[0].passenger_id],
            no_shows=[pax[1].passenger_id],
        ),
        TripCancelled(trip_id=t3.trip_id, operator_id=operator.facility_id),
    )
    body = await get(w, "/v1/feeds/transport", by="route")
    # T1 75→79: 3 booked + 1 added − 1 removed − 1 no-show = 2 of 40 seats → 0.05.
    # T2 75→1: 6 of 30 → 0.2. T3 cancelled: not counted.
    assert [
        (r["key"], r["trips"], r["seats"], r["passengers"], r["load_factor"]) for r in body["rows"]
    ] == [("75-1", 1, 30, 6, 0.2), ("75-79", 1, 40, 2, 0.05)]
    # Each key has its name (the console and the exports show it): routes by province names.
    assert [r["name"] for r in body["rows"]] == [
        "Đồng Nai → Thành phố Hà Nội",
        "Đồng Nai → Thành phố Hồ Chí Minh",
    ]
    body = await get(w, "/v1/feeds/transport", by="destination_province")
    assert {r["key"]: r["passengers"] for r in body["rows"]} == {"1": 6, "79": 2}
    assert {r["key"]: r["name"] for r in body["rows"]} == {
        "1": "Thành phố Hà Nội",
        "79": "Thành phố Hồ Chí Minh",
    }
    body = await get(w, "/v1/feeds/transport", by="operator")
    assert [(r["trips"], r["passengers"]) for r in body["rows"]] == [(2, 8)]
    assert [r["name"] for r in body["rows"]] == [operator.name]  # not the operator's id


async def test_csv_and_xlsx_answers(world):
    client = world["client"]
    csv_answer = await client.get(
        "/v1/feeds/tourism", params=q(world, format="csv"), headers=world["police"]
    )
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_answer.text.lstrip("\ufeff"))))
    assert [r["arrivals"] for r in rows] == ["3", "1", "1"]
    xlsx = await client.get(
        "/v1/feeds/tourism",
        params=q(world),
        headers={
            **world["police"],
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert xlsx.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    table = sheet.to_python()
    assert table[0][:4] == ["period_start", "period_end", "arrivals", "guest_nights"]
    assert [row[2] for row in table[1:]] == [3, 1, 1]


async def test_exports_for_people_in_the_chosen_language(world):
    """`lang=vi|en`: headers in that language, percentages, yes/no and dates as people write
    them; no ids nor the people-behind-a-cell bound; XLSX keeps numbers as numbers."""
    client = world["client"]
    vi = await client.get(
        "/v1/feeds/tourism", params=q(world, format="csv", lang="vi"), headers=world["police"]
    )
    assert vi.status_code == 200
    rows = list(csv.reader(io.StringIO(vi.text.lstrip("\ufeff"))))
    assert rows[0] == [
        "Từ ngày",
        "Đến ngày",
        "Lượt khách đến",
        "Ngày khách",
        "Số đêm lưu trú bình quân",
        "Công suất phòng",
        "Công suất giường",
        "Nguồn số phòng, giường",
        "Bị ẩn (dưới 5 người)",
    ]
    d = world["day"]
    # The first day (test_tourism_per_day): 3 arrivals, 4 nights, ALOS 1.33, 0.2, 0.1333.
    assert rows[1] == [d.strftime("%d/%m/%Y")] * 2 + [
        "3",
        "4",
        "1,33",
        "20,0 %",
        "13,3 %",
        "Số đã khai",
        "không",
    ]
    en = await client.get(
        "/v1/feeds/tourism", params=q(world, format="csv", lang="en"), headers=world["police"]
    )
    rows = list(csv.reader(io.StringIO(en.text.lstrip("\ufeff"))))
    assert (
        rows[0][:3] == ["From", "To", "Arrivals"] and rows[0][-1] == "Hidden (fewer than 5 people)"
    )
    assert rows[1] == [d.isoformat()] * 2 + [
        "3",
        "4",
        "1.33",
        "20.0%",
        "13.3%",
        "Declared counts",
        "no",
    ]
    assert 'filename="tourism.csv"' in en.headers["content-disposition"]
    # Breakdown keys by their names.
    by_gender = await client.get(
        "/v1/feeds/tourism/breakdown",
        params=q(world, format="csv", lang="vi", by="domestic", granularity="month"),
        headers=world["police"],
    )
    table = list(csv.reader(io.StringIO(by_gender.text.lstrip("\ufeff"))))
    assert table[0][2] == "Nhóm" and {r[2] for r in table[1:]} == {"Trong nước", "Quốc tế"}
    xlsx = await client.get(
        "/v1/feeds/tourism", params=q(world, format="xlsx", lang="en"), headers=world["police"]
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    table = sheet.to_python()
    assert table[0][:3] == ["From", "To", "Arrivals"]
    assert table[1][2:8] == [3, 4, 1.33, 0.2, 0.1333, "Declared counts"]
    assert table[1][8] == "no"
    # Without `lang` the files keep the JSON's keys (for programs).
    raw = await client.get(
        "/v1/feeds/tourism", params=q(world, format="csv"), headers=world["police"]
    )
    assert raw.text.lstrip("\ufeff").startswith("period_start,period_end,arrivals")


async def test_bad_query_is_a_problem(world):
    d = world["day"]
    response = await world["client"].get(
        "/v1/feeds/tourism",
        params={
            "date_from": d.isoformat(),
            "date_to": (d - timedelta(days=1)).isoformat(),
            "facility_type": "castle",
        },
        headers=world["police"],
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    codes = {e["code"] for e in response.json()["errors"]}
    assert codes == {"date-range", "unknown-facility-type"}
