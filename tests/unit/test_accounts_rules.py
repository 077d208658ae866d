"""accounts rules that need no database: the password policy, import headers and values,
pagination cursors."""

from __future__ import annotations

import unicodedata

import pytest

from luutru_accounts import pagination
from luutru_accounts.auth.passwords import one_time_password, policy_errors
from luutru_accounts.facilities import importer
from luutru_common.problems import Problem


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Mật-khẩu-Tốt-2026", set()),
        ("short1A!", {"password-too-short"}),
        ("alllowercaseletters", {"password-too-simple"}),
        ("aaaaaaaaaA1!", {"password-too-simple"}),  # too few distinct characters
        ("X-ql.75-000001-9", {"password-contains-username"}),
        ("X-QL.75-000001-9", {"password-contains-username"}),
    ],
)
def test_password_policy(password, codes):
    errors = policy_errors(password, username="ql.75-000001", min_length=10)
    assert {e.code for e in errors} == codes
    assert all(e.pointer == "/new_password" and e.message.vi and e.message.en for e in errors)


def test_one_time_passwords_are_random_and_readable():
    seen = {one_time_password() for _ in range(50)}
    assert len(seen) == 50
    assert all(len(p) == 14 and p.count("-") == 2 for p in seen)


def test_headers_match_whatever_the_keyboard_and_case():
    # NFD (decomposed accents, as some keyboards type them), upper case, extra spaces.
    header = ",".join(
        unicodedata.normalize("NFD", h)
        for h in ("TÊN CƠ SỞ ", "loại hình", "Mã Tỉnh", "Mã xã/phường", "Hạng sao", "Unknown")
    )
    content = f"{header}\nKhách sạn A,Khách sạn,75,26068,4 sao,ignored\n,,,,,\n".encode()
    rows = importer.read_rows(content, filename="a.csv", content_type="text/csv")
    assert rows == [
        (
            2,
            {
                "name": "Khách sạn A",
                "facility_type": "Khách sạn",
                "province_code": "75",
                "commune_code": "26068",
                "star_rating": "4 sao",
            },
        )
    ]
    facility = importer._to_facility(rows[0][1])
    assert (facility.facility_type, facility.star_rating) == ("hotel", 4)


def test_semicolon_csv_and_missing_columns():
    rows = importer.read_rows(
        b"Name;Type;Province code;Commune code\nA;motel;75;26041\n",
        filename=None,
        content_type=None,
    )
    assert rows[0][1]["facility_type"] == "motel"
    with pytest.raises(Problem) as missing:
        importer.read_rows(b"Name,Type\nA,motel\n", filename="x.csv", content_type=None)
    assert {e.pointer for e in missing.value.errors} == {
        "/file/columns/province_code",
        "/file/columns/commune_code",
    }


@pytest.mark.parametrize("value", ["75-000123", 12345, ["a", 1]])
def test_cursor_round_trip(value):
    assert pagination.decode(pagination.encode(value)) == value


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "////"])
def test_bad_cursor_is_a_problem(cursor):
    with pytest.raises(Problem) as bad:
        pagination.decode(cursor)
    assert bad.value.errors[0].pointer == "/query:cursor"
