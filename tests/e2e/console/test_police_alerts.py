"""Alerts worked at volume and lateness in words (issue 12, points 5): many hits for a few
people show as one card per person with their hit count, the watchlist entries by reason,
the facility's name, address and the room, with totals, pages and filters equal to
GET /v1/alerts/people; a person's hits are acknowledged and closed together or one by one.
Compliance shows lateness in days and hours, never minutes, on the page and in its CSV, in
Vietnamese and English."""

from __future__ import annotations

import csv
import io
import random
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from luutru_analytics.core.labels import duration
from luutru_common.admin_units import commune_name, communes_of
from tests.e2e.conftest import Platform, poll
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    admin_headers,
    assert_for_people,
    check_in,
    new_facility,
    sign_in,
)

VN = timezone(timedelta(hours=7))
STREET = "12 Đường Thử Nghiệm"


def analytics(platform: Platform, path: str, headers: dict, params=None):
    response = httpx.get(
        platform.url("analytics", path), headers=headers, params=params, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def doc_number() -> str:
    return f"0790{random.randrange(10**8):08d}"


def birthday() -> date:
    return date(1940, 1, 1) + timedelta(days=random.randrange(20000))


@pytest.fixture(scope="module")
def wanted(platform: Platform) -> dict:
    """Three people in a commune picked at random, checked in one after another: A matches
    three entries (two by document, one by name and birth date), B two, C one."""
    headers = admin_headers(platform)
    commune = random.choice([c for c, _ in communes_of(75) if c not in (26068, 26041)])
    account = new_facility(
        platform,
        name=f"Khách sạn Nhiều Cảnh Báo {uuid.uuid4().hex[:4]}",
        commune_code=commune,
        street=STREET,
    )
    people = []
    for i, (label, hits) in enumerate((("A", 3), ("B", 2), ("C", 1))):
        doc, born = doc_number(), birthday()
        name = f"Phan Văn Thử{label} {uuid.uuid4().hex[:4].upper()}"
        entries = [{"document_number": doc, "reason": f"Lệnh truy nã {label}-1"}]
        if hits >= 2:
            entries.append(
                {"full_name": name, "date_of_birth": born.isoformat(), "reason": f"Lệnh {label}-2"}
            )
        if hits >= 3:
            entries.append({"document_number": doc, "reason": f"Quyết định {label}-3"})
        for entry in entries:
            added = httpx.post(
                platform.url("analytics", "/v1/watchlist"), headers=headers, json=entry, timeout=30
            )
            assert added.status_code == 201, added.text
        people.append({"name": name, "hits": hits, "room": f"30{i + 1}", "doc": doc, "born": born})
    for person in people:
        person["stay"] = check_in(
            platform,
            account,
            {
                "full_name": person["name"],
                "date_of_birth": person["born"].isoformat(),
                "gender": "male",
                "id_number": person["doc"],
                "check_in_at": datetime.now(VN).replace(microsecond=0).isoformat(),
                "room": person["room"],
            },
        )

        def alerted(stay_id=person["stay"]["stay_id"], hits=person["hits"]):
            page = analytics(
                platform, "/v1/alerts/people", headers, {"commune": commune, "page_size": 100}
            )
            mine = [p for p in page["items"] if p["stay_id"] == stay_id]
            return mine[0] if mine and mine[0]["hit_count"] == hits else None

        person["api"] = poll(alerted, timeout=30, interval=0.5)
    return {"commune": commune, "account": account, "people": people, "headers": headers}


def test_one_card_per_person_with_counts_pages_and_filters(
    page: Page, platform: Platform, wanted: dict
):
    headers, commune = wanted["headers"], wanted["commune"]
    a, b, c = wanted["people"]
    sign_in(page, *platform.admin)
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"/#/police/alerts?commune={commune}&page_size=2")
    params = {"commune": commune, "page_size": 2}
    first = analytics(platform, "/v1/alerts/people", headers, params)
    assert first["total_people"] >= 3 and first["pages"] >= 2
    expect(page.get_by_test_id("alert-totals")).to_have_text(
        f"{first['total_people']} người · {first['total_hits']} cảnh báo · Trang 1/{first['pages']}"
    )
    # The commune filter shows the commune by its name.
    picked = page.get_by_label("Xã/phường", exact=True)
    expect(picked).to_have_value(str(commune))
    expect(picked.locator("option:checked")).to_contain_text(commune_name(commune))

    cards = page.get_by_test_id("alert-person")
    expect(cards).to_have_count(2)
    # Newest first: C, then B — each once, with all their hits.
    assert [p["stay_id"] for p in first["items"]] == [c["stay"]["stay_id"], b["stay"]["stay_id"]]
    for card, person in zip((cards.nth(0), cards.nth(1)), (c, b), strict=True):
        expect(card.get_by_role("heading", level=2)).to_have_text(person["name"])
        expect(card.get_by_test_id("hit-count")).to_have_text(f"{person['hits']} cảnh báo")
        expect(card.get_by_test_id("alert")).to_have_count(person["hits"])
        expect(card.get_by_test_id("alert-facility")).to_contain_text(
            wanted["account"].facility_code
        )
        expect(card.get_by_test_id("alert-address")).to_have_text(
            f"{STREET}, {commune_name(commune)}"
        )
        expect(card.get_by_test_id("alert-room")).to_have_text(person["room"])
    expect(cards.nth(1)).to_contain_text("Lệnh truy nã B-1")
    expect(cards.nth(1)).to_contain_text("Lệnh B-2")
    expect(cards.nth(1)).to_contain_text("Họ tên và ngày sinh")
    facility_name = first["items"][0]["facility_name"]
    expect(cards.nth(0).get_by_test_id("alert-facility")).to_contain_text(facility_name)
    assert_for_people(page)
    shot(page, "police-alerts-people")

    # The next page: A, with three hits listed by their reasons.
    page.get_by_role("button", name="Trang sau").click()
    expect(page.get_by_test_id("alert-totals")).to_contain_text(f"Trang 2/{first['pages']}")
    second = analytics(platform, "/v1/alerts/people", headers, {**params, "page": 2})
    card = cards.first
    expect(card.get_by_role("heading", level=2)).to_have_text(second["items"][0]["subject_name"])
    assert second["items"][0]["stay_id"] == a["stay"]["stay_id"]
    expect(card.get_by_test_id("hit-count")).to_have_text("3 cảnh báo")
    for reason in ("Lệnh truy nã A-1", "Lệnh A-2", "Quyết định A-3"):
        expect(card).to_contain_text(reason)

    # Match kind: name and date of birth — the people the API lists for it.
    page.get_by_label("Kiểu khớp").select_option("name_dob")
    by_name = analytics(
        platform, "/v1/alerts/people", headers, {**params, "match_kind": "name_dob"}
    )
    expect(page.get_by_test_id("alert-totals")).to_contain_text(
        f"{by_name['total_people']} người · {by_name['total_hits']} cảnh báo"
    )
    expect(cards).to_have_count(len(by_name["items"]))
    expect(cards.first.get_by_role("heading", level=2)).to_have_text(
        by_name["items"][0]["subject_name"]
    )

    # A as a whole: acknowledge all three, close one on its own, then close the rest.
    page.get_by_label("Kiểu khớp").select_option("")
    page.get_by_role("button", name="Trang sau").click()
    card = cards.filter(has_text=a["name"])
    card.get_by_label("Ghi chú xử lý").fill("Đã cử tổ công tác")
    card.get_by_role("button", name="Tiếp nhận (3)").click()
    expect(card).to_contain_text("Đã chuyển 3 cảnh báo sang: Đã tiếp nhận")
    record = a["api"]["record_id"]
    mine = lambda: next(  # noqa: E731
        p
        for p in analytics(
            platform, "/v1/alerts/people", headers, {"commune": commune, "page_size": 100}
        )["items"]
        if p["record_id"] == record
    )
    assert {h["status"] for h in mine()["hits"]} == {"acknowledged"}
    card.get_by_role("button", name="Đóng mục này").first.click()
    expect(card.get_by_role("button", name="Đóng cảnh báo (2)")).to_be_visible()
    assert sorted(h["status"] for h in mine()["hits"]) == ["acknowledged", "acknowledged", "closed"]
    card.get_by_role("button", name="Đóng cảnh báo (2)").click()
    expect(card).to_contain_text("Đã chuyển 2 cảnh báo sang: Đã đóng")
    assert {h["status"] for h in mine()["hits"]} == {"closed"}
    assert_for_people(page)

    # In English.
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wanted-person alerts")
    expect(page.get_by_test_id("alert-totals")).to_contain_text("people ·")
    expect(card.get_by_test_id("hit-count")).to_have_text("3 alerts")
    expect(card).to_contain_text("Room")
    assert_for_people(page)
    shot(page, "police-alerts-people-en")


def test_working_the_new_ones_page_by_page_skips_nobody(page: Page, platform: Platform):
    """An officer works the new alerts one person a page: acknowledging the person shown and
    going to the next page shows the next person. Pages counted from the top skipped them:
    the acknowledged person left the filter, so page 2 began one person further down."""
    headers = admin_headers(platform)
    commune = random.choice([c for c, _ in communes_of(75) if c not in (26068, 26041)])
    account = new_facility(platform, commune_code=commune, street=STREET)
    names = []
    for label in "XYZ":
        doc, name = doc_number(), f"Lê Văn Hàng{label} {uuid.uuid4().hex[:4].upper()}"
        added = httpx.post(
            platform.url("analytics", "/v1/watchlist"),
            headers=headers,
            json={"document_number": doc, "reason": f"Lệnh {label}"},
            timeout=30,
        )
        assert added.status_code == 201, added.text
        check_in(
            platform,
            account,
            {
                "full_name": name,
                "date_of_birth": birthday().isoformat(),
                "gender": "male",
                "id_number": doc,
                "check_in_at": datetime.now(VN).replace(microsecond=0).isoformat(),
            },
        )
        names.append(name)
    params = {"commune": commune, "status": "new", "page_size": 100}
    poll(
        lambda: (
            len(analytics(platform, "/v1/alerts/people", headers, params)["items"]) == 3 or None
        ),
        timeout=30,
        interval=0.5,
    )
    sign_in(page, *platform.admin)
    page.goto(f"/#/police/alerts?commune={commune}&status=new&page_size=1")
    cards = page.get_by_test_id("alert-person")
    for name in reversed(names):  # newest first
        expect(cards).to_have_count(1)
        expect(cards.first.get_by_role("heading", level=2)).to_have_text(name)
        cards.first.get_by_role("button", name="Tiếp nhận", exact=True).click()
        expect(cards.first).to_contain_text("Đã chuyển sang: Đã tiếp nhận")
        if name != names[0]:
            page.get_by_role("button", name="Trang sau").click()
    # Two of three worked off the pages before: the third page is not "of 1", it is page 3.
    expect(page.get_by_test_id("alert-totals")).to_have_text(re.compile(r"· Trang 3$"))
    assert analytics(platform, "/v1/alerts/people", headers, params)["total_people"] == 0


def test_compliance_lateness_in_days_and_hours(page: Page, platform: Platform):
    headers = admin_headers(platform)
    account = new_facility(platform)
    now = datetime.now(VN).replace(microsecond=0)
    arrived = (now - timedelta(days=2)).replace(hour=10, minute=0)
    check_in(
        platform,
        account,
        {
            "full_name": "Vũ Văn Chậm",
            "date_of_birth": "1991-04-05",
            "gender": "male",
            "id_number": doc_number(),
            "check_in_at": arrived.isoformat(),
            "room": "7",
        },
    )
    day = arrived.date().isoformat()

    def projected():
        rows = analytics(
            platform, "/v1/compliance/daily", headers, {"date_from": day, "date_to": day}
        )["rows"]
        mine = [r for r in rows if r["facility_id"] == account.facility_id]
        return mine[0] if mine and mine[0]["late_reports"] and mine[0]["facility_code"] else None

    row = poll(projected, timeout=60, interval=1)
    late = row["minutes_late_max"]
    assert late > 24 * 60  # reported more than a day after its deadline
    sign_in(page, *platform.admin)
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto("/#/police/compliance")
    page.get_by_label("Từ ngày").fill(day)
    page.get_by_label("Đến ngày").fill(day)
    page.get_by_role("button", name="Xem", exact=True).click()
    table = page.get_by_test_id("compliance-daily")
    line = table.locator("tr", has_text=account.facility_code)
    expect(table.locator("thead")).to_contain_text("Trễ lâu nhất")
    expect(line.locator("td").nth(5)).to_have_text(duration(late, "vi"))
    assert "ngày" in duration(late, "vi") and str(late) not in line.inner_text()
    with page.expect_download() as downloaded:
        page.get_by_role("region", name="Theo cơ sở và ngày").get_by_role(
            "button", name="Tải CSV"
        ).click()
    rows = list(
        csv.DictReader(io.StringIO(Path(downloaded.value.path()).read_text(encoding="utf-8-sig")))
    )
    exported = next(r for r in rows if r["Mã cơ sở"] == account.facility_code)
    assert exported["Trễ lâu nhất"] == duration(late, "vi")
    assert exported["Khung phạt (NĐ 282/2025)"] == "1–3 người"
    assert_for_people(page)

    page.get_by_test_id("lang-switch").click()
    expect(table.locator("thead")).to_contain_text("Longest lateness")
    expect(line.locator("td").nth(5)).to_have_text(duration(late, "en"))
    with page.expect_download() as downloaded:
        page.get_by_role("region", name="Per facility and day").get_by_role(
            "button", name="Download CSV"
        ).click()
    rows = list(
        csv.DictReader(io.StringIO(Path(downloaded.value.path()).read_text(encoding="utf-8-sig")))
    )
    exported = next(r for r in rows if r["Facility code"] == account.facility_code)
    assert exported["Longest lateness"] == duration(late, "en")
    assert_for_people(page)
    shot(page, "police-compliance-lateness-en")
