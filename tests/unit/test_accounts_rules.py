"""accounts rules that need no database: the password policy, import headers and values,
pagination cursors."""

from __future__ import annotations

import unicodedata

import pytest

from luutru_accounts.core.passwords import one_time_password, policy_errors
from luutru_accounts.facilities import importer
from luutru_accounts.settings import AccountsSettings
from luutru_common import paging
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
    sheet = importer.read_sheet(content, filename="a.csv", max_rows=10)
    rows = sheet.rows
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
    assert [(n.code, n.column, n.header) for n in importer.column_notices(sheet.layout)] == [
        ("column-unknown", "F", "Unknown")
    ]


def test_facility_fields_are_not_a_persons():
    """ "Số phòng" is how many rooms the facility has, "Tên" its name, "Địa chỉ" its street:
    the facility vocabulary, not the guest list's."""
    content = (
        "Tên,Loại hình,Mã tỉnh,Mã xã,Địa chỉ,Số phòng,Số giường\nA,hotel,75,26068,1 Lê Lợi,40,80\n"
    )
    ((line, values),) = importer.read_sheet(content.encode(), filename="a.csv", max_rows=10).rows
    assert line == 2
    assert values == {
        "name": "A",
        "facility_type": "hotel",
        "province_code": "75",
        "commune_code": "26068",
        "street": "1 Lê Lợi",
        "rooms": "40",
        "beds": "80",
    }


def test_semicolon_csv_and_missing_columns():
    rows = importer.read_sheet(
        b"Name;Type;Province code;Commune code\nA;motel;75;26041\n", filename=None, max_rows=10
    ).rows
    assert rows[0][1]["facility_type"] == "motel"
    with pytest.raises(Problem) as missing:
        importer.read_sheet(b"Name,Type\nA,motel\n", filename="x.csv", max_rows=10)
    assert (missing.value.status, missing.value.code) == (422, "headers-unknown")
    assert [(e.pointer, e.code, e.message.en) for e in missing.value.errors] == [
        ("/file", "column-missing", "Missing column “Province code”"),
        ("/file", "column-missing", "Missing column “Commune code”"),
    ]


def test_too_many_rows_are_refused_while_reading():
    content = "Name,Type,Province code,Commune code\n" + "A,motel,75,26041\n" * 3
    assert len(importer.read_sheet(content.encode(), filename="a.csv", max_rows=3).rows) == 3
    with pytest.raises(Problem) as many:
        importer.read_sheet(content.encode(), filename="a.csv", max_rows=2)
    assert (many.value.status, many.value.code) == (413, "too-many-rows")


@pytest.mark.parametrize("value", ["75-000123", 12345, ["a", 1]])
def test_cursor_round_trip(value):
    assert paging.decode(paging.encode(value)) == value


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "////"])
def test_bad_cursor_is_a_problem(cursor):
    with pytest.raises(Problem) as bad:
        paging.decode(cursor)
    assert bad.value.errors[0].pointer == "/query:cursor"


# What production needs besides the hashing cost, so only the cost is refused.
PRODUCTION = {
    "environment": "prod",
    "database_url": "postgresql+asyncpg://luutru_accounts:Xk9-real-secret@db:5432/luutru",
    "kafka_password": "a-real-kafka-password-2026",
    "bootstrap_admin_password": "a-real-admin-password-2026",
}


@pytest.mark.parametrize("environment", [{"environment": "dev"}, PRODUCTION])
@pytest.mark.parametrize(
    "cheaper", [{"password_hash_memory_kib": 1024}, {"password_hash_time_cost": 1}]
)
def test_a_cheaper_password_hash_is_for_the_test_environment_only(environment, cheaper):
    with pytest.raises(ValueError, match="test environment only"):
        AccountsSettings(**environment, **cheaper)
    assert AccountsSettings(environment="test", **cheaper)
