"""One feed, three shapes: JSON (default), CSV or XLSX — chosen by `?format=` or Accept."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import xlsxwriter
from fastapi import Request
from fastapi.responses import JSONResponse, Response

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wanted_format(request: Request) -> str:
    explicit = request.query_params.get("format")
    if explicit in ("json", "csv", "xlsx"):
        return explicit
    accept = request.headers.get("accept", "")
    if XLSX in accept:
        return "xlsx"
    if CSV in accept:
        return "csv"
    return "json"


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def render(request: Request, body: dict[str, Any], *, name: str) -> Response:
    """`body` holds metadata and `rows` (a list of flat dicts); CSV and XLSX carry the rows,
    with suppressed cells left empty."""
    fmt = wanted_format(request)
    if fmt == "json":
        return JSONResponse(_jsonable(body))
    rows = body["rows"]
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else _cell(row[c]) for c in columns])
        return Response(
            # A byte-order mark so spreadsheet programs read Vietnamese text as UTF-8.
            "\ufeff" + buffer.getvalue(),
            media_type=f"{CSV}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(name[:31])
    sheet.write_row(0, 0, columns)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [_cell(row[c]) for c in columns])
    workbook.close()
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
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
