"""The chip-card QR text: 7- and 6-field forms, NFC and NFD, and what is refused."""

import unicodedata
from datetime import date

import pytest

from luutru_ingest.core.qr import parse_qr

SEVEN = "075190001234|123456789|Trần Thị Ngọc Ánh|15081990|Nữ|Phường Trấn Biên, Đồng Nai|20042021"
SIX = "075190001234|Trần Thị Ngọc Ánh|15081990|Nữ|Phường Trấn Biên, Đồng Nai|20042021"


@pytest.mark.parametrize("text", [SEVEN, SIX, unicodedata.normalize("NFD", SEVEN)])
def test_forms_and_normalisations(text):
    guest, errors = parse_qr(text)
    assert errors == []
    assert guest.id_number == "075190001234"
    assert guest.full_name == "Trần Thị Ngọc Ánh"
    assert unicodedata.is_normalized("NFC", guest.full_name)
    assert (guest.date_of_birth, guest.gender) == (date(1990, 8, 15), "female")
    assert guest.issued_on == date(2021, 4, 20)
    assert guest.source == "qr"


def test_old_id_kept_only_in_seven_field_form():
    assert parse_qr(SEVEN)[0].legacy_id_number == "123456789"
    assert parse_qr(SIX)[0].legacy_id_number is None


@pytest.mark.parametrize(
    "text",
    [
        "just text",
        "07519000123|123456789|A|15081990|Nữ|x|20042021",  # 11 digits
        "075190001234|123456789|A|31021990|Nữ|x|20042021",  # 31 February
        "075190001234|123456789|A|15081990|Không rõ|x|20042021",
        "075190001234|12345|A|15081990|Nam|x|20042021",
        "075190001234|123456789||15081990|Nam|x|20042021",
    ],
)
def test_refused(text):
    guest, errors = parse_qr(text)
    assert guest is None
    assert errors and {e.code for e in errors} == {"qr-format"}


def test_six_fields_without_the_issue_date():
    guest, errors = parse_qr("075190001234||Trần Thị Ngọc Ánh|15081990|Nữ|Đồng Nai")
    assert errors == []
    assert (guest.full_name, guest.issued_on, guest.legacy_id_number) == (
        "Trần Thị Ngọc Ánh",
        None,
        None,
    )
