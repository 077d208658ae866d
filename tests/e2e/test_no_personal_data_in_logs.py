"""No personal data in logs, end to end: guests check in (a Vietnamese citizen, a foreigner), a
bad request carries a name, the police search for a guest; then the logs of the three services,
of PostgreSQL and of Kafka written meanwhile hold none of those names or document numbers."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx

from tests.e2e.conftest import Platform, poll
from tests.e2e.test_walking_skeleton import token
from tests.support import KAFKA_LOG_DIR, PG_LOG, first_login


def digits(n: int) -> str:
    return "".join(random.choice("0123456789") for _ in range(n))


def log_sizes() -> dict[Path, int]:
    """Where each server log ends now (the PostgreSQL and Kafka logs are shared by runs)."""
    assert PG_LOG.exists(), f"no PostgreSQL log at {PG_LOG}: set LUUTRU_PG_LOG"
    files = [PG_LOG, *sorted(KAFKA_LOG_DIR.glob("*.log"))]
    return {f: f.stat().st_size for f in files}


def written_since(sizes: dict[Path, int]) -> str:
    out = []
    for path, start in sizes.items():
        with path.open("rb") as f:
            f.seek(start)
            out.append(f.read().decode("utf-8", "replace"))
    return "\n".join(out)


def test_an_end_to_end_run_logs_no_names_or_document_numbers(platform: Platform):
    sizes = log_sizes()
    tag = uuid.uuid4().hex[:5]
    citizen = {"full_name": f"Lê Thị Ngọc Hân {tag}", "id_number": "0" + digits(11)}
    foreigner = {
        "full_name": f"Olga Petrova {tag}",
        "passport": "P" + digits(7),
        "visa": "V" + digits(7),
    }
    admin = {"Authorization": f"Bearer {token(platform, *platform.admin)}"}
    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin,
        json={
            "name": "Nhà nghỉ Hoa Sữa",
            "facility_type": "motel",
            "province_code": 75,
            "commune_code": 26068,
            "rooms": 8,
            "beds": 16,
        },
    )
    assert created.status_code == 201, created.text
    manager = created.json()["manager"]
    staff = {
        "Authorization": "Bearer "
        + first_login(platform.urls["accounts"], manager["username"], manager["one_time_password"])
    }
    day = date(2021, 1, 1) + timedelta(days=random.randrange(1500))
    guests = [
        {
            "full_name": citizen["full_name"],
            "date_of_birth": "1990-02-03",
            "gender": "female",
            "id_number": citizen["id_number"],
            "check_in_at": f"{day.isoformat()}T14:00:00+07:00",
            "room": "2",
        },
        {
            "full_name": foreigner["full_name"],
            "date_of_birth": "1985-11-30",
            "gender": "female",
            "nationality": "RUS",
            "passport_number": foreigner["passport"],
            "visa_type": "DL",
            "visa_number": foreigner["visa"],
            "entry_date": (day - timedelta(days=1)).isoformat(),
            "entry_port": "Cửa khẩu Tân Sơn Nhất",
            "check_in_at": f"{day.isoformat()}T16:00:00+07:00",
            "room": "3",
        },
    ]

    def check_in(guest):
        def attempt():
            response = httpx.post(platform.url("ingest", "/v1/stays"), headers=staff, json=guest)
            return None if response.status_code == 404 else response  # facility not there yet

        return poll(attempt, timeout=15)

    for guest in guests:
        response = check_in(guest)
        assert response.status_code == 201, response.text
    # The same guest again (idempotent), and a refused one that carries a name.
    assert check_in(guests[0]).status_code in (200, 201)
    bad = httpx.post(
        platform.url("ingest", "/v1/stays"),
        headers=staff,
        json={**guests[0], "date_of_birth": "1990-02-31"},
    )
    assert bad.status_code == 422
    # The police find the citizen once analytics has the stay (a logged search).
    police = admin

    def found():
        response = httpx.post(
            platform.url("analytics", "/v1/police/search"),
            headers=police,
            json={
                "document_number": citizen["id_number"],
                "case_reference": "15/TB-CAX",
                "reason": "criminal-investigation",
            },
        )
        assert response.status_code == 200, response.text
        return response.json()["rows"] or None

    assert poll(found, timeout=20)
    time.sleep(1)  # let the last lines reach the files

    logs = "\n".join(
        (platform.logs / f"{s}.log").read_text("utf-8", "replace")
        for s in ("accounts", "ingest", "analytics")
    )
    servers = written_since(sizes)
    assert "POST /v1/stays" in logs or "service_started" in logs  # the logs are really there
    for secret in (*citizen.values(), *foreigner.values()):
        assert secret not in logs, f"a service log carries {secret!r}"
        assert secret not in servers, f"a PostgreSQL or Kafka log carries {secret!r}"
