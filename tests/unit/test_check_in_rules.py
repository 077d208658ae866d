"""A table test for every check-in rule: its code, its pointer, vi and en messages."""

from datetime import date, datetime

import pytest

from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.validation import check_in_rules

TODAY = date(2026, 11, 27)
BASE = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": date(1990, 5, 1),
    "gender": "male",
    "id_number": "075090001234",
    "check_in_at": datetime(2026, 11, 27, 14, 0),
}


FOREIGNER = {
    "nationality": "USA",
    "id_number": None,
    "passport_number": "567123456",
    "visa_type": "DL",
    "visa_number": "V1234567",
    "entry_date": date(2026, 11, 20),
    "entry_port": "Tân Sơn Nhất",
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
        ({"full_name": None}, {("/full_name", "required")}),
        ({"gender": None}, {("/gender", "required")}),
        ({"date_of_birth": None}, {("/date_of_birth", "required")}),
        ({"nationality": "ZZZ"}, {("/nationality", "country-code")}),
        ({"legacy_id_number": "12345"}, {("/legacy_id_number", "legacy-id-format")}),
        ({"legacy_id_number": "123456789"}, set()),
        ({"qr": "not a qr"}, {("/qr", "qr-format")}),
        (
            {"relationship": "mẹ"},
            {("/accompanying_adult_document", "accompanying-adult-required")},
        ),
        # A minor with an adult needs the relationship.
        (
            {
                "date_of_birth": date(2015, 1, 1),
                "id_number": "075215001234",
                "accompanying_adult_document": "075090001234",
            },
            {("/relationship", "relationship-required")},
        ),
        # Foreigners: passport, visa type and number, entry date and port.
        (
            {"nationality": "KOR", "id_number": None, "passport_number": "M12345678"},
            {
                ("/visa_type", "visa-type-required"),
                ("/entry_date", "entry-date-required"),
                ("/entry_port", "entry-port-required"),
            },
        ),
        ({**FOREIGNER}, set()),
        ({**FOREIGNER, "visa_type": "exempt", "visa_number": None}, set()),
        ({**FOREIGNER, "visa_number": None}, {("/visa_number", "visa-number-required")}),
        (
            {**FOREIGNER, "passport_number": None, "id_number": "075090001234"},
            {("/passport_number", "passport-required")},
        ),
        (
            {**FOREIGNER, "entry_date": date(2026, 11, 28)},
            {("/entry_date", "entry-after-check-in")},
        ),
        # MRZ codes: Germany's D<< and the stateless XXA are accepted.
        ({**FOREIGNER, "nationality": "D<<"}, set()),
        ({**FOREIGNER, "nationality": "XXA"}, set()),
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


@pytest.mark.parametrize(
    ("change", "warnings"),
    [
        ({}, set()),
        ({"id_number": "999090001234"}, {"id-province-unknown"}),
        ({"gender": "female"}, {"id-gender-mismatch"}),
        ({"date_of_birth": date(1991, 5, 1)}, {"id-birth-year-mismatch"}),
        ({"id_number": "075290001234"}, {"id-century-mismatch"}),
        ({"gender": "other"}, set()),
        ({"expected_check_out": date(2026, 12, 27)}, {"long-stay-temporary-residence"}),
        ({"expected_check_out": date(2026, 12, 26)}, set()),
    ],
)
def test_warning(change, warnings):
    """Warnings never refuse the record; each has its own stable code."""
    verdict = check_in_rules(CheckIn(**{**BASE, **change}), today=TODAY)
    assert verdict.errors == []
    assert {w.code for w in verdict.warnings} == warnings
    assert all(w.message.vi and w.message.en for w in verdict.warnings)


def test_unaccompanied_minor_is_flagged_but_not_reported():
    minor = {**BASE, "date_of_birth": date(2012, 3, 4), "id_number": "075212001234"}
    verdict = check_in_rules(CheckIn(**minor), today=TODAY)
    assert verdict.unaccompanied_minor is True
    assert verdict.errors == [] and verdict.warnings == []
    accompanied = {**minor, "accompanying_adult_document": "075090001234", "relationship": "con"}
    assert check_in_rules(CheckIn(**accompanied), today=TODAY).unaccompanied_minor is False


def test_qr_fills_the_identity_fields():
    qr = "075090001234|123456789|Nguyễn Văn An|01051990|Nam|Biên Hòa, Đồng Nai|01012021"
    data = CheckIn(qr=qr, check_in_at=datetime(2026, 11, 27, 14, 0))
    verdict = check_in_rules(data, today=TODAY)
    assert verdict.errors == []
    assert verdict.source == "qr"
    assert (verdict.document_number, verdict.guest.full_name) == ("075090001234", "Nguyễn Văn An")
    assert verdict.guest.gender == "male" and verdict.guest.legacy_id_number == "123456789"


def test_birth_more_than_130_years_before_today():
    # Dates of birth start in 1900 (luutru_common.bounds): the rule bites from 2031 on.
    data = CheckIn(**{**BASE, "date_of_birth": date(1900, 1, 1)})
    verdict = check_in_rules(data, today=date(2031, 6, 1))
    assert [(e.pointer, e.code) for e in verdict.errors] == [("/date_of_birth", "birth-too-early")]
    assert check_in_rules(data, today=TODAY).errors == []


def test_an_old_cmnd_alone_is_told_as_such():
    """A guest with only the 9-digit CMND: the operator sees a number in the row, so the error
    says why that number is not enough."""
    data = CheckIn.model_validate({**BASE, "id_number": None, "legacy_id_number": "123456789"})
    errors = check_in_rules(data, today=TODAY).errors
    assert [(e.pointer, e.code) for e in errors] == [("/id_number", "document-missing")]
    assert "CMND" in errors[0].message.vi and "31/12/2024" in errors[0].message.vi
    assert "CMND" in errors[0].message.en
