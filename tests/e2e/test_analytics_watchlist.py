"""A wanted person checks in, end to end through the three running services: the police put
a document number on the watchlist in analytics, a facility created in accounts checks the
guest in through ingest, and the alert reaches analytics (list and live stream) within
seconds — while the facility's answer is the same in shape and status as for anyone else."""

from __future__ import annotations

import json
import queue
import random
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx

from tests.e2e.conftest import Platform, poll
from tests.support import first_login

VN = timezone(timedelta(hours=7))


def shape(value):
    """The structure of a JSON answer without its values: keys and value types."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value[:1]]
    return type(value).__name__


def read_stream(client: httpx.Client, url: str, headers: dict, events: queue.Queue) -> None:
    """Read server-sent events into a queue until the test closes the client."""
    try:
        with client.stream("GET", url, headers=headers) as answer:
            events.put(("status", answer.status_code, answer.headers.get("content-type")))
            data = []
            for line in answer.iter_lines():
                if line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and data:
                    events.put(("alert", json.loads("".join(data))))
                    data = []
    except (httpx.HTTPError, RuntimeError, OSError):
        pass  # the test closed the connection


def test_watchlist_hit_end_to_end(platform: Platform):
    admin_token = httpx.post(
        platform.url("accounts", "/v1/auth/token"),
        json={"username": platform.admin[0], "password": platform.admin[1]},
        timeout=30,
    ).json()["access_token"]
    admin = {"Authorization": f"Bearer {admin_token}"}
    wanted_doc = f"0790{random.randrange(10**8):08d}"
    added = httpx.post(
        platform.url("analytics", "/v1/watchlist"),
        headers=admin,
        json={"document_number": wanted_doc, "reason": "Lệnh truy nã số 01/2026 (thử)"},
        timeout=30,
    )
    assert added.status_code == 201, added.text

    events: queue.Queue = queue.Queue()
    stream_client = httpx.Client(timeout=httpx.Timeout(60, read=60))
    reader = threading.Thread(
        target=read_stream,
        args=(stream_client, platform.url("analytics", "/v1/alerts/stream"), admin, events),
        daemon=True,
    )
    reader.start()
    kind, status, content_type = events.get(timeout=30)
    assert (kind, status) == ("status", 200)
    assert content_type.startswith("text/event-stream")

    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin,
        json={
            "name": f"Khách sạn Truy Nã {uuid.uuid4().hex[:6]}",
            "facility_type": "hotel",
            "star_rating": 2,
            "province_code": 75,
            "commune_code": 26068,
            "rooms": 20,
            "beds": 40,
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    manager = created.json()["manager"]
    staff = {
        "Authorization": "Bearer "
        + first_login(platform.urls["accounts"], manager["username"], manager["one_time_password"])
    }
    now = datetime.now(VN).replace(microsecond=0)

    def guest(name: str, document: str) -> dict:
        return {
            "full_name": name,
            "date_of_birth": "1988-02-03",
            "gender": "male",
            "id_number": document,
            "check_in_at": now.isoformat(),
            "room": str(random.randrange(100, 999)),
        }

    def check_in(body: dict):
        response = httpx.post(
            platform.url("ingest", "/v1/stays"), headers=staff, json=body, timeout=30
        )
        if response.status_code == 404 and response.json().get("code") == "facility-unknown":
            return None  # facility.v1 has not reached ingest yet
        return response

    ordinary = poll(
        lambda: check_in(guest("Trần Văn Lành", f"0750{random.randrange(10**8):08d}")), timeout=15
    )
    wanted = check_in(guest("Hồ Văn Trốn", wanted_doc))
    # What the facility sees does not depend on the watchlist: same status, same fields.
    assert (wanted.status_code, ordinary.status_code) == (201, 201), wanted.text
    assert shape(wanted.json()) == shape(ordinary.json())
    assert set(wanted.headers) - {"x-correlation-id"} == set(ordinary.headers) - {
        "x-correlation-id"
    }
    stay_id = wanted.json()["stay_id"]

    def alerted():
        alerts = httpx.get(
            platform.url("analytics", "/v1/alerts"),
            headers=admin,
            params={"status": "new"},
            timeout=30,
        ).json()
        return next((a for a in alerts if a["stay_id"] == stay_id), None)

    alert = poll(alerted, timeout=10)
    assert (alert["match_kind"], alert["subject_document"]) == ("document", wanted_doc)
    assert alert["subject_name"] == "Hồ Văn Trốn"

    deadline = time.monotonic() + 10
    streamed = None
    while time.monotonic() < deadline and streamed is None:
        try:
            kind, payload = events.get(timeout=1)
        except queue.Empty:
            continue
        if kind == "alert" and payload["stay_id"] == stay_id:
            streamed = payload
    stream_client.close()
    reader.join(timeout=5)
    assert streamed is not None, "the alert did not come through the live stream"
    assert streamed["alert_id"] == alert["alert_id"]
    # The ordinary guest raised nothing.
    alerts = httpx.get(platform.url("analytics", "/v1/alerts"), headers=admin, timeout=30).json()
    assert ordinary.json()["stay_id"] not in {a["stay_id"] for a in alerts}
