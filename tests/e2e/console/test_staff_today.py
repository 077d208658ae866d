"""The lodging staff's day on a phone (390×844), in Vietnamese and English: the receipt as a
person reads it (the short receipt number, the guest, the room, the facility, when it was
received, the deadline, each warning with what to do), today's guests grouped by room with
lateness in days, hours and minutes and counters that agree with the cards, search by name,
room or receipt number (another day's number is looked up), voiding in a "More" menu away from
check-out, and the guide to the day's work on the home page. Every page is checked for the
API's internals (assert_for_people) and compared with what the ingest API says."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    Account,
    assert_for_people,
    known_to_ingest,
    new_facility,
    sign_in,
)
from tests.e2e.console.test_staff import (
    VN,
    api,
    check_in_api,
    id_number,
    late_text,
    today_vn,
)

PHONE = {"width": 390, "height": 844}
NUMBER = re.compile(r"^[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}$")
HOUSE_NAME = f"Nhà nghỉ Hoa Sen {uuid.uuid4().hex[:4]}"


@pytest.fixture(scope="module")
def house(platform: Platform) -> Account:
    account = new_facility(
        platform,
        name=HOUSE_NAME,
        facility_type="boarding_house",
        star_rating=None,
        rooms=6,
        beds=40,
    )
    return known_to_ingest(platform, account)


def english(page: Page) -> None:
    page.get_by_role("button", name="Trình đơn").click()
    page.get_by_test_id("lang-switch").click()


def arrived(days_ago: int, hour: int = 10) -> str:
    moment = datetime.now(VN) - timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=5, second=0, microsecond=0, tzinfo=None).isoformat()


def test_the_receipt_on_a_phone(page: Page, platform: Platform, house: Account):
    # Digit 4 says "female", the guest is male: accepted with a warning about the ID digits.
    stay = check_in_api(
        platform, house, room="P2", gender="male", id_number=id_number(1990, female=True)
    )
    assert NUMBER.match(stay["receipt_number"])
    assert [w["code"] for w in stay["warnings"]] == ["id-gender-mismatch"]
    page.set_viewport_size(PHONE)
    sign_in(page, house.username, house.password)
    page.goto(f"/#/guests/{stay['stay_id']}")
    receipt = page.get_by_test_id("receipt")
    expect(receipt.get_by_test_id("receipt-number")).to_have_text(stay["receipt_number"])
    expect(receipt.get_by_test_id("receipt-name")).to_have_text(stay["full_name"])
    expect(receipt.get_by_test_id("receipt-room")).to_have_text("P2")
    expect(receipt.get_by_test_id("receipt-facility")).to_have_text(HOUSE_NAME)
    expect(receipt).to_contain_text("Đã tiếp nhận lúc")
    expect(receipt).not_to_contain_text("Máy chủ")
    expect(receipt).to_contain_text("Hạn khai báo")
    warning = page.get_by_test_id("warnings").locator("li")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("Số định danh cá nhân: ")
    expect(warning).to_contain_text(stay["warnings"][0]["message"]["vi"])
    expect(warning).to_contain_text("Kiểm tra lại số CCCD với thẻ của khách", ignore_case=True)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    assert_for_people(page)
    shot(page, "staff-receipt-phone")

    english(page)
    expect(receipt).to_contain_text("Received at")
    expect(receipt.get_by_test_id("receipt-number")).to_have_text(stay["receipt_number"])
    expect(warning).to_contain_text(stay["warnings"][0]["message"]["en"])
    expect(warning).to_contain_text("check the ID number against the guest's card")
    assert_for_people(page)
    shot(page, "staff-receipt-phone-en")

    # The number is what the API looks the record up by.
    found = api(platform, house, "GET", f"/v1/stays/by-number/{stay['receipt_number']}")
    assert found.json()["stay_id"] == stay["stay_id"]


def test_today_by_room_lateness_search_and_the_void_menu(
    page: Page, platform: Platform, house: Account
):
    tag = uuid.uuid4().hex[:4].upper()
    room_a, room_b = f"A{tag}", f"B{tag}"
    first = check_in_api(platform, house, room=room_a, full_name=f"Đỗ Văn Một {tag}")
    second = check_in_api(platform, house, room=room_a, full_name=f"Đỗ Thị Hai {tag}")
    # Arrived two days ago and reported only now: late by days and hours, still staying.
    late = check_in_api(
        platform, house, room=room_b, full_name=f"Phạm Văn Trễ {tag}", check_in_at=arrived(2)
    )
    assert late["late_minutes"] > 1440
    # Another day's guest, gone since: not on today's list, found by number.
    past = check_in_api(platform, house, room="P9", check_in_at=arrived(5))
    gone = api(
        platform,
        house,
        "POST",
        f"/v1/stays/{past['stay_id']}/check-out",
        json={"check_out_at": arrived(4, hour=9)},
    )
    assert gone.status_code == 200, gone.text

    page.set_viewport_size(PHONE)
    sign_in(page, house.username, house.password)
    staying = page.get_by_test_id("staying")
    expect(staying).to_contain_text(first["full_name"])

    # Grouped by room: both guests of room A under one heading, the late one under room B.
    group_a = staying.locator(f"[data-testid=room][data-room='{room_a}']")
    expect(group_a.get_by_role("heading")).to_contain_text(f"Phòng {room_a}")
    expect(group_a.get_by_test_id("guest-card")).to_have_count(2)
    group_b = staying.locator(f"[data-testid=room][data-room='{room_b}']")
    late_card = group_b.get_by_test_id("guest-card")
    expect(late_card).to_have_count(1)
    expect(late_card).to_contain_text(late["full_name"])
    expect(late_card).to_contain_text(late["receipt_number"])
    expect(late_card.get_by_test_id("guest-timeliness")).to_have_text(
        late_text(late["late_minutes"])
    )
    expect(late_card).not_to_contain_text(f"{late['late_minutes']} phút")

    # The late counter counts what the cards show, and what the API says.
    held = api(
        platform, house, "GET", "/v1/stays", params={"date": today_vn(), "held": "true"}
    ).json()["items"]
    arrivals = api(platform, house, "GET", "/v1/stays", params={"date": today_vn()}).json()
    records = {s["stay_id"]: s for s in held + arrivals["items"]}
    late_ids = [i for i, s in records.items() if s["status"] != "voided" and s["late_minutes"] > 0]
    assert late["stay_id"] in late_ids
    expect(page.get_by_test_id("count-late")).to_have_text(str(len(late_ids)))
    late_badges = page.locator("[data-testid=guest-timeliness]:not([data-late-minutes='0'])")
    expect(late_badges).to_have_count(len(late_ids))
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    assert_for_people(page)
    shot(page, "staff-today-rooms-phone")

    # Search by receipt number as read on the phone (lower case, no dashes), by name, by room.
    search = page.get_by_label("Tìm theo tên, phòng hoặc số biên nhận")
    search.fill(second["receipt_number"].replace("-", "").lower())
    cards = page.get_by_test_id("guest-card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(second["full_name"])
    search.fill(f"pham van tre {tag.lower()}")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(late["full_name"])
    search.fill(room_a)
    expect(cards).to_have_count(2)
    # A number of another day: the record it belongs to, with a link.
    search.fill(past["receipt_number"])
    result = page.get_by_test_id("search-result")
    expect(result).to_contain_text(past["full_name"])
    expect(result).to_contain_text(past["receipt_number"])
    assert_for_people(page)
    result.get_by_role("link", name="Mở bản khai").click()
    expect(page.get_by_role("heading", name=past["full_name"])).to_be_visible()
    page.go_back()

    # The void is behind "Thêm", away from check-out.
    search = page.get_by_label("Tìm theo tên, phòng hoặc số biên nhận")
    search.fill("")
    card = staying.get_by_test_id("guest-card").filter(has_text=first["full_name"])
    expect(card.get_by_role("button", name="Trả phòng")).to_be_visible()
    expect(card.get_by_role("button", name="Hủy bản khai")).to_be_hidden()
    card.locator("summary").click()
    card.get_by_role("button", name="Hủy bản khai").click()
    action = page.get_by_test_id("stay-action")
    action.get_by_label("Lý do hủy").fill("Khai trùng")
    action.get_by_role("button", name="Xác nhận hủy bản khai").click()
    expect(page.get_by_test_id("voided")).to_contain_text(first["full_name"])
    assert api(platform, house, "GET", f"/v1/stays/{first['stay_id']}").json()["status"] == (
        "voided"
    )

    english(page)
    expect(page.get_by_role("heading", name="Today's guests")).to_be_visible()
    expect(late_card.get_by_test_id("guest-timeliness")).to_have_text(
        late_text(late["late_minutes"], "en")
    )
    expect(group_b.get_by_role("heading")).to_contain_text(f"Room {room_b}")
    page.get_by_label("Search by name, room or receipt number").fill(second["receipt_number"])
    expect(cards).to_have_count(1)
    card = cards.first
    card.locator("summary", has_text="More").click()
    expect(card.get_by_role("button", name="Void record")).to_be_visible()
    assert_for_people(page)
    shot(page, "staff-today-rooms-phone-en")


def test_the_guide_on_the_home_page(page: Page, platform: Platform, house: Account):
    page.set_viewport_size(PHONE)
    sign_in(page, house.username, house.password)
    guide = page.get_by_test_id("guide")
    expect(guide).to_have_attribute("open", "")
    expect(guide.get_by_test_id("guide-deadline")).to_contain_text("trước 23:00")
    expect(guide.get_by_test_id("guide-deadline")).to_contain_text("trước 08:00 sáng hôm sau")
    expect(guide).to_contain_text("Trả phòng")
    assert_for_people(page)
    shot(page, "staff-guide-phone")
    # Folded, it stays folded.
    guide.locator("summary").click()
    expect(guide).not_to_have_attribute("open", "")
    page.reload()
    expect(page.get_by_test_id("guide")).not_to_have_attribute("open", "")
    page.get_by_test_id("guide").locator("summary").click()
    english(page)
    expect(guide.locator("summary")).to_have_text("What to do each day")
    expect(guide.get_by_test_id("guide-deadline")).to_contain_text("before 23:00")
    expect(guide.get_by_test_id("guide-deadline")).to_contain_text("before 08:00 the next morning")
    assert_for_people(page)
    shot(page, "staff-guide-phone-en")


def test_a_trip_page_shows_the_trip_receipt_number(page: Page, platform: Platform):
    from tests.e2e.console.test_coach import coach_operator, plate

    account, headers = coach_operator(platform)
    response = httpx.post(
        platform.url("ingest", "/v1/trips"),
        headers=headers,
        json={
            "plate": plate(),
            "origin_province": 75,
            "destination_province": 79,
            "departure_at": datetime.now(VN).replace(microsecond=0, tzinfo=None).isoformat(),
            "seats": 30,
            "passengers": [
                {
                    "full_name": "Nguyễn Văn An",
                    "date_of_birth": "1990-03-15",
                    "gender": "male",
                    "id_number": "075090001234",
                    "seat": "1",
                }
            ],
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    trip = response.json()
    assert NUMBER.match(trip["receipt_number"])
    found = httpx.get(
        platform.url("ingest", f"/v1/trips/by-number/{trip['receipt_number']}"),
        headers=headers,
        timeout=10,
    )
    assert found.json()["trip_id"] == trip["trip_id"]
    page.set_viewport_size(PHONE)
    sign_in(page, account.username, account.password)
    page.goto(f"/#/trips/{trip['trip_id']}")
    expect(page.get_by_test_id("trip-number")).to_have_text(trip["receipt_number"])
    expect(page.get_by_test_id("trip-facts")).to_contain_text("Số biên nhận")
    assert_for_people(page)
    english(page)
    expect(page.get_by_test_id("trip-facts")).to_contain_text("Receipt number")
    assert_for_people(page)
