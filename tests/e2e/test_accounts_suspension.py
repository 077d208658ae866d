"""Suspending a facility stops its access end to end, through the three running services:
accounts refuses new tokens at once, and ingest refuses its submissions as soon as
FacilitySuspended reaches ingest's read model over facility.v1; reinstating lets it back in."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import httpx

from tests.e2e.conftest import Platform, poll
from tests.support import TEST_PASSWORD, first_login


def login(platform: Platform, username: str, password: str) -> httpx.Response:
    return httpx.post(
        platform.url("accounts", "/v1/auth/token"),
        json={"username": username, "password": password},
        timeout=30,
    )


def guest(day: date) -> dict:
    n = random.randrange(10**6)
    return {
        "full_name": "Nguyễn Văn Bình",
        "date_of_birth": "1990-05-04",
        "gender": "male",
        "id_number": f"075090{n:06d}",
        "check_in_at": f"{day.isoformat()}T14:00:00+07:00",
        "room": "101",
    }


def test_suspended_facility_is_refused_by_ingest_and_reinstated(platform: Platform):
    admin_login = login(platform, *platform.admin)
    assert admin_login.status_code == 200, admin_login.text
    admin = {"Authorization": f"Bearer {admin_login.json()['access_token']}"}
    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin,
        json={
            "name": f"Nhà nghỉ Kiểm Tra {uuid.uuid4().hex[:6]}",
            "facility_type": "motel",
            "province_code": 75,
            "commune_code": 26041,
            "rooms": 10,
            "beds": 20,
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    facility = created.json()["facility"]
    manager = created.json()["manager"]
    staff = {
        "Authorization": "Bearer "
        + first_login(platform.urls["accounts"], manager["username"], manager["one_time_password"])
    }
    day = date(2020, 1, 1) + timedelta(days=random.randrange(2000))

    def submit(expected: int):
        def attempt():
            response = httpx.post(
                platform.url("ingest", "/v1/stays"), headers=staff, json=guest(day), timeout=30
            )
            return response if response.status_code == expected else None

        return attempt

    # 1. Active: the facility reaches ingest over facility.v1 and a check-in is accepted.
    assert poll(submit(201), timeout=15).status_code == 201

    # 2. Suspended: accounts at once refuses new tokens to the facility's users…
    suspended = httpx.post(
        platform.url("accounts", f"/v1/facilities/{facility['id']}/suspend"),
        headers=admin,
        json={"reason": "Không khai báo lưu trú nhiều lần"},
        timeout=30,
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    refused = login(platform, manager["username"], TEST_PASSWORD)
    assert refused.status_code == 403
    assert refused.json()["code"] == "facility-not-active"

    # …and ingest refuses submissions even with a token issued before: the token within
    # seconds (the revocation list), the facility itself once the event lands.
    refusal = poll(submit(401), timeout=15)
    assert refusal.json()["code"] == "token-revoked"
    assert refusal.headers["content-type"] == "application/problem+json"

    # 3. Reinstated: tokens again, and ingest accepts submissions again.
    reinstated = httpx.post(
        platform.url("accounts", f"/v1/facilities/{facility['id']}/reinstate"),
        headers=admin,
        timeout=30,
    )
    assert reinstated.status_code == 200, reinstated.text
    assert login(platform, manager["username"], TEST_PASSWORD).status_code == 200
    assert poll(submit(201), timeout=15).status_code == 201
