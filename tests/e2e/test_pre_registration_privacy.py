"""Privacy of a pending pre-registration, on the real processes: a wanted person who
pre-registers raises no alert and is found by no police search while the entry is pending —
it is not a stay and never an event — and the same person confirmed by staff raises the alert
and is found at once (so the absence is the pending state's, not a slow pipeline's). An entry
nobody confirms is gone after its 72 hours: unreadable at once, deleted by
`luutru-ingest retention`."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
import uuid

import asyncpg
import httpx
import pytest

from tests.e2e.conftest import E2E_DB, Platform, poll
from tests.e2e.console.helpers import admin_headers, known_to_ingest, new_facility
from tests.support import database_url, service_database_env

pytestmark = pytest.mark.timeout(900)


def sql(statement: str, *args):
    """One statement on the platform's database as the admin role (the test's own view)."""

    async def run():
        conn = await asyncpg.connect(database_url(E2E_DB).replace("+asyncpg", ""))
        try:
            return await conn.fetchval(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def search(platform: Platform, admin: dict, **by) -> list[dict]:
    response = httpx.post(
        platform.url("analytics", "/v1/police/search"),
        headers=admin,
        json={"case_reference": "19/TB-CAX", "reason": "wanted-person", **by},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def alerts_for(platform: Platform, admin: dict, document: str) -> list[dict]:
    alerts = httpx.get(platform.url("analytics", "/v1/alerts"), headers=admin, timeout=30).json()
    return [a for a in alerts if a.get("subject_document") == document]


def test_pending_is_invisible_to_police_until_confirmed_and_gone_after_expiry(
    platform: Platform,
):
    admin = admin_headers(platform)
    wanted = f"0790{random.randrange(10**8):08d}"
    name = f"Hồ Văn Khai Trước {uuid.uuid4().hex[:4].upper()}"
    added = httpx.post(
        platform.url("analytics", "/v1/watchlist"),
        headers=admin,
        json={"document_number": wanted, "reason": "Lệnh truy nã số 19/2026 (thử)"},
        timeout=30,
    )
    assert added.status_code == 201, added.text
    account = known_to_ingest(platform, new_facility(platform))
    staff = account.headers(platform)
    link = httpx.post(
        platform.url("ingest", "/v1/pre-registrations/links"),
        json={"guests": 2},
        headers=staff,
        timeout=30,
    ).json()
    url = platform.url("ingest", f"/v1/guest-links/{link['token']}/pre-registrations")
    guest = {
        "full_name": name,
        "date_of_birth": "1979-09-09",
        "gender": "male",
        "id_number": wanted,
        "notice_accepted": True,
    }
    sent = httpx.post(url, json=guest, timeout=30)
    assert sent.status_code == 201, sent.text

    # Longer than a check-in takes to become an alert on this platform (well under 10 s).
    time.sleep(8)
    assert alerts_for(platform, admin, wanted) == []
    assert search(platform, admin, document_number=wanted) == []
    assert search(platform, admin, full_name=name, date_of_birth="1979-09-09") == []

    [entry] = httpx.get(
        platform.url("ingest", "/v1/pre-registrations"),
        params={"q": sent.json()["code"]},
        headers=staff,
        timeout=30,
    ).json()["items"]
    confirmed = httpx.post(
        platform.url("ingest", f"/v1/pre-registrations/{entry['pre_registration_id']}/confirm"),
        json={"room": "3"},
        headers=staff,
        timeout=30,
    )
    assert confirmed.status_code == 201, confirmed.text
    alert = poll(lambda: alerts_for(platform, admin, wanted) or None, timeout=30)[0]
    assert alert["stay_id"] == confirmed.json()["stay_id"]
    found = poll(lambda: search(platform, admin, document_number=wanted) or None, timeout=30)
    assert {r["stay_id"] for r in found} == {confirmed.json()["stay_id"]}

    # A second guest never comes: 72 hours on, gone.
    other = {
        **guest,
        "full_name": "Lý Thị Không Đến",
        "id_number": f"0791{random.randrange(10**8):08d}",
    }
    late = httpx.post(url, json=other, timeout=30)
    assert late.status_code == 201, late.text
    sql(
        "UPDATE ingest.pre_registrations SET expires_at = now() - interval '1 minute'"
        " WHERE code = $1 AND facility_id = $2",
        late.json()["code"],
        uuid.UUID(account.facility_id),
    )
    listed = httpx.get(
        platform.url("ingest", "/v1/pre-registrations"), headers=staff, timeout=30
    ).json()["items"]
    assert listed == []
    done = subprocess.run(
        [sys.executable, "-m", "luutru_ingest", "retention"],
        env={**os.environ, **service_database_env(E2E_DB, "ingest")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pending pre-registrations: 1" in done.stdout, done.stdout
    left = sql(
        "SELECT count(*) FROM ingest.pre_registrations WHERE facility_id = $1",
        uuid.UUID(account.facility_id),
    )
    assert left == 0
