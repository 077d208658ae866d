"""The shared bounds (luutru_common.bounds), the JSON guard and the problem handlers that turn
what used to be 500s into 4xx problems, and the check-in-in-future rule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI, Request
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.exc import DBAPIError

from luutru_common.bounds import (
    BoundedDate,
    CommuneCode,
    Moment,
    ProvinceCode,
    StarRating,
    moment_in_range,
)
from luutru_common.json_guard import (
    MAX_JSON_DEPTH,
    JsonGuardMiddleware,
    json_too_deep,
    surrogate_errors,
)
from luutru_common.problems import install_problem_handlers, validation_errors
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.validation import FUTURE_CHECK_IN_MARGIN, check_in_rules

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _errors(type_, value) -> list[tuple[str, str, str]]:
    try:
        TypeAdapter(type_).validate_python(value)
    except ValidationError as exc:
        return [(e.code, e.message.vi, e.message.en) for e in validation_errors(exc.errors())]
    return []


@pytest.mark.parametrize(
    ("type_", "good", "bad"),
    [
        (CommuneCode, [1, 26068, 99_999, "32248"], [0, 100_000, 10**20, "99999999999999999999"]),
        (ProvinceCode, [1, 75, 99], [0, 100, -1, 10**20]),
        (StarRating, [1, 5], [0, 6, 10**20]),
    ],
)
def test_bounded_integers(type_, good, bad):
    for value in good:
        assert _errors(type_, value) == [], value
    for value in bad:
        [(code, vi, en)] = _errors(type_, value)
        assert code == "value-out-of-range"
        assert " phải từ " in vi and " must be between " in en
        assert " / " not in vi and " / " not in en  # "vi / en" split in two languages
    assert _errors(type_, "abc")[0][0] == "int_parsing"  # not a number: pydantic's own


def test_bounded_date():
    for value in ("1900-01-01", "2100-12-31", date(2026, 11, 27)):
        assert _errors(BoundedDate, value) == []
    for value in ("0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"):
        [(code, vi, en)] = _errors(BoundedDate, value)
        assert code == "date-out-of-range"
        assert vi == "Ngày phải từ 01/01/1900 đến 31/12/2100"
        assert en == "Dates must be between 1900-01-01 and 2100-12-31"


@pytest.mark.parametrize(
    "value",
    [
        "1900-01-01T00:00:00",
        "2100-12-31T23:59:59",
        "1900-01-01T00:00:00+14:00",  # 1899 in UTC: time zones have a day of slack
        "2100-12-31T23:59:59-12:00",
        "2026-11-27T14:00:00+07:00",
    ],
)
def test_moments_within_the_years(value):
    moment = TypeAdapter(Moment).validate_python(value)
    # What the services do with it stays inside the bounds and the range of Python's dates.
    for converted in (
        moment.replace(tzinfo=moment.tzinfo or VN).astimezone(UTC),
        moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(VN),
    ):
        assert TypeAdapter(Moment).validate_python(converted) == converted
        converted + timedelta(days=2)  # the reporting deadline adds at most a day
        converted - timedelta(days=2)


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00",
        "1899-12-31T23:59:59",
        "2101-01-01T00:00:00",
        "1899-12-30T12:00:00Z",
    ],
)
def test_moments_out_of_the_years(value):
    [(code, vi, en)] = _errors(Moment, value)
    assert code == "date-out-of-range"
    assert (vi, en) == (
        "Thời điểm phải trong các năm 1900–2100",
        "Times must be within the years 1900–2100",
    )


def _in_range_by_conversion(value: datetime) -> bool:
    first, last, slack = datetime(1900, 1, 1), datetime(2100, 12, 31, 23, 59, 59, 999999), 1
    wall = value.replace(tzinfo=None)
    if value.utcoffset() is None:
        return first <= wall <= last
    if not first - timedelta(days=slack) <= wall <= last + timedelta(days=slack):
        return False
    instant = value.astimezone(UTC).replace(tzinfo=None)
    return first - timedelta(days=slack) <= instant <= last + timedelta(days=slack)


@given(
    st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(2110, 12, 31)),
    st.none() | st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_the_years_shortcut_decides_like_the_conversion(wall, offset_minutes):
    # moment_in_range answers from the year alone for nearly every value: the same answer
    # as converting the time, whatever its zone.
    value = (
        wall
        if offset_minutes is None
        else wall.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    )
    assert moment_in_range(value) == _in_range_by_conversion(value)


def test_bounds_are_in_the_json_schema():
    class Filters(BaseModel):
        communes: list[CommuneCode]
        star: StarRating | None = None
        day: BoundedDate
        at: Moment

    props = Filters.model_json_schema()["properties"]
    assert props["communes"]["items"] == {"type": "integer", "minimum": 1, "maximum": 99_999}
    assert {"minimum": 1, "maximum": 5, "type": "integer"} in props["star"]["anyOf"]
    assert (props["day"]["formatMinimum"], props["day"]["formatMaximum"]) == (
        "1900-01-01",
        "2100-12-31",
    )
    assert props["at"]["format"] == "date-time" and props["at"]["formatMinimum"].startswith("1900")


def _nest(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_json_depth():
    assert not json_too_deep(_nest(MAX_JSON_DEPTH))
    assert json_too_deep(_nest(MAX_JSON_DEPTH + 1))
    assert json_too_deep(b"[" * 100_000)  # never closed: as deep for a decoder
    assert json_too_deep(b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1))
    # Brackets inside strings, escaped quotes and backslashes included, do not nest.
    text = json.dumps({"note": '\\"' + "[" * 100, "x": ["]" * 100, "\\", {"a": "{" * 99}]})
    assert not json_too_deep(text.encode())
    # A large, flat batch is not deep however many objects it has.
    batch = json.dumps({"guests": [{"full_name": "An [1]", "room": "{2}"}] * 5000})
    assert not json_too_deep(batch.encode())


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


# Text full of what could fool the scan: brackets, quotes, backslashes, empty strings, accents.
_TRICKY_TEXT = st.text(alphabet='[]{}"\\:, aăễ', max_size=6)
_JSON_VALUES = st.recursive(
    st.none() | st.integers() | _TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TRICKY_TEXT, inner, max_size=4),
    max_leaves=40,
)


@given(_JSON_VALUES, st.integers(min_value=0, max_value=8), st.booleans())
def test_json_depth_is_the_nesting_of_the_parsed_value(value, limit, ascii_only):
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_too_deep(body, limit) == (_depth(value) > limit)


def test_surrogates_are_found_by_pointer():
    body = (
        b'{"full_name": "An\\ud800", "ok": "\\ud83d\\ude00", "guests": [{"room": "\\udc00"}],'
        b' "k\\ud800": 1}'
    )
    found = [(e.pointer, e.code) for e in surrogate_errors(body)]
    assert found == [
        ("/full_name", "invalid-characters"),
        ("/guests/0/room", "invalid-characters"),
        ("/k\\ud800", "invalid-characters"),  # the key as an escape: the answer can be sent
    ]
    assert surrogate_errors(b'{"name": "An \\ud83d\\ude00"}') == []
    assert surrogate_errors(b'{"name": "\\ud800') == []  # not JSON: the endpoint answers


class Body(BaseModel):
    name: str


def _app(*, guard: bool) -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)
    if guard:
        app.add_middleware(JsonGuardMiddleware)

    @app.post("/typed")
    async def typed(body: Body) -> dict:
        return {"name": body.name}

    @app.get("/db")
    async def database(sqlstate: str, message: str) -> dict:
        class Orig(Exception):
            pass

        orig = Orig(message)
        orig.sqlstate = sqlstate
        raise DBAPIError("SELECT 1", {}, orig)

    @app.post("/raw")
    async def raw(request: Request) -> dict:
        value = json.loads(await request.body())
        return {"encoded": len(json.dumps(value, ensure_ascii=False).encode())}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_guard_answers_before_the_endpoint():
    client = _app(guard=True)
    deep = await client.post(
        "/typed", content=_nest(MAX_JSON_DEPTH + 1), headers={"Content-Type": "application/json"}
    )
    assert deep.status_code == 400
    assert deep.headers["content-type"] == "application/problem+json"
    assert deep.json()["code"] == "json-too-deep"
    assert deep.json()["instance"] == "/typed"
    lone = await client.post(
        "/typed", content=b'{"name": "\\ud800"}', headers={"Content-Type": "application/json"}
    )
    assert lone.status_code == 422
    assert [(e["pointer"], e["code"]) for e in lone.json()["errors"]] == [
        ("/name", "invalid-characters")
    ]
    ok = await client.post("/typed", json={"name": "Nguyễn [An] 😀"})
    assert (ok.status_code, ok.json()) == (200, {"name": "Nguyễn [An] 😀"})
    # Forms are not JSON: left to the endpoint.
    form = await client.post("/typed", data={"name": "[" * 100})
    assert form.status_code == 422 and form.json()["code"] == "validation-failed"


async def test_the_handlers_are_the_net_without_the_guard():
    client = _app(guard=False)
    headers = {"Content-Type": "application/json"}
    # FastAPI's own JSON decoding runs out of recursion: its 400 gets our code.
    typed = await client.post("/typed", content=b"[" * 100_000, headers=headers)
    assert (typed.status_code, typed.json()["code"]) == (400, "json-too-deep")
    # JSON read by the endpoint itself.
    raw = await client.post("/raw", content=b"[" * 100_000, headers=headers)
    assert (raw.status_code, raw.json()["code"]) == (400, "json-too-deep")
    # A lone surrogate reaching an encoder.
    lone = await client.post("/raw", content=b'["\\ud800"]', headers=headers)
    assert (lone.status_code, lone.json()["code"]) == (422, "invalid-characters")
    assert lone.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("sqlstate", "message", "status", "code"),
    [
        ("22000", "invalid input for query argument $1: 1 (value out of int32 range)", 422,
         "value-out-of-range"),
        ("22003", "integer out of range", 422, "value-out-of-range"),
        ("22008", "timestamp out of range", 422, "value-out-of-range"),
        ("22021", "invalid byte sequence for encoding UTF8: 0x00", 422, "invalid-characters"),
        ("22000", "invalid input for query argument $1: 'x' (expected str)", 500,
         "internal-error"),
        ("42601", "syntax error", 500, "internal-error"),
    ],
)  # fmt: skip
async def test_database_errors_caused_by_input_are_4xx(sqlstate, message, status, code):
    response = await _app(guard=True).get("/db", params={"sqlstate": sqlstate, "message": message})
    assert (response.status_code, response.json()["code"]) == (status, code)


# ---- check-in-in-future ---------------------------------------------------------------------

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=VN)
GUEST = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": date(1990, 5, 1),
    "gender": "male",
    "id_number": "075090001234",
}


@pytest.mark.parametrize(
    ("check_in_at", "refused"),
    [
        (NOW + timedelta(hours=1), True),
        (NOW + FUTURE_CHECK_IN_MARGIN + timedelta(seconds=1), True),
        (NOW + FUTURE_CHECK_IN_MARGIN, False),
        (NOW + timedelta(minutes=10), False),
        (NOW - timedelta(days=3), False),
        # Naive is Vietnam's wall clock: 15:00 naive is an hour ahead of 14:00 in Vietnam…
        (datetime(2026, 11, 27, 15, 0), True),
        (datetime(2026, 11, 27, 14, 10), False),
        # …and the same instant written in UTC is judged the same.
        ((NOW + timedelta(hours=1)).astimezone(UTC), True),
    ],
)
def test_check_in_in_future(check_in_at, refused):
    data = CheckIn(**GUEST, check_in_at=check_in_at)
    verdict = check_in_rules(data, today=NOW.date(), now=NOW, pointer="/guests/2")
    found = [(e.pointer, e.code) for e in verdict.errors]
    assert found == ([("/guests/2/check_in_at", "check-in-in-future")] if refused else [])
    if refused:
        message = verdict.errors[0].message
        assert message.vi == "Giờ đến không thể ở tương lai (quá 15 phút so với giờ máy chủ)"
        assert "future" in message.en and "15 minutes" in message.en


def test_without_now_an_arrival_ahead_is_not_judged():
    # A trip's departure stands for the check-in and may be planned ahead.
    data = CheckIn(**GUEST, check_in_at=NOW + timedelta(days=2))
    assert check_in_rules(data, today=NOW.date()).errors == []


def test_a_qr_field_out_of_bounds_is_an_error_on_the_qr():
    qr = "075090001234|123456789|" + "A" * 300 + "|01010001|Nam|Biên Hòa|01012021"
    verdict = check_in_rules(CheckIn(qr=qr, check_in_at=NOW), today=NOW.date(), pointer="/g")
    codes = {(e.pointer, e.code) for e in verdict.errors}
    assert ("/g/qr", "date-out-of-range") in codes
    assert ("/g/qr", "string_too_long") in codes
    assert verdict.source == "typed"  # the QR did not fill the record
