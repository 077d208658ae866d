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
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common import intake
from luutru_common.db import UnitOfWork
from luutru_common.intake.xlsx_stream import XlsxError, first_sheet_path
from luutru_common.problems import FieldError, Problem
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Upload
from luutru_ingest.settings import IngestSettings
from luutru_ingest.stays import checking
from luutru_ingest.stays import service as stays
from luutru_ingest.trips.uploads import process_trip_upload
from luutru_ingest.uploads import parsing, repository, sheets

log = structlog.get_logger()

MAX_ATTEMPTS = 5
USUAL_ARRIVAL = time(14)  # a day without a time: the usual check-in hour


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


def arrival_on(rule: DeadlineRule, now: datetime) -> Callable[[date], datetime]:
    """What time an arrival given as a day alone stands for: the usual check-in hour, or now
    when that hour is still ahead today (a day's deadline is the same whatever its hour)."""
    local_now = now.astimezone(rule.timezone).replace(tzinfo=None)

    def on(day: date) -> datetime:
        usual = datetime.combine(day, USUAL_ARRIVAL)
        return min(usual, local_now.replace(microsecond=0)) if day == local_now.date() else usual

    return on


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
        await process_trip_upload(factory, upload, facility=facility, rule=rule)
        return
    try:
        sheet = intake.Sheet(raw, fmt)
        layout = sheet.layout(parsing.GUESTS, mapping=upload.mapping, header_line=upload.header_row)
        chunk: list[tuple[int, list[Any]]] = []
        total = 0
        for line, row in sheet.data_rows(layout):
            total += 1
            if line < next_row:
                continue  # done before a restart
            chunk.append((line, row))
            if len(chunk) >= settings.upload_chunk_rows:
                next_row = await _chunk(
                    factory, upload_id, facility, chunk, layout, next_row, settings, rule
                )
                chunk = []
        if chunk:
            next_row = await _chunk(
                factory, upload_id, facility, chunk, layout, next_row, settings, rule
            )
    except Problem as problem:
        await _finish(factory, upload_id, "failed", None, problem.to_model().model_dump())
        return
    except _LeaseLost:
        log.warning("upload_lease_lost", upload_id=str(upload_id))
        return
    await _finish(
        factory,
        upload_id,
        "done",
        total,
        None,
        layout=layout,
        extra=parsing.skipped_notice(sheet.skipped),
    )


class _LeaseLost(Exception):
    pass


def _error(code: str) -> dict:
    return {"code": code}


async def _finish(factory, upload_id, status, total, error, *, layout=None, extra=()) -> None:
    async with UnitOfWork(factory) as uow:
        notices = list(extra)
        if layout is not None and (absent := parsing.absent_foreign_columns(layout)):
            count = await repository.count_row_errors(
                uow.session, upload_id, "foreign-columns-missing"
            )
            if count:
                notices.append(parsing.foreign_notice(count, absent))
        await repository.finish(
            uow.session,
            upload_id,
            status=status,
            total_rows=total,
            error=error,
            at=datetime.now(UTC),
            add_notices=notices,
        )
        await uow.commit()


async def _chunk(
    factory,
    upload_id: uuid.UUID,
    facility: FacilityView,
    chunk: list[tuple[int, list[Any]]],
    layout: intake.Layout,
    next_row: int,
    settings: IngestSettings,
    rule: DeadlineRule,
) -> int:
    now = datetime.now(UTC)
    on_day = arrival_on(rule, now)
    absent = parsing.absent_foreign_columns(layout)
    items: list[tuple[int, object]] = []
    early: dict[int, list] = {}
    cell_warnings: dict[int, list[FieldError]] = {}
    for line, row in chunk:
        pointer = f"/rows/{line}"
        record, errors, warnings = parsing.record_of(
            row, layout, parsing.GUESTS, pointer, day_arrival=on_day
        )
        if errors:
            # Every violation at once: the rules still judge the cells that could be read.
            errors = checking.all_violations(record, errors, pointer=pointer, now=now)
        else:
            items.append((line, record))
        if errors:
            early[line] = [
                e.model_dump(mode="json")
                for e in parsing.fold_foreign_errors(errors, absent, pointer)
            ]
        if warnings:
            cell_warnings[line] = warnings
    new_next = chunk[-1][0] + 1
    async with UnitOfWork(factory) as uow:
        results = await stays.register(
            uow.session,
            facility=facility,
            items=items,
            rule=rule,
            now=now,
            pointer=lambda n: f"/rows/{n}",
            upload_id=upload_id,
        )
        counts = {"accepted": 0, "duplicate": 0, "rejected": len(early)}
        rows = [(line, "rejected", None, errs, []) for line, errs in early.items()]
        for r in results:
            counts[r.status] += 1
            pointer = f"/rows/{r.index}"
            errors = parsing.fold_foreign_errors(r.errors, absent, pointer)
            warnings = cell_warnings.get(r.index, []) + r.warnings
            rows.append(
                (
                    r.index,
                    r.status,
                    r.receipt.stay_id if r.receipt else None,
                    [e.model_dump(mode="json") for e in errors],
                    [w.model_dump(mode="json") for w in warnings],
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
    """The operator's header and own rows that were refused, with the reasons in a last
    column — ready to fix and upload again."""
    sheet = intake.Sheet(upload.raw, upload.file_format)
    target = parsing.TARGETS[upload.kind]
    layout = sheet.layout(target, mapping=upload.mapping, header_line=upload.header_row)
    header = [c.header for c in layout.columns]
    out = [[*header, sheets.ERROR_COLUMN]]
    for line, row in sheet.data_rows(layout):
        if line in rejected:
            cells = list(row) + [""] * (len(header) - len(row))
            out.append([*cells, sheets.error_message(rejected[line])])
    return out
