"""Coach manifests: atomic per trip, per-passenger errors, resubmission, changes, cancel, and
the same manifest as an upload."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

import pytest
import xlsxwriter
from sqlalchemy import text

from luutru_ingest.upload_worker import UploadWorker
from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import manager as operator
from tests.integration.ingest_helpers import passenger, trip


async def events(db, trip_id) -> list[str]:
    async with db.connect() as conn:
        return list(
            (
                await conn.execute(
                    text(
                        "SELECT event_type FROM ingest.outbox WHERE topic = 'trip.v1' AND "
                        "payload::jsonb->'data'->>'trip_id' = :t ORDER BY id"
                    ),
                    {"t": trip_id},
                )
            ).scalars()
        )


async def test_manifest_is_atomic_with_per_passenger_errors(app, signer, db, coach):
    client, headers = app.state.client, operator(signer, coach)
    bad = trip(passengers=[passenger("A1"), passenger("A1", id_number="123"), passenger("A3")])
    refused = await client.post("/v1/trips", json=bad, headers=headers)
    assert refused.status_code == 422
    assert {(e["pointer"], e["code"]) for e in refused.json()["errors"]} == {
        ("/passengers/1/id_number", "id-number-format"),
        ("/passengers/1/seat", "seat-taken"),
    }
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT count(*) FROM ingest.trips WHERE operator_id = :o"), {"o": coach}
        )
    assert stored == 0

    body = trip()
    accepted = await client.post("/v1/trips", json=body, headers=headers)
    assert accepted.status_code == 201, accepted.text
    receipt = accepted.json()
    assert [p["index"] for p in receipt["passengers"]] == [0, 1]
    again = await client.post("/v1/trips", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["trip_id"] == receipt["trip_id"]
    assert await events(db, receipt["trip_id"]) == ["TripManifestSubmitted"]


def born_next_year() -> str:
    return f"{date.today().year + 1}-03-04"


async def test_a_manifest_lists_every_passengers_violations(app, signer, db, coach):
    """Passenger 0's impossible birthday does not hide passenger 1's errors: one answer."""
    client, headers = app.state.client, operator(signer, coach)
    body = trip(
        passengers=[
            passenger("A1", date_of_birth="1995-02-31"),
            passenger("A2", date_of_birth=born_next_year(), id_number="07508812345"),
            passenger("A3"),
        ]
    )
    refused = await client.post("/v1/trips", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert {(e["pointer"], e["code"]) for e in refused.json()["errors"]} == {
        ("/passengers/0/date_of_birth", "date-invalid"),
        ("/passengers/1/date_of_birth", "birth-in-future"),
        ("/passengers/1/id_number", "id-number-format"),
    }
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT count(*) FROM ingest.trips WHERE operator_id = :o"), {"o": coach}
        )
    assert stored == 0


async def test_trip_fields_errors_come_with_the_passengers(app, signer, coach):
    """A trip field that cannot be read (the body is refused before the endpoint) still comes
    with the trip rules of the other fields and every passenger's violations."""
    client, headers = app.state.client, operator(signer, coach)
    body = trip(
        plate="X",
        destination_province=98,
        departure_at="2026-11-31T20:00:00+07:00",
        passengers=[
            passenger("A1", date_of_birth="31-Feb-95", id_number="1"),
            passenger("A1", date_of_birth=born_next_year(), nationality="VN1"),
            "not a passenger",
        ],
    )
    refused = await client.post("/v1/trips", json=body, headers=headers)
    assert refused.status_code == 422
    found = {(e["pointer"], e["code"]) for e in refused.json()["errors"]}
    assert found == {
        ("/plate", "string_too_short"),
        ("/destination_province", "province-code"),
        ("/departure_at", "date-invalid"),
        ("/passengers/0/date_of_birth", "date-format"),
        ("/passengers/0/id_number", "id-number-format"),
        ("/passengers/1/date_of_birth", "birth-in-future"),
        ("/passengers/1/nationality", "country-code"),
        ("/passengers/1/seat", "seat-taken"),
        ("/passengers/2", "model_type"),
    }
    [not_one] = [e for e in refused.json()["errors"] if e["pointer"] == "/passengers/2"]
    assert not_one["message"]["vi"] == "Phải là một đối tượng JSON"
    document = (await client.get("/openapi.json")).json()
    schema = document["paths"]["/v1/trips"]["post"]["requestBody"]["content"]["application/json"]
    assert schema["schema"] == {"$ref": "#/components/schemas/TripIn"}
    items = document["components"]["schemas"]["TripIn"]["properties"]["passengers"]["items"]
    assert items["title"] == "PassengerIn" and "date_of_birth" in items["properties"]


async def test_added_passengers_report_every_violation(app, signer, coach):
    client, headers = app.state.client, operator(signer, coach)
    receipt = (await client.post("/v1/trips", json=trip(seats=10), headers=headers)).json()
    path = f"/v1/trips/{receipt['trip_id']}/passengers"
    add = [
        passenger("B1", date_of_birth="1995-02-31"),
        passenger("B2", date_of_birth=born_next_year(), id_number="07508812345"),
    ]
    refused = await client.post(path, json={"add": add}, headers=headers)
    assert refused.status_code == 422
    expected = {
        ("/add/0/date_of_birth", "date-invalid"),
        ("/add/1/date_of_birth", "birth-in-future"),
        ("/add/1/id_number", "id-number-format"),
    }
    assert {(e["pointer"], e["code"]) for e in refused.json()["errors"]} == expected
    # A removal that is not an id refuses the body: the additions are still judged.
    refused = await client.post(path, json={"add": add, "remove": ["nobody"]}, headers=headers)
    assert refused.status_code == 422
    found = {(e["pointer"], e["code"]) for e in refused.json()["errors"]}
    assert found == expected | {("/remove/0", "uuid_parsing")}
    view = (await client.get(f"/v1/trips/{receipt['trip_id']}", headers=headers)).json()
    assert len(view["passengers"]) == 2


async def test_trip_rules(app, signer, coach):
    client, headers = app.state.client, operator(signer, coach)
    response = await client.post(
        "/v1/trips",
        json=trip(
            plate="XX-?????",
            origin_province=99,
            seats=1,
            passengers=[passenger("1"), passenger("2")],
        ),
        headers=headers,
    )
    assert {e["code"] for e in response.json()["errors"]} == {
        "plate-format",
        "province-code",
        "over-seats",
    }


async def test_changes_and_cancel(app, signer, db, coach):
    client, headers = app.state.client, operator(signer, coach)
    receipt = (await client.post("/v1/trips", json=trip(), headers=headers)).json()
    trip_id = receipt["trip_id"]
    first, second = (p["passenger_id"] for p in receipt["passengers"])
    full = await client.post(
        f"/v1/trips/{trip_id}/passengers",
        json={"add": [passenger("B1"), passenger("B2")]},
        headers=headers,
    )
    assert full.status_code == 422 and full.json()["errors"][0]["code"] == "over-seats"
    changed = await client.post(
        f"/v1/trips/{trip_id}/passengers",
        json={"add": [passenger("A1")], "remove": [first], "no_shows": [second]},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    view = (await client.get(f"/v1/trips/{trip_id}", headers=headers)).json()
    assert [p["status"] for p in view["passengers"]] == ["removed", "no_show", "on_board"]
    cancelled = await client.post(
        f"/v1/trips/{trip_id}/cancel", json={"reason": "hỏng xe"}, headers=headers
    )
    assert cancelled.json()["status"] == "cancelled"
    assert await events(db, trip_id) == [
        "TripManifestSubmitted",
        "TripPassengersChanged",
        "TripCancelled",
    ]


async def test_hotels_cannot_submit_trips(app, signer, db):
    hotel = await add_facility_view(db)
    response = await app.state.client.post(
        "/v1/trips", json=trip(), headers=operator(signer, hotel)
    )
    assert response.json()["code"] == "facility-not-coach"


async def test_manifest_as_an_upload(app, signer, db, coach):
    client, headers = app.state.client, operator(signer, coach)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số ghế", "Điểm đón"])
    writer.writerow(
        [
            "Trần Văn Bình",
            "03/02/1988",
            "Nam",
            f"075088{random.randrange(10**6):06d}",
            "A1",
            "Biên Hòa",
        ]
    )
    writer.writerow(
        ["Lý Thị Mai", "04/04/1992", "Nữ", f"075192{random.randrange(10**6):06d}", "A2", "Biên Hòa"]
    )
    fields = {
        "plate": "60B-999.99",
        "origin_province": "75",
        "destination_province": "79",
        "departure_at": "2026-11-27T20:00:00+07:00",
        "seats": "40",
    }
    response = await client.post(
        "/v1/uploads/trips",
        files={"file": ("chuyen.csv", buffer.getvalue().encode())},
        data=fields,
        headers=headers,
    )
    assert response.status_code == 202, response.text
    await UploadWorker(
        app.state.session_factory, settings=app.state.settings, rule=app.state.deadline_rule
    ).drain()
    status = (
        await client.get(f"/v1/uploads/{response.json()['upload_id']}", headers=headers)
    ).json()
    assert (status["status"], status["accepted"], status["rejected"]) == ("done", 2, 0)
    async with db.connect() as conn:
        seats = (
            (
                await conn.execute(
                    text(
                        "SELECT p.seat FROM ingest.trip_passengers p JOIN ingest.trips t "
                        "ON t.id = p.trip_id WHERE t.operator_id = :o ORDER BY p.seq"
                    ),
                    {"o": coach},
                )
            )
            .scalars()
            .all()
        )
    assert list(seats) == ["A1", "A2"]


async def test_the_operator_lists_its_trips_of_a_day(app, signer, db, coach):
    client, headers = app.state.client, operator(signer, coach)
    late = trip(departure_at="2026-11-28T23:30:00+07:00", plate="60B-111.11")  # 16:30Z: the 28th
    early = trip(departure_at="2026-11-28T00:15:00+07:00", plate="60B-222.22")  # 17:15Z the 27th
    other_day = trip(departure_at="2026-11-29T08:00:00+07:00", plate="60B-333.33")
    ids = {}
    for name, body in (("late", late), ("early", early), ("other", other_day)):
        ids[name] = (await client.post("/v1/trips", json=body, headers=headers)).json()["trip_id"]
    await client.post(
        f"/v1/trips/{ids['late']}/passengers", json={"add": [passenger("A3")]}, headers=headers
    )
    listed = await client.get("/v1/trips", params={"date": "2026-11-28"}, headers=headers)
    assert listed.status_code == 200, listed.text
    by_id = {t["trip_id"]: t for t in listed.json()["items"]}
    assert set(by_id) == {ids["late"], ids["early"]}  # the local day, not the UTC one
    assert (by_id[ids["late"]]["on_board"], by_id[ids["early"]]["on_board"]) == (3, 2)
    paged = await client.get(
        "/v1/trips", params={"date": "2026-11-28", "limit": 1}, headers=headers
    )
    second = await client.get(
        "/v1/trips",
        params={"date": "2026-11-28", "limit": 1, "cursor": paged.json()["next_cursor"]},
        headers=headers,
    )
    assert {paged.json()["items"][0]["trip_id"], second.json()["items"][0]["trip_id"]} == set(by_id)
    # Another operator sees none of them.
    other = await add_facility_view(db, facility_type="coach", beds=None)
    theirs = await client.get(
        "/v1/trips", params={"date": "2026-11-28"}, headers=operator(signer, other)
    )
    assert theirs.json()["items"] == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_the_passenger_template_is_accepted_as_it_is(app, signer, coach, fmt):
    """The sheet a coach operator downloads goes back in unchanged: every header is one the
    upload reads, and the examples pass the rules."""
    client, headers = app.state.client, operator(signer, coach)
    template = await client.get(f"/v1/templates/trip-passengers.{fmt}", headers=headers)
    assert template.status_code == 200, template.text
    assert f"trip-passengers.{fmt}" in template.headers["content-disposition"]
    fields = {
        "plate": f"60B-{random.randrange(1000):03d}.{random.randrange(100):02d}",
        "origin_province": "75",
        "destination_province": "68",
        "departure_at": "2026-11-27T21:00:00+07:00",
        "seats": "40",
    }
    response = await client.post(
        "/v1/uploads/trips",
        files={"file": (f"mau.{fmt}", template.content)},
        data=fields,
        headers=headers,
    )
    assert response.status_code == 202, response.text
    await UploadWorker(
        app.state.session_factory, settings=app.state.settings, rule=app.state.deadline_rule
    ).drain()
    status = (
        await client.get(f"/v1/uploads/{response.json()['upload_id']}", headers=headers)
    ).json()
    counts = (status["status"], status["accepted"], status["rejected"])
    assert counts == ("done", 2, 0), status["results"]
    other = await client.get("/v1/templates/trip-passengers.pdf", headers=headers)
    assert other.status_code == 404


TRIP_FORM = {
    "plate": "93B-012.34",
    "origin_province": "75",
    "destination_province": "68",
    "departure_at": "2026-11-27T20:00:00+07:00",
    "seats": "40",
}


def passenger_sheet(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


async def test_trip_sheet_header_is_checked_before_it_is_accepted(app, signer, coach, db):
    client, headers = app.state.client, operator(signer, coach)
    no_documents = passenger_sheet(
        [["DANH SÁCH HÀNH KHÁCH — Biển số: 93B-012.34"], [], ["STT", "Họ và tên", "Ngày sinh",
         "Giới tính", "Số ghế"], ["1", "Nguyễn Văn An", "15/03/1990", "Nam", "A1"]]
    )  # fmt: skip
    refused = await client.post(
        "/v1/uploads/trips",
        files={"file": ("chuyen.xlsx", no_documents)},
        data=TRIP_FORM,
        headers=headers,
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "headers-unknown")
    assert [e["code"] for e in refused.json()["errors"]] == ["column-missing"]
    async with db.connect() as conn:
        stored = await conn.scalar(
            text("SELECT count(*) FROM ingest.uploads WHERE facility_id = :f"), {"f": coach}
        )
    assert stored == 0


async def test_trip_sheet_under_a_title_with_an_id_or_passport_column(app, signer, coach):
    client, headers = app.state.client, operator(signer, coach)
    raw = passenger_sheet(
        [
            ["DANH SÁCH HÀNH KHÁCH — Biển số: 93B-012.34"],
            [],
            ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD/Hộ chiếu", "Quốc tịch",
             "Loại thị thực", "Ngày nhập cảnh", "Cửa khẩu", "Số ghế"],
            ["1", "Nguyễn Văn An", "15/03/1990", "Nam", "075090001234", "VNM", "", "", "",
             "A1"],
            ["2", "Kim Min Jun", "04/07/1991", "Nam", "M12345678", "Hàn Quốc", "exempt",
             "20/11/2026", "Tân Sơn Nhất", "A2"],
        ]
    )  # fmt: skip
    response = await client.post(
        "/v1/uploads/trips", files={"file": ("chuyen.xlsx", raw)}, data=TRIP_FORM, headers=headers
    )
    assert response.status_code == 202, response.text
    await UploadWorker(
        app.state.session_factory, settings=app.state.settings, rule=app.state.deadline_rule
    ).drain()
    status = (
        await client.get(f"/v1/uploads/{response.json()['upload_id']}", headers=headers)
    ).json()
    assert (status["accepted"], status["rejected"]) == (2, 0), status["results"]
    assert [r["row"] for r in status["results"]] == [4, 5]
    assert status["header_row"] == 3
