"""The department charts and exports as people read them (issue 12, point 7): age bands in
age order, both axes titled (read from the Chart.js instances), a month the filter cuts
marked as such rather than shown as a whole month, and the CSV export with its headers in the
page's language and percentages and yes/no as people write them — the same file the API gives
with `lang`. Seen by the police admin, who sees every cell (no suppression)."""

from __future__ import annotations

import calendar
import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from luutru_common.admin_units import communes_of
from tests.e2e.conftest import Platform, poll
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    Account,
    admin_headers,
    assert_for_people,
    new_facility,
    sign_in,
)

AGES = (70, 8, 30, 20, 50, 30)  # 65+, 0-14, 25-34, 15-24, 45-54, 25-34
ORDER = ["0-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65+"]


def guest(day: date, age: int, i: int) -> dict:
    born = date(day.year - age, 1, 1 + i)
    century = "0" if born.year < 2000 else "2"
    return {
        "full_name": f"Người Thử Tuổi {i}",
        "date_of_birth": born.isoformat(),
        "gender": "male",
        "id_number": f"075{century}{born.year % 100:02d}{random.randrange(10**6):06d}",
        "check_in_at": f"{day.isoformat()}T14:00:00+07:00",
        "expected_check_out": (day + timedelta(days=2)).isoformat(),
        "room": str(101 + i),
    }


def feed(platform: Platform, path: str, **params) -> httpx.Response:
    response = httpx.get(
        platform.url("analytics", path), headers=admin_headers(platform), params=params, timeout=30
    )
    assert response.status_code == 200, response.text
    return response


@pytest.fixture(scope="module")
def period(platform: Platform) -> dict:
    """Guests of six ages at a new hotel in a commune picked at random, in the last days of a
    month of the past; the period asked for runs from the 20th of that month to the 10th of
    the next (two months, both cut)."""
    year, month = random.randrange(2005, 2019), random.randrange(1, 12)
    start = date(year, month, 20)
    end = date(year, month + 1, 10)
    commune = random.choice([c for c, _ in communes_of(75) if c not in (26068, 26041)])
    hotel: Account = new_facility(platform, commune_code=commune, rooms=10, beds=20)
    day = date(year, month, 25)
    guests = [guest(day, age, i) for i, age in enumerate(AGES)]

    def send():
        response = httpx.post(
            platform.url("ingest", "/v1/stays/batch"),
            headers=hotel.headers(platform),
            json={"guests": guests},
            timeout=30,
        )
        return None if response.status_code == 404 else response

    sent = poll(send, timeout=20)
    assert sent.json()["accepted"] == len(guests), sent.text
    params = {"date_from": start.isoformat(), "date_to": end.isoformat(), "commune": commune}

    def counted():
        body = feed(platform, "/v1/feeds/tourism", **params).json()
        return body if body["total"]["arrivals"] == len(guests) else None

    poll(counted, timeout=30)
    return {"start": start, "end": end, "commune": commune, "params": params}


def chart(page: Page, testid: str) -> dict:
    canvas = page.get_by_test_id(testid)
    expect(canvas).to_be_attached()
    return canvas.evaluate(
        "(c) => { const ch = Chart.getChart(c); const s = ch.options.scales;"
        " return {labels: ch.data.labels, x: s.x.title.display && s.x.title.text,"
        " y: s.y.title.display && s.y.title.text,"
        " data: ch.data.datasets.map((d) => d.data)}; }"
    )


def open_dashboard(page: Page, p: dict, granularity: str = "month") -> None:
    page.goto(
        f"/#/analyst?department=VHTTDL&date_from={p['start']}&date_to={p['end']}"
        f"&granularity={granularity}&commune={p['commune']}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Du lịch")
    expect(page.get_by_test_id("chart-by-age_group")).to_be_attached()


def vi_percent(v: float) -> str:
    return f"{v * 100:.1f}".replace(".", ",") + " %"


def test_age_bands_in_order_axes_titled_and_cut_months_marked(
    page: Page, platform: Platform, period: dict
):
    sign_in(page, *platform.admin)
    page.set_viewport_size({"width": 1280, "height": 860})
    open_dashboard(page, period)
    ages = feed(
        platform,
        "/v1/feeds/tourism/breakdown",
        **period["params"],
        granularity="month",
        by="age_group",
    ).json()
    keys = {r["key"] for r in ages["rows"]}
    assert keys == {"0-14", "15-24", "25-34", "45-54", "65+"}
    by_age = chart(page, "chart-by-age_group")
    assert by_age["labels"] == [k.replace("-", "–") for k in ORDER if k in keys]
    assert [sum(x or 0 for x in col) for col in zip(*by_age["data"], strict=True)] == [
        1,
        1,
        2,
        1,
        1,
    ]
    assert (by_age["x"], by_age["y"]) == ("Nhóm", "Lượt khách đến")

    trend = chart(page, "chart-trend")
    assert (trend["x"], trend["y"]) == ("Kỳ", "Lượt khách, ngày khách")
    assert chart(page, "chart-occupancy")["y"] == "Tỷ lệ (%)"
    # Both months are cut by the period: never labelled as whole months.
    s, e = period["start"], period["end"]
    last = calendar.monthrange(s.year, s.month)[1]
    assert trend["labels"] == [
        f"20/{s.month:02d}–{last}/{s.month:02d}/{s.year} (không trọn tháng)",
        f"01/{e.month:02d}–10/{e.month:02d}/{e.year} (không trọn tháng)",
    ]
    assert_for_people(page)
    shot(page, "analyst-ages-axes")

    # Whole months are labelled as months.
    whole = {
        **period,
        "start": s.replace(day=1),
        "end": e.replace(day=calendar.monthrange(e.year, e.month)[1]),
    }
    open_dashboard(page, whole)
    assert chart(page, "chart-trend")["labels"] == [
        f"{s.month:02d}/{s.year}",
        f"{e.month:02d}/{e.year}",
    ]

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tourism")
    by_age = chart(page, "chart-by-age_group")
    assert (by_age["x"], by_age["y"]) == ("Group", "Arrivals")
    assert chart(page, "chart-trend")["x"] == "Period"
    assert_for_people(page)


def test_exports_in_the_pages_language_with_percentages(
    page: Page, platform: Platform, period: dict
):
    sign_in(page, *platform.admin)
    page.set_viewport_size({"width": 1280, "height": 860})
    open_dashboard(page, period)
    api = feed(platform, "/v1/feeds/tourism", **period["params"], granularity="month").json()
    trend = page.get_by_role("region", name="Diễn biến theo thời gian")
    with page.expect_download() as info:
        trend.get_by_role("button", name="Tải CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
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
    sources = {"registry": "Danh sách phòng", "declared": "Số đã khai"}
    sources["mixed"] = "Danh sách phòng và số đã khai"
    for line, r in zip(rows[1:], api["rows"], strict=True):
        assert line[2] == str(r["arrivals"])
        assert line[5] == vi_percent(r["room_occupancy"])
        assert line[6] == vi_percent(r["bed_occupancy"])
        assert line[7] == sources.get(r["capacity_source"], "")
        assert line[8] == "không"
    # The same file as the API's with lang=vi.
    same = feed(
        platform,
        "/v1/feeds/tourism",
        **period["params"],
        granularity="month",
        format="csv",
        lang="vi",
    )
    assert same.text.lstrip("\ufeff").replace("\r\n", "\n") == text

    page.get_by_test_id("lang-switch").click()
    trend = page.get_by_role("region", name="Over time")
    with page.expect_download() as info:
        trend.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["From", "To", "Arrivals"]
    assert rows[0][5:] == [
        "Room occupancy",
        "Bed occupancy",
        "Rooms and beds from",
        "Hidden (fewer than 5 people)",
    ]
    first = api["rows"][0]
    assert rows[1][5] == f"{first['room_occupancy'] * 100:.1f}%" and rows[1][8] == "no"
    assert_for_people(page)
