"""End to end through the three running services: a facility is created in accounts, reaches
ingest over facility.v1, a guest checks in, and analytics counts the arrival from stay.v1."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import httpx

from tests.e2e.conftest import Platform, poll
from tests.support import first_login


def token(platform: Platform, username: str, password: str) -> str:
    response = httpx.post(
        platform.url("accounts", "/v1/auth/token"),
        json={"username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_platform_is_ready(platform: Platform):
    for service in ("accounts", "ingest", "analytics"):
        body = httpx.get(platform.url(service, "/readyz")).json()
        assert body == {"status": "ok", "checks": {"database": True, "kafka": True}}
        assert httpx.get(platform.url(service, "/livez")).status_code == 200
        assert "luutru_http_request_seconds" in httpx.get(platform.url(service, "/metrics")).text


def test_check_in_is_counted_in_analytics_within_10s(platform: Platform):
    admin = {"Authorization": f"Bearer {token(platform, *platform.admin)}"}
    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin,
        json={
            "name": "Khách sạn Sông Đồng Nai",
            "facility_type": "hotel",
            "star_rating": 3,
            "province_code": 75,
            "commune_code": 26068,
            "rooms": 30,
            "beds": 60,
        },
    )
    assert created.status_code == 201, created.text
    manager = created.json()["manager"]
    # The one-time password must be changed before the manager's token is good for anything.
    access = first_login(
        platform.urls["accounts"], manager["username"], manager["one_time_password"]
    )
    staff = {"Authorization": f"Bearer {access}"}

    # An arrival day of this test's own, so counts from other runs cannot mix in.
    day = date(2020, 1, 1) + timedelta(days=random.randrange(2000))
    guest = {
        "full_name": "Phạm Thị Thu Hà",
        "date_of_birth": "1992-08-17",
        "gender": "female",
        "id_number": "075192009876",
        "check_in_at": f"{day.isoformat()}T15:30:00+07:00",
        "room": "305",
    }
    started = time.monotonic()

    # The facility reaches ingest through facility.v1; until then ingest answers 404.
    def check_in():
        response = httpx.post(platform.url("ingest", "/v1/stays"), headers=staff, json=guest)
        if response.status_code == 404:
            assert response.json()["code"] == "facility-unknown"
            return None
        return response

    response = poll(check_in, timeout=10)
    assert response.status_code == 201, response.text
    assert response.json()["on_time"] is False  # a past arrival day: accepted, marked late

    def counted():
        feed = httpx.get(
            platform.url("analytics", "/v1/feeds/arrivals"),
            headers=admin,
            params={"date_from": day.isoformat(), "date_to": day.isoformat()},
        ).json()
        rows = [r for r in feed["rows"] if r["facility_type"] == "hotel"]
        return rows[0]["arrivals"] if rows else None

    assert poll(counted, timeout=10) == 1
    assert time.monotonic() - started < 20


def test_bad_token_is_a_problem(platform: Platform):
    response = httpx.post(
        platform.url("ingest", "/v1/stays"),
        headers={"Authorization": "Bearer not-a-token"},
        json={},
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
