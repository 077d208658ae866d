"""The police pages of the console: a watchlist alert arriving live on the open alerts page
after a matching check-in and its workflow, the watchlist form and file upload, the
compliance view against /v1/compliance/*, foreign guests staying now, the person search
that needs a purpose, and the personal-data access log."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from luutru_common.admin_units import commune_name
from tests.e2e.conftest import Platform, poll
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    admin_headers,
    assert_for_people,
    check_in,
    new_facility,
    new_user,
    pick,
    sign_in,
)

VN = timezone(timedelta(hours=7))


def analytics(platform: Platform, path: str, headers: dict, **params):
    response = httpx.get(
        platform.url("analytics", path), headers=headers, params=params, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def doc_number() -> str:
    return f"0790{random.randrange(10**8):08d}"


@pytest.fixture(scope="module")
def lodging(platform: Platform) -> dict:
    """A hotel with a guest reported two days late and a foreign guest staying now, both
    already projected into analytics."""
    account = new_facility(platform)
    now = datetime.now(VN).replace(microsecond=0)
    late = check_in(
        platform,
        account,
        {
            "full_name": "Lê Thị Muộn",
            "date_of_birth": "1990-05-06",
            "gender": "female",
            "id_number": doc_number(),
            "check_in_at": (now - timedelta(days=2)).replace(hour=10, minute=0).isoformat(),
            "room": "101",
        },
    )
    passport = f"M{random.randrange(10**7):07d}"
    foreign = check_in(
        platform,
        account,
        {
            "full_name": "KIM MIN JUN",
            "date_of_birth": "1985-09-10",
            "gender": "male",
            "passport_number": passport,
            "nationality": "KOR",
            "visa_type": "DL",
            "visa_number": f"VA{random.randrange(10**7):07d}",
            "entry_date": (now - timedelta(days=3)).date().isoformat(),
            "entry_port": "Tân Sơn Nhất",
            "check_in_at": now.isoformat(),
            "expected_check_out": (now + timedelta(days=2)).date().isoformat(),
            "room": "202",
        },
    )
    headers = admin_headers(platform)

    def projected():
        search = httpx.post(
            platform.url("analytics", "/v1/police/search"),
            headers=headers,
            json={
                "case_reference": "1/E2E",
                "reason": "foreigner-oversight",
                "note": "kiểm thử tự động / e2e test",
                "document_number": passport,
            },
            timeout=30,
        ).json()
        day = (now - timedelta(days=2)).date().isoformat()
        daily = analytics(platform, "/v1/compliance/daily", headers, date_from=day, date_to=day)[
            "rows"
        ]
        mine = [r for r in daily if r["facility_id"] == account.facility_id]
        # The facility itself comes over another topic: wait for its name and code too.
        ready = mine and mine[0]["late_reports"] and mine[0]["facility_code"]
        return True if search.get("rows") and ready else None

    poll(projected, timeout=60, interval=1)
    return {"account": account, "late": late, "foreign": foreign, "passport": passport}


def test_police_admin_sees_a_watchlist_alert_appear_live(page: Page, platform: Platform):
    headers = admin_headers(platform)
    sign_in(page, *platform.admin)
    page.goto("/#/police/alerts")
    expect(page.get_by_role("heading", level=1, name="Cảnh báo truy nã")).to_be_visible()
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-state", "open")
    page.evaluate("window.__notReloaded = true")

    wanted_doc = doc_number()
    added = httpx.post(
        platform.url("analytics", "/v1/watchlist"),
        headers=headers,
        json={"document_number": wanted_doc, "reason": "Lệnh truy nã số 07/2026 (thử)"},
        timeout=30,
    )
    assert added.status_code == 201, added.text
    account = new_facility(platform)
    now = datetime.now(VN).replace(microsecond=0)
    receipt = check_in(
        platform,
        account,
        {
            "full_name": "Hồ Văn Trốn",
            "date_of_birth": "1988-02-03",
            "gender": "male",
            "id_number": wanted_doc,
            "check_in_at": now.isoformat(),
            "room": str(random.randrange(100, 999)),
        },
    )

    def alerted():
        alerts = analytics(platform, "/v1/alerts", headers, status="new")
        return next((a for a in alerts if a["stay_id"] == receipt["stay_id"]), None)

    alert = poll(alerted, timeout=30, interval=0.5)
    # One card per person; the hit inside it (test_police_alerts.py: many hits per person).
    hit = page.locator(f'[data-alert-id="{alert["alert_id"]}"]')
    card = page.get_by_test_id("alert-person").filter(has=hit)
    # Pushed by the live stream into the page that was already open (no reload).
    expect(card).to_be_visible(timeout=30_000)
    assert page.evaluate("window.__notReloaded") is True
    expect(card.get_by_role("heading", level=2)).to_have_text(alert["subject_name"])
    expect(card.locator(".doc")).to_have_text(alert["subject_document"])
    expect(card).to_contain_text("Vừa đến")
    expect(card).to_contain_text("Số giấy tờ (trùng khớp)")
    expect(card).to_contain_text(account.facility_code)
    expect(hit).to_contain_text("Lệnh truy nã số 07/2026 (thử)")  # the entry by its reason
    expect(page.get_by_test_id("alert-announce")).to_contain_text(alert["subject_name"])
    assert (
        page.locator("[data-testid=alert]").first.get_attribute("data-alert-id")
        == alert["alert_id"]
    )
    shot(page, "police-alerts")

    # The API's refusal (a note over 2000 characters) is shown next to the note.
    refused = httpx.post(
        platform.url("analytics", f"/v1/alerts/{alert['alert_id']}/transitions"),
        headers=headers,
        json={"status": "acknowledged", "note": "x" * 2001},
        timeout=30,
    )
    assert refused.status_code == 422
    problem = next(e for e in refused.json()["errors"] if e["pointer"] == "/note")
    card.get_by_label("Ghi chú xử lý").fill("x" * 2001)
    card.get_by_role("button", name="Tiếp nhận").click()
    expect(card.locator(".field.has-error .field-error")).to_have_text(problem["message"]["vi"])
    expect(card.get_by_role("alert").last).to_contain_text(problem["message"]["vi"])

    card.get_by_label("Ghi chú xử lý").fill("Đã giao Công an phường xác minh")
    card.get_by_role("button", name="Tiếp nhận").click()
    expect(card).to_contain_text("Đã chuyển sang: Đã tiếp nhận")
    acknowledged = analytics(platform, "/v1/alerts", headers, status="acknowledged")
    mine = next(a for a in acknowledged if a["alert_id"] == alert["alert_id"])
    assert mine["notes"][-1]["note"] == "Đã giao Công an phường xác minh"

    card.get_by_label("Ghi chú xử lý").fill("Đã xác minh, bàn giao đơn vị truy nã")
    card.get_by_role("button", name="Đóng cảnh báo").click()
    expect(card).to_contain_text("Đã chuyển sang: Đã đóng")
    expect(card.get_by_role("button", name="Đóng cảnh báo")).to_have_count(0)
    closed = analytics(platform, "/v1/alerts", headers, status="closed")
    mine = next(a for a in closed if a["alert_id"] == alert["alert_id"])
    assert [n["status"] for n in mine["notes"]] == ["acknowledged", "closed"]
    assert mine["notes"][-1]["note"] == "Đã xác minh, bàn giao đơn vị truy nã"
    assert page.evaluate("window.__notReloaded") is True
    assert_for_people(page)


def test_watchlist_form_shows_errors_next_to_fields_and_lists_the_entry(
    page: Page, platform: Platform
):
    headers = admin_headers(platform)
    sign_in(page, *platform.admin)
    page.goto("/#/police/watchlist")
    form = page.locator("form", has=page.get_by_role("heading", name="Thêm đối tượng"))
    document = form.get_by_label("Số giấy tờ (CCCD/hộ chiếu)")
    document_field = form.locator(".field", has=page.get_by_label("Số giấy tờ (CCCD/hộ chiếu)"))

    # Too long a document number: the API's pointer /document_number lands under that field.
    too_long = httpx.post(
        platform.url("analytics", "/v1/watchlist"),
        headers=headers,
        json={"document_number": "1" * 25},
        timeout=30,
    )
    assert too_long.status_code == 422
    problem = next(e for e in too_long.json()["errors"] if e["pointer"] == "/document_number")
    document.fill("1" * 25)
    form.get_by_role("button", name="Thêm vào danh sách").click()
    expect(document).to_have_attribute("aria-invalid", "true")
    expect(document_field.locator(".field-error")).to_have_text(problem["message"]["vi"])

    # A name without a date of birth is not enough to match: refused as a whole, shown there.
    refused = httpx.post(
        platform.url("analytics", "/v1/watchlist"),
        headers=headers,
        json={"full_name": "Nguyễn Văn Thiếu"},
        timeout=30,
    )
    assert refused.status_code == 422
    message = refused.json()["errors"][0]["message"]["vi"]
    document.fill("")
    form.get_by_label("Họ và tên").fill("Nguyễn Văn Thiếu")
    form.get_by_role("button", name="Thêm vào danh sách").click()
    expect(document_field.locator(".field-error")).to_have_text(message)

    wanted = doc_number()
    document.fill(wanted)
    form.get_by_label("Ngày sinh").fill("1979-12-31")
    form.get_by_label("Lý do (số lệnh truy nã…)").fill("Quyết định truy nã 15/2026 (thử)")
    form.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.get_by_role("status").filter(has_text="Đã thêm")).to_be_visible()
    row = page.get_by_test_id("watchlist").locator("tr", has_text=wanted)
    expect(row).to_contain_text("Nguyễn Văn Thiếu")
    expect(row).to_contain_text("31/12/1979")
    entries = analytics(platform, "/v1/watchlist", headers)
    entry = next(e for e in entries if e["document_number"] == wanted)
    assert (entry["full_name"], entry["date_of_birth"]) == ("Nguyễn Văn Thiếu", "1979-12-31")
    expect(form.get_by_label("Số giấy tờ (CCCD/hộ chiếu)")).to_have_value("")

    # A file: one good row, one with a bad date; a result per row.
    uploaded = doc_number()
    csv = f"Số giấy tờ,Họ tên,Ngày sinh,Lý do\n{uploaded},Trần Văn Tệp,01/02/1980,Thử\n,Lê Văn Sai,31/31/1980,Thử\n"
    upload = page.locator(
        "form", has=page.get_by_role("heading", name="Tải tệp danh sách (CSV/XLSX)")
    )
    upload.get_by_label("Tệp CSV hoặc XLSX").set_input_files(
        {"name": "truy-na.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    upload.get_by_role("button", name="Tải lên").click()
    result = page.get_by_test_id("upload-result")
    expect(result).to_contain_text("Nhận 1 dòng, từ chối 1 dòng")
    expect(result.locator("tbody tr").nth(0)).to_contain_text("Đã thêm")
    # The refused row's error by the field's name, said once, not by its pointer.
    refused_row = result.locator("tbody tr").nth(1)
    expect(refused_row).to_contain_text("Ngày sinh")
    expect(refused_row).not_to_contain_text("Ngày sinh: Ngày sinh")
    assert_for_people(page)
    expect(page.get_by_test_id("watchlist").locator("tr", has_text=uploaded)).to_be_visible()
    shot(page, "police-watchlist")

    # Removing takes a confirmation; the entry then leaves the API's list too.
    row.get_by_role("button", name="Gỡ").click()
    row.get_by_role("button", name="Xác nhận gỡ").click()
    expect(page.get_by_test_id("watchlist").locator("tr", has_text=wanted)).to_have_count(0)
    assert wanted not in {
        e["document_number"] for e in analytics(platform, "/v1/watchlist", headers)
    }


def _answer(path: str, query: str):
    """Matches the analytics answer to the page's GET /v1/compliance/<path>?…<query>…."""
    return lambda r: f"/v1/compliance/{path}?" in r.url and query in r.url and r.ok


def test_compliance_page_shows_the_numbers_of_the_api(
    page: Page, platform: Platform, lodging: dict
):
    headers = admin_headers(platform)
    today = datetime.now(VN).date()
    date_from, date_to = (today - timedelta(days=3)).isoformat(), today.isoformat()
    daily = analytics(
        platform, "/v1/compliance/daily", headers, date_from=date_from, date_to=date_to
    )
    account = lodging["account"]
    late_day = (today - timedelta(days=2)).isoformat()
    mine = next(
        r for r in daily["rows"] if r["facility_id"] == account.facility_id and r["day"] == late_day
    )
    assert mine["late_reports"] == 1 and mine["fine_band"] == "1-3"

    sign_in(page, *platform.admin)
    page.goto("/#/police/compliance")
    page.get_by_label("Từ ngày").fill(date_from)
    page.get_by_label("Đến ngày").fill(date_to)
    page.get_by_label("Số ngày không khai báo (N)").fill("3")
    # The counts are checked against the API's answers to the page's own requests: other
    # platforms on the same Kafka (the other xdist worker's) add facilities to this analytics
    # all the time, so the same query a moment earlier may list one more or one fewer.
    with (
        page.expect_response(_answer("daily", f"date_from={date_from}")) as daily_answer,
        page.expect_response(_answer("fine-bands", f"date_from={date_from}")) as bands_answer,
        page.expect_response(_answer("silent-facilities", "days=3")) as silent_answer,
    ):
        page.get_by_role("button", name="Xem", exact=True).click()
    shown = daily_answer.value.json()
    bands = bands_answer.value.json()
    silent = silent_answer.value.json()
    assert mine in shown["rows"]  # the API's answer, as fetched above

    table = page.get_by_test_id("compliance-daily")
    expect(table.locator("tbody tr")).to_have_count(len(shown["rows"]))
    d = datetime.fromisoformat(late_day)
    row = table.locator("tr", has_text=account.facility_code).filter(has_text=f"{d:%d/%m/%Y}")
    cells = row.locator("td")
    expect(cells.nth(2)).to_have_text(str(mine["guests_reported"]))
    expect(cells.nth(3)).to_have_text(str(mine["late_reports"]))
    expect(cells.nth(6)).to_have_text("1–3 người")
    guests = sum(r["guests_reported"] for r in shown["rows"])
    late = sum(r["late_reports"] for r in shown["rows"])
    number = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731 — vi-VN grouping
    expect(page.get_by_test_id("kpi-guests").locator(".value")).to_have_text(number(guests))
    expect(page.get_by_test_id("kpi-late").locator(".value")).to_have_text(number(late))

    band_rows = page.get_by_test_id("compliance-bands").locator("tbody tr")
    expect(band_rows).to_have_count(3)
    for i, band in enumerate(bands["rows"]):
        expect(band_rows.nth(i).locator("td").nth(1)).to_have_text(number(band["facility_days"]))
        expect(band_rows.nth(i).locator("td").nth(2)).to_have_text(number(band["persons"]))

    expect(page.get_by_role("heading", name="Cơ sở không khai báo 3 ngày")).to_be_visible()
    if silent["rows"]:
        expect(page.get_by_test_id("compliance-silent").locator("tbody tr")).to_have_count(
            len(silent["rows"])
        )
    shot(page, "police-compliance")

    with page.expect_download() as downloaded:
        page.get_by_role("region", name="Theo cơ sở và ngày").get_by_role(
            "button", name="Tải CSV"
        ).click()
    assert downloaded.value.suggested_filename == "compliance-daily.csv"
    content = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")
    # For people, in the page's language: the facility by code and name, no ids, no minutes.
    assert content.startswith("Ngày,Mã cơ sở,Cơ sở,Khách đã khai báo")
    assert account.facility_code in content and account.facility_id not in content

    # Narrowed to the facility's commune and type: the rows the API gives for that filter.
    facility = httpx.get(
        platform.url("accounts", f"/v1/facilities/{account.facility_id}"), headers=headers
    ).json()
    narrowed = analytics(
        platform,
        "/v1/compliance/daily",
        headers,
        date_from=date_from,
        date_to=date_to,
        commune=facility["commune_code"],
        facility_type=facility["facility_type"],
    )
    assert 0 < len(narrowed["rows"]) <= len(daily["rows"])
    name = commune_name(facility["commune_code"])  # picked by name, not by its code
    pick(page, "Xã/phường", name.split(" ", 1)[1], name)
    page.get_by_label("Loại cơ sở").select_option(facility["facility_type"])
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(table.locator("tbody tr")).to_have_count(len(narrowed["rows"]))
    page.get_by_role("combobox", name="Xã/phường").fill("")
    page.get_by_label("Loại cơ sở").select_option("")

    # A reversed range: the API's problem is shown under "Đến ngày".
    page.get_by_label("Đến ngày").fill((today - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Xem", exact=True).click()
    to_field = page.locator(".field", has=page.get_by_label("Đến ngày"))
    expect(to_field.locator(".field-error")).to_have_text("Đến ngày phải sau từ ngày")


def test_person_search_needs_a_purpose_and_is_logged(page: Page, platform: Platform, lodging: dict):
    headers = admin_headers(platform)
    sign_in(page, *platform.admin)

    page.goto("/#/police/foreigners")
    # The same structured purpose as the search: without a case reference, refused and said.
    page.get_by_role("button", name="Xem danh sách").click()
    case_field = page.locator(".field", has=page.get_by_label("Số hồ sơ/vụ việc"))
    expect(case_field.locator(".field-error")).to_be_visible()
    page.get_by_label("Số hồ sơ/vụ việc").fill("7/KH-PA08")
    page.get_by_role("button", name="Xem danh sách").click()
    oversight = {"case_reference": "7/KH-PA08", "reason": "foreigner-oversight"}
    foreigners = analytics(platform, "/v1/police/foreign-guests", headers, **oversight)["rows"]
    expect(page.get_by_test_id("result-count")).to_have_text(
        f"{len(foreigners)} người đang lưu trú"
    )
    foreigner = page.locator("table.guests tr", has_text=lodging["passport"])
    expect(foreigner).to_contain_text("KIM MIN JUN")
    # The nationality and the visa type by their names, not KOR and DL.
    expect(foreigner).to_contain_text("Hàn Quốc")
    expect(foreigner).to_contain_text("Du lịch (DL)")
    assert_for_people(page)
    shot(page, "police-foreigners")

    page.goto("/#/police/search")
    case = page.get_by_label("Số hồ sơ/vụ việc")
    page.get_by_label("Số giấy tờ").fill(lodging["passport"])
    page.get_by_role("button", name="Tra cứu").click()
    refused = httpx.post(
        platform.url("analytics", "/v1/police/search"),
        headers=headers,
        json={"document_number": lodging["passport"]},
        timeout=30,
    )
    assert refused.status_code == 422
    problem = next(e for e in refused.json()["errors"] if e["pointer"] == "/case_reference")
    expect(case).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".purpose-box .field-error").first).to_have_text(problem["message"]["vi"])
    expect(page.get_by_test_id("result-count")).to_have_count(0)

    number = f"{uuid.uuid4().int % 1000}/QĐ-CAP"
    case.fill(number)
    page.get_by_label("Lý do tra cứu").select_option("missing-person")
    page.get_by_label("Ghi chú (không bắt buộc)").fill("Theo đơn trình báo")
    why = f"Tìm người mất tích / Missing person · {number} · Theo đơn trình báo"
    page.get_by_role("button", name="Tra cứu").click()
    found = httpx.post(
        platform.url("analytics", "/v1/police/search"),
        headers=headers,
        json={
            "case_reference": number,
            "reason": "missing-person",
            "document_number": lodging["passport"],
        },
        timeout=30,
    ).json()["rows"]
    expect(page.get_by_test_id("result-count")).to_have_text(f"Tìm thấy {len(found)} kết quả")
    expect(page.locator("table.guests tbody tr")).to_have_count(len(found))
    expect(page.locator("table.guests")).to_contain_text("KIM MIN JUN")
    shot(page, "police-search")

    page.goto("/#/police/access-log")
    log = page.get_by_test_id("access-log")
    expect(log.locator("tr", has_text=why).first).to_contain_text("Tra cứu người")
    entries = analytics(platform, "/v1/police/access-log", headers, limit=100)
    logged = next(e for e in entries if e["purpose"] == why and e["action"] == "person-search")
    row = log.locator("tr", has_text=why).first
    expect(row).to_contain_text(platform.admin[0])  # the account by name, not by id
    row.get_by_role("button", name="chỉ người này").click()
    expect(page.get_by_label("Mã tài khoản")).to_have_value(logged["subject"])
    theirs = analytics(
        platform, "/v1/police/access-log", headers, subject=logged["subject"], limit=100
    )
    expect(log.locator("tbody tr")).to_have_count(len(theirs))
    assert_for_people(page)  # roles by name, the query's fields by their labels
    shot(page, "police-access-log")


def test_police_pages_are_for_police_only(page: Page, platform: Platform, lodging: dict):
    # A facility never reaches the alerts (nor any police page): no menu entry, no page.
    account = lodging["account"]
    sign_in(page, account.username, account.password)
    expect(page.get_by_role("navigation")).not_to_contain_text("Cảnh báo truy nã")
    page.goto("/#/police/alerts")
    expect(page.get_by_role("main")).to_contain_text("Không có trang này.")
    expect(page.get_by_test_id("alert")).to_have_count(0)
    page.get_by_role("button", name="Đăng xuất").click()

    # A commune officer sees the alerts of their communes (as the API scopes them), but not
    # the watchlist nor the access log, which are for the provincial police.
    officer = new_user(platform, "police_officer", communes=[26041])
    sign_in(page, officer.username, officer.password)
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Cảnh báo truy nã")).to_be_visible()
    expect(nav.get_by_role("link", name="Danh sách truy nã")).to_have_count(0)
    expect(nav.get_by_role("link", name="Nhật ký truy cập dữ liệu")).to_have_count(0)
    page.goto("/#/police/alerts")
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-state", "open")
    mine = analytics(platform, "/v1/alerts", officer.headers(platform))
    if mine:
        expect(page.get_by_test_id("alert")).to_have_count(len(mine))
    else:
        expect(page.get_by_text("Chưa có cảnh báo nào.")).to_be_visible()
    page.goto("/#/police/watchlist")
    expect(page.get_by_role("main")).to_contain_text("Không có trang này.")
