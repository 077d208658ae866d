"""The one writer of every CSV and XLSX file a service hands back (feeds, compliance lists,
error sheets, templates): text a spreadsheet would run as a formula is neutralised first.

A cell is a formula to Excel, LibreOffice or Google Sheets when its text starts with
``= + - @``, or with a tab or carriage return (which some programs skip) — and leading spaces
or line breaks do not stop them (``" =HYPERLINK(…)"``, ``"\\n=1+1"``). Such text gets a leading
apostrophe, the OWASP remedy: shown as text, the apostrophe hidden by spreadsheets. Numbers
are written as numbers, so a negative count stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from numbers import Number
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

_ACTIVE_FIRST = ("\t", "\r")
_FORMULA_STARTS = ("=", "+", "-", "@")
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take this text for a formula."""
    return text.startswith(_ACTIVE_FIRST) or text.lstrip().startswith(_FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; the rest as is."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """A value as a cell: nothing is empty, dates are ISO text, the rest neutralised."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value if isinstance(value, Number | str) else str(value))


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Vietnamese text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([cell(c) for c in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def workbook(buffer: io.BytesIO) -> Workbook:
    """An in-memory workbook that never turns text into formulas or links by itself."""
    # Imported here, not at the top: xlsxwriter is a tenth of a service's start-up imports,
    # and only an XLSX download needs it (issue 14, cold start).
    import xlsxwriter

    return xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )


def write(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """One cell, neutralised (formats for numbers and dates stay the caller's)."""
    sheet.write(row, col, cell(value), fmt)


def xlsx_bytes(sheets: dict[str, Sequence[Sequence[Any]]], *, bold_header: bool = True) -> bytes:
    """Sheets of rows (the first row of each a header, in bold)."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    bold = book.add_format({"bold": True}) if bold_header else None
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name[:31])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                write(sheet, r, c, value, bold if r == 0 else None)
    book.close()
    return buffer.getvalue()
