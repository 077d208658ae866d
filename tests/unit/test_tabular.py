"""luutru_common.tabular: the spreadsheets people really send."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter

from luutru_common import tabular
from tests.support import cp1258

ROWS = [["Họ và tên", "Ngày sinh"], ["Nguyễn Thị Ánh", "05/03/1990"], ["Đỗ Văn Lộc", "31/12/2001"]]


def csv_text(delimiter: str = ",") -> str:
    return "\r\n".join(delimiter.join(r) for r in ROWS) + "\r\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with its BOM, as Excel's "Unicode text" saves it
        cp1258,
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "windows-1258"],
)
def test_csv_in_every_encoding_reads_as_nfc(encode):
    assert tabular.read_table(encode(csv_text())) == ROWS
    assert all(unicodedata.is_normalized("NFC", c) for row in ROWS for c in row)


def test_semicolon_csv_from_vietnamese_locale_excel():
    assert tabular.read_table(csv_text(";").encode()) == ROWS


def test_binary_is_not_a_csv():
    with pytest.raises(tabular.UnreadableFile):
        tabular.read_table(b"\x00\x01\x02binary")


def xlsx(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def test_xlsx_keeps_cell_types():
    table = tabular.read_table(xlsx([["Tên", "Số phòng"], ["Khách sạn Hòa Bình", 12]]), "a.xlsx")
    assert table == [["Tên", "Số phòng"], ["Khách sạn Hòa Bình", 12.0]]


def test_damaged_xlsx_is_unreadable():
    with pytest.raises(tabular.UnreadableFile):
        tabular.read_table(b"PK\x03\x04 not really a workbook", "a.xlsx")


def test_zip_bomb_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024  # 50 MB of zeros in well under 1 MB
    with pytest.raises(tabular.ArchiveTooLarge):
        tabular.read_table(out.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        (32874, date(1990, 1, 1)),  # an Excel serial number
        (32874.0, date(1990, 1, 1)),
        ("32874", date(1990, 1, 1)),
        ("05/03/1990", date(1990, 3, 5)),  # dd/mm/yyyy, never mm/dd
        ("05-03-1990", date(1990, 3, 5)),
        ("05.03.1990", date(1990, 3, 5)),
        ("1990-03-05", date(1990, 3, 5)),
        (datetime(1990, 3, 5, 14, 0), date(1990, 3, 5)),
        (date(1990, 3, 5), date(1990, 3, 5)),
    ],
)
def test_excel_date(value, expected):
    assert tabular.excel_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/1990", "tomorrow", "1990/13/01"])
def test_excel_date_refuses_non_dates(value):
    with pytest.raises(ValueError):
        tabular.excel_date(value)
