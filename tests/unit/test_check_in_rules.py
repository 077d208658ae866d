"""A table test for every check-in rule: its code, its pointer, vi and en messages."""

from datetime import date, datetime

import pytest

from luutru_ingest.stays.schemas import CheckIn
from luutru_ingest.stays.validation import check_in_rules

TODAY = date(2026, 11, 27)
BASE = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": date(1990, 5, 1),
    "gender": "male",
    "id_number": "075090001234",
    "check_in_at": datetime(2026, 11, 27, 14, 0),
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, set()),
        ({"id_number": None}, {("/id_number", "document-missing")}),
        ({"id_number": "12345"}, {("/id_number", "id-number-format")}),
        ({"id_number": "07509000123X"}, {("/id_number", "id-number-format")}),
        ({"id_number": None, "passport_number": "B 1234567"}, set()),
        ({"id_number": None, "passport_number": "AB1"}, {("/passport_number", "passport-format")}),
        ({"nationality": "VN"}, {("/nationality", "country-code")}),
        ({"country_of_residence": "12A"}, {("/country_of_residence", "country-code")}),
        ({"date_of_birth": date(2026, 11, 28)}, {("/date_of_birth", "birth-in-future")}),
        (
            {"expected_check_out": date(2026, 11, 26)},
            {("/expected_check_out", "check-out-before-check-in")},
        ),
    ],
)
def test_rule(change, expected):
    verdict = check_in_rules(CheckIn(**{**BASE, **change}), today=TODAY)
    assert {(e.pointer, e.code) for e in verdict.errors} == expected
    assert all(e.message.vi and e.message.en for e in verdict.errors)


def test_all_violations_reported_together_with_pointer_prefix():
    data = CheckIn(
        **{**BASE, "id_number": "1", "nationality": "X", "date_of_birth": date(2030, 1, 1)}
    )
    verdict = check_in_rules(data, today=TODAY, pointer="/guests/3")
    assert {e.pointer for e in verdict.errors} == {
        "/guests/3/id_number",
        "/guests/3/nationality",
        "/guests/3/date_of_birth",
    }


def test_passport_is_normalised():
    verdict = check_in_rules(
        CheckIn(**{**BASE, "id_number": None, "passport_number": " c 0123 4567 "}), today=TODAY
    )
    assert (verdict.document_type, verdict.document_number) == ("passport", "C01234567")
