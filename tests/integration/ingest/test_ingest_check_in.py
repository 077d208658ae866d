"""Check-in through the ingest API on real PostgreSQL (workers off: no Kafka needed here)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text

from luutru_common.events import RETIRED_FACILITY_FIELDS
from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import staff
from tests.support import bearer

GUEST = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "1990-05-01",
    "gender": "male",
    "id_number": "075090001234",
    "check_in_at": "2026-11-27T14:00:00+07:00",
    "room": "101",
}


async def test_check_in_stores_stay_and_outbox_event_together(client, signer, db):
    fid = await add_facility_view(db)
    guest = {**GUEST, "id_number": f"0750{uuid.uuid4().int % 10**8:08d}"}
    response = await client.post("/v1/stays", json=guest, headers=staff(signer, fid))
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["facility_id"] == str(fid)
    # 14:00 local arrival → due 23:00 local the same day (16:00 UTC).
    assert receipt["due_at"] == "2026-11-27T16:00:00Z"
    async with db.connect() as conn:
        stay = (
            await conn.execute(
                text("SELECT full_name, document_number FROM ingest.stays WHERE id = :id"),
                {"id": receipt["stay_id"]},
            )
        ).one()
        events = (
            await conn.execute(
                text(
                    "SELECT event_type, key, payload::jsonb AS payload FROM ingest.outbox "
                    "WHERE payload::jsonb->'data'->>'stay_id' = :id"
                ),
                {"id": receipt["stay_id"]},
            )
        ).all()
    assert stay.full_name == "Nguyễn Văn An"
    assert [(e.event_type, e.key) for e in events] == [("GuestCheckedIn", str(fid))]
    data = events[0].payload["data"]
    # The stay only: a facility's attributes travel on facility.v1, not on stay events.
    assert (data["facility_id"], data["guest"]["full_name"]) == (str(fid), "Nguyễn Văn An")
    assert not set(RETIRED_FACILITY_FIELDS) & set(data)


async def test_retry_returns_original_receipt_without_duplicate(client, signer, db):
    fid = await add_facility_view(db)
    first = await client.post("/v1/stays", json=GUEST, headers=staff(signer, fid))
    again = await client.post("/v1/stays", json=GUEST, headers=staff(signer, fid))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["stay_id"] == first.json()["stay_id"]
    async with db.connect() as conn:
        stays = await conn.scalar(
            text("SELECT count(*) FROM ingest.stays WHERE facility_id = :f"), {"f": fid}
        )
        events = await conn.scalar(
            text("SELECT count(*) FROM ingest.outbox WHERE key = :f"), {"f": str(fid)}
        )
    assert (stays, events) == (1, 1)


async def test_unknown_facility_gets_problem_json(client, signer):
    response = await client.post("/v1/stays", json=GUEST, headers=staff(signer, uuid.uuid4()))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "facility-unknown"


async def test_suspended_facility_is_refused(client, signer, db):
    fid = await add_facility_view(db, status="suspended")
    response = await client.post("/v1/stays", json=GUEST, headers=staff(signer, fid))
    assert response.status_code == 403
    assert response.json()["code"] == "facility-not-active"


async def test_every_invalid_field_is_reported_at_once(client, signer, db):
    fid = await add_facility_view(db)
    next_year = f"{date.today().year + 1}-01-01"
    bad = {**GUEST, "id_number": "12345", "nationality": "VN1", "date_of_birth": next_year}
    response = await client.post("/v1/stays", json=bad, headers=staff(signer, fid))
    assert response.status_code == 422
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    found = {(e["pointer"], e["code"]) for e in body["errors"]}
    assert found == {
        ("/id_number", "id-number-format"),
        ("/nationality", "country-code"),
        ("/date_of_birth", "birth-in-future"),
    }
    assert all(e["message"]["vi"] and e["message"]["en"] for e in body["errors"])


async def test_malformed_body_names_the_field(client, signer, db):
    fid = await add_facility_view(db)
    response = await client.post(
        "/v1/stays", json={**GUEST, "date_of_birth": "01/05/1990"}, headers=staff(signer, fid)
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/date_of_birth"]


@pytest.mark.parametrize("path", ["/v1/stays", "/v1/stays/validate"])
async def test_an_unreadable_field_comes_with_the_other_fields_errors(client, signer, db, path):
    """A body that does not validate still gets the rules of its readable fields: 31
    February does not hide an 11-digit ID number, nor `31-Feb-95` a country code."""
    fid = await add_facility_view(db)
    impossible = {**GUEST, "date_of_birth": "1995-02-31", "id_number": "07509000123"}
    response = await client.post(path, json=impossible, headers=staff(signer, fid))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation-failed"
    assert {(e["pointer"], e["code"]) for e in body["errors"]} == {
        ("/date_of_birth", "date-invalid"),
        ("/id_number", "id-number-format"),
    }
    [date_error] = [e for e in body["errors"] if e["code"] == "date-invalid"]
    assert date_error["message"] == {
        "vi": "Ngày không tồn tại (ví dụ 31/02)",
        "en": "This date does not exist (e.g. 31 February)",
    }
    garbage = {**GUEST, "date_of_birth": "31-Feb-95", "nationality": "VN1", "check_in_at": "x"}
    response = await client.post(path, json=garbage, headers=staff(signer, fid))
    assert response.status_code == 422
    assert {(e["pointer"], e["code"]) for e in response.json()["errors"]} == {
        ("/date_of_birth", "date-format"),
        ("/check_in_at", "date-format"),
        ("/nationality", "country-code"),
    }
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT count(*) FROM ingest.stays WHERE facility_id = :f"), {"f": fid}
        )
    assert stored == 0


async def test_a_refused_body_still_needs_a_token_and_valid_bodies_keep_their_schema(client):
    impossible = {**GUEST, "date_of_birth": "1995-02-31"}
    assert (await client.post("/v1/stays", json=impossible)).status_code == 401
    document = (await client.get("/openapi.json")).json()
    for path in ("/v1/stays", "/v1/stays/validate"):
        schema = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert schema["schema"] == {"$ref": "#/components/schemas/CheckIn"}


async def test_requires_a_facility_token(client, signer):
    assert (await client.post("/v1/stays", json=GUEST)).status_code == 401
    analyst = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    response = await client.post("/v1/stays", json=GUEST, headers=analyst)
    assert response.status_code == 403
    forged = bearer(signer.token(role="facility_staff") + "x")
    assert (await client.post("/v1/stays", json=GUEST, headers=forged)).status_code == 401
