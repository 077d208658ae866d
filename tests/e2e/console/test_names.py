"""Names where a person reads (issue 12): provinces, communes, countries and roles by their
names, pickers with search instead of typed codes, and error summaries that name the
passenger and the field in words, counted from 1."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    admin_headers,
    assert_for_people,
    new_facility,
    pick,
    sign_in,
)
from tests.e2e.console.test_coach import coach_operator, fill_passenger, plate

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, console: str) -> Page:
    context = browser.new_context(
        base_url=console, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    try:
        missing = page.evaluate("[...(window.__luutruMissingKeys || [])]")
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not missing, f"messages missing in a language: {missing}"


def test_trip_by_province_names_on_a_phone(phone: Page, platform: Platform):
    page = phone
    account, headers = coach_operator(platform)
    sign_in(page, account.username, account.password)
    page.goto("/#/new-trip")
    expect(page.get_by_role("heading", name="Khai báo chuyến xe")).to_be_visible()

    # Provinces are picked by name; the operator's own province is there already.
    expect(page.get_by_role("combobox", name="Tỉnh đi")).to_have_value("Đồng Nai")
    page.get_by_label("Biển số xe").fill(plate())
    pick(page, "Tỉnh đến", "lam dong", "Lâm Đồng")  # accents need not be typed
    page.get_by_label("Số ghế trên xe").fill("45")
    first = fill_passenger(page, 1, "Nguyễn Văn An", "1990-03-15", "Nam", "075090001234", "A1")
    # A country is found by a few letters of its Vietnamese name.
    nationality = first.get_by_role("combobox", name="Quốc tịch")
    expect(nationality).to_have_value("Việt Nam")
    nationality.fill("Hàn")
    expect(first.get_by_role("option", name="Hàn Quốc", exact=True)).to_be_visible()
    assert_for_people(page)
    shot(page, "names-country-picker")
    nationality.press("Escape")
    expect(nationality).to_have_value("Việt Nam")

    page.get_by_role("button", name="Thêm hành khách").click()
    second = fill_passenger(page, 2, "Trần Thị Bình", "2099-07-02", "Nữ", "079185004321", "A2")
    page.get_by_role("button", name="Gửi danh sách chuyến").click()
    summary = page.locator(".banner.error")
    expect(summary).to_contain_text("Hành khách thứ 2 — Ngày sinh:")
    expect(second.get_by_label("Ngày sinh")).to_have_attribute("aria-invalid", "true")
    assert_for_people(page)
    shot(page, "names-trip-errors")

    second.get_by_label("Ngày sinh").fill("1985-07-02")
    page.get_by_role("button", name="Gửi danh sách chuyến").click()
    expect(page.get_by_test_id("trip-route")).to_have_text("Đồng Nai → Lâm Đồng")
    trip_id = page.get_by_test_id("trip-facts").get_attribute("data-trip-id")
    stored = httpx.get(platform.url("ingest", f"/v1/trips/{trip_id}"), headers=headers, timeout=10)
    assert (stored.json()["origin_province"], stored.json()["destination_province"]) == (75, 68)
    assert_for_people(page)

    page.goto("/#/trips")
    expect(page.get_by_test_id("trips")).to_contain_text("Đồng Nai → Lâm Đồng")
    assert_for_people(page)
    shot(page, "names-trips")

    # In English, countries are named in English; the summary too counts from 1.
    page.get_by_test_id("lang-switch").click()
    page.goto("/#/new-trip")
    passenger = page.get_by_role("group", name="Passenger 1", exact=True)
    expect(passenger.get_by_role("combobox", name="Nationality")).to_have_value("Vietnam")
    page.get_by_role("button", name="Submit the manifest").click()
    expect(page.locator(".banner.error")).to_contain_text("Passenger 1 — Full name:")
    assert_for_people(page)


def test_officer_communes_and_facility_filters_by_name(page: Page, platform: Platform):
    sign_in(page, *platform.admin)
    page.goto("/#/users/new")
    page.get_by_label("Vai trò").select_option("police_officer")
    username = f"cax.{uuid.uuid4().hex[:6]}"
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Họ và tên").fill("Phạm Văn Công")
    # Communes by name, several of them, each removable.
    box = page.get_by_role("combobox", name="Xã, phường phụ trách")
    box.fill("long khanh")
    page.get_by_role("option", name="Phường Long Khánh", exact=True).click()
    box.fill("Trấn Biên")
    page.get_by_role("option", name="Phường Trấn Biên", exact=True).click()
    chosen = page.get_by_role("list", name="Xã, phường đã chọn")
    expect(chosen).to_contain_text("Phường Long Khánh")
    expect(chosen).to_contain_text("Phường Trấn Biên")
    assert_for_people(page)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_text(f"Đã tạo tài khoản {username}")).to_be_visible()
    users = httpx.get(
        platform.url("accounts", "/v1/users"),
        params={"role": "police_officer", "limit": 200},
        headers=admin_headers(platform),
        timeout=10,
    ).json()["items"]
    mine = next(u for u in users if u["username"] == username)
    assert sorted(mine["communes"]) == [26041, 26080]

    page.goto("/#/users?role=police_officer")
    row = page.get_by_test_id("users").locator("tbody tr", has_text=username)
    expect(row).to_contain_text("Công an xã/phường")  # the role by name
    expect(row).to_contain_text("Phường Long Khánh")
    expect(row).to_contain_text("Phường Trấn Biên")
    assert_for_people(page)

    # The facility list filtered by a commune picked by name.
    facility = new_facility(
        platform,
        name=f"Nhà nghỉ Trấn Biên {uuid.uuid4().hex[:6]}",
        facility_type="motel",
        star_rating=None,
        commune_code=26041,
    )
    page.goto("/#/facilities")
    page.get_by_label("Tìm theo tên, mã, số giấy phép").fill(facility.facility_code)
    pick(page, "Xã, phường", "tran bien", "Phường Trấn Biên")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page).to_have_url(re.compile("commune_code=26041"))
    table = page.get_by_test_id("facilities")
    row = table.locator("tbody tr", has_text=facility.facility_code)
    expect(row).to_contain_text("Phường Trấn Biên")
    assert_for_people(page)
    shot(page, "names-facilities")


def test_names_are_published_in_both_languages(platform: Platform):
    countries = httpx.get(platform.url("accounts", "/v1/countries"), timeout=10).json()
    korea = next(c for c in countries if c["code"] == "KOR")
    assert (korea["name_vi"], korea["name_en"]) == ("Hàn Quốc", "South Korea")
    roles = httpx.get(platform.url("accounts", "/v1/roles"), timeout=10).json()
    assert {r["code"] for r in roles} >= {"police_admin", "facility_staff"}
    visas = httpx.get(platform.url("accounts", "/v1/visa-types"), timeout=10).json()
    assert any(v["code"] == "DL" and v["description_vi"] for v in visas)
