"""Uploads: the raw file is stored first (answer 202), then a worker turns it into stays in
chunks. Each chunk — its stays, their events, the per-row results and the upload's progress
mark — commits in one transaction, so a process that dies mid-file resumes at the first
unfinished chunk and no row is registered twice (the natural key guards the rest)."""

from __future__ import annotations

import asyncio
import io
import re
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common.db import UnitOfWork
from luutru_common.problems import Problem
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Upload
from luutru_ingest.settings import IngestSettings
from luutru_ingest.stays import service as stays
from luutru_ingest.uploads import parsing, repository, sheets
from luutru_ingest.uploads.xlsx_stream import XlsxError, first_sheet_path

log = structlog.get_logger()

MAX_ATTEMPTS = 5
HEADER_LINE = 1  # row numbers are the sheet's own line numbers; the header is line 1


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


def check_file(raw: bytes, filename: str, settings: IngestSettings) -> tuple[str, int | None]:
    """Refuse what we will not process before storing it: format, archive, headers, rows."""
    fmt = parsing.file_format(filename, raw)
    rows = parsing.iter_rows(raw, fmt) if fmt == "csv" else None
    declared: int | None = None
    if fmt == "xlsx":
        parsing.check_xlsx_archive(raw)
        declared = _xlsx_declared_rows(raw)
    else:
        assert rows is not None
        header = next(rows, [])
        if not parsing.map_headers(header):
            raise _no_headers()
        declared = sum(1 for _ in rows)
    if declared is not None and declared > settings.upload_max_rows:
        raise Problem(
            413,
            "too-many-rows",
            "Too many rows",
            f"Tối đa {settings.upload_max_rows} dòng mỗi tệp / At most "
            f"{settings.upload_max_rows} rows per file (this one has {declared})",
        )
    return fmt, declared


def _no_headers() -> Problem:
    return Problem(
        422,
        "headers-unknown",
        "No known column headers",
        "Dòng đầu không có tiêu đề cột nào quen thuộc; hãy dùng mẫu / The first row has no "
        "known column header; use the template",
    )


async def process(
    factory: async_sessionmaker[AsyncSession],
    upload_id: uuid.UUID,
    *,
    settings: IngestSettings,
    rule: DeadlineRule,
) -> None:
    """Process one claimed upload from where it stopped."""
    async with UnitOfWork(factory) as uow:
        upload = await repository.get(uow.session, upload_id)
        assert upload is not None
        facility = await uow.session.get(FacilityView, upload.facility_id)
    raw, fmt, next_row = upload.raw, upload.file_format, upload.next_row
    if upload.attempts > MAX_ATTEMPTS:
        # A file that crashed the worker this often would crash it forever.
        await _finish(factory, upload_id, "failed", None, _error("processing-failed"))
        return
    if facility is None or facility.status != "active":
        await _finish(factory, upload_id, "failed", None, _error("facility-not-active"))
        return
    if upload.kind == "trip":
        from luutru_ingest.trips.uploads import process_trip_upload

        await process_trip_upload(factory, upload, facility=facility, rule=rule)
        return
    try:
        rows = parsing.iter_rows(raw, fmt)
        header = next(rows, [])
        columns = parsing.map_headers(header)
        if not columns:
            raise _no_headers()
        chunk: list[tuple[int, list[Any]]] = []
        line = HEADER_LINE
        total = 0
        for row in rows:
            line += 1
            if parsing.is_blank(row):
                continue
            total += 1
            if line < next_row:
                continue  # done before a restart
            chunk.append((line, row))
            if len(chunk) >= settings.upload_chunk_rows:
                next_row = await _chunk(
                    factory, upload_id, facility, chunk, columns, next_row, settings, rule
                )
                chunk = []
        if chunk:
            next_row = await _chunk(
                factory, upload_id, facility, chunk, columns, next_row, settings, rule
            )
    except Problem as problem:
        await _finish(factory, upload_id, "failed", None, problem.to_model().model_dump())
        return
    except _LeaseLost:
        log.warning("upload_lease_lost", upload_id=str(upload_id))
        return
    await _finish(factory, upload_id, "done", total, None)


class _LeaseLost(Exception):
    pass


def _error(code: str) -> dict:
    return {"code": code}


async def _finish(factory, upload_id, status, total, error) -> None:
    async with UnitOfWork(factory) as uow:
        await repository.finish(
            uow.session,
            upload_id,
            status=status,
            total_rows=total,
            error=error,
            at=datetime.now(UTC),
        )
        await uow.commit()


async def _chunk(
    factory,
    upload_id: uuid.UUID,
    facility: FacilityView,
    chunk: list[tuple[int, list[Any]]],
    columns: dict[int, str],
    next_row: int,
    settings: IngestSettings,
    rule: DeadlineRule,
) -> int:
    items: list[tuple[int, object]] = []
    early: dict[int, list] = {}
    for line, row in chunk:
        record, errors = parsing.row_to_record(row, columns, f"/rows/{line}")
        if errors:
            early[line] = [e.model_dump(mode="json") for e in errors]
        else:
            items.append((line, record))
    new_next = chunk[-1][0] + 1
    async with UnitOfWork(factory) as uow:
        results = await stays.register(
            uow.session,
            facility=facility,
            items=items,
            rule=rule,
            now=datetime.now(UTC),
            pointer=lambda n: f"/rows/{n}",
            upload_id=upload_id,
        )
        counts = {"accepted": 0, "duplicate": 0, "rejected": len(early)}
        rows = [(line, "rejected", None, errs, []) for line, errs in early.items()]
        for r in results:
            counts[r.status] += 1
            rows.append(
                (
                    r.index,
                    r.status,
                    r.receipt.stay_id if r.receipt else None,
                    [e.model_dump(mode="json") for e in r.errors],
                    [w.model_dump(mode="json") for w in r.warnings],
                )
            )
        await repository.insert_rows(uow.session, upload_id, rows)
        if not await repository.advance(
            uow.session,
            upload_id,
            expected_next_row=next_row,
            next_row=new_next,
            counts=counts,
            lease_s=settings.upload_lease_s,
        ):
            raise _LeaseLost
        await uow.commit()
    if settings.upload_chunk_delay_s:
        await asyncio.sleep(settings.upload_chunk_delay_s)
    return new_next


def error_sheet(upload: Upload, rejected: dict[int, list]) -> list[list[Any]]:
    """The operator's own rows that were refused, with the reasons in a last column."""
    rows = parsing.iter_rows(upload.raw, upload.file_format)
    header = list(next(rows, []))
    out = [[*header, sheets.ERROR_COLUMN]]
    line = HEADER_LINE
    for row in rows:
        line += 1
        if line in rejected:
            cells = list(row) + [""] * (len(header) - len(row))
            out.append([*cells, sheets.error_message(rejected[line])])
    return out
