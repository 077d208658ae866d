"""Accounts for the console tests, made through the public APIs like the police admin would."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform, poll
from tests.support import TEST_PASSWORD, first_login


def api_token(platform: Platform, username: str, password: str) -> str:
    response = httpx.post(
        platform.url("accounts", "/v1/auth/token"),
        json={"username": username, "password": password},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def admin_headers(platform: Platform) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(platform, *platform.admin)}"}


@dataclass
class Account:
    username: str
    password: str
    facility_id: str | None = None
    facility_code: str | None = None

    def headers(self, platform: Platform) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token(platform, self.username, self.password)}"}


def new_facility(platform: Platform, **fields) -> Account:
    """A facility (a 3-star hotel in Biên Hòa unless told otherwise; a field given as None is
    left out) and its manager, whose first password has been changed to TEST_PASSWORD."""
    body = {
        "name": f"Khách sạn Thử {uuid.uuid4().hex[:6]}",
        "facility_type": "hotel",
        "star_rating": 3,
        "province_code": 75,
        "commune_code": 26068,
        "rooms": 30,
        "beds": 60,
        **fields,
    }
    body = {key: value for key, value in body.items() if value is not None}
    response = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin_headers(platform),
        json=body,
        timeout=30,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    manager = created["manager"]
    first_login(platform.urls["accounts"], manager["username"], manager["one_time_password"])
    return Account(
        manager["username"],
        TEST_PASSWORD,
        facility_id=created["facility"]["id"],
        facility_code=created["facility"].get("code"),
    )


def new_user(platform: Platform, role: str, **fields) -> Account:
    """A police or analyst account (first password changed to TEST_PASSWORD)."""
    username = f"{role.replace('_', '.')}.{uuid.uuid4().hex[:6]}"
    response = httpx.post(
        platform.url("accounts", "/v1/users"),
        headers=admin_headers(platform),
        json={"username": username, "full_name": "Nguyễn Văn Thử", "role": role, **fields},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    first_login(platform.urls["accounts"], username, response.json()["one_time_password"])
    return Account(username, TEST_PASSWORD)


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the console's form (Vietnamese labels) and wait for the shell."""
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("who")).to_contain_text(username)


# What a person must never read on a page: the API's internals.
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_POINTER = re.compile(r"(?<![\w/])/(?:rows|guests|passengers|add|stay|file)(?:/[\w~-]+)+")
_FIELD_KEYS = (
    "full_name", "date_of_birth", "id_number", "passport_number", "legacy_id_number",
    "country_of_residence", "visa_type", "visa_number", "entry_date", "entry_port",
    "accompanying_adult_document", "check_in_at", "expected_check_out", "commune_code",
    "province_code", "facility_type", "police_admin", "facility_manager", "facility_staff",
    "commune_police", "department_analyst", "system_admin",
)  # fmt: skip


def internals_on_screen(page: Page) -> list[str]:
    """UUIDs, JSON pointers and raw field or role keys in the visible text of the page."""
    text = page.locator("body").inner_text()
    found = _UUID.findall(text) + _POINTER.findall(text)
    found += [key for key in _FIELD_KEYS if re.search(rf"\b{key}\b", text)]
    return found


def assert_for_people(page: Page) -> None:
    """The page as a person reads it holds none of the API's internals."""
    found = internals_on_screen(page)
    assert not found, f"internals shown to a person: {found[:10]}"


def pick(scope, label: str, typed: str, option: str) -> None:
    """Choose `option` in the search picker labelled `label` by typing `typed`."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.fill(typed)
    scope.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def known_to_ingest(platform: Platform, account: Account) -> Account:
    """The account once ingest knows its new lodging (the facility arrives over Kafka a moment
    after the police create it): its staff can then check guests in."""
    headers = account.headers(platform)
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()

    def known():
        response = httpx.get(
            platform.url("ingest", "/v1/stays"), params={"date": today}, headers=headers, timeout=30
        )
        return None if response.status_code == 404 else response

    assert poll(known, 60).status_code == 200
    return account


def check_in(platform: Platform, account: Account, guest: dict) -> dict:
    """Check a guest in through ingest once the new facility has reached it (over Kafka)."""
    headers = account.headers(platform)

    def attempt():
        response = httpx.post(
            platform.url("ingest", "/v1/stays"), headers=headers, json=guest, timeout=30
        )
        if response.status_code == 404 and response.json().get("code") == "facility-unknown":
            return None
        return response

    response = poll(attempt, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()
