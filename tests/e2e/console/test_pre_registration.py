"""Guest pre-registration in the browser: staff make a link (with its QR code) on the console,
a guest opens it on a phone (390×844) with no account, reads the privacy notice in their
language, fills in their details and gets a code; staff find the entry by that code, enter the
room and confirm → an ordinary stay (source `self`) with its receipt. An expired link and a
flooded one say so in the guest's language."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from luutru_ingest.pre_registrations import links
from luutru_ingest.settings import DEV_PRE_REGISTRATION_SECRET
from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    Account,
    assert_for_people,
    known_to_ingest,
    new_facility,
    sign_in,
)
from tests.integration.ingest_helpers import id_number

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def lodging(platform: Platform) -> Account:
    account = new_facility(
        platform, name=f"Nhà nghỉ Khai Trước {uuid.uuid4().hex[:4]}", facility_type="guest_house",
        star_rating=None, rooms=6, beds=10,
    )  # fmt: skip
    return known_to_ingest(platform, account)


def guest_phone(browser: Browser, console: str, locale: str = "en-GB"):
    context = browser.new_context(
        base_url=console, viewport=PHONE, locale=locale, timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def test_a_guest_pre_registers_on_a_phone_and_staff_confirm(
    page: Page, browser: Browser, console: str, platform: Platform, lodging: Account
):
    sign_in(page, lodging.username, lodging.password)
    page.goto("/#/pre-registrations")
    page.get_by_label("Ghi chú (tên khách, đoàn)").fill("Bà Park, 1 khách")
    page.get_by_role("button", name="Tạo link cho khách").click()
    card = page.get_by_test_id("guest-link").first
    expect(card.get_by_test_id("link-qr")).to_be_visible()
    url = card.get_by_test_id("link-url").inner_text()
    assert "/guest#" in url
    shot(page, "pre-registration-staff-link")

    context, phone, errors = guest_phone(browser, console)
    try:
        phone.goto(url.replace(console, ""))
        expect(phone.get_by_role("heading", name="Register before you arrive")).to_be_visible()
        expect(phone.get_by_text("Privacy notice")).to_be_visible()
        phone.get_by_role("button", name="한국어").click()
        expect(phone.get_by_role("heading", name="도착 전 사전 등록")).to_be_visible()
        expect(phone.locator("html")).to_have_attribute("lang", "ko")
        phone.get_by_role("button", name="中文").click()
        expect(phone.get_by_role("heading", name="到达前预先登记")).to_be_visible()
        phone.get_by_role("button", name="English").click()

        # Sent without agreeing and without a name: the server's words, field by field.
        phone.get_by_role("button", name="Send my details").click()
        expect(phone.get_by_role("alert").first).to_be_visible()
        expect(
            phone.locator(".field.has-error").filter(has=phone.get_by_label("Full name"))
        ).to_be_visible()
        expect(phone.get_by_text("Please read and accept the privacy notice")).to_be_visible()

        number = id_number(1988, female=True)
        name = f"Trần Thị Khách {uuid.uuid4().hex[:4].upper()}"
        phone.get_by_label("Full name").fill(name)
        phone.get_by_label("Date of birth").fill("1988-03-04")
        phone.get_by_label("Gender").select_option("female")
        phone.get_by_label("Personal ID number").fill(number)
        phone.get_by_label("I have read this notice and agree to send my details").check()
        phone.get_by_role("button", name="Send my details").click()
        code = phone.get_by_test_id("guest-code")
        expect(code).to_be_visible()
        spoken = code.inner_text().strip()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(phone, "pre-registration-guest-phone")
        assert not errors, errors
    finally:
        context.close()

    # Nothing is a stay yet.
    today = datetime.now(VN).date().isoformat()
    headers = lodging.headers(platform)
    stays = httpx.get(
        platform.url("ingest", "/v1/stays"), params={"date": today}, headers=headers, timeout=30
    ).json()["items"]
    assert not [s for s in stays if s["document_number"] == number]

    # Staff find it by the code as read aloud (lower case, no dash) and confirm it.
    page.reload()
    page.get_by_label("Tìm theo tên hoặc mã trên điện thoại khách").fill(
        spoken.replace("-", "").lower()
    )
    entry = page.get_by_test_id("pending").filter(has_text=name)
    expect(entry).to_have_count(1)
    expect(entry.get_by_test_id("pending-code")).to_have_text(spoken)
    entry.get_by_label("Phòng / giường").fill("7")
    entry.get_by_role("button", name="Đã đối chiếu giấy tờ — xác nhận nhận phòng").click()
    expect(page.get_by_test_id("receipt")).to_be_visible()
    expect(page.get_by_test_id("receipt-room")).to_have_text("7")
    expect(page.get_by_test_id("receipt-received")).to_be_visible()
    assert_for_people(page)
    shot(page, "pre-registration-confirmed")
    stays = httpx.get(
        platform.url("ingest", "/v1/stays"), params={"date": today}, headers=headers, timeout=30
    ).json()["items"]
    [stay] = [s for s in stays if s["document_number"] == number]
    assert (stay["source"], stay["room"], stay["full_name"]) == ("self", "7", name)
    expect(page.get_by_test_id("pending").filter(has_text=name)).to_have_count(0)


def test_an_expired_link_says_so(
    browser: Browser, console: str, platform: Platform, lodging: Account
):
    made = httpx.post(
        platform.url("ingest", "/v1/pre-registrations/links"),
        json={"kind": "guest"},
        headers=lodging.headers(platform),
        timeout=30,
    )
    assert made.status_code == 201, made.text
    # The same link, its token signed (with the platform's development key) as expired.
    past = links.sign(
        DEV_PRE_REGISTRATION_SECRET,
        uuid.UUID(made.json()["link_id"]),
        datetime.now(UTC) - timedelta(hours=1),
    )
    context, phone, errors = guest_phone(browser, console, locale="vi-VN")
    try:
        phone.goto(f"/guest#{past}")
        expect(phone.get_by_test_id("guest-blocked")).to_contain_text("Link đã hết hạn")
        expect(phone.get_by_role("button", name="Gửi thông tin")).to_have_count(0)
        phone.get_by_role("button", name="English").click()
        expect(phone.get_by_test_id("guest-blocked")).to_contain_text("This link has expired")
        shot(phone, "pre-registration-expired")
        assert not errors, errors
    finally:
        context.close()


def test_a_flood_is_capped_with_a_clear_message(
    browser: Browser, console: str, platform: Platform, lodging: Account
):
    made = httpx.post(
        platform.url("ingest", "/v1/pre-registrations/links"),
        json={"kind": "standing"},
        headers=lodging.headers(platform),
        timeout=30,
    )
    token = made.json()["token"]
    # A script floods the reception QR from many addresses (ingest believes the forwarded
    # address of a local proxy): the link's cap stops it.
    answers = []
    for i in range(35):
        body = {
            "full_name": f"Lũ Lụt {i}",
            "date_of_birth": "1990-01-01",
            "gender": "male",
            "id_number": id_number(1990),
            "notice_accepted": True,
        }
        answers.append(
            httpx.post(
                platform.url("ingest", f"/v1/guest-links/{token}/pre-registrations"),
                json=body,
                headers={"X-Forwarded-For": f"10.9.{i}.{uuid.uuid4().int % 250 + 1}"},
                timeout=30,
            ).status_code
        )
    assert answers.count(201) == 30 and answers[30:] == [429] * 5, answers
    context, phone, errors = guest_phone(browser, console, locale="ko-KR")
    try:
        phone.goto(f"/guest#{token}")
        expect(phone.locator("html")).to_have_attribute("lang", "ko")
        phone.get_by_label("성명").fill("김민수")
        phone.get_by_label("생년월일").fill("1985-02-03")
        phone.get_by_label("성별").select_option("male")
        phone.get_by_label("베트남 개인 식별 번호 (12자리)").fill(id_number(1985))
        phone.get_by_label("위 안내를 읽었으며 정보 제출에 동의합니다").check()
        phone.get_by_role("button", name="정보 보내기").click()
        expect(phone.get_by_role("alert")).to_contain_text("프런트에서 등록해 주세요")
        expect(phone.get_by_test_id("guest-code")).to_have_count(0)
        shot(phone, "pre-registration-flood-capped")
        assert not errors, errors
    finally:
        context.close()
