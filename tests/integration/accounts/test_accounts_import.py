"""Bulk import of facilities (CSV with Vietnamese headers, XLSX) with bad rows: a result per
row, partial acceptance, each accepted row created whole, nothing half-created."""

from __future__ import annotations

import io
import random
import unicodedata
import uuid
import zipfile

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


async def test_numbers_excel_kept_as_numbers_keep_their_leading_zero(client, db):
    """A police clerk's XLSX: the phone and the enterprise code (business licence) typed into
    General cells, so Excel kept them as numbers without their leading 0; a name typed on a
    Mac (NFD). They are stored as the clerk reads them (0903…, 03…, NFC), and the same
    licence typed as text is the same licence, not a second facility."""
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    licence = f"3{random.randrange(10**8):08d}"  # 9 digits: 03… lost its 0
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Tên cơ sở", "Loại hình", "Mã tỉnh", "Mã xã", "Số phòng",
                           "Số giấy phép kinh doanh", "Điện thoại"])  # fmt: skip
    name = unicodedata.normalize("NFD", f"Nhà nghỉ Hoa Sen {tag}")
    sheet.write_row(1, 0, [name, "Nhà nghỉ", 75, 26068, 12, int(licence), 903123456])
    sheet.write_row(2, 0, [f"Nhà nghỉ trùng {tag}", "Nhà nghỉ", 75, 26068, 5, "'0" + licence,
                           2513822001])  # fmt: skip
    book.close()
    response = await upload(client, admin, buffer.getvalue(), "co-so.xlsx")
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [r["status"] for r in rows] == ["created", "rejected"]
    assert [e["code"] for e in rows[1]["errors"]] == ["licence-number-exists"]
    async with db.connect() as conn:
        stored = (
            await conn.execute(
                text(
                    "SELECT name, business_licence_number, contact_phone"
                    " FROM accounts.facilities WHERE id = :id"
                ),
                {"id": rows[0]["facility_id"]},
            )
        ).one()
    assert tuple(stored) == (f"Nhà nghỉ Hoa Sen {tag}", "0" + licence, "0903123456")


def zip_bomb() -> bytes:
    """An "XLSX" whose sheet expands from about 50 KB to 50 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    return out.getvalue()


def word_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "status", "code"),
    [
        (b"\x00\x01\x02binary", "f.csv", 415, "file-unsupported"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "co-so.pdf", 415, "file-unsupported"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "co-so.csv", 415, "file-unsupported"),  # by content
        (word_document(), "co-so.docx", 415, "file-unsupported"),
        (b"", "f.csv", 422, "file-empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "f.csv", 422, "file-empty"),
        (b"PK\x03\x04 not really a workbook", "f.xlsx", 422, "file-unreadable"),
        (zip_bomb(), "bomb.xlsx", 413, "archive-too-large"),
    ],
    ids=["binary", "pdf", "pdf-named-csv", "word", "empty", "bom-only", "damaged", "zip-bomb"],
)
async def test_unusable_files_are_the_shared_file_problems(client, content, name, status, code):
    admin = await admin_token(client)
    response = await upload(client, admin, content, name)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [("/file", code)]


async def test_a_sheet_without_the_required_columns_says_what_it_found_and_lacks(client, db):
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    # Under a title: a name and a commune code, no type and no province.
    content = f"Danh sách cơ sở\n\nTên cơ sở,Mã xã,Ghi chú\nKhách sạn {tag},26068,x\n".encode()
    response = await upload(client, admin, content, "thieu-cot.csv")
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "headers-unknown"
    assert "“Tên cơ sở”, “Mã xã”, “Ghi chú”" in body["detail"]  # what was found
    assert [(e["pointer"], e["code"], e["message"]["vi"]) for e in body["errors"]] == [
        ("/file", "column-missing", "Thiếu cột “Loại hình”"),
        ("/file", "column-missing", "Thiếu cột “Mã tỉnh”"),
    ]
    assert body["errors"][1]["message"]["en"] == "Missing column “Province code”"
    async with db.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM accounts.facilities WHERE name LIKE :p"), {"p": f"%{tag}"}
        )
    assert count == 0


async def test_title_rows_blank_lines_and_unknown_columns(client):
    """A list as police keep it: a title, the office, a blank line, then the header; rows
    numbered as the spreadsheet shows them; columns we do not read named in the report."""
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    lines = [
        "DANH SÁCH CƠ SỞ LƯU TRÚ;;;;;;;",
        "Công an tỉnh Đồng Nai;;;;;;;",
        ";;;;;;;",
        "STT;Tên cơ sở;Loại hình;Mã tỉnh;Mã xã;Số phòng;Ghi chú;Tên",
        f"1;Khách sạn Tiêu Đề {tag};Khách sạn;75;26068;25;mới mở;trùng",
        ";;;;;;;",  # a blank line between rows keeps the lines under it where they are
        f"2;Nhà nghỉ Tiêu Đề {tag};Nhà nghỉ;75;26041;không rõ;;",
    ]
    content = "\r\n".join(lines).encode("utf-8")
    response = await upload(client, admin, content, "co-so.csv", dry_run="true")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["header_row"] == 4
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(5, "valid"), (7, "rejected")]
    assert {e["pointer"]: e["code"] for e in report["rows"][1]["errors"]} == {
        "/rooms": "int_parsing"
    }
    assert [(n["code"], n["column"], n["header"]) for n in report["notices"]] == [
        ("column-unknown", "G", "Ghi chú"),
        ("column-duplicate", "H", "Tên"),
    ]
    assert report["notices"][0]["message"] == {
        "vi": "Cột G “Ghi chú”: không nhận ra nên bỏ qua",
        "en": "Column G “Ghi chú”: not recognised, so ignored",
    }


async def test_xlsx_with_a_title_row_keeps_the_sheets_line_numbers(client):
    admin = await admin_token(client)
    tag = uuid.uuid4().hex[:6]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Danh sách nhà xe")  # line 1; line 2 left empty
    sheet.write_row(2, 0, ["Name", "Type", "Province code", "Commune code", "Vehicles", "Seats"])
    sheet.write_row(3, 0, [f"Coach {tag}", "coach", 75, 26068, 12, 480])
    sheet.write_row(5, 0, [f"Coach two {tag}", "coach", 75, 26068])  # line 6, after a gap
    book.close()
    response = await upload(client, admin, buffer.getvalue(), "nha-xe.xlsx", dry_run="true")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["header_row"] == 3 and report["notices"] == []
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(4, "valid"), (6, "rejected")]
    assert {e["pointer"] for e in report["rows"][1]["errors"]} == {"/vehicles", "/seats"}


async def test_too_large_and_too_many_rows(test_database):
    settings = accounts_settings(test_database, import_max_bytes=2000, import_max_rows=2)
    async with running_app(create_app(settings)) as client:
        admin = await admin_token(client)
        too_large = await upload(client, admin, csv_file("x") + b"#" * 2000, "big.csv")
        assert too_large.status_code == 413, too_large.text
        assert too_large.json()["code"] == "file-too-large"
        too_many = await upload(client, admin, csv_file("y"), "many.csv", dry_run="true")
        assert too_many.status_code == 413, too_many.text
        assert too_many.json()["code"] == "too-many-rows"


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
