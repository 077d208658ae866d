"""Bounds everywhere (issue 11, item 8): every input a probe once saw answered with a 5xx —
integers PostgreSQL cannot hold, times whose deadline or time zone overflow Python's dates, a
lone UTF-16 surrogate, JSON nested past the decoder's recursion — goes to the real apps (in
process, on the real test database) and must come back as a 4xx problem+json naming the field
and a stable code. Also the check-in-in-future rule, end to end."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from luutru_common.json_guard import MAX_JSON_DEPTH
from tests.integration.accounts_helpers import HOTEL
from tests.integration.conftest import add_facility_view, service_app
from tests.integration.ingest_helpers import guest, staff
from tests.support import bearer

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HUGE = "99999999999999999999"
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-01-31"}
# Surrogates cannot be encoded, so bodies carrying one are written by hand.
LONE_SURROGATE = "\\ud800"


@pytest.fixture(scope="module")
async def ingest(shared_env, signer):
    async with service_app("ingest", shared_env, signer) as app:
        yield app.state.client


@pytest.fixture(scope="module")
async def analytics(shared_env, signer):
    async with service_app("analytics", shared_env, signer) as app:
        yield app.state.client


@pytest.fixture(scope="module")
async def accounts(shared_env, signer):
    async with service_app("accounts", shared_env, signer) as app:
        yield app.state.client


@pytest.fixture(scope="module")
async def hotel(test_database):
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(test_database)
    try:
        yield {
            "hotel": await add_facility_view(engine),
            "coach": await add_facility_view(engine, facility_type="coach", beds=None),
        }
    finally:
        await engine.dispose()


def trip(**change) -> dict:
    return {
        "plate": "60B-123.45",
        "origin_province": 75,
        "destination_province": 79,
        "departure_at": "2026-11-27T08:00:00+07:00",
        "seats": 3,
        "passengers": [
            {
                "full_name": "Trần Văn Bình",
                "date_of_birth": "1988-02-03",
                "gender": "male",
                "id_number": f"075088{random.randrange(10**6):06d}",
                "seat": "A1",
            }
        ],
        **change,
    }


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_problem(response, status: int, *expected: tuple[str, str], code: str | None = None):
    """A 4xx problem+json with exactly these (pointer, code) among its errors."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    found = {(e["pointer"], e["code"]) for e in body.get("errors", [])}
    assert set(expected) <= found, body
    for e in body.get("errors", []):
        assert e["message"]["vi"] and e["message"]["en"], e
    return body


# ---- analytics ------------------------------------------------------------------------------

FILTERED = [
    ("/v1/feeds/tourism", {}),
    ("/v1/feeds/tourism/breakdown", {"by": "nationality"}),
    ("/v1/feeds/health", {}),
    ("/v1/feeds/zones", {"by": "zone"}),
    ("/v1/feeds/transport", {"by": "route"}),
    ("/v1/compliance/daily", {}),
    ("/v1/compliance/fine-bands", {}),
]


@pytest.mark.parametrize(("path", "extra"), FILTERED, ids=[p for p, _ in FILTERED])
@pytest.mark.parametrize(
    ("name", "value"),
    [("commune", HUGE), ("commune", "0"), ("star_rating", HUGE), ("star_rating", "6")],
)
async def test_feed_filters_are_bounded(analytics, signer, path, extra, name, value):
    police = bearer(signer.token(role="police_admin"))
    params = {**PERIOD, **extra, name: ["26068" if name == "commune" else "3", value]}
    response = await analytics.get(path, params=params, headers=police)
    assert_problem(response, 422, (f"/query:{name}/1", "value-out-of-range"))


@pytest.mark.parametrize("path", ["/v1/feeds/arrivals", "/v1/feeds/tourism"])
async def test_feed_dates_are_bounded(analytics, signer, path):
    police = bearer(signer.token(role="police_admin"))
    params = {"date_from": "0001-01-01", "date_to": "9999-12-31"}
    response = await analytics.get(path, params=params, headers=police)
    assert_problem(
        response,
        422,
        ("/query:date_from", "date-out-of-range"),
        ("/query:date_to", "date-out-of-range"),
    )


async def test_feeds_take_in_range_filters(analytics, signer):
    police = bearer(signer.token(role="police_admin"))
    params = {"date_from": "1900-01-01", "date_to": "1900-01-31", "commune": "99999"}
    response = await analytics.get(
        "/v1/compliance/daily", params={**params, "star_rating": "5"}, headers=police
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == []


async def test_person_search_refuses_a_lone_surrogate(analytics, signer):
    police = bearer(signer.token(role="police_admin"))
    body = f'{{"case_reference": "15/TB-CAX", "reason": "criminal-investigation", "full_name": "Nguyễn{LONE_SURROGATE}"}}'
    response = await analytics.post(
        "/v1/police/search",
        content=body.encode(),
        headers={**police, "Content-Type": "application/json"},
    )
    assert_problem(response, 422, ("/full_name", "invalid-characters"))


async def test_a_surrogate_pair_is_ordinary_text(analytics, signer):
    # "\ud83d\ude00" is one character (😀) written as a pair: nothing to refuse.
    police = bearer(signer.token(role="police_admin"))
    body = '{"case_reference": "15/TB-CAX", "reason": "criminal-investigation", "full_name": "An \\ud83d\\ude00"}'
    response = await analytics.post(
        "/v1/police/search",
        content=body.encode(),
        headers={**police, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "body", "pointer"),
    [
        (
            "/v1/police/search",
            {
                "case_reference": "15/TB-CAX",
                "reason": "criminal-investigation",
                "full_name": "An",
                "date_of_birth": "0001-01-01",
            },
            "/date_of_birth",
        ),
        (
            "/v1/watchlist",
            {"full_name": "Hồ Văn Trốn", "date_of_birth": "9999-12-31"},
            "/date_of_birth",
        ),
    ],
)
async def test_analytics_dates_of_birth_are_bounded(analytics, signer, path, body, pointer):
    police = bearer(signer.token(role="police_admin"))
    response = await analytics.post(path, json=body, headers=police)
    assert_problem(response, 422, (pointer, "date-out-of-range"))


async def test_watchlist_reason_with_a_lone_surrogate(analytics, signer):
    police = bearer(signer.token(role="police_admin"))
    body = f'{{"document_number": "075090001234", "reason": "{LONE_SURROGATE}"}}'
    response = await analytics.post(
        "/v1/watchlist",
        content=body.encode(),
        headers={**police, "Content-Type": "application/json"},
    )
    assert_problem(response, 422, ("/reason", "invalid-characters"))


# ---- accounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        nested(10_000),  # past the JSON decoder's recursion (and within the body limit)
        nested(MAX_JSON_DEPTH + 1),  # decodable, but deeper than any request of ours
        json.dumps({"username": json.loads(nested(MAX_JSON_DEPTH)), "password": "x"}),
    ],
    ids=["10000", "limit+1", "in-a-field"],
)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
async def test_token_endpoint_refuses_deeply_nested_json(accounts, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = await accounts.post("/v1/auth/token", content=body.encode(), headers=headers)
    assert_problem(response, 400, code="json-too-deep")


async def test_nesting_up_to_the_limit_is_read(accounts):
    body = {"username": "x", "password": json.loads(nested(MAX_JSON_DEPTH - 1))}
    response = await accounts.post("/v1/auth/token", json=body)
    # Read and judged like any other bad login body: a field error, not a refusal of the JSON.
    body = assert_problem(response, 422, code="validation-failed")
    assert body["errors"][0]["pointer"] == "/password"


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
async def test_token_endpoint_refuses_a_lone_surrogate(accounts, content_type):
    body = f'{{"username": "admin{LONE_SURROGATE}", "password": "x"}}'
    response = await accounts.post(
        "/v1/auth/token", content=body.encode(), headers={"Content-Type": content_type}
    )
    assert_problem(response, 422, ("/username", "invalid-characters"))


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"commune_code": HUGE}, "/query:commune_code"),
        ({"province_code": HUGE}, "/query:province_code"),
        ({"province_code": "100"}, "/query:province_code"),
    ],
)
async def test_facility_search_codes_are_bounded(accounts, signer, params, pointer):
    admin = bearer(signer.token(role="police_admin"))
    response = await accounts.get("/v1/facilities", params=params, headers=admin)
    assert_problem(response, 422, (pointer, "value-out-of-range"))


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
async def test_audit_times_are_bounded(accounts, signer, name, value):
    admin = bearer(signer.token(role="police_admin"))
    response = await accounts.get("/v1/audit", params={name: value}, headers=admin)
    assert_problem(response, 422, (f"/query:{name}", "date-out-of-range"))


async def test_audit_cursor_past_bigint_is_refused(accounts, signer):
    import base64

    admin = bearer(signer.token(role="police_admin"))
    cursor = base64.urlsafe_b64encode(str(10**30).encode()).decode().rstrip("=")
    response = await accounts.get("/v1/audit", params={"cursor": cursor}, headers=admin)
    assert_problem(response, 422, ("/query:cursor", "cursor-invalid"))


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"star_rating": 6}, "/star_rating"),
        ({"commune_code": int(HUGE)}, "/commune_code"),
        ({"province_code": int(HUGE)}, "/province_code"),
    ],
)
async def test_facility_codes_are_bounded(accounts, signer, change, pointer):
    admin = bearer(signer.token(role="police_admin"))
    response = await accounts.post("/v1/facilities", json={**HOTEL, **change}, headers=admin)
    assert_problem(response, 422, (pointer, "value-out-of-range"))


async def test_user_communes_are_bounded(accounts, signer):
    admin = bearer(signer.token(role="police_admin"))
    body = {
        "username": f"ca.{uuid.uuid4().hex[:10]}",
        "full_name": "Nguyễn Văn Công",
        "role": "police_officer",
        "communes": [26068, int(HUGE)],
    }
    response = await accounts.post("/v1/users", json=body, headers=admin)
    assert_problem(response, 422, ("/communes/1", "value-out-of-range"))


# ---- ingest ---------------------------------------------------------------------------------


async def test_upload_rows_are_bounded(ingest, signer, hotel):
    response = await ingest.get(
        f"/v1/uploads/{uuid.uuid4()}",
        params={"after_row": "99999999999999999999999"},
        headers=staff(signer, hotel["hotel"]),
    )
    assert_problem(response, 422, ("/query:after_row", "less_than_equal"))


FAR_TIMES = ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00"]


@pytest.mark.parametrize("moment", FAR_TIMES)
@pytest.mark.parametrize("path", ["/v1/stays", "/v1/stays/validate"])
async def test_check_in_time_is_bounded(ingest, signer, hotel, path, moment):
    response = await ingest.post(
        path, json=guest(check_in_at=moment), headers=staff(signer, hotel["hotel"])
    )
    assert_problem(response, 422, ("/check_in_at", "date-out-of-range"))


@pytest.mark.parametrize("moment", FAR_TIMES)
async def test_batch_check_in_time_is_bounded(ingest, signer, hotel, moment):
    body = {"guests": [guest(), guest(check_in_at=moment)]}
    response = await ingest.post(
        "/v1/stays/batch", json=body, headers=staff(signer, hotel["hotel"])
    )
    assert response.status_code == 200, response.text
    result = response.json()["results"][1]
    assert result["status"] == "rejected"
    assert ("/guests/1/check_in_at", "date-out-of-range") in {
        (e["pointer"], e["code"]) for e in result["errors"]
    }


async def test_validate_with_dates_of_year_one(ingest, signer, hotel):
    body = guest(
        date_of_birth="0001-01-01",
        check_in_at="0001-01-01T00:00:00",
        expected_check_out="0001-01-02",
    )
    response = await ingest.post(
        "/v1/stays/validate", json=body, headers=staff(signer, hotel["hotel"])
    )
    assert_problem(
        response,
        422,
        ("/date_of_birth", "date-out-of-range"),
        ("/check_in_at", "date-out-of-range"),
        ("/expected_check_out", "date-out-of-range"),
    )


async def test_a_qr_date_out_of_bounds_is_an_error_on_the_qr(ingest, signer, hotel):
    qr = "075090001234|123456789|Nguyễn Văn An|01010001|Nam|1 Đường A, Đồng Nai|01012021"
    body = {"qr": qr, "check_in_at": "2026-11-27T14:00:00+07:00", "room": "1"}
    response = await ingest.post("/v1/stays", json=body, headers=staff(signer, hotel["hotel"]))
    assert_problem(response, 422, ("/qr", "date-out-of-range"))


async def test_correction_time_is_bounded(ingest, signer, hotel):
    headers = staff(signer, hotel["hotel"])
    created = await ingest.post("/v1/stays", json=guest(), headers=headers)
    assert created.status_code == 201, created.text
    stay_id = created.json()["stay_id"]
    body = {"stay": guest(check_in_at="9999-12-31T23:59:59Z"), "reason": "sửa giờ đến"}
    response = await ingest.put(f"/v1/stays/{stay_id}", json=body, headers=headers)
    assert_problem(response, 422, ("/stay/check_in_at", "date-out-of-range"))
    check_out = await ingest.post(
        f"/v1/stays/{stay_id}/check-out",
        json={"check_out_at": "9999-12-31T23:59:59-12:00"},
        headers=headers,
    )
    assert_problem(check_out, 422, ("/check_out_at", "date-out-of-range"))
    extend = await ingest.post(
        f"/v1/stays/{stay_id}/extend", json={"expected_check_out": "0001-01-01"}, headers=headers
    )
    assert_problem(extend, 422, ("/expected_check_out", "date-out-of-range"))


async def test_reconcile_day_is_bounded(ingest, signer, hotel):
    response = await ingest.get(
        "/v1/stays", params={"date": "0001-01-01"}, headers=staff(signer, hotel["hotel"])
    )
    assert_problem(response, 422, ("/query:date", "date-out-of-range"))


async def test_check_in_refuses_a_lone_surrogate_and_deep_json(ingest, signer, hotel):
    headers = {**staff(signer, hotel["hotel"]), "Content-Type": "application/json"}
    one = json.dumps(guest(full_name="@")).replace("@", LONE_SURROGATE)
    response = await ingest.post("/v1/stays", content=one.encode(), headers=headers)
    assert_problem(response, 422, ("/full_name", "invalid-characters"))
    batch = json.dumps({"guests": [guest(), guest(room="@")]}).replace("@", LONE_SURROGATE)
    response = await ingest.post("/v1/stays/batch", content=batch.encode(), headers=headers)
    assert_problem(response, 422, ("/guests/1/room", "invalid-characters"))
    deep = json.dumps(guest(room="@")).replace('"@"', nested(10_000))
    response = await ingest.post("/v1/stays", content=deep.encode(), headers=headers)
    assert_problem(response, 400, ("", "json-too-deep"), code="json-too-deep")


@pytest.mark.parametrize(
    ("change", "pointer", "code"),
    [
        ({"departure_at": "0001-01-01T00:00:00"}, "/departure_at", "date-out-of-range"),
        ({"departure_at": "9999-12-31T23:59:59Z"}, "/departure_at", "date-out-of-range"),
        ({"origin_province": int(HUGE)}, "/origin_province", "value-out-of-range"),
    ],
)
async def test_trip_fields_are_bounded(ingest, signer, hotel, change, pointer, code):
    headers = bearer(signer.token(role="facility_manager", facility_id=hotel["coach"]))
    response = await ingest.post("/v1/trips", json=trip(**change), headers=headers)
    assert_problem(response, 422, (pointer, code))


async def test_trip_upload_departure_is_bounded(ingest, signer, hotel):
    headers = bearer(signer.token(role="facility_manager", facility_id=hotel["coach"]))
    form = {
        "plate": "60B-123.45",
        "origin_province": "75",
        "destination_province": "79",
        "departure_at": "0001-01-01T00:00:00",
        "seats": "3",
    }
    sheet = "Họ tên,Ngày sinh,Giới tính,Số định danh\nTrần Văn Bình,03/02/1988,Nam,075088000001\n"
    response = await ingest.post(
        "/v1/uploads/trips",
        data=form,
        files={"file": ("trip.csv", sheet.encode(), "text/csv")},
        headers=headers,
    )
    assert_problem(response, 422, ("/departure_at", "date-out-of-range"))


async def test_a_trip_leaving_on_the_first_hour_of_the_bounds(ingest, signer, hotel):
    # 1900-01-01 00:00 in Vietnam is 1899 in UTC: converting it must not push it out of bounds.
    headers = bearer(signer.token(role="facility_manager", facility_id=hotel["coach"]))
    body = trip(departure_at="1900-01-01T00:00:00", plate=f"60B-{random.randrange(10**5):05d}")
    response = await ingest.post("/v1/trips", json=body, headers=headers)
    assert response.status_code == 201, response.text


# ---- check-in-in-future ---------------------------------------------------------------------


@pytest.mark.parametrize("naive", [False, True], ids=["aware", "naive-vietnam-time"])
async def test_check_in_more_than_15_minutes_ahead_is_refused(ingest, signer, hotel, naive):
    def at(delta: timedelta) -> str:
        moment = datetime.now(UTC) + delta
        if naive:  # a time without offset is the receptionist's wall clock in Vietnam
            return moment.astimezone(VN).replace(tzinfo=None).isoformat()
        return moment.isoformat()

    headers = staff(signer, hotel["hotel"])
    ahead = await ingest.post(
        "/v1/stays", json=guest(check_in_at=at(timedelta(hours=1))), headers=headers
    )
    body = assert_problem(ahead, 422, ("/check_in_at", "check-in-in-future"))
    message = next(e["message"] for e in body["errors"] if e["code"] == "check-in-in-future")
    assert message["vi"] == "Giờ đến không thể ở tương lai (quá 15 phút so với giờ máy chủ)"

    soon = await ingest.post(
        "/v1/stays", json=guest(check_in_at=at(timedelta(minutes=10))), headers=headers
    )
    assert soon.status_code == 201, soon.text


async def test_future_check_in_in_a_batch_and_a_correction(ingest, signer, hotel):
    headers = staff(signer, hotel["hotel"])
    ahead = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    batch = await ingest.post(
        "/v1/stays/batch", json={"guests": [guest(), guest(check_in_at=ahead)]}, headers=headers
    )
    assert batch.status_code == 200, batch.text
    first, second = batch.json()["results"]
    assert first["status"] == "accepted"
    assert second["status"] == "rejected"
    assert {(e["pointer"], e["code"]) for e in second["errors"]} == {
        ("/guests/1/check_in_at", "check-in-in-future")
    }
    stay_id = first["receipt"]["stay_id"]
    correction = {"stay": guest(check_in_at=ahead), "reason": "sửa giờ đến"}
    response = await ingest.put(f"/v1/stays/{stay_id}", json=correction, headers=headers)
    assert_problem(response, 422, ("/stay/check_in_at", "check-in-in-future"))


async def test_a_trip_may_depart_in_the_future(ingest, signer, hotel):
    headers = bearer(signer.token(role="facility_manager", facility_id=hotel["coach"]))
    tomorrow = (datetime.now(VN) + timedelta(days=1)).replace(microsecond=0).isoformat()
    body = trip(departure_at=tomorrow, plate=f"60B-{random.randrange(10**5):05d}")
    response = await ingest.post("/v1/trips", json=body, headers=headers)
    assert response.status_code == 201, response.text
