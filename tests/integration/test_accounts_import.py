"""Bulk import of facilities (CSV with Vietnamese headers, XLSX) with bad rows: a result per
row, partial acceptance, each accepted row created whole, nothing half-created."""

from __future__ import annotations

import io
import uuid

import pytest
import xlsxwriter
from sqlalchemy import text

from luutru_accounts.app import create_app
from tests.integration.accounts_helpers import accounts_settings, admin_token, login
from tests.support import bearer, cp1258, running_app

HEADER = (
    "Tên cơ sở,Loại hình,Hạng sao,Mã tỉnh,Mã xã,Địa chỉ,Số phòng,Số giường,"
    "Số giấy phép kinh doanh,Người đại diện,Điện thoại"
)


@pytest.fixture
async def client(test_database):
    async with running_app(create_app(accounts_settings(test_database))) as client:
        yield client


def csv_file(tag: str) -> bytes:
    rows = [
        HEADER,
        f"Khách sạn Biên Hòa {tag},Khách sạn,3,75,26068,1 Cách Mạng Tháng Tám,40,80,GP-{tag}-1,Trần Văn An,0251 3822 001",
        f"Nhà nghỉ Hoa Sen {tag},Nhà nghỉ,,75,26041,45 Phạm Văn Thuận,12,20,GP-{tag}-2,Lê Thị Bé,0903 123 456",
        f"Nhà trọ lỗi {tag},Lâu đài,,75,1,x,abc,10,GP-{tag}-3,Ai đó,123",  # malformed fields
        "",  # blank lines are skipped
        f"Nhà nghỉ trùng {tag},motel,,75,26041,,5,8,GP-{tag}-2,Người khác,",  # licence again
        f"Nhà ở công nhân {tag},Nhà ở trong khu công nghiệp / khu kinh tế,,75,26020,,100,400,,,",
    ]
    # UTF-8 with a BOM, as Excel saves "CSV UTF-8".
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8")


async def upload(client, admin, content: bytes, name: str, **params):
    return await client.post(
        "/v1/facilities/import",
        files={"file": (name, content, "text/csv")},
        params=params,
        headers=bearer(admin),
    )


async def test_csv_with_vietnamese_headers_and_bad_rows(client, db):
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    content = csv_file(tag)

    dry = await upload(client, admin, content, "co-so.csv", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert [(r["row"], r["status"]) for r in dry.json()["rows"]] == [
        (2, "valid"), (3, "valid"), (4, "rejected"), (6, "rejected"), (7, "rejected"),
    ]  # fmt: skip
    async with db.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM accounts.facilities WHERE name LIKE :p"), {"p": f"%{tag}"}
        )
    assert count == 0  # a dry run creates nothing

    response = await upload(client, admin, content, "co-so.csv")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["total"], report["created"], report["rejected"]) == (5, 2, 3)
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[2]["status"] == rows[3]["status"] == "created"
    assert rows[2]["facility_code"].startswith("75-")
    assert {e["pointer"]: e["code"] for e in rows[4]["errors"]} == {
        "/rooms": "int_parsing",
        "/contact_phone": "string_pattern_mismatch",
    }
    assert rows[6]["errors"][0]["code"] == "licence-number-exists"
    assert rows[7]["errors"][0]["pointer"] == "/zone"  # zone housing needs its zone
    assert all(
        e["message"]["vi"] and e["message"]["en"] for r in rows.values() for e in r["errors"]
    )

    # Each created row is whole: facility, manager who can log in, event, audit row.
    for row in (rows[2], rows[3]):
        first = await login(client, row["manager"]["username"], row["manager"]["one_time_password"])
        assert first["must_change_password"] is True
    async with db.connect() as conn:
        events = await conn.scalar(
            text(
                "SELECT count(*) FROM accounts.outbox WHERE event_type = 'FacilityRegistered'"
                " AND key = ANY(:ids)"
            ),
            {"ids": [rows[2]["facility_id"], rows[3]["facility_id"]]},
        )
        facilities = await conn.scalar(
            text("SELECT count(*) FROM accounts.facilities WHERE name LIKE :p"), {"p": f"%{tag}"}
        )
    assert (events, facilities) == (2, 2)
    hotel = await client.get(f"/v1/facilities/{rows[2]['facility_id']}", headers=bearer(admin))
    assert hotel.json()["facility_type"] == "hotel" and hotel.json()["star_rating"] == 3

    # Importing the same file again creates nothing: the licence numbers are taken.
    again = (await upload(client, admin, content, "co-so.csv")).json()
    assert again["created"] == 0


async def test_rows_that_fail_the_type_and_commune_rules(client):
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    content = "\n".join(
        [
            HEADER,
            f"Lâu đài {tag},Lâu đài,,75,26068,,1,1,,,",
            f"Nhà nghỉ {tag},Nhà nghỉ,4,75,1,,1,1,,,",
        ]
    ).encode()
    report = (await upload(client, admin, content, "x.csv")).json()
    first, second = report["rows"]
    assert {e["pointer"]: e["code"] for e in first["errors"]} == {
        "/facility_type": "facility-type-unknown"
    }
    assert {e["pointer"]: e["code"] for e in second["errors"]} == {
        "/star_rating": "star-rating-not-applicable",
        "/commune_code": "commune-unknown",
    }
    assert report["created"] == 0


async def test_xlsx_with_english_headers(client):
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    rows = [
        ["Name", "Type", "Star rating", "Province code", "Commune code", "Rooms", "Beds", "Phone"],
        [f"Riverside Hotel {tag}", "hotel", 5, 75, 26068, 120, 240, "0251 3999 999"],
        [f"Coach Co {tag}", "coach", None, 75, 26068, None, None, None],  # no vehicles/seats
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    response = await client.post(
        "/v1/facilities/import",
        files={"file": ("list.xlsx", buffer.getvalue(), "application/octet-stream")},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.text
    first, second = response.json()["rows"]
    assert first["status"] == "created"
    assert second["status"] == "rejected"
    assert {e["pointer"] for e in second["errors"]} == {"/vehicles", "/seats"}


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"\x00\x01\x02binary", 415, "unsupported-file"),
        (b"Ten,Foo\n1,2\n", 422, "validation-failed"),  # no recognisable required columns
        (b"", 422, "validation-failed"),
        (b"PK\x03\x04 not really a workbook", 415, "unsupported-file"),
    ],
)
async def test_unusable_files_are_problems(client, content, status, code):
    admin = await admin_token(client)
    response = await upload(client, admin, content, "f.csv")
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["pointer"].startswith("/file")


async def test_legacy_windows_1258_csv_reads_like_utf8(client):
    """Old office PCs still save Vietnamese CSV as Windows-1258 (tones as combining marks)."""
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    legacy = cp1258(csv_file(tag).decode("utf-8").lstrip("\ufeff"))
    dry = await upload(client, admin, legacy, "co-so-1258.csv", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert [(r["row"], r["status"]) for r in dry.json()["rows"]] == [
        (2, "valid"), (3, "valid"), (4, "rejected"), (6, "rejected"), (7, "rejected"),
    ]  # fmt: skip
