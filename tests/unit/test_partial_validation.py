"""Every violation of a record at once: a field that cannot be read is an error next to the
rule errors of the other fields, and a date that does not exist is told from one that cannot
be read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from luutru_common.problems import validation_errors
from luutru_ingest.core.checking import (
    LOCAL_TIMEZONE,
    field_of,
    parse_partial,
    partial_verdict,
    validate_partial,
    verdict_in_parts,
)
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.validation import check_in_rules
from luutru_ingest.trips.schemas import TripIn

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
GUEST = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "1990-05-01",
    "gender": "male",
    "id_number": "075090001234",
    "check_in_at": "2026-11-27T14:00:00+07:00",
}


def found(errors) -> set[tuple[str, str]]:
    return {(e.pointer, e.code) for e in errors}


class Dated(BaseModel):
    day: date | None = None
    at: datetime | None = None
    count: int | None = None


def errors_of(**values):
    with pytest.raises(ValidationError) as refused:
        Dated.model_validate(values)
    return validation_errors(refused.value.errors(), strip_prefix=False)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("day", "1995-02-31", "date-invalid"),
        ("day", "2025-13-01", "date-invalid"),
        ("day", "2025-00-10", "date-invalid"),
        ("day", "2025-02-29", "date-invalid"),  # not a leap year
        ("day", "31-Feb-95", "date-format"),
        ("day", "01/05/1990", "date-format"),
        ("day", "hôm qua", "date-format"),
        ("day", "", "date-format"),
        ("day", 19950231, "date-format"),  # a number is a Unix time, here with a time of day
        ("at", "2026-02-30T14:00:00+07:00", "date-invalid"),
        ("at", "2026-13-01T14:00:00", "date-invalid"),
        ("at", "27/11/2026 14:00", "date-format"),
        ("at", "31-Feb-95", "date-format"),
    ],
)
def test_a_date_that_does_not_exist_is_not_a_format_error(field, value, code):
    [error] = errors_of(**{field: value})
    assert (error.pointer, error.code) == (f"/{field}", code)
    if code == "date-invalid":
        assert error.message.vi == "Ngày không tồn tại (ví dụ 31/02)"
        assert error.message.en == "This date does not exist (e.g. 31 February)"
    else:
        shape = "YYYY-MM-DD" if field == "day" else "ISO 8601"
        assert shape in error.message.vi and shape in error.message.en


def test_other_pydantic_codes_are_kept():
    [error] = errors_of(count="many")
    assert (error.code, error.message.vi) == ("int_parsing", "Phải là số nguyên")
    [error] = errors_of(day=True)  # a wrong type, not a date that could not be parsed
    assert error.code == "date_type"


def test_an_impossible_date_does_not_hide_the_other_violations():
    """The issue's example: 31 February and an 11-digit ID number, both reported."""
    guest, errors, _ = validate_partial(
        {**GUEST, "date_of_birth": "1995-02-31", "id_number": "07509000123"}, now=NOW
    )
    assert guest is None
    assert found(errors) == {
        ("/date_of_birth", "date-invalid"),
        ("/id_number", "id-number-format"),
    }


def test_the_rules_of_an_unreadable_field_are_skipped_and_the_others_run():
    verdict = partial_verdict(
        {**GUEST, "date_of_birth": "31-Feb-95", "nationality": "VN1", "gender": "nam"},
        "/guests/3",
        now=NOW,
        today=TODAY,
    )
    # No `required` for the date of birth or the gender that were there but unreadable.
    assert found(verdict.errors) == {
        ("/guests/3/date_of_birth", "date-format"),
        ("/guests/3/gender", "literal_error"),
        ("/guests/3/nationality", "country-code"),
    }
    assert verdict.guest is None


def test_an_unreadable_arrival_skips_the_rules_about_the_arrival():
    record = {
        **GUEST,
        "check_in_at": "2026-02-30T14:00:00",
        "expected_check_out": "2000-01-01",  # before any arrival, but which one is unknown
        "id_number": "12345",
    }
    verdict = partial_verdict(record, now=NOW, today=TODAY)
    assert found(verdict.errors) == {
        ("/check_in_at", "date-invalid"),
        ("/id_number", "id-number-format"),
    }
    missing = {k: v for k, v in record.items() if k != "check_in_at"}
    verdict = partial_verdict(missing, now=NOW, today=TODAY)
    assert found(verdict.errors) == {
        ("/check_in_at", "missing"),
        ("/id_number", "id-number-format"),
    }


def test_with_a_readable_arrival_its_rules_still_run_next_to_a_parse_error():
    record = {**GUEST, "gender": 7, "expected_check_out": "2026-11-20"}
    verdict = partial_verdict(record, now=NOW, today=TODAY)
    assert found(verdict.errors) == {
        ("/gender", "literal_error"),
        ("/expected_check_out", "check-out-before-check-in"),
    }


def test_an_unreadable_qr_does_not_ask_for_the_fields_it_carries():
    verdict = partial_verdict(
        {"qr": "x" * 1001, "check_in_at": GUEST["check_in_at"], "nationality": "ZZZ"},
        now=NOW,
        today=TODAY,
    )
    assert found(verdict.errors) == {
        ("/qr", "string_too_long"),
        ("/nationality", "country-code"),
    }


def test_an_unreadable_document_is_not_also_missing():
    verdict = partial_verdict({**GUEST, "id_number": "1" * 41}, now=NOW, today=TODAY)
    assert found(verdict.errors) == {("/id_number", "string_too_long")}


def test_an_unknown_field_is_refused_and_the_record_still_judged():
    verdict = partial_verdict({**GUEST, "rooom": "101", "id_number": "1"}, now=NOW, today=TODAY)
    assert found(verdict.errors) == {
        ("/rooom", "extra_forbidden"),
        ("/id_number", "id-number-format"),
    }


@pytest.mark.parametrize("raw", [None, "guest", ["a"], 3])
def test_a_record_that_is_not_an_object_is_one_error(raw):
    verdict = partial_verdict(raw, "/guests/0", now=NOW, today=TODAY)
    assert [e.pointer for e in verdict.errors] == ["/guests/0"]
    assert verdict.guest is None and verdict.warnings == []


def test_a_valid_record_takes_the_typed_path_with_its_warnings():
    record = {**GUEST, "gender": "female", "expected_check_out": "2026-12-30"}
    verdict = partial_verdict(record, now=NOW, today=TODAY)
    expected = check_in_rules(CheckIn.model_validate(record), today=TODAY)
    assert verdict.errors == [] and verdict.guest == expected.guest
    assert {w.code for w in verdict.warnings} == {
        "id-gender-mismatch",
        "long-stay-temporary-residence",
    }
    assert (verdict.document_type, verdict.document_number) == ("id_number", "075090001234")


def test_warnings_about_an_unreadable_field_are_dropped_the_others_kept():
    # The ID says male; the gender cannot be read: no gender-mismatch warning about it.
    record = {**GUEST, "gender": "F", "id_number": "999090001234"}
    verdict = partial_verdict(record, now=NOW, today=TODAY)
    assert found(verdict.errors) == {("/gender", "literal_error")}
    assert {w.code for w in verdict.warnings} == {"id-province-unknown"}


def test_fields_the_caller_could_not_read_are_not_reported_twice():
    """A spreadsheet row: the caller reports its unreadable cells itself."""
    record = {k: v for k, v in GUEST.items() if k not in ("date_of_birth", "check_in_at")}
    record["id_number"] = "12"
    guest, errors, _ = validate_partial(
        record, "/rows/7", now=NOW, unread={"date_of_birth", "check_in_at"}
    )
    assert guest is None
    assert found(errors) == {("/rows/7/id_number", "id-number-format")}


def test_today_defaults_to_the_day_in_vietnam():
    # 20:00 UTC on the 27th is already the 28th in Vietnam: born on the 28th is not future.
    late = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    record = {**GUEST, "date_of_birth": "2026-11-28", "id_number": None, "passport_number": None}
    verdict = partial_verdict(record, now=late)
    assert "birth-in-future" not in {e.code for e in verdict.errors}
    verdict = partial_verdict(record, now=late, today=TODAY)
    assert "birth-in-future" in {e.code for e in verdict.errors}


def test_parse_partial_leaves_required_fields_it_cannot_read_empty():
    raw = {
        "plate": "X",
        "origin_province": 75,
        "destination_province": 79,
        "departure_at": "2026-11-31T20:00:00+07:00",
        "seats": 30,
        "passengers": [{"full_name": "A"}],
    }
    trip, errors, left_out = parse_partial(TripIn, raw)
    assert trip is not None and isinstance(trip, TripIn)
    assert (trip.plate, trip.departure_at, trip.seats) == (None, None, 30)
    assert trip.passengers == [{"full_name": "A"}]
    assert left_out == {"plate", "departure_at"}
    assert found(errors) == {
        ("/plate", "string_too_short"),
        ("/departure_at", "date-invalid"),
    }
    assert parse_partial(TripIn, "trip")[0] is None


def test_field_of():
    assert field_of("/guests/3/date_of_birth", "/guests/3") == "date_of_birth"
    assert field_of("/guests/3", "/guests/3") is None
    assert field_of("/guests/31/id_number", "/guests/3") is None
    assert field_of("/stay/qr/x") == "stay"


class Body(BaseModel):
    day: date
    name: str


def _rechecked_app():
    from fastapi import APIRouter, FastAPI, Query

    from luutru_common.problems import field_error, install_problem_handlers
    from luutru_ingest.core.http import RecheckedRoute, rechecked

    def recheck(request, body):
        if body.get("name") == "boom":
            raise RuntimeError("a bug in a recheck")
        return [field_error("/name", "name-rule", "vi", "en")]

    router = APIRouter(route_class=RecheckedRoute)

    @router.post("/checked")
    @rechecked(recheck)
    async def checked(body: Body, limit: int = Query(1)):
        return {"ok": True}

    @router.post("/plain")
    async def plain(body: Body):
        return {"ok": True}

    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_exception_path_reports_the_recheck_with_the_other_parameters():
    async with _rechecked_app() as client:

        async def post(path: str, **kwargs) -> tuple[int, set[tuple[str, str]]]:
            response = await client.post(path, **kwargs)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
                return response.status_code, found_json(response.json())
            return response.status_code, set()

        bad = {"day": "1995-02-31", "name": "x"}
        assert await post("/checked", json={"day": "1995-02-28", "name": "x"}) == (200, set())
        assert await post("/checked?limit=many", json=bad) == (
            422,
            {("/query:limit", "int_parsing"), ("/name", "name-rule")},
        )
        # An endpoint that is not rechecked keeps pydantic's errors alone.
        assert await post("/plain", json=bad) == (422, {("/day", "date-invalid")})
        # A body that is not an object, or a recheck that fails: pydantic's errors, no 500.
        assert await post("/checked", json=["x"]) == (422, {("", "model_attributes_type")})
        boom = {"day": "x", "name": "boom"}
        assert await post("/checked", json=boom) == (422, {("/day", "date-format")})
        broken = await post("/checked", content=b"{", headers={"Content-Type": "application/json"})
        assert broken == (422, {("/1", "json_invalid")})


def found_json(problem: dict) -> set[tuple[str, str]]:
    return {(e["pointer"], e["code"]) for e in problem["errors"]}


# Messy guests: each field drawn from good values, blanks, wrong types and odd forms, and now
# and then an unknown field or not an object at all.
_TEXT = st.sampled_from(["", "  ", "Nguyễn Văn An", " Lê Thị Hoa ", "x" * 201, "a\u0301"])
_DAY = st.sampled_from(
    ["1990-05-01", "2026-11-27", "2026-11-30", "2026-12-31", "1995-02-31", "1899-12-31",
     "2999-01-01", "01/05/1990", "", "2026-11-27T00:00:00", "2015-06-01", "2010-11-28"]
)  # fmt: skip
_MOMENT = st.sampled_from(
    ["2026-11-27T14:00:00+07:00", "2026-11-27T14:00:00", "2026-11-27T07:00:00Z",
     "2026-11-27T09:00:00+07:00", "2026-11-26T20:00:00Z", "2026-02-30T14:00:00",
     "27/11/2026 14:00", "1899-12-31T23:00:00", "2100-12-31T23:59:59-12:00", "", "2026-11-27"]
)  # fmt: skip
_ID = st.sampled_from(
    ["075090001234", "075190001234", "999090001234", "075 090 001 234", "07509000123",
     "０７５０９０００１２３４", "12345", "", "1" * 41, "075290001234", "001199012345"]
)  # fmt: skip
_COUNTRY = st.sampled_from(["VNM", "vnm", "KOR", "D<<", "ZZZ", "VN1", "", "USAA", "D"])
_WRONG = st.one_of(st.none(), st.integers(-5, 20_000_000), st.booleans(), st.just(["a"]))
_FIELDS = {
    "full_name": _TEXT,
    "date_of_birth": _DAY,
    "gender": st.sampled_from(["male", "female", "other", "nam", ""]),
    "id_number": _ID,
    "legacy_id_number": st.sampled_from(["123456789", "12345678", "12345678a", ""]),
    "passport_number": st.sampled_from(["B1234567", "b 123 4567", "AB", "", "Ü12345"]),
    "nationality": _COUNTRY,
    "country_of_residence": _COUNTRY,
    "visa_type": st.sampled_from(["exempt", "EXEMPT", "DL", ""]),
    "visa_number": st.sampled_from(["V123", ""]),
    "entry_date": _DAY,
    "entry_port": st.sampled_from(["Nội Bài", ""]),
    "accompanying_adult_document": st.sampled_from(["075090001234", ""]),
    "relationship": st.sampled_from(["mẹ", ""]),
    "room": st.sampled_from(["101", "x" * 51, ""]),
    "room_id": st.sampled_from(["8c2f3a0e-1b2c-4d5e-8f90-123456789abc", "not-a-uuid"]),
    "reason": _TEXT,
    "check_in_at": _MOMENT,
    "expected_check_out": _DAY,
    "qr": st.sampled_from(["075090001234||Phạm Minh Tuấn|01051990|Nam|Biên Hòa", "nonsense"]),
}
_MESSY_GUEST = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            **{k: st.one_of(v, v, _WRONG) for k, v in _FIELDS.items()},
            "rooom": st.just("101"),
        },
    ),
    st.fixed_dictionaries(  # a guest that reads whole, its values still varied
        {k: _FIELDS[k] for k in ("full_name", "date_of_birth", "gender", "check_in_at")},
        optional={k: _FIELDS[k] for k in ("id_number", "passport_number", "nationality")},
    ),
    _WRONG,
    st.text(max_size=3),
)


def _judgement(verdict) -> tuple:
    return (
        [e.model_dump() for e in verdict.errors],
        [w.model_dump() for w in verdict.warnings],
        verdict.document_type,
        verdict.document_number,
        verdict.guest.model_dump() if verdict.guest is not None else None,
        verdict.source,
        verdict.unaccompanied_minor,
    )


@settings(max_examples=400, deadline=None)
@given(_MESSY_GUEST, st.booleans())
def test_the_whole_record_shortcut_judges_as_field_by_field(raw, refuse_future):
    """`partial_verdict` reads a whole record in one validation; a record of any shape gets
    exactly the verdict of the field-by-field reading (errors, warnings, document, row)."""
    local_now = NOW.astimezone(LOCAL_TIMEZONE) if refuse_future else None
    fast = partial_verdict(raw, "/guests/4", now=NOW, today=TODAY, refuse_future=refuse_future)
    slow = verdict_in_parts(raw, "/guests/4", now=NOW, today=TODAY, local_now=local_now)
    assert _judgement(fast) == _judgement(slow)
