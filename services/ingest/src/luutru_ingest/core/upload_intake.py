"""Taking a file in, for any kind of upload (a guest list, a trip's passengers): read it
within limits, check it as the worker will read it, store it as sent and answer 202; and
close an upload once processed. The kinds' own processing lives with their feature."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Form, Request, UploadFile
from fastapi.responses import JSONResponse

from luutru_common import intake
from luutru_common.db import UnitOfWork
from luutru_common.intake.xlsx_stream import XlsxError, first_sheet_path
from luutru_common.problems import Problem
from luutru_ingest.core import upload_parsing, upload_store
from luutru_ingest.core.upload_schemas import RowResult, UploadStatus
from luutru_ingest.models import FacilityView, Upload
from luutru_ingest.settings import IngestSettings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def read_limited(file: UploadFile, limit: int) -> bytes:
    """Read at most ``limit`` bytes; more is a 413 before the rest is even read."""
    parts, size = [], 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > limit:
            mb = limit // (1024 * 1024)
            raise intake.file_problem("file-too-large", f"tối đa {mb} MB", f"at most {mb} MB")
        parts.append(chunk)
    if size == 0:
        raise intake.file_problem("file-empty")
    return b"".join(parts)


MappingForm = Annotated[
    str | None,
    Form(
        max_length=10_000,
        description=(
            'Ghép cột tự chọn, JSON: {"A": "full_name", "F": "id_number", "G": null} (null: bỏ '
            "qua cột); cột không nêu được tự nhận / An explicit column mapping as JSON, column "
            "letter → field (null ignores the column); columns not named are detected"
        ),
    ),
]
HeaderRowForm = Annotated[
    int | None,
    Form(
        ge=1,
        le=intake.HEADER_SCAN,
        description="Dòng tiêu đề, nếu không muốn tự tìm / The header's line, instead of detection",
    ),
]


def parse_mapping(text: str | None, target: intake.Target) -> dict[str, str | None] | None:
    """An explicit column mapping sent as JSON, checked against the kind's fields."""
    if not text:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise Problem(
            422,
            "mapping-invalid",
            "The column mapping is invalid",
            'Ghép cột phải là JSON dạng {"A": "full_name"} / The mapping must be JSON like '
            '{"A": "full_name"}',
        )
    return intake.validate_mapping(raw, target)


def _xlsx_declared_rows(raw: bytes) -> int | None:
    """The first sheet's <dimension ref="A1:Q100001"> without parsing the sheet (the sheet the
    reader will use, found through the workbook, not assumed to be sheet1.xml)."""
    try:
        with (
            zipfile.ZipFile(io.BytesIO(raw)) as archive,
            archive.open(first_sheet_path(archive)) as sheet,
        ):
            head = sheet.read(4096).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, XlsxError):
        return None
    match = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(match.group(1)) - 1 if match else None


def check_file(
    raw: bytes,
    filename: str,
    settings: IngestSettings,
    target: intake.Target,
    *,
    mapping: dict[str, str | None] | None = None,
    header_row: int | None = None,
) -> tuple[intake.Sheet, intake.Layout]:
    """Refuse what we will not process before storing it: the file type, an archive that
    expands too much, a sheet whose header does not name the required columns (422
    headers-unknown saying what was found and what is missing), too many rows."""
    sheet = intake.open_sheet(raw, filename)
    layout = sheet.layout(target, mapping=mapping, header_line=header_row)
    if sheet.format == "xlsx":
        declared = _xlsx_declared_rows(raw)
    else:
        declared = sum(1 for _ in sheet.data_rows(layout))
    if declared is not None and declared > settings.upload_max_rows:
        raise intake.file_problem(
            "too-many-rows",
            f"tối đa {settings.upload_max_rows} dòng mỗi tệp, tệp này có {declared}",
            f"at most {settings.upload_max_rows} rows per file, this one has {declared}",
        )
    return sheet, layout


async def accept_upload(
    request: Request,
    uow,
    facility: FacilityView,
    uploaded_by: str,
    file: UploadFile,
    *,
    target: intake.Target,
    mapping: str | None,
    header_row: int | None,
    trip_fields: dict | None = None,
) -> JSONResponse:
    """Check the file as the worker will read it, store it as sent, answer 202. Nothing is
    stored for a file the worker could not read or whose header lacks a required column.
    ``facility`` is the uploader's, already checked (core.facility's dependencies)."""
    settings = request.app.state.settings
    explicit = parse_mapping(mapping, target)
    raw = await read_limited(file, settings.upload_max_bytes)
    filename = (file.filename or target.name)[:200]
    sheet, layout = check_file(
        raw, filename, settings, target, mapping=explicit, header_row=header_row
    )
    async with uow:
        record = Upload(
            id=uuid.uuid4(),
            facility_id=facility.id,
            kind=target.name,
            filename=filename,
            file_format=sheet.format,
            raw=raw,
            size=len(raw),
            uploaded_by=uploaded_by,
            trip_fields=trip_fields,
            status="pending",
            next_row=2,
            accepted=0,
            duplicates=0,
            rejected=0,
            attempts=0,
            created_at=datetime.now(UTC),
            mapping=explicit,
            header_row=header_row,
            layout=upload_parsing.layout_view(layout),
            notices=upload_parsing.encoding_notices(sheet) + upload_parsing.column_notices(layout),
        )
        uow.session.add(record)
        if explicit:
            detected = intake.Sheet(raw, sheet.format).layout(target, strict=False)
            await upload_store.remember_mapping(
                uow.session,
                facility.id,
                target.name,
                signature=detected.signature,
                mapping=explicit,
                header_row=header_row,
            )
        await uow.commit()
    body = status_of(record, []).model_dump(mode="json")
    return JSONResponse(body, 202, headers={"Location": f"/v1/uploads/{record.id}"})


def status_of(upload: Upload, rows, *, limit: int = 0) -> UploadStatus:
    """An upload's progress and the given rows' results; ``limit``: the page size asked for
    (a full page has a next one)."""
    results = [
        RowResult(
            row=r.row_number,
            status=r.status,
            stay_id=r.stay_id,
            errors=r.errors,
            warnings=r.warnings,
        )
        for r in rows
    ]
    layout = upload.layout or {}
    return UploadStatus(
        upload_id=upload.id,
        kind=upload.kind,  # type: ignore[arg-type]
        filename=upload.filename,
        status=upload.status,  # type: ignore[arg-type]
        total_rows=upload.total_rows,
        processed_rows=upload.accepted + upload.duplicates + upload.rejected,
        accepted=upload.accepted,
        duplicates=upload.duplicates,
        rejected=upload.rejected,
        created_at=upload.created_at,
        finished_at=upload.finished_at,
        error=upload.error,
        header_row=layout.get("header_row"),
        columns=layout.get("columns", []),
        notices=upload.notices or [],
        results=results,
        next_after_row=results[-1].row if limit and len(results) == limit else None,
    )


def failure(code: str) -> dict:
    """The error of an upload refused as a whole, by its code."""
    return {"code": code}


async def finish(factory, upload_id, status, total, error, *, layout=None, extra=()) -> None:
    """Close an upload: its status, its row count, its error, and the notices about the
    file (with how many rows missed the foreigners' columns when ``layout`` lacked them)."""
    async with UnitOfWork(factory) as uow:
        notices = list(extra)
        if layout is not None and (absent := upload_parsing.absent_foreign_columns(layout)):
            count = await upload_store.count_row_errors(
                uow.session, upload_id, "foreign-columns-missing"
            )
            if count:
                notices.append(upload_parsing.foreign_notice(count, absent))
        await upload_store.finish(
            uow.session,
            upload_id,
            status=status,
            total_rows=total,
            error=error,
            at=datetime.now(UTC),
            add_notices=notices,
        )
        await uow.commit()
