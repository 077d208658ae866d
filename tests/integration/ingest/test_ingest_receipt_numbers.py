"""Receipt numbers: the short number a guest or an operator reads out on the phone — set on
every path a stay or a trip is created (single check-in, batch by statement and by COPY,
upload, manifest, manifest upload), kept on a retry, found by number only by its own
facility, and by the stays list's `q`."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from sqlalchemy import text

from luutru_ingest import receipt_numbers
from luutru_ingest.core import registration
from luutru_ingest.upload_worker import UploadWorker
from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import as_csv, guest, rows, staff, trip
from tests.support import bearer

pytestmark = pytest.mark.app_settings(batch_chunk_size=40, upload_chunk_rows=2)

NUMBER = re.compile(r"^[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}$")


async def numbers_of(db, facility_id) -> list[str]:
    async with db.connect() as conn:
        return list(
            (
                await conn.execute(
                    text("SELECT receipt_number FROM ingest.stays WHERE facility_id = :f"),
                    {"f": facility_id},
                )
            ).scalars()
        )


def test_numbers_are_readable_and_typed_forms_are_read_back():
    drawn = receipt_numbers.new_numbers(5000)
    assert all(NUMBER.match(n) for n in drawn)
    assert len(set(drawn)) == 5000
    assert not set("".join(drawn)) & set("01OI")
    assert receipt_numbers.normalize(" k7m 4qx-9pa ") == "K7M-4QX-9PA"
    assert receipt_numbers.normalize("K7M4QX9PA") == "K7M-4QX-9PA"
    for bad in ("K7M-4QX-9P0", "K7M-4QX", "", "K7M-4QX-9PAA", str(uuid.uuid4())):
        assert receipt_numbers.normalize(bad) is None


async def test_check_in_receipt_has_a_number_kept_on_retry_and_found_by_number(
    app, signer, facility, db
):
    client, headers = app.state.client, staff(signer, facility)
    body = guest(room="204")
    first = await client.post("/v1/stays", json=body, headers=headers)
    assert first.status_code == 201, first.text
    number = first.json()["receipt_number"]
    assert NUMBER.match(number)
    # A retry without a key (the natural key) and with a key (the stored answer): same number.
    again = await client.post("/v1/stays", json=body, headers=headers)
    assert (again.status_code, again.json()["receipt_number"]) == (200, number)
    keyed = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    other = guest()
    one = await client.post("/v1/stays", json=other, headers=keyed)
    two = await client.post("/v1/stays", json=other, headers=keyed)
    assert one.json()["receipt_number"] == two.json()["receipt_number"]
    assert one.json()["receipt_number"] != number

    stay_id = first.json()["stay_id"]
    view = (await client.get(f"/v1/stays/{stay_id}", headers=headers)).json()
    assert view["receipt_number"] == number
    for typed in (number, number.lower(), number.replace("-", ""), number.replace("-", " ")):
        found = await client.get(f"/v1/stays/by-number/{typed}", headers=headers)
        assert found.status_code == 200, found.text
        assert found.json()["stay_id"] == stay_id
    assert (await client.get("/v1/stays/by-number/NOT-A-NUM", headers=headers)).status_code == 404

    # Another facility: its staff cannot find this number.
    elsewhere = await add_facility_view(db)
    refused = await client.get(f"/v1/stays/by-number/{number}", headers=staff(signer, elsewhere))
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")

    # A correction keeps the number.
    corrected = await client.put(
        f"/v1/stays/{stay_id}",
        json={"stay": {**body, "room": "205"}, "reason": "Đổi phòng"},
        headers=headers,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["receipt_number"] == number


async def test_the_stays_list_searches_by_number_name_and_room(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    made = []
    for name, room in (("Nguyễn Văn An", "101"), ("Trần Thị Bích", "102"), ("Lê Văn Cường", "103")):
        response = await client.post(
            "/v1/stays", json=guest(full_name=name, room=room), headers=headers
        )
        made.append(response.json())

    async def found(q: str) -> set[str]:
        response = await client.get(
            "/v1/stays", params={"date": "2026-11-27", "q": q}, headers=headers
        )
        assert response.status_code == 200, response.text
        return {s["stay_id"] for s in response.json()["items"]}

    assert await found(made[1]["receipt_number"].replace("-", "").lower()) == {made[1]["stay_id"]}
    assert await found("bich") == {made[1]["stay_id"]}
    assert await found("VĂN") == {made[0]["stay_id"], made[2]["stay_id"]}
    assert await found("103") == {made[2]["stay_id"]}
    assert await found("%") == set()


async def test_batch_paths_and_duplicates_carry_numbers(app, signer, facility, db):
    client, headers = app.state.client, staff(signer, facility)
    small = [guest() for _ in range(3)]  # one statement (insert_small)
    large = [guest() for _ in range(registration.SMALL_BATCH + 5)]  # COPY (insert_stays)
    for guests in (small, large):
        body = (
            await client.post("/v1/stays/batch", json={"guests": guests}, headers=headers)
        ).json()
        assert body["accepted"] == len(guests)
        numbers = [r["receipt"]["receipt_number"] for r in body["results"]]
        assert all(NUMBER.match(n) for n in numbers)
        again = (
            await client.post("/v1/stays/batch", json={"guests": guests}, headers=headers)
        ).json()
        assert again["duplicates"] == len(guests)
        assert [r["receipt"]["receipt_number"] for r in again["results"]] == numbers
    stored = await numbers_of(db, facility)
    assert len(stored) == len(set(stored)) == len(small) + len(large)


async def test_a_number_drawn_twice_is_drawn_again(app, signer, facility, monkeypatch):
    client, headers = app.state.client, staff(signer, facility)
    first = (await client.post("/v1/stays", json=guest(), headers=headers)).json()
    taken = first["receipt_number"]
    draws = iter([[taken], ["ZZZ-ZZZ-ZZ2"]])
    real = receipt_numbers.new_numbers

    def clashing(n: int) -> list[str]:
        return next(draws, None) or real(n)

    monkeypatch.setattr(receipt_numbers, "new_numbers", clashing)
    second = await client.post("/v1/stays", json=guest(), headers=headers)
    assert second.status_code == 201, second.text
    assert second.json()["receipt_number"] not in (taken,)
    stay = await client.get(f"/v1/stays/{second.json()['stay_id']}", headers=headers)
    assert stay.json()["receipt_number"] == second.json()["receipt_number"]


async def test_a_large_list_with_known_guests_and_a_number_taken(
    app, signer, facility, db, monkeypatch
):
    # A list larger than SMALL_BATCH goes in by COPY straight into the table; a guest already
    # registered or a number drawn twice fails that COPY, and the list goes in again through
    # the staging table: the known guests are duplicates with their receipts, the clash is
    # drawn again, nothing is stored twice.
    client, headers = app.state.client, staff(signer, facility)
    known = [guest() for _ in range(registration.SMALL_BATCH + 5)]
    first = (await client.post("/v1/stays/batch", json={"guests": known}, headers=headers)).json()
    assert first["accepted"] == len(known)
    taken = first["results"][0]["receipt"]["receipt_number"]
    real = receipt_numbers.new_numbers
    clashed = []

    def clashing(n: int) -> list[str]:
        if clashed:
            return real(n)
        clashed.append(n)
        return [*real(n - 1), taken]  # the first guest of the list draws a taken number

    monkeypatch.setattr(receipt_numbers, "new_numbers", clashing)
    fresh = [guest() for _ in range(registration.SMALL_BATCH + 1)]
    mixed = [*fresh, *known[:10]]
    body = (await client.post("/v1/stays/batch", json={"guests": mixed}, headers=headers)).json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (len(fresh), 10, 0)
    results = body["results"]
    assert results[0]["status"] == "accepted"
    assert results[0]["receipt"]["receipt_number"] != taken
    assert [r["receipt"]["receipt_number"] for r in results[len(fresh) :]] == [
        r["receipt"]["receipt_number"] for r in first["results"][:10]
    ]
    stored = await numbers_of(db, facility)
    assert len(stored) == len(set(stored)) == len(known) + len(fresh)


async def test_uploaded_guests_get_numbers(app, signer, facility, db):
    client, headers = app.state.client, staff(signer, facility)
    response = await client.post(
        "/v1/uploads", files={"file": ("g.csv", as_csv(rows()).encode())}, headers=headers
    )
    assert response.status_code == 202, response.text
    await UploadWorker(
        app.state.session_factory, settings=app.state.settings, rule=app.state.deadline_rule
    ).drain()
    stored = await numbers_of(db, facility)
    assert len(stored) == 4 and all(NUMBER.match(n) for n in stored)


async def test_trips_get_numbers_kept_on_resubmission_and_found_by_number(app, signer, db):
    client = app.state.client
    coach = await add_facility_view(db, facility_type="coach", beds=None)
    headers = bearer(signer.token(role="facility_manager", facility_id=coach))
    manifest = trip()
    first = await client.post("/v1/trips", json=manifest, headers=headers)
    assert first.status_code == 201, first.text
    number = first.json()["receipt_number"]
    assert NUMBER.match(number)
    again = await client.post("/v1/trips", json=manifest, headers=headers)
    assert (again.status_code, again.json()["receipt_number"]) == (200, number)
    trip_id = first.json()["trip_id"]
    assert (await client.get(f"/v1/trips/{trip_id}", headers=headers)).json()[
        "receipt_number"
    ] == number
    found = await client.get(f"/v1/trips/by-number/{number.lower()}", headers=headers)
    assert (found.status_code, found.json()["trip_id"]) == (200, trip_id)
    listed = (await client.get("/v1/trips", params={"date": "2026-11-27"}, headers=headers)).json()
    assert [t["receipt_number"] for t in listed["items"]] == [number]
    for q in (number.replace("-", "").lower(), "60b-123.45", "ZZZ-ZZZ-ZZZ"):
        narrowed = await client.get(
            "/v1/trips", params={"date": "2026-11-27", "q": q}, headers=headers
        )
        assert narrowed.status_code == 200, narrowed.text
        expected = [] if q.startswith("ZZZ") else [number]
        assert [t["receipt_number"] for t in narrowed.json()["items"]] == expected
    other = await add_facility_view(db, facility_type="coach", beds=None)
    other_headers = bearer(signer.token(role="facility_manager", facility_id=other))
    assert (
        await client.get(f"/v1/trips/by-number/{number}", headers=other_headers)
    ).status_code == 404

    # A manifest sent as a file gets its number too.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số ghế"])
    writer.writerow(["Lý Thị Mai", "04/04/1992", "Nữ", "075192123456", "A2"])
    fields = {
        "plate": "60B-777.77",
        "origin_province": "75",
        "destination_province": "79",
        "departure_at": "2026-11-27T21:00:00+07:00",
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
    async with db.connect() as conn:
        numbers = list(
            (
                await conn.execute(
                    text("SELECT receipt_number FROM ingest.trips WHERE operator_id = :o"),
                    {"o": coach},
                )
            ).scalars()
        )
    assert len(numbers) == len(set(numbers)) == 2
    assert all(NUMBER.match(n) for n in numbers)
