"""Check-in on a phone (390×844), in Vietnamese and English: a field is checked by the server's
rules when it is left, a refused submit takes the receptionist to the first field in error,
errors go as fields are fixed, and no network is said in plain words; the registration is kept
on the device and sent, once, when the network is back."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

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

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = {"width": 390, "height": 844}

LABELS = {
    "vi": {
        "name": "Họ và tên",
        "dob": "Ngày sinh",
        "gender": "Giới tính",
        "id": "Số định danh cá nhân",
        "submit": "Gửi khai báo",
        "retry": "Thử lại",
        "offline": "mất kết nối mạng",
    },
    "en": {
        "name": "Full name",
        "dob": "Date of birth",
        "gender": "Gender",
        "id": "Personal ID number",
        "submit": "Register the guest",
        "retry": "Retry",
        "offline": "no network connection",
    },
}


def id_number(year: int = 1990, female: bool = False) -> str:
    century = (year // 100 - 19) * 2 + int(female)
    return f"075{century}{year % 100:02d}{random.randrange(10**6):06d}"


@pytest.fixture(scope="module")
def lodging(platform: Platform) -> Account:
    account = new_facility(
        platform,
        name=f"Nhà trọ Điện Thoại {uuid.uuid4().hex[:4]}",
        facility_type="boarding_house",
        star_rating=None,
        rooms=5,
        beds=8,
    )
    return known_to_ingest(platform, account)


def open_check_in(page: Page, account: Account, lang: str) -> dict[str, str]:
    page.set_viewport_size(PHONE)
    sign_in(page, account.username, account.password)
    if lang == "en":
        page.get_by_test_id("lang-switch").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/#/check-in")
    labels = LABELS[lang]
    expect(page.get_by_label(labels["name"])).to_be_visible()
    # The submit button's text, as the page says it in this language.
    labels["submit"] = page.locator(".staff-submit button[type=submit]").inner_text().strip()
    return labels


def in_view(page: Page, selector_js: str) -> bool:
    return page.evaluate(
        f"""() => {{ const r = ({selector_js}).getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight; }}"""
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_guided_check_in_on_a_phone(page: Page, platform: Platform, lodging: Account, lang: str):
    labels = open_check_in(page, lodging, lang)
    id_field = page.get_by_label(labels["id"])

    # Leaving the ID field with 11 digits: the server's own message under it, nothing else
    # (the empty name has not been visited yet).
    with page.expect_response(lambda r: r.url.endswith("/v1/stays/validate")) as checked:
        id_field.fill("07509200123")
        id_field.press("Tab")
    answer = checked.value.json()
    [refusal] = [e for e in answer["errors"] if e["pointer"] == "/id_number"]
    field = page.locator(".field.has-error").filter(has=id_field)
    expect(field).to_contain_text(refusal["message"][lang])
    expect(page.locator(".field.has-error")).to_have_count(1)
    assert_for_people(page)

    # Leaving several fields in a row sends one check, not one per field.
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "/v1/stays/validate" in r.url else None)
    page.get_by_label(labels["name"]).focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    page.wait_for_timeout(1500)
    assert len(checks) <= 1, checks

    # Submit from the bottom of the form: the first field in error gets the focus, on screen.
    submit = page.get_by_role("button", name=labels["submit"])
    submit.scroll_into_view_if_needed()
    submit.click()
    expect(page.get_by_test_id("check-in-problems")).to_be_visible()
    expect(page.get_by_label(labels["name"])).to_be_focused()
    assert in_view(page, "document.activeElement")
    expect(page.get_by_label(labels["name"])).to_have_attribute("aria-invalid", "true")
    errors_before = page.locator(".field.has-error").count()
    assert errors_before >= 3  # name, date of birth, gender (and the ID)
    assert_for_people(page)
    shot(page, f"check-in-phone-refused-{lang}")

    # Fixing a field clears its error at once; the others stay until fixed.
    page.get_by_label(labels["name"]).fill(f"Lê Văn Điện {uuid.uuid4().hex[:4].upper()}")
    expect(page.locator(".field.has-error")).to_have_count(errors_before - 1)
    expect(page.get_by_label(labels["name"])).not_to_have_attribute("aria-invalid", "true")
    page.get_by_label(labels["dob"]).fill("1990-05-01")
    page.get_by_label(labels["gender"]).select_option("male")
    number = id_number(1990)
    id_field.fill(number)
    id_field.press("Tab")
    expect(page.locator(".field.has-error")).to_have_count(0)
    submit.click()
    expect(page.get_by_test_id("receipt")).to_be_visible()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_offline_check_in_says_so_and_retries(
    page: Page, platform: Platform, lodging: Account, lang: str
):
    labels = open_check_in(page, lodging, lang)
    number = id_number(1985, female=True)
    page.get_by_label(labels["name"]).fill(f"Phạm Thị Mạng {uuid.uuid4().hex[:4].upper()}")
    page.get_by_label(labels["dob"]).fill("1985-07-08")
    page.get_by_label(labels["gender"]).select_option("female")
    page.get_by_label(labels["id"]).fill(number)

    page.context.set_offline(True)
    page.get_by_role("button", name=labels["submit"]).click()
    message = page.get_by_test_id("check-in-offline")
    expect(message).to_contain_text(labels["offline"])
    expect(message).to_be_in_viewport()
    body = page.locator("body").inner_text()
    assert "Failed to fetch" not in body and "TypeError" not in body
    shot(page, f"check-in-phone-offline-{lang}")

    expect(message.get_by_role("button", name=labels["retry"])).to_be_visible()
    # Kept on the device: back online it goes by itself (the outbox), under its key.
    page.context.set_offline(False)
    expect(page.get_by_test_id("receipt")).to_be_visible()
    # Registered once, under the number typed before the network went away.
    stays = httpx.get(
        platform.url("ingest", "/v1/stays"),
        params={"date": datetime.now(VN).date().isoformat()},
        headers=lodging.headers(platform),
        timeout=30,
    ).json()["items"]
    [stay] = [s for s in stays if s["document_number"] == number]
    if stay.get("receipt_number"):
        expect(page.get_by_test_id("receipt-number")).to_have_text(stay["receipt_number"])


def test_a_dropped_answer_is_retried_once_with_the_same_key(
    page: Page, platform: Platform, lodging: Account
):
    """The server stored the stay but its answer never came (timeout / network gone): the
    retry sends the same Idempotency-Key and gets the same receipt back."""
    labels = open_check_in(page, lodging, "vi")
    number = id_number(1970)
    page.get_by_label(labels["name"]).fill(f"Võ Văn Treo {uuid.uuid4().hex[:4].upper()}")
    page.get_by_label(labels["dob"]).fill("1970-01-02")
    page.get_by_label(labels["gender"]).select_option("male")
    page.get_by_label(labels["id"]).fill(number)
    keys: list[str] = []

    def drop_first(route):
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # it reaches the server ...
            route.abort("connectionreset")  # ... and the answer is lost
        else:
            route.continue_()

    page.route(lambda url: url.endswith("/v1/stays"), drop_first)
    page.get_by_role("button", name=labels["submit"]).click()
    # The record is kept on the device and sent again by itself (or by "Thử lại", whichever
    # comes first: one send at a time) with the same key; the server answers once.
    expect(page.get_by_test_id("receipt")).to_be_visible()
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
