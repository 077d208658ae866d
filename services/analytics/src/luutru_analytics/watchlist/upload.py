"""Reading a watchlist file (CSV or XLSX) with Vietnamese or English headers."""

from __future__ import annotations

from datetime import date
from typing import Any

from luutru_common import tabular
from luutru_common.identity import name_match_key

HEADERS = {
    "document_number": ("so giay to", "so dinh danh", "so cccd", "so ho chieu", "document_number"),
    "full_name": ("ho ten", "ho va ten", "full_name"),
    "date_of_birth": ("ngay sinh", "date_of_birth"),
    "reason": ("ly do", "reason"),
}


def _field_of(header: str) -> str | None:
    key = name_match_key(str(header)).lower().replace("_", " ")
    for field, names in HEADERS.items():
        if key in (n.replace("_", " ") for n in names):
            return field
    return None


def read_table(filename: str, content: bytes) -> list[list[Any]]:
    """Rows of the first sheet without the blank ones (any encoding; zip bombs refused)."""
    return [
        row
        for row in tabular.read_table(content, filename)
        if any(str(c).strip() for c in row if c is not None)
    ]


def parse_date(value: Any) -> date | None:
    return tabular.excel_date(value)


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
