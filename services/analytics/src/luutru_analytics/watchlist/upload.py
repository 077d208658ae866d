"""Reading a watchlist file (CSV or XLSX) with Vietnamese or English headers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from python_calamine import CalamineWorkbook

from luutru_common.identity import name_match_key

HEADERS = {
    "document_number": ("so giay to", "so dinh danh", "so cccd", "so ho chieu", "document_number"),
    "full_name": ("ho ten", "ho va ten", "full_name"),
    "date_of_birth": ("ngay sinh", "date_of_birth"),
    "reason": ("ly do", "reason"),
}
EXCEL_EPOCH = date(1899, 12, 30)


def _field_of(header: str) -> str | None:
    key = name_match_key(str(header)).lower().replace("_", " ")
    for field, names in HEADERS.items():
        if key in (n.replace("_", " ") for n in names):
            return field
    return None


def read_table(filename: str, content: bytes) -> list[list[Any]]:
    if filename.lower().endswith((".xlsx", ".xls", ".ods")):
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=True)
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    if text.isdigit():
        return EXCEL_EPOCH + timedelta(days=int(text))
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def rows_as_dicts(table: list[list[Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows keyed by field; the second value lists headers we did not recognise."""
    if not table:
        return [], []
    fields = [_field_of(h) for h in table[0]]
    unknown = [str(h) for h, f in zip(table[0], fields, strict=True) if f is None]
    rows = []
    for raw in table[1:]:
        row: dict[str, Any] = {}
        for f, value in zip(fields, raw, strict=False):
            if f is not None:
                row[f] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    return rows, unknown
