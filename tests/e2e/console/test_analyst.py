"""The department dashboards: what an analyst's charts, headline numbers and tables show is
what the feed API answers for the same filter; the filters live in the URL; the export
downloads the same numbers; facilities do not see the dashboards.

Guests are checked in on days of a random past period of this module's own (as in
test_walking_skeleton.py), so other tests' data cannot mix into the counts, with at least 5
guests behind every cell the tests compare (so suppression does not hide them)."""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform, poll
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    Account,
    admin_headers,
    assert_for_people,
    new_facility,
    new_user,
    pick,
    sign_in,
)

TOURISM = "VHTTDL"


@dataclass
class Scenario:
    start: date  # first day of the period
    end: date  # last day
    analyst: Account
    hotel: Account  # 3 stars, commune 26068
    motel: Account  # no stars, commune 26041
    arrivals: int
    nights: int


def guest(day: date, nights: int, *, foreign: bool = False, female: bool = False) -> dict:
    born = date(day.year - 30, 3, 14)
    body = {
        "full_name": "Trần Thị Mai" if female else "Lê Văn Bình",
        "date_of_birth": born.isoformat(),
        "gender": "female" if female else "male",
        "check_in_at": f"{day.isoformat()}T14:00:00+07:00",
        "expected_check_out": (day + timedelta(days=nights)).isoformat(),
        "room": str(random.randrange(100, 999)),
    }
    if foreign:
        body |= {
            "nationality": "KOR",
            "passport_number": f"M{random.randrange(10**7, 10**8)}",
            "visa_type": "exempt",
            "entry_date": day.isoformat(),
            "entry_port": "Tân Sơn Nhất",
        }
    else:
        digit = "1" if female else "0"
        body["id_number"] = f"075{digit}{born.year % 100:02d}{random.randrange(10**6):06d}"
    return body


def check_in(platform: Platform, account: Account, guests: list[dict]) -> None:
    headers = account.headers(platform)

    def send():
        response = httpx.post(
            platform.url("ingest", "/v1/stays/batch"),
            headers=headers,
            json={"guests": guests},
            timeout=30,
        )
        # The facility reaches ingest over facility.v1; until then ingest answers 404.
        return None if response.status_code == 404 else response

    response = poll(send, timeout=20)
    assert response.status_code in (200, 201), response.text
    assert response.json()["accepted"] == len(guests), response.text


def police_feed(platform: Platform, path: str, **params) -> dict:
    """The same feed as the police see it: exact (no rounding), so a poll on it knows when
    every check-in has been counted — a rounded count can reach its target early."""
    response = httpx.get(
        platform.url("analytics", path), headers=admin_headers(platform), params=params, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def feed(platform: Platform, account: Account, path: str, **params) -> httpx.Response:
    response = httpx.get(
        platform.url("analytics", path),
        headers=account.headers(platform),
        params=params,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response


@pytest.fixture(scope="module")
def scenario(platform: Platform) -> Scenario:
    # Eight days inside one month (the breakdowns are by month).
    start = date(random.randrange(1995, 2019), random.randrange(1, 13), random.randrange(1, 21))
    end = start + timedelta(days=7)
    hotel = new_facility(platform, facility_type="hotel", star_rating=3, commune_code=26068)
    motel = new_facility(
        platform, facility_type="motel", star_rating=None, commune_code=26041, rooms=10, beds=20
    )
    guest_house = new_facility(
        platform, facility_type="guest_house", star_rating=None, rooms=5, beds=8
    )
    d = [start + timedelta(days=i) for i in range(8)]
    # Every count of the period a multiple of 5, so the rounding analysts see (to a multiple
    # of 5 by the cell key, docs/analytics.md) leaves it as it is and the numbers below are
    # exact. Hotel: 5 guests for 2 nights on day 0, 10 guests for 1 night on day 2.
    check_in(platform, hotel, [guest(d[0], 2, female=i % 2 == 0) for i in range(5)])
    check_in(platform, hotel, [guest(d[2], 1, female=i % 2 == 1) for i in range(10)])
    # Motel: 5 Korean guests for 3 nights on day 4.
    check_in(platform, motel, [guest(d[4], 3, foreign=True) for _ in range(5)])
    # Guest house: 2 guests the day after the period (a cell below the threshold).
    check_in(platform, guest_house, [guest(end + timedelta(days=1), 1) for _ in range(2)])
    arrivals = 5 + 10 + 5
    nights = 5 * 2 + 10 * 1 + 5 * 3
    analyst = new_user(platform, "department_analyst", department=TOURISM)

    period = {"date_from": start.isoformat(), "date_to": end.isoformat()}

    def counted():
        exact = police_feed(platform, "/v1/feeds/tourism", **period)
        return exact if exact["total"]["arrivals"] == arrivals else None

    poll(counted, timeout=30)
    body = feed(platform, analyst, "/v1/feeds/tourism", **period).json()
    assert (body["total"]["arrivals"], body["total"]["guest_nights"]) == (arrivals, nights)
    return Scenario(start, end, analyst, hotel, motel, arrivals, nights)


def chart_data(page: Page, testid: str) -> dict:
    """The data of the Chart.js instance drawn on the canvas (not what the page meant to draw)."""
    canvas = page.get_by_test_id(testid)
    expect(canvas).to_be_attached()
    return canvas.evaluate(
        "(c) => { const d = Chart.getChart(c).data;"
        " return {labels: d.labels, datasets: d.datasets.map((s) => ({label: s.label, data: s.data}))}; }"
    )


def open_dashboard(page: Page, **params) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    page.goto(f"/#/analyst?{query}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Văn hóa, Thể thao và Du lịch")
    expect(page.get_by_test_id("chart-trend")).to_be_attached()


def vn(n: float, digits: int = 0) -> str:
    """A number as the console shows it in Vietnamese (comma decimals)."""
    text = f"{n:.{digits}f}".rstrip("0").rstrip(".") if digits else str(int(n))
    return text.replace(".", ",")


def ddmmyyyy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def dashboard_and_feed(page: Page, platform: Platform, s: Scenario) -> dict:
    """The dashboard drawn, and the tourism feed it drew: read before and after the page loads
    and the same both times. Other tests register facilities meanwhile, and each new one's
    rooms and beds join the occupancy's denominator: a feed read once, after the page, could
    differ from the page's own in the fourth decimal."""

    def read() -> dict:
        params = {"date_from": s.start.isoformat(), "date_to": s.end.isoformat()}
        return feed(platform, s.analyst, "/v1/feeds/tourism", **params, granularity="day").json()

    for _ in range(5):
        before = read()
        open_dashboard(page, date_from=s.start, date_to=s.end, granularity="day")
        after = read()
        if after == before:
            return after
    raise AssertionError("the tourism feed changed under every load of the dashboard")


def test_chart_kpis_and_table_equal_the_feed(page: Page, platform: Platform, scenario: Scenario):
    s = scenario
    sign_in(page, s.analyst.username, s.analyst.password)
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Số liệu sở, ngành")).to_be_visible()
    api = dashboard_and_feed(page, platform, s)
    assert [r["arrivals"] for r in api["rows"]] == [5, 0, 10, 0, 5, 0, 0, 0]

    # The chart: one point per day, the feed's arrivals and guest-nights.
    chart = chart_data(page, "chart-trend")
    assert chart["labels"] == [ddmmyyyy(r["period_start"]) for r in api["rows"]]
    assert [d["label"] for d in chart["datasets"]] == ["Lượt khách đến", "Ngày khách"]
    assert chart["datasets"][0]["data"] == [r["arrivals"] for r in api["rows"]]
    assert chart["datasets"][1]["data"] == [r["guest_nights"] for r in api["rows"]]
    occupancy = chart_data(page, "chart-occupancy")
    assert occupancy["datasets"][0]["data"] == [r["room_occupancy"] for r in api["rows"]]
    assert occupancy["datasets"][1]["data"] == [r["bed_occupancy"] for r in api["rows"]]

    # The headline numbers.
    total = api["total"]
    assert total["arrivals"] == s.arrivals
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text(str(total["arrivals"]))
    expect(page.get_by_test_id("kpi-nights")).to_have_text(str(total["guest_nights"]))
    expect(page.get_by_test_id("kpi-alos")).to_have_text(vn(total["average_length_of_stay"], 2))
    # Nothing in the previous period: no change to show (not a 0 %).
    assert api["change"]["arrivals"] is None
    expect(page.get_by_test_id("kpi-arrivals-change")).to_have_text("không so sánh được")
    # 5 of 20 arrivals live abroad (Korea).
    expect(page.get_by_test_id("kpi-intl")).to_have_text("25 %")

    # The table beneath the chart: the same numbers row by row.
    table = page.get_by_test_id("table-trend")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(api["rows"]))
    for i, r in enumerate(api["rows"]):
        cells = rows.nth(i).locator("td")
        expect(cells.nth(0)).to_have_text(ddmmyyyy(r["period_start"]))
        expect(cells.nth(1)).to_have_text(str(r["arrivals"]))
        expect(cells.nth(2)).to_have_text(str(r["guest_nights"]))

    # A breakdown chart: nationality, as the breakdown feed answers it.
    by_nat = feed(
        platform,
        s.analyst,
        "/v1/feeds/tourism/breakdown",
        date_from=s.start.isoformat(),
        date_to=s.end.isoformat(),
        granularity="month",
        by="nationality",
        top=10,
    ).json()
    expected = {}
    for r in by_nat["rows"]:
        expected.setdefault(r["key"], 0)
        expected[r["key"]] += r["arrivals"]
    assert expected == {"VNM": 15, "KOR": 5}
    chart = chart_data(page, "chart-by-nationality")
    shown = {}
    for dataset in chart["datasets"]:
        for key, n in zip(chart["labels"], dataset["data"], strict=True):
            shown[key] = shown.get(key, 0) + n
    # The countries by name (the feed's `name`), not their codes.
    names = {r["key"]: r["name"] for r in by_nat["rows"]}
    assert names == {"VNM": "Việt Nam", "KOR": "Hàn Quốc"}
    assert shown == {names[k]: n for k, n in expected.items()}
    assert_for_people(page)
    shot(page, "analyst-dashboard")

    # On a phone the charts shrink with the screen and the tables become cards.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        "() => document.querySelector('[data-testid=chart-trend]').getBoundingClientRect().width"
        " <= window.innerWidth",
        timeout=5000,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "analyst-dashboard-phone")


def test_small_cells_show_as_hidden_not_zero(page: Page, platform: Platform, scenario: Scenario):
    s = scenario
    sign_in(page, s.analyst.username, s.analyst.password)
    after = s.end + timedelta(days=1)  # the guest house's 2 guests
    open_dashboard(page, date_from=after, date_to=after, facility_type="guest_house")
    api = feed(
        platform,
        s.analyst,
        "/v1/feeds/tourism",
        date_from=after.isoformat(),
        date_to=after.isoformat(),
        facility_type="guest_house",
    ).json()
    hidden = [i for i, r in enumerate(api["rows"]) if r["suppressed"]]
    assert hidden, api  # the 2 guest-house guests are below the threshold
    chart = chart_data(page, "chart-trend")
    for i in hidden:
        assert chart["datasets"][0]["data"][i] is None  # a gap, not a 0
        row = page.get_by_test_id("table-trend").locator("tbody tr").nth(i)
        expect(row.locator("td").nth(1)).to_have_text("<5")
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text("<5")
    expect(page.get_by_text("không phải số 0")).to_be_visible()
    shot(page, "analyst-suppressed")


def test_filters_change_the_url_and_the_chart(page: Page, platform: Platform, scenario: Scenario):
    s = scenario
    sign_in(page, s.analyst.username, s.analyst.password)
    open_dashboard(page, date_from=s.start, date_to=s.end)
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text(str(s.arrivals))

    # Narrow the dates to the first three days: only the hotel's guests remain.
    narrow_end = s.start + timedelta(days=2)
    page.get_by_label("Đến ngày").fill(narrow_end.isoformat())
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page).to_have_url(re.compile(f"date_to={narrow_end.isoformat()}"))
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text("15")
    api = feed(
        platform,
        s.analyst,
        "/v1/feeds/tourism",
        date_from=s.start.isoformat(),
        date_to=narrow_end.isoformat(),
        granularity="day",
    ).json()
    chart = chart_data(page, "chart-trend")
    assert len(chart["labels"]) == 3
    assert chart["datasets"][0]["data"] == [r["arrivals"] for r in api["rows"]] == [5, 0, 10]

    # Whole period again, grouped by week, commune of the motel only.
    page.get_by_label("Đến ngày").fill(s.end.isoformat())
    page.get_by_label("Gộp theo", exact=True).select_option("week")
    pick(page, "Xã, phường", "Trấn Biên", "Phường Trấn Biên")  # by name, not 26041
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page).to_have_url(re.compile("commune=26041"))
    expect(page).to_have_url(re.compile("granularity=week"))
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text("5")
    params = dict(
        date_from=s.start.isoformat(),
        date_to=s.end.isoformat(),
        granularity="week",
        commune=26041,
    )
    api = feed(platform, s.analyst, "/v1/feeds/tourism", **params).json()
    chart = chart_data(page, "chart-trend")
    assert chart["datasets"][0]["data"] == [r["arrivals"] for r in api["rows"]]
    assert sum(chart["datasets"][0]["data"]) == 5

    # Star rating 3 only, in every commune: what the feed counts for that filter.
    page.get_by_role("combobox", name="Xã, phường").fill("")
    page.get_by_label("Hạng sao", exact=True).select_option("3")
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page).to_have_url(re.compile("star_rating=3"))
    params = dict(
        date_from=s.start.isoformat(), date_to=s.end.isoformat(), granularity="week", star_rating=3
    )
    api = feed(platform, s.analyst, "/v1/feeds/tourism", **params).json()
    starred = str(api["total"]["arrivals"])
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text(starred)
    chart = chart_data(page, "chart-trend")
    assert chart["datasets"][0]["data"] == [r["arrivals"] for r in api["rows"]]

    # The URL is the view: opening it again (a bookmark) shows the same filters and numbers.
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    expect(page.get_by_label("Hạng sao", exact=True)).to_have_value("3")
    expect(page.get_by_label("Gộp theo", exact=True)).to_have_value("week")
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text(starred)

    # A reversed range is refused next to the field, before anything is asked.
    page.get_by_label("Đến ngày").fill((s.start - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.locator(".has-error")).to_contain_text("Đến ngày phải từ ngày bắt đầu trở đi")
    shot(page, "analyst-filters")


def test_csv_export_has_the_feeds_numbers(page: Page, platform: Platform, scenario: Scenario):
    s = scenario
    sign_in(page, s.analyst.username, s.analyst.password)
    open_dashboard(page, date_from=s.start, date_to=s.end, granularity="day")
    trend = page.get_by_role("region", name="Diễn biến theo thời gian")
    with page.expect_download() as info:
        trend.get_by_role("button", name="Tải CSV").click()
    download = info.value
    assert download.suggested_filename == "tourism.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    api = feed(
        platform,
        s.analyst,
        "/v1/feeds/tourism",
        date_from=s.start.isoformat(),
        date_to=s.end.isoformat(),
        granularity="day",
    ).json()
    # For people, in the page's language (test_analyst_charts.py: English, percentages).
    assert [r["Từ ngày"] for r in rows] == [ddmmyyyy(r["period_start"]) for r in api["rows"]]
    assert [int(r["Lượt khách đến"]) for r in rows] == [r["arrivals"] for r in api["rows"]]
    assert [int(r["Ngày khách"]) for r in rows] == [r["guest_nights"] for r in api["rows"]]
    assert sum(int(r["Lượt khách đến"]) for r in rows) == s.arrivals

    with page.expect_download() as info:
        trend.get_by_role("button", name="Tải Excel").click()
    assert info.value.suggested_filename == "tourism.xlsx"
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"  # a zip: an XLSX workbook


def test_police_pick_the_department(page: Page, platform: Platform, scenario: Scenario):
    s = scenario
    sign_in(page, *platform.admin)
    page.goto(f"/#/analyst?date_from={s.start}&date_to={s.end}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Văn hóa, Thể thao và Du lịch")
    # Police see every cell: the guest house's 2 guests are not hidden from them.
    expect(page.get_by_test_id("kpi-arrivals")).not_to_have_text("<5")
    page.get_by_label("Sở, ngành", exact=True).select_option("SYT")
    expect(page).to_have_url(re.compile("department=SYT"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Y tế")
    expect(page.get_by_test_id("kpi-arrivals")).to_be_visible()
    shot(page, "analyst-health")
    page.get_by_label("Sở, ngành", exact=True).select_option("BQLKKT")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ban Quản lý Khu kinh tế")
    expect(page.get_by_test_id("kpi-residents")).to_be_visible()
    shot(page, "analyst-zones")
    page.get_by_label("Sở, ngành", exact=True).select_option("SGTVT")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Giao thông vận tải")
    expect(page.get_by_test_id("kpi-trips")).to_be_visible()
    shot(page, "analyst-transport")
    # In English the charts are labelled in English.
    page.get_by_label("Sở, ngành", exact=True).select_option("VHTTDL")
    expect(page.get_by_test_id("chart-trend")).to_be_attached()
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Culture, Sports and Tourism")
    chart = chart_data(page, "chart-trend")
    assert [d["label"] for d in chart["datasets"]] == ["Arrivals", "Guest-nights"]


def test_facility_user_has_no_dashboard(page: Page, platform: Platform, scenario: Scenario):
    s = scenario
    sign_in(page, s.hotel.username, s.hotel.password)
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Số liệu sở, ngành")
    ).to_have_count(0)
    page.goto(f"/#/analyst?date_from={s.start}&date_to={s.end}")
    expect(page.get_by_role("main")).to_contain_text(
        re.compile("Không có trang này|chưa có trang nào")
    )
    expect(page.locator("canvas")).to_have_count(0)
    expect(page.get_by_test_id("kpi-arrivals")).to_have_count(0)
    # The API itself refuses them too.
    response = httpx.get(
        platform.url("analytics", "/v1/feeds/tourism"),
        headers=s.hotel.headers(platform),
        params={"date_from": s.start.isoformat(), "date_to": s.end.isoformat()},
        timeout=30,
    )
    assert response.status_code == 403
    shot(page, "analyst-facility-denied")


def test_feed_counts_hotel_guests_under_their_star_rating(platform: Platform, scenario: Scenario):
    s = scenario
    body = feed(
        platform,
        s.analyst,
        "/v1/feeds/tourism",
        date_from=s.start.isoformat(),
        date_to=s.end.isoformat(),
        star_rating=3,
    ).json()
    assert body["total"]["arrivals"] == 15


def test_health_dashboard_equals_the_health_feed(page: Page, platform: Platform):
    start = date(random.randrange(1995, 2019), random.randrange(1, 13), random.randrange(1, 21))
    end = start + timedelta(days=3)
    hospital = new_facility(
        platform,
        name=f"Bệnh viện Thử {random.randrange(10**6)}",
        facility_type="medical",
        star_rating=None,
        rooms=40,
        beds=120,
    )
    # Multiples of 5: exact under the analysts' rounding.
    check_in(platform, hospital, [guest(start, 2, female=i % 2 == 0) for i in range(5)])
    check_in(platform, hospital, [guest(start + timedelta(days=1), 1) for _ in range(5)])
    analyst = new_user(platform, "department_analyst", department="SYT")
    params = dict(date_from=start.isoformat(), date_to=end.isoformat(), granularity="day")

    def counted():
        exact = police_feed(platform, "/v1/feeds/health", **params)
        mine = [r for r in exact["rows"] if r["facility_id"] == hospital.facility_id]
        return exact if sum(r["arrivals"] for r in mine) == 10 else None

    poll(counted, timeout=30)
    api = feed(platform, analyst, "/v1/feeds/health", **params).json()
    sign_in(page, analyst.username, analyst.password)
    page.goto(f"/#/analyst?date_from={start}&date_to={end}&granularity=day")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Y tế")
    # Health data: no type, star or breakdown choices, counts only.
    expect(page.get_by_label("Hạng sao", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text("10")
    expect(page.get_by_test_id("kpi-nights")).to_have_text(str(5 * 2 + 5))
    chart = chart_data(page, "chart-trend")
    # Every day of the filter on the chart; a day the feed has no row for is 0.
    periods = [(start + timedelta(days=i)).isoformat() for i in range(4)]
    assert chart["labels"] == [ddmmyyyy(p) for p in periods]
    [dataset] = chart["datasets"]
    assert dataset["label"].endswith(api["rows"][0]["facility_name"])
    by_day = {r["period_start"]: r["arrivals"] for r in api["rows"]}
    assert dataset["data"] == [by_day.get(p, 0) for p in periods]
    assert sum(dataset["data"]) == 10
    rows = page.get_by_test_id("table-trend").locator("tbody tr")
    expect(rows).to_have_count(len(api["rows"]))
    for i, r in enumerate(api["rows"]):
        expect(rows.nth(i).locator("td").nth(2)).to_have_text(str(r["arrivals"]))
        expect(rows.nth(i).locator("td").nth(3)).to_have_text(str(r["nights"]))
    shot(page, "analyst-health-data")


def test_zones_dashboard_equals_the_zones_feed(page: Page, platform: Platform):
    start = date(random.randrange(1995, 2019), random.randrange(1, 13), random.randrange(1, 21))
    end = start + timedelta(days=3)
    zone = f"KCN Thử {random.randrange(10**6)}"
    housing = new_facility(
        platform,
        name=f"Nhà ở {zone}",
        facility_type="zone_housing",
        star_rating=None,
        zone=zone,
        rooms=20,
        beds=40,
    )
    # 5 workers (a multiple of 5: exact under the analysts' rounding): 3 women and 2 men
    # (each gender below the threshold: hidden, never 0).
    check_in(platform, housing, [guest(start, 3, female=i % 2 == 0) for i in range(5)])
    analyst = new_user(platform, "department_analyst", department="BQLKKT")
    params = dict(date_from=start.isoformat(), date_to=end.isoformat(), granularity="day")

    def counted():
        exact = police_feed(platform, "/v1/feeds/zones", by="zone", **params)
        mine = [r for r in exact["rows"] if r["key"] == zone]
        return exact if sum(r["arrivals"] for r in mine) == 5 else None

    poll(counted, timeout=30)
    api = feed(platform, analyst, "/v1/feeds/zones", by="zone", **params).json()
    sign_in(page, analyst.username, analyst.password)
    page.goto(f"/#/analyst?date_from={start}&date_to={end}&granularity=day")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ban Quản lý Khu kinh tế")
    expect(page.get_by_test_id("kpi-arrivals")).to_have_text("5")
    chart = chart_data(page, "chart-trend")
    periods = [(start + timedelta(days=i)).isoformat() for i in range(4)]
    assert chart["labels"] == [ddmmyyyy(p) for p in periods]
    [dataset] = [d for d in chart["datasets"] if d["label"].endswith(zone)]
    cells = {r["period_start"]: r["arrivals"] for r in api["rows"] if r["key"] == zone}
    assert dataset["data"] == [cells.get(p, 0) for p in periods]
    # By gender: both cells are below 5, so the API hides them and the page shows "<5".
    genders = feed(
        platform, analyst, "/v1/feeds/zones", by="gender", **{**params, "granularity": "month"}
    ).json()
    assert genders["rows"] and all(r["suppressed"] for r in genders["rows"])
    chart = chart_data(page, "chart-by-gender")
    assert all(v is None for d in chart["datasets"] for v in d["data"])
    table = page.get_by_test_id("chart-by-gender-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody td.num")).to_have_text(["<5", "<5"])
    shot(page, "analyst-zones-data")


def submit_trip(platform: Platform, operator: Account, day: date, *, to: int, seats: int, n: int):
    passengers = []
    for i in range(n):
        p = guest(day, 0, female=i % 2 == 0)
        for field in ("check_in_at", "expected_check_out", "room"):
            p.pop(field)
        passengers.append({**p, "seat": f"A{i + 1}"})
    trip = {
        "plate": "60B-123.45",
        "origin_province": 75,
        "destination_province": to,
        "departure_at": f"{day.isoformat()}T08:00:00+07:00",
        "seats": seats,
        "crew": [{"full_name": "Nguyễn Văn Tài", "role": "driver"}],
        "passengers": passengers,
    }
    headers = operator.headers(platform)

    def send():
        response = httpx.post(
            platform.url("ingest", "/v1/trips"), headers=headers, json=trip, timeout=30
        )
        return None if response.status_code == 404 else response

    response = poll(send, timeout=20)
    assert response.status_code == 201, response.text


def test_transport_dashboard_equals_the_transport_feed(page: Page, platform: Platform):
    start = date(random.randrange(1995, 2019), random.randrange(1, 13), random.randrange(1, 21))
    end = start + timedelta(days=3)
    operator_name = f"Nhà xe Thử {random.randrange(10**6)}"
    operator = new_facility(
        platform,
        name=operator_name,
        facility_type="coach",
        star_rating=None,
        rooms=None,
        beds=None,
        vehicles=2,
        seats=85,
    )
    # Multiples of 5 passengers: exact under the analysts' rounding.
    submit_trip(platform, operator, start, to=79, seats=45, n=5)
    submit_trip(platform, operator, start + timedelta(days=1), to=68, seats=40, n=10)
    analyst = new_user(platform, "department_analyst", department="SGTVT")
    params = dict(date_from=start.isoformat(), date_to=end.isoformat())

    def counted():
        body = feed(platform, analyst, "/v1/feeds/transport", by="day", **params).json()
        return body if sum(r["trips"] for r in body["rows"]) == 2 else None

    days = poll(counted, timeout=30)
    sign_in(page, analyst.username, analyst.password)
    page.goto(f"/#/analyst?date_from={start}&date_to={end}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Giao thông vận tải")
    expect(page.get_by_label("Gộp theo", exact=True)).to_have_count(0)  # trips are by day
    expect(page.get_by_test_id("kpi-trips")).to_have_text("2")
    expect(page.get_by_test_id("kpi-seats")).to_have_text("85")
    expect(page.get_by_test_id("kpi-passengers")).to_have_text("15")
    expect(page.get_by_test_id("kpi-load")).to_have_text(f"{vn(15 / 85 * 100, 1)} %")
    chart = chart_data(page, "chart-trend")
    periods = [(start + timedelta(days=i)).isoformat() for i in range(4)]
    assert chart["labels"] == [ddmmyyyy(p) for p in periods]
    by_day = {r["key"]: r for r in days["rows"]}
    assert chart["datasets"][0]["data"] == [
        by_day[p]["passengers"] if p in by_day else 0 for p in periods
    ]
    assert chart["datasets"][0]["data"] == [5, 10, 0, 0]
    assert chart["datasets"][1]["data"] == [1, 1, 0, 0]
    routes = feed(platform, analyst, "/v1/feeds/transport", by="route", **params).json()
    chart = chart_data(page, "chart-by-route")
    assert [r["key"] for r in routes["rows"]] == ["75-68", "75-79"]
    # Routes and operators by their names, never by codes or ids.
    assert chart["labels"] == [r["name"] for r in routes["rows"]]
    assert chart["labels"] == ["Đồng Nai → Lâm Đồng", "Đồng Nai → Thành phố Hồ Chí Minh"]
    assert chart["datasets"][0]["data"] == [r["passengers"] for r in routes["rows"]] == [10, 5]
    assert chart_data(page, "chart-by-operator")["labels"] == [operator_name]
    route_table = page.locator("section[aria-labelledby=analyst-by-route] table")
    expect(route_table).to_contain_text("Đồng Nai → Lâm Đồng")
    assert_for_people(page)
    shot(page, "analyst-transport-data")
