"""Reading operators' files (encodings, headers, dates) and what we hand back (neutralised)."""

import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter

from luutru_common.problems import Problem
from luutru_ingest.uploads import parsing, sheets
from tests.support import cp1258

ROWS = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Ngày đến"],
    ["Nguyễn Thị Hằng", "01/05/1990", "Nữ", "075190001234", "27/11/2026 14:00"],
    ["Đỗ Hữu Lộc", "12/12/1985", "Nam", "075085001234", "27/11/2026 15:30"],
]


def csv_text(rows=ROWS) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        # Windows-1258 writes tones as combining marks: the text must come back as NFC.
        cp1258,
    ],
    ids=["utf8", "utf8-bom", "utf16", "cp1258"],
)
def test_csv_encodings_decode_to_the_same_nfc_rows(encode):
    rows = list(parsing.iter_rows(encode(csv_text()), "csv"))
    assert rows == ROWS
    assert all(unicodedata.is_normalized("NFC", c) for row in rows for c in row)


def test_headers_in_vietnamese_english_and_without_accents():
    assert parsing.map_headers(["Họ và tên", "DATE OF BIRTH", "gioi tinh", "Passport No", "x"]) == {
        0: "full_name",
        1: "date_of_birth",
        2: "gender",
    }
    assert parsing.map_headers(["Số hộ chiếu", "Quốc tịch", "Phòng"]) == {
        0: "passport_number",
        1: "nationality",
        2: "room",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01/05/1990", date(1990, 5, 1)),
        ("1990-05-01", date(1990, 5, 1)),
        (32994, date(1990, 5, 1)),
        (32994.0, date(1990, 5, 1)),
        ("32994", date(1990, 5, 1)),
        (datetime(1990, 5, 1, 0, 0), date(1990, 5, 1)),
    ],
)
def test_dates_as_text_or_excel_serials(value, expected):
    assert parsing.parse_date(value) == expected


def test_row_to_record_converts_and_reports_bad_cells():
    columns = parsing.map_headers(ROWS[0])
    record, errors = parsing.row_to_record(ROWS[1], columns, "/rows/2")
    assert errors == []
    assert record == {
        "full_name": "Nguyễn Thị Hằng",
        "date_of_birth": "1990-05-01",
        "gender": "female",
        "id_number": "075190001234",
        "check_in_at": "2026-11-27T14:00:00",
    }
    _, errors = parsing.row_to_record(["A", "31/02/1990", "?", "1", "x"], columns, "/rows/9")
    assert {(e.pointer, e.code) for e in errors} == {
        ("/rows/9/date_of_birth", "date-format"),
        ("/rows/9/gender", "gender-value"),
        ("/rows/9/check_in_at", "date-format"),
    }


def test_xlsx_rows_read_with_calamine():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(ROWS):
        sheet.write_row(r, 0, row)
    workbook.close()
    rows = list(parsing.iter_rows(buffer.getvalue(), "xlsx"))
    assert [list(map(str, r)) for r in rows] == ROWS


def test_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(Problem) as refused:
        list(parsing.iter_rows(buffer.getvalue(), "xlsx"))
    assert (refused.value.status, refused.value.code) == (413, "archive-too-large")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    assert sheets.neutralise(cell) == "'" + cell
    text = sheets.to_csv([["a"], [cell]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + cell]


def test_plain_cells_untouched():
    assert sheets.neutralise("Nguyễn") == "Nguyễn"
    assert sheets.neutralise(-5) == -5
