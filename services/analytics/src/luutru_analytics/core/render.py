"""One feed, three shapes: JSON (default), CSV or XLSX — chosen by `?format=` or Accept.
With `?lang=vi|en` the CSV and XLSX are for people (labels.py): headers in that language,
percentages, yes/no, dates and lateness as people write them."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from luutru_analytics.core import labels
from luutru_common import safe_sheets

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The OpenAPI `responses` entry of an endpoint that answers through `render`.
FORMATS = {200: {"content": {CSV: {}, XLSX: {}}}}


def wanted_format(request: Request) -> str:
    """json, csv or xlsx: `?format=` first, else the Accept header, else JSON."""
    explicit = request.query_params.get("format")
    if explicit in ("json", "csv", "xlsx"):
        return explicit
    accept = request.headers.get("accept", "")
    if XLSX in accept:
        return "xlsx"
    if CSV in accept:
        return "csv"
    return "json"


def wanted_lang(request: Request) -> labels.Lang | None:
    """The language of an export for people; None for the keys and values of the JSON."""
    lang = request.query_params.get("lang")
    return lang if lang in ("vi", "en") else None


def render(request: Request, body: dict[str, Any], *, name: str) -> Response:
    """`body` holds metadata and `rows` (a list of flat dicts); CSV and XLSX carry the rows,
    with suppressed cells left empty."""
    fmt = wanted_format(request)
    if fmt == "json":
        return JSONResponse(_jsonable(body))
    rows = body["rows"]
    columns = list(rows[0]) if rows else []
    lang = wanted_lang(request)
    if lang is not None:
        return _for_people(fmt, rows, columns, lang, name=name, by=body.get("by"))
    table = [columns, *([row[c] for c in columns] for row in rows)]
    if fmt == "csv":
        return Response(
            safe_sheets.csv_bytes(table),
            media_type=f"{CSV}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        safe_sheets.xlsx_bytes({name: table}, bold_header=False),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _for_people(
    fmt: str, rows: list[dict], columns: list[str], lang: labels.Lang, *, name: str, by: Any
) -> Response:
    columns = labels.columns_for_people(columns)
    # A group's name stands in its code's column, under the same header ("Nhóm" / "Group").
    headers = [labels.header("key" if c == "name" else c, lang) for c in columns]
    if "name" in columns:  # a group without a known name keeps its code, as people read it
        rows = [
            {**r, "name": r["name"] or labels.text_value("key", r.get("key"), lang, by=by)}
            for r in rows
        ]
    filename = name
    if fmt == "csv":
        table = [
            headers,
            *([labels.text_value(c, row[c], lang, by=by) for c in columns] for row in rows),
        ]
        return Response(
            safe_sheets.csv_bytes(table),
            media_type=f"{CSV}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    # XLSX: numbers stay numbers (a percentage is a number shown as one, dates are dates), so
    # the sheet can still be summed and charted; the rest is written as people read it.
    buffer = io.BytesIO()
    workbook = safe_sheets.workbook(buffer)
    sheet = workbook.add_worksheet(name[:31])
    bold = workbook.add_format({"bold": True})
    as_percent = workbook.add_format({"num_format": "0.0%"})
    as_decimal = workbook.add_format({"num_format": "0.00"})
    as_date = workbook.add_format({"num_format": "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"})
    for j, header in enumerate(headers):
        safe_sheets.write(sheet, 0, j, header, bold)
    for i, row in enumerate(rows, start=1):
        for j, c in enumerate(columns):
            value = row[c]
            if value is None:
                sheet.write_blank(i, j, None)
            elif c in labels.PERCENT:
                sheet.write_number(i, j, value, as_percent)
            elif c in labels.DECIMAL:
                sheet.write_number(i, j, value, as_decimal)
            elif isinstance(value, date) and not isinstance(value, datetime):
                sheet.write_datetime(i, j, datetime(value.year, value.month, value.day), as_date)
            else:
                safe_sheets.write(sheet, i, j, labels.text_value(c, value, lang, by=by))
    sheet.set_column(0, max(len(columns) - 1, 0), 16)
    workbook.close()
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "hex") and type(value).__name__ == "UUID":
        return str(value)
    return value
