"""The police admin's registry pages: create a facility (a field error next to its field, then
the one-time password shown once), suspend and reinstate it, a bulk import with a bad row, the
audit log showing the suspension, and an analyst account with its one-time password."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    admin_headers,
    assert_for_people,
    new_facility,
    new_user,
    pick,
    sign_in,
)

pytestmark = pytest.mark.runs_long(35)  # seconds, about: handed to a worker first


def one_time_login(platform: Platform, username: str, password: str) -> dict:
    """The shown password is the real one: it signs in, for the first-password change only."""
    r = httpx.post(
        platform.url("accounts", "/v1/auth/token"),
        json={"username": username, "password": password},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.json()["must_change_password"] is True
    return r.json()


def facility(platform: Platform, facility_id: str) -> dict:
    r = httpx.get(
        platform.url("accounts", f"/v1/facilities/{facility_id}"),
        headers=admin_headers(platform),
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_facility_lifecycle_and_audit(page: Page, platform: Platform):
    sign_in(page, *platform.admin)
    nav = page.get_by_role("navigation")
    nav.get_by_role("link", name="Cơ sở", exact=True).click()
    expect(page.get_by_role("heading", name="Cơ sở lưu trú và nhà xe")).to_be_visible()
    page.get_by_role("link", name="Thêm cơ sở").click()
    expect(page.get_by_role("heading", name="Thêm cơ sở")).to_be_visible()

    name = f"Khách sạn Sông Đồng Nai {uuid.uuid4().hex[:6]}"
    page.get_by_label("Tên cơ sở").fill(name)
    page.get_by_label("Loại cơ sở").select_option("hotel")
    expect(page.get_by_test_id("department")).to_contain_text("Sở Văn hóa, Thể thao và Du lịch")
    page.get_by_label("Hạng sao").select_option(label="4 sao")
    # Province and commune are picked by name (the province of the police by default).
    expect(page.get_by_role("combobox", name="Tỉnh, thành phố")).to_have_value("Đồng Nai")
    page.get_by_label("Số nhà, đường").fill("12 Đường 30/4")
    page.get_by_label("Số phòng").fill("40")
    page.get_by_label("Số giường").fill("80")
    page.get_by_label("Người đại diện pháp luật").fill("Nguyễn Thị Hoa")
    # a coach-only field is not offered for a hotel
    expect(page.get_by_label("Số xe")).to_have_count(0)
    page.get_by_role("button", name="Tạo cơ sở và tài khoản quản lý").click()

    commune = page.locator(".field.has-error")
    expect(commune).to_have_count(1)
    expect(commune).to_contain_text("Xã, phường")
    expect(page.get_by_role("combobox", name="Xã, phường")).to_have_attribute(
        "aria-invalid", "true"
    )
    # The summary names the field in words, never by its pointer.
    expect(page.locator(".banner.error")).to_contain_text("Xã, phường:")
    assert_for_people(page)
    shot(page, "registry-facility-form")

    pick(page, "Xã, phường", "biên hòa", "Phường Biên Hòa")
    page.get_by_role("button", name="Tạo cơ sở và tài khoản quản lý").click()
    expect(page.get_by_text(f"Đã tạo cơ sở {name}")).to_be_visible()
    expect(page.get_by_text("chỉ hiện MỘT LẦN")).to_be_visible()
    username = page.get_by_test_id("otp-username").inner_text()
    password = page.get_by_test_id("one-time-password").inner_text()
    assert username.startswith("ql.75-")
    one_time_login(platform, username, password)
    shot(page, "registry-facility-created")

    page.get_by_role("link", name="Xem cơ sở").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    facility_id = page.url.rsplit("/", 1)[1]
    stored = facility(platform, facility_id)
    assert stored["name"] == name and stored["star_rating"] == 4 and stored["commune_code"] == 26068
    assert stored["rooms"] == 40 and stored["beds"] == 80
    expect(page.get_by_test_id("facility-status")).to_have_text("Đang hoạt động")
    # The province and the commune by their names, not their codes.
    expect(page.locator("[data-field=province_code]")).to_have_text("Đồng Nai")
    expect(page.locator("[data-field=commune_code]")).to_have_text("Phường Biên Hòa")
    assert_for_people(page)

    # Suspend with a reason, then reinstate; accounts holds what the page shows.
    reason = f"Kiểm tra PCCC không đạt {uuid.uuid4().hex[:4]}"
    page.get_by_label("Lý do tạm dừng").fill(reason)
    page.get_by_role("button", name="Tạm dừng cơ sở").click()
    expect(page.get_by_text("Đã tạm dừng cơ sở.")).to_be_visible()
    expect(page.get_by_test_id("facility-status")).to_have_text("Tạm dừng")
    stored = facility(platform, facility_id)
    assert stored["status"] == "suspended" and stored["status_reason"] == reason
    expect(page.get_by_test_id("facility-facts")).to_contain_text(reason)
    shot(page, "registry-facility")

    page.get_by_role("button", name="Cho hoạt động lại").click()
    expect(page.get_by_test_id("facility-status")).to_have_text("Đang hoạt động")
    assert facility(platform, facility_id)["status"] == "active"

    # An edit sends only what changed; a bad value is refused next to its field.
    page.get_by_role("button", name="Sửa thông tin").click()
    page.get_by_label("Điện thoại").fill("không có số")
    # (The facility's room registry below has a "Số phòng" field of its own.)
    page.get_by_role("spinbutton", name="Số phòng").fill("45")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator(".field.has-error")).to_contain_text("Điện thoại")
    page.get_by_label("Điện thoại").fill("0251 3822 999")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.get_by_text("Đã lưu thông tin cơ sở.")).to_be_visible()
    stored = facility(platform, facility_id)
    assert stored["rooms"] == 45 and stored["contact_phone"] == "0251 3822 999"
    assert stored["beds"] == 80 and stored["star_rating"] == 4
    expect(page.get_by_test_id("facility-facts")).to_contain_text("0251 3822 999")

    # The audit log shows the suspension, by whom and why.
    nav.get_by_role("link", name="Nhật ký", exact=True).click()
    expect(page.get_by_role("heading", name="Nhật ký hệ thống")).to_be_visible()
    page.get_by_label("Hành động").fill("facility.suspended")
    page.get_by_label("Mã đối tượng").fill(facility_id)
    page.get_by_role("button", name="Lọc").click()
    rows = page.get_by_test_id("audit").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tạm dừng cơ sở")
    expect(rows.first).to_contain_text(reason)
    expect(rows.first).to_contain_text(platform.admin[0])  # the actor's username, not an id
    logged = httpx.get(
        platform.url("accounts", "/v1/audit"),
        params={"action": "facility.suspended", "target_id": facility_id},
        headers=admin_headers(platform),
        timeout=10,
    ).json()["items"]
    assert len(logged) == 1 and logged[0]["details"]["reason"] == reason
    if logged[0]["client_ip"]:
        expect(rows.first).to_contain_text(logged[0]["client_ip"])
    shot(page, "registry-audit")


def test_bulk_import_shows_the_bad_rows_error(page: Page, platform: Platform):
    sign_in(page, *platform.admin)
    page.goto("/#/facilities")
    page.get_by_role("link", name="Nhập từ tệp").click()
    expect(page.get_by_role("heading", name="Nhập danh sách cơ sở")).to_be_visible()
    tag = uuid.uuid4().hex[:6].upper()
    csv = (
        "Tên cơ sở,Loại hình,Hạng sao,Mã tỉnh,Mã xã,Số phòng,Số giường,Số GPKD\r\n"
        f"Khách sạn Nhập {tag},Khách sạn,3 sao,75,26068,20,40,GP-{tag}-1\r\n"
        f"Nhà nghỉ Sai Xã {tag},Nhà nghỉ,,75,12345,8,12,GP-{tag}-2\r\n"
        f"Nhà nghỉ Nhập {tag},Nhà nghỉ,,75,26068,10,16,GP-{tag}-3\r\n"
    )
    file = {"name": "co-so.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    page.get_by_label("Tệp danh sách cơ sở").set_input_files(file)
    expect(page.get_by_label("Chỉ kiểm tra, chưa tạo")).to_be_checked()
    page.get_by_role("button", name="Kiểm tra tệp").click()
    rows = page.get_by_test_id("import-rows").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("Hợp lệ")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("Lỗi")

    def licensed(n: int) -> list:
        return httpx.get(
            platform.url("accounts", "/v1/facilities"),
            params={"q": f"GP-{tag}-{n}"},
            headers=admin_headers(platform),
            timeout=10,
        ).json()["items"]

    assert licensed(1) == []  # a dry run creates nothing

    page.get_by_label("Chỉ kiểm tra, chưa tạo").uncheck()
    page.get_by_role("button", name="Nhập và tạo cơ sở").click()
    expect(page.get_by_role("heading", name="Kết quả nhập")).to_be_visible()
    expect(page.get_by_test_id("import-summary")).to_contain_text("3 dòng: 2 hợp lệ/đã tạo, 1 lỗi")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("2")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("Đã tạo")
    expect(rows.nth(2).locator("td").nth(1)).to_have_text("Đã tạo")
    bad = rows.nth(1).locator("td")
    expect(bad.nth(0)).to_have_text("3")
    expect(bad.nth(1)).to_have_text("Lỗi")
    expect(bad.nth(5)).to_contain_text("Xã, phường: ")  # the field by name, not its key
    expect(bad.nth(5)).to_contain_text("Mã xã/phường không thuộc tỉnh đã chọn")
    assert_for_people(page)
    expect(page.get_by_text("chỉ hiện MỘT LẦN tại đây")).to_be_visible()
    shot(page, "registry-import")

    first, third = licensed(1), licensed(3)
    assert len(first) == 1 and len(third) == 1 and licensed(2) == []
    expect(rows.nth(0).locator("td").nth(2)).to_have_text(first[0]["code"])
    expect(rows.nth(2).locator("td").nth(2)).to_have_text(third[0]["code"])
    # each created row's one-time password is the manager's real one
    username = rows.nth(0).locator("td").nth(3).inner_text()
    password = rows.nth(0).locator("td").nth(4).inner_text()
    assert username == f"ql.{first[0]['code']}"
    one_time_login(platform, username, password)


def test_analyst_account_shows_its_one_time_password(page: Page, platform: Platform):
    sign_in(page, *platform.admin)
    nav = page.get_by_role("navigation")
    nav.get_by_role("link", name="Tài khoản", exact=True).click()
    expect(page.get_by_role("heading", name="Tài khoản")).to_be_visible()
    page.get_by_role("link", name="Tạo tài khoản").click()
    username = f"phantich.{uuid.uuid4().hex[:6]}"
    page.get_by_label("Vai trò").select_option("department_analyst")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Họ và tên").fill("Lê Văn Phân Tích")
    # the department is required for an analyst: the error sits under its field
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator(".field.has-error")).to_contain_text("Cần chọn sở")
    page.get_by_label("Sở, ngành").select_option("SGTVT")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_text(f"Đã tạo tài khoản {username}")).to_be_visible()
    expect(page.get_by_test_id("otp-username")).to_have_text(username)
    password = page.get_by_test_id("one-time-password").inner_text()
    one_time_login(platform, username, password)
    shot(page, "registry-user-created")

    users = httpx.get(
        platform.url("accounts", "/v1/users"),
        params={"role": "department_analyst", "limit": 200},
        headers=admin_headers(platform),
        timeout=10,
    ).json()["items"]
    mine = [u for u in users if u["username"] == username]
    assert len(mine) == 1 and mine[0]["department"] == "SGTVT"

    page.get_by_role("link", name="Tài khoản").first.click()
    page.get_by_label("Vai trò").select_option("department_analyst")
    page.get_by_role("button", name="Lọc").click()
    row = page.get_by_test_id("users").locator("tbody tr", has_text=username)
    expect(row).to_contain_text("Sở Giao thông vận tải")  # the department by name
    expect(row).to_contain_text("Chưa đổi mật khẩu lần đầu")
    assert_for_people(page)
    shot(page, "registry-users")

    # Reset: a new one-time password, shown once; disable and re-enable.
    page.get_by_role("button", name=f"Cấp lại mật khẩu cho {username}").click()
    page.get_by_role("button", name=f"Xác nhận cấp lại mật khẩu cho {username}").click()
    expect(page.get_by_test_id("otp-username")).to_have_text(username)
    fresh = page.get_by_test_id("one-time-password").inner_text()
    assert fresh != password
    one_time_login(platform, username, fresh)
    page.get_by_role("button", name=f"Khoá tài khoản {username}").click()
    page.get_by_role("button", name=f"Xác nhận khoá tài khoản {username}").click()
    expect(page.get_by_text(f"Đã khoá tài khoản {username}.")).to_be_visible()
    expect(row).to_contain_text("Đã khoá")

    def state() -> bool:
        return httpx.get(
            platform.url("accounts", f"/v1/users/{mine[0]['id']}"),
            headers=admin_headers(platform),
            timeout=10,
        ).json()["disabled"]

    assert state() is True
    page.get_by_role("button", name=f"Mở khoá tài khoản {username}").click()
    expect(page.get_by_text(f"Đã mở khoá tài khoản {username}.")).to_be_visible()
    assert state() is False


def test_commune_police_see_only_their_communes(page: Page, platform: Platform):
    mine = new_facility(
        platform,
        name=f"Nhà nghỉ Long Khánh {uuid.uuid4().hex[:6]}",
        facility_type="motel",
        star_rating=None,
        commune_code=26080,
    )
    elsewhere = new_facility(
        platform,
        name=f"Nhà nghỉ Biên Hòa {uuid.uuid4().hex[:6]}",
        facility_type="motel",
        star_rating=None,
        commune_code=26068,
    )
    officer = new_user(platform, "police_officer", communes=[26080])
    sign_in(page, officer.username, officer.password)
    page.get_by_role("navigation").get_by_role("link", name="Cơ sở", exact=True).click()
    expect(page.get_by_text("Chỉ hiện các cơ sở thuộc xã/phường")).to_be_visible()
    expect(page.get_by_role("link", name="Thêm cơ sở")).to_have_count(0)
    listed = httpx.get(
        platform.url("accounts", "/v1/facilities"),
        params={"limit": 50},
        headers=officer.headers(platform),
        timeout=10,
    ).json()["items"]
    codes = {f["code"] for f in listed}
    assert mine.facility_code in codes and elsewhere.facility_code not in codes
    table = page.get_by_test_id("facilities")
    expect(table.locator("tbody tr")).to_have_count(len(listed))
    shown = {c.strip() for c in table.locator("tbody tr td:first-child").all_inner_texts()}
    assert shown == codes
    table.get_by_role("link", name=mine.facility_code).click()
    expect(page.get_by_test_id("facility-status")).to_have_text("Đang hoạt động")
    # looking, not changing: no edit or status actions for commune police
    expect(page.get_by_role("button", name="Tạm dừng cơ sở")).to_have_count(0)
    expect(page.get_by_role("button", name="Sửa thông tin")).to_have_count(0)
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("facility-status")).to_have_text("Active")
    page.get_by_role("link", name="Back to facilities").click()
    expect(
        page.get_by_role("heading", name="Lodging facilities and coach operators")
    ).to_be_visible()
    shot(page, "registry-facilities-officer")


def test_registry_pages_are_accessible_on_phone_and_desk(browser, console: str, platform: Platform):
    from tests.e2e.console.helpers import Account
    from tests.e2e.console.test_coach import check_pages

    hotel = new_facility(platform)
    pages = [
        "#/facilities",
        "#/facilities/new",
        "#/facilities/import",
        f"#/facilities/{hotel.facility_id}",
        "#/users",
        "#/users/new",
        "#/audit",
    ]
    admin = Account(*platform.admin)
    report = check_pages(
        browser, console, admin, pages, invalid_form="#/facilities/new", shot_prefix="registry"
    )
    assert not report, report
