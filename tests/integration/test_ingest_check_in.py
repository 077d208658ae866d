"""Check-in through the ingest API on real PostgreSQL (workers off: no Kafka needed here)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from luutru_ingest.app import create_app
from luutru_ingest.settings import IngestSettings
from tests.integration.conftest import add_facility_view
from tests.support import bearer, running_app

GUEST = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "1990-05-01",
    "gender": "male",
    "id_number": "075090001234",
    "check_in_at": "2026-11-27T14:00:00+07:00",
    "room": "101",
}


@pytest.fixture
async def client(service_env, signer):
    app = create_app(IngestSettings(**service_env, embedded_workers=False))
    app.state.token_verifier.add_jwks(signer.jwks)
    async with running_app(app) as client:
        yield client


def staff(signer, facility_id) -> dict:
    return bearer(signer.token(role="facility_staff", facility_id=facility_id))


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
                    "SELECT event_type, key, payload FROM ingest.outbox "
                    "WHERE payload->'data'->>'stay_id' = :id"
                ),
                {"id": receipt["stay_id"]},
            )
        ).all()
    assert stay.full_name == "Nguyễn Văn An"
    assert [(e.event_type, e.key) for e in events] == [("GuestCheckedIn", str(fid))]
    assert events[0].payload["data"]["facility_type"] == "hotel"


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
    bad = {**GUEST, "id_number": "12345", "nationality": "VN1", "date_of_birth": "2999-01-01"}
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


async def test_requires_a_facility_token(client, signer):
    assert (await client.post("/v1/stays", json=GUEST)).status_code == 401
    analyst = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    response = await client.post("/v1/stays", json=GUEST, headers=analyst)
    assert response.status_code == 403
    forged = bearer(signer.token(role="facility_staff") + "x")
    assert (await client.post("/v1/stays", json=GUEST, headers=forged)).status_code == 401
