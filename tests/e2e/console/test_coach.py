"""The coach operator's pages: a trip manifest by form (errors next to the passenger's own
field, then a result per passenger equal to what ingest stores), a no-show, and the passenger
sheet upload with a result per row."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform, poll
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import Account, assert_for_people, new_facility, pick, sign_in

PASSENGER_STATUS = {"on_board": "Trên xe", "no_show": "Không đi", "removed": "Đã xoá"}


def coach_operator(platform: Platform) -> tuple[Account, dict[str, str]]:
    """A coach operator whose facility has reached ingest (over Kafka)."""
    account = new_facility(
        platform,
        name=f"Nhà xe Thử {uuid.uuid4().hex[:6]}",
        facility_type="coach",
        star_rating=None,
        rooms=None,
        beds=None,
        vehicles=4,
        seats=180,
    )
    headers = account.headers(platform)

    def known():
        r = httpx.get(
            platform.url("ingest", f"/v1/trips/{uuid.uuid4()}"), headers=headers, timeout=10
        )
        return True if r.status_code == 404 and r.json().get("code") == "trip-not-found" else None

    poll(known, timeout=30)
    return account, headers


def plate() -> str:
    return f"60B-{random.randint(100, 999)}.{random.randint(10, 99)}"


def fill_passenger(page, n: int, name: str, dob: str, gender: str, id_number: str, seat: str):
    group = page.get_by_role("group", name=f"Hành khách {n}", exact=True)
    group.get_by_label("Họ và tên").fill(name)
    group.get_by_label("Ngày sinh").fill(dob)
    group.get_by_label("Giới tính").select_option(label=gender)
    group.get_by_label("Số định danh cá nhân").fill(id_number)
    group.get_by_label("Số ghế").fill(seat)
    group.get_by_label("Điểm đón").fill("Bến xe Đồng Nai")
    group.get_by_label("Điểm trả").fill("Bến xe Miền Đông")
    return group


def test_manifest_by_form_then_by_sheet(page: Page, platform: Platform):
    account, headers = coach_operator(platform)
    sign_in(page, account.username, account.password)
    nav = page.get_by_role("navigation")
    nav.get_by_role("link", name="Chuyến xe").click()
    expect(page.get_by_role("heading", name="Chuyến xe đã khai báo")).to_be_visible()
    expect(page.get_by_text("Không có chuyến nào xuất bến trong ngày này.")).to_be_visible()

    # --- the manifest by form, one passenger with a bad ID number ---
    nav.get_by_role("link", name="Khai báo chuyến").click()
    expect(page.get_by_role("heading", name="Khai báo chuyến xe")).to_be_visible()
    trip_plate = plate()
    page.get_by_label("Biển số xe").fill(trip_plate)
    pick(page, "Tỉnh đến", "Hồ Chí", "Thành phố Hồ Chí Minh")
    page.get_by_label("Giờ xuất bến").fill("2026-11-27T07:30")
    page.get_by_label("Số ghế trên xe").fill("45")
    fill_passenger(page, 1, "Nguyễn Văn An", "1990-03-15", "Nam", "075090001234", "A1")
    page.get_by_role("button", name="Thêm hành khách").click()
    second = fill_passenger(page, 2, "Trần Thị Bình", "1985-07-02", "Nữ", "12345", "A2")
    page.get_by_role("button", name="Thêm hành khách").click()
    # digit 4 says male, the gender says female: a warning, not an error
    fill_passenger(page, 3, "Lê Thị Cúc", "1995-01-20", "Nữ", "001095007777", "A3")
    page.get_by_role("button", name="Gửi danh sách chuyến").click()

    expect(page.get_by_role("alert").first).to_contain_text("chuyến chưa được nhận")
    # The error sits on passenger 2's own ID field, and only there.
    expect(second.locator(".field.has-error")).to_have_count(1)
    expect(second.locator(".field.has-error")).to_contain_text("Số định danh cá nhân")
    expect(second.locator(".field.has-error")).to_contain_text("12 chữ số")
    expect(second.get_by_label("Số định danh cá nhân")).to_have_attribute("aria-invalid", "true")
    for n in (1, 3):
        group = page.get_by_role("group", name=f"Hành khách {n}", exact=True)
        expect(group.locator(".field.has-error")).to_have_count(0)
    # The summary names the passenger and the field, counted from 1, never by pointer.
    expect(page.locator(".banner.error")).to_contain_text("Hành khách thứ 2 — Số định danh")
    assert_for_people(page)
    shot(page, "coach-trip-form")

    second.get_by_label("Số định danh cá nhân").fill("079185004321")
    page.get_by_role("button", name="Gửi danh sách chuyến").click()
    expect(
        page.get_by_role("heading", name=f"Chuyến xe {trip_plate.replace('.', '')}")
    ).to_be_visible()
    expect(page.get_by_text("Đã nhận danh sách 3 hành khách")).to_be_visible()
    trip_id = page.get_by_test_id("trip-facts").get_attribute("data-trip-id")
    expect(page.get_by_test_id("trip-route")).to_have_text("Đồng Nai → Thành phố Hồ Chí Minh")

    # What the page shows per passenger is what ingest stored.
    stored = httpx.get(platform.url("ingest", f"/v1/trips/{trip_id}"), headers=headers, timeout=10)
    assert stored.status_code == 200, stored.text
    trip = stored.json()
    assert [p["full_name"] for p in trip["passengers"]] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Thị Cúc",
    ]
    rows = page.get_by_test_id("passengers").locator("tbody tr")
    expect(rows).to_have_count(3)
    for i, p in enumerate(trip["passengers"]):
        cells = rows.nth(i).locator("td")
        expect(cells.nth(1)).to_have_text(p["full_name"])
        expect(cells.nth(2)).to_have_text(p["document_number"])
        expect(cells.nth(3)).to_have_text(p["seat"])
        expect(cells.nth(6)).to_have_text(PASSENGER_STATUS[p["status"]])
    # The receipt's warning for passenger 3 is on its row; the others have none.
    expect(rows.nth(2).locator("td").nth(7)).to_contain_text("Cảnh báo")
    expect(rows.nth(0).locator("td").nth(7)).to_have_text("—")
    shot(page, "coach-trip")

    # A no-show, confirmed, is what ingest then holds.
    page.get_by_role("button", name="Đánh dấu Nguyễn Văn An không đi").click()
    page.get_by_role("button", name="Xác nhận Nguyễn Văn An không đi").click()
    expect(page.get_by_text("Đã đánh dấu Nguyễn Văn An không đi.")).to_be_visible()
    expect(rows.nth(0).locator("td").nth(6)).to_have_text("Không đi")
    after = httpx.get(platform.url("ingest", f"/v1/trips/{trip_id}"), headers=headers, timeout=10)
    assert [p["status"] for p in after.json()["passengers"]] == ["no_show", "on_board", "on_board"]

    # A later addition is atomic too: a taken seat is refused next to that seat.
    add = page.locator("form.coach-add")
    fill_passenger(add, 1, "Hoàng Văn Giang", "1988-04-04", "Nam", "075088005555", "A2")
    add.get_by_role("button", name="Thêm vào chuyến").click()
    added = add.get_by_role("group", name="Hành khách 1", exact=True)
    expect(added.locator(".field.has-error")).to_have_count(1)
    expect(added.locator(".field.has-error")).to_contain_text("Ghế đã có hành khách khác")
    added.get_by_label("Số ghế").fill("A4")
    add.get_by_role("button", name="Thêm vào chuyến").click()
    expect(page.get_by_text("Đã thêm 1 hành khách.")).to_be_visible()
    expect(rows).to_have_count(4)
    expect(rows.nth(3).locator("td").nth(1)).to_have_text("Hoàng Văn Giang")

    # Cancelling asks once more, then the trip is cancelled in ingest.
    page.get_by_label("Lý do huỷ").fill("Xe hỏng")
    page.get_by_role("button", name="Huỷ chuyến", exact=True).click()
    page.get_by_role("button", name="Xác nhận huỷ chuyến").click()
    expect(page.get_by_text("Đã huỷ chuyến.")).to_be_visible()
    expect(page.get_by_test_id("trip-facts")).to_contain_text("Đã huỷ")
    after = httpx.get(platform.url("ingest", f"/v1/trips/{trip_id}"), headers=headers, timeout=10)
    assert after.json()["status"] == "cancelled"
    assert len(after.json()["passengers"]) == 4
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("trip-facts")).to_contain_text("Cancelled")
    expect(page.get_by_role("heading", name="Passengers and results")).to_be_visible()
    page.get_by_test_id("lang-switch").click()

    # The list of the departure day has it (as GET /v1/trips?date= does).
    nav.get_by_role("link", name="Chuyến xe").click()
    page.get_by_label("Ngày xuất bến").fill("2026-11-27")
    expect(
        page.get_by_test_id("trips").get_by_role("link", name=trip_plate.replace(".", ""))
    ).to_be_visible()

    # --- the passenger sheet: one bad row refuses the trip, each row says why ---
    nav.get_by_role("link", name="Tải danh sách hành khách").click()
    expect(page.get_by_role("heading", name="Tải lên danh sách hành khách")).to_be_visible()
    # The template is ingest's own (the one its upload reads back).
    with page.expect_download() as template:
        page.get_by_role("button", name="Tải tệp mẫu CSV").click()
    assert template.value.suggested_filename == "trip-passengers.csv"
    assert "Số ghế" in Path(template.value.path()).read_text(encoding="utf-8-sig")
    sheet_plate = plate()
    page.get_by_label("Biển số xe").fill(sheet_plate)
    pick(page, "Tỉnh đến", "Hồ Chí", "Thành phố Hồ Chí Minh")
    page.get_by_label("Giờ xuất bến").fill("2026-11-27T09:00")
    header = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Số ghế,Điểm đón,Điểm trả\r\n"
    good = [
        "Phạm Văn Dũng,12/05/1980,Nam,075080002222,B1,Biên Hòa,Quận 1\r\n",
        "Võ Thị Em,03/09/1992,Nữ,075192003333,B2,Biên Hòa,Quận 5\r\n",
    ]
    bad = "Đỗ Văn Phúc,21/11/1975,Nam,07507500,B3,Biên Hòa,Thủ Đức\r\n"
    page.get_by_label("Tệp danh sách hành khách").set_input_files(
        {
            "name": "hanh-khach.csv",
            "mimeType": "text/csv",
            "buffer": (header + good[0] + bad + good[1]).encode(),
        }
    )
    page.get_by_role("button", name="Tải lên", exact=True).click()
    # The trip's outcome first, then only the row to fix, with its reason in words.
    outcome = page.get_by_test_id("upload-outcome")
    expect(outcome).to_contain_text("Chuyến chưa được nhận", timeout=30_000)
    expect(outcome).to_contain_text("Cần sửa 1 dòng")
    expect(page.get_by_test_id("upload-facts")).to_contain_text("Chuyến bị từ chối")
    table = page.get_by_test_id("upload-rows")
    expect(table.locator("tbody tr")).to_have_count(1)
    upload_id = page.get_by_test_id("upload-result").get_attribute("data-upload-id")
    status = httpx.get(
        platform.url("ingest", f"/v1/uploads/{upload_id}"), headers=headers, timeout=10
    )
    assert status.status_code == 200, status.text
    results = status.json()["results"]
    assert [r["row"] for r in results] == [2, 3, 4]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert [bool(r["errors"]) for r in results] == [False, True, False]
    bad_row = table.locator("tbody tr").first.locator("td")
    expect(bad_row.nth(0)).to_have_text("3")
    expect(bad_row.nth(1)).to_contain_text("Số định danh")  # the field in words, never its key
    expect(bad_row.nth(1)).not_to_contain_text("id_number")
    expect(bad_row.nth(1)).to_contain_text("12 chữ số")
    # The operator's own sheet with an error column: every passenger (a trip is sent whole),
    # the reason on the bad one's line.
    with page.expect_download() as sheet:
        page.get_by_role("button", name="Tải tệp kèm cột lỗi (CSV)").click()
    lines = Path(sheet.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 4 and lines[0].endswith("Lỗi / Errors")
    assert "Đỗ Văn Phúc" in lines[2] and "Số định danh" in lines[2]
    assert_for_people(page)
    shot(page, "coach-trip-upload")

    # The corrected sheet is accepted whole.
    page.get_by_label("Tệp danh sách hành khách").set_input_files(
        {
            "name": "hanh-khach.csv",
            "mimeType": "text/csv",
            "buffer": (
                header + good[0] + bad.replace("07507500", "075075004444") + good[1]
            ).encode(),
        }
    )
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_test_id("upload-accepted")).to_have_text("3", timeout=30_000)
    expect(page.get_by_text("Đã nhận cả chuyến.")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(3)  # each passenger, with any warning
    # From there to the trip, in the list of its departure day.
    page.get_by_role("link", name="Xem chuyến trong danh sách ngày đó").click()
    expect(page.get_by_label("Ngày xuất bến")).to_have_value("2026-11-27")
    expect(
        page.get_by_test_id("trips").get_by_role("link", name=sheet_plate.replace(".", ""))
    ).to_be_visible()


def test_passenger_sheet_preview_finds_the_header_under_a_title(page: Page, platform: Platform):
    """A sheet as coach operators make them — the company, the route and the plate above the
    header: the preview says which line is the header, reads the first rows, and the upload
    goes through as the preview read it."""
    account, headers = coach_operator(platform)
    sheet_plate = plate()
    sheet = (
        "NHÀ XE THỬ — DANH SÁCH HÀNH KHÁCH,,,,,,\r\n"
        f"Biển số {sheet_plate} — Biên Hòa đi TP.HCM,,,,,,\r\n"
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Ghế,Điểm đón,Điểm trả\r\n"
        "Phạm Văn Dũng,12/05/1980,Nam,075080002222,C1,Biên Hòa,Quận 1\r\n"
        "Võ Thị Em,03/09/1992,Nữ,075192003333,C2,Biên Hòa,Quận 5\r\n"
    ).encode()
    sign_in(page, account.username, account.password)
    page.get_by_role("navigation").get_by_role("link", name="Tải danh sách hành khách").click()
    page.get_by_label("Biển số xe").fill(sheet_plate)
    pick(page, "Tỉnh đến", "Hồ Chí", "Thành phố Hồ Chí Minh")
    page.get_by_label("Giờ xuất bến").fill("2026-11-28T06:00")
    page.get_by_label("Tệp danh sách hành khách").set_input_files(
        {"name": "hanh-khach-tieu-de.csv", "mimeType": "text/csv", "buffer": sheet}
    )
    mapping = page.get_by_test_id("mapping")
    expect(mapping.get_by_test_id("header-row")).to_have_text("Dòng tiêu đề: dòng 3")
    expect(mapping.get_by_test_id("mapping-complete")).to_be_visible()
    expect(page.get_by_label("Cột D — “Số CCCD”")).to_have_value("id_number")
    expect(page.get_by_label("Cột E — “Ghế”")).to_have_value("seat")
    rows = mapping.get_by_test_id("preview-rows").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_have_text("4")
    expect(rows.nth(1).locator("td").first).to_have_text("5")
    valid_rows = mapping.locator("[data-testid=preview-rows] tbody tr[data-status=valid]")
    expect(valid_rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Võ Thị Em")
    assert_for_people(page)
    shot(page, "coach-trip-upload-mapping")

    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_test_id("upload-accepted")).to_have_text("2", timeout=30_000)
    expect(page.get_by_text("Đã nhận cả chuyến.")).to_be_visible()
    expect(page.get_by_test_id("result-header-row")).to_have_text("Dòng tiêu đề đã dùng: dòng 3")
    upload_id = page.get_by_test_id("upload-result").get_attribute("data-upload-id")
    status = httpx.get(
        platform.url("ingest", f"/v1/uploads/{upload_id}"), headers=headers, timeout=10
    ).json()
    assert status["header_row"] == 3
    results = [(r["row"], r["status"]) for r in status["results"]]
    assert results == [(4, "accepted"), (5, "accepted")]
    # The mapping step is gone with the file sent.
    expect(page.get_by_test_id("mapping")).to_have_count(0)
    shot(page, "coach-trip-upload-mapping-result")


def test_coach_pages_are_accessible_on_phone_and_desk(browser, console: str, platform: Platform):
    """Every coach page, the trip page and the form with its errors included: no serious axe
    violation and no sideways scrolling on a phone."""
    account, headers = coach_operator(platform)
    trip = httpx.post(
        platform.url("ingest", "/v1/trips"),
        headers=headers,
        json={
            "plate": plate(),
            "origin_province": 75,
            "destination_province": 79,
            "departure_at": "2026-11-27T10:00",
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
    assert trip.status_code == 201, trip.text
    pages = ["#/trips", "#/new-trip", "#/trip-upload", f"#/trips/{trip.json()['trip_id']}"]
    report = check_pages(
        browser, console, account, pages, invalid_form="#/new-trip", shot_prefix="coach"
    )
    assert not report, report


def check_pages(
    browser, console: str, account, pages: list[str], invalid_form: str, shot_prefix: str
) -> dict:
    from tests.e2e.console.test_accessibility import DESK, PHONE, axe_violations

    context = browser.new_context(base_url=console, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    report: dict = {}
    try:
        sign_in(page, account.username, account.password)
        for viewport_name, viewport in (("desk", DESK), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for href in pages:
                page.goto("/" + href)
                expect(page.locator("main h1")).to_be_visible()
                expect(page.locator(".loading")).to_have_count(0)
                if href == invalid_form:
                    page.locator("main form button[type=submit]").first.click()
                    expect(page.locator(".banner.error").first).to_be_visible()
                if viewport_name == "phone":
                    parts = href.removeprefix("#/").split("/")
                    slug = "-".join("one" if len(part) > 20 else part for part in parts)
                    shot(page, f"{shot_prefix}-phone-{slug}")
                if problems := axe_violations(page):
                    report[f"{viewport_name} {href}"] = problems
                width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if width[0] > width[1] + 1:
                    report[f"{viewport_name} {href} scrolls sideways"] = width
        missing = page.evaluate("[...(window.__luutruMissingKeys || [])]")
        assert not errors and not missing, (errors, missing)
    finally:
        context.close()
    return report
