"""Guest list uploads: the raw file is stored first (answer 202), then a worker turns it into stays in
chunks. Each chunk — its stays, their events, the per-row results and the upload's progress
mark — commits in one transaction, so a process that dies mid-file resumes at the first
unfinished chunk and no row is registered twice (the natural key guards the rest)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common import intake
from luutru_common.db import UnitOfWork, raw_connection
from luutru_common.problems import FieldError, Problem
from luutru_ingest.core import checking, sheets, upload_parsing, upload_store
from luutru_ingest.core.registration import register
from luutru_ingest.core.upload_intake import finish
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Upload
from luutru_ingest.settings import IngestSettings

log = structlog.get_logger()

USUAL_ARRIVAL = time(14)  # a day without a time: the usual check-in hour


def arrival_on(rule: DeadlineRule, now: datetime) -> Callable[[date], datetime]:
    """What time an arrival given as a day alone stands for: the usual check-in hour, or now
    when that hour is still ahead today (a day's deadline is the same whatever its hour)."""
    local_now = now.astimezone(rule.timezone).replace(tzinfo=None)

    def on(day: date) -> datetime:
        usual = datetime.combine(day, USUAL_ARRIVAL)
        return min(usual, local_now.replace(microsecond=0)) if day == local_now.date() else usual

    return on


async def process_guests(
    factory: async_sessionmaker[AsyncSession],
    upload: Upload,
    *,
    facility: FacilityView,
    settings: IngestSettings,
    rule: DeadlineRule,
) -> None:
    """Register a guest list's rows from where the upload stopped, a chunk per transaction."""
    upload_id, next_row = upload.id, upload.next_row
    try:
        sheet = intake.Sheet(upload.raw, upload.file_format)
        layout = sheet.layout(
            upload_parsing.GUESTS, mapping=upload.mapping, header_line=upload.header_row
        )
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
        await finish(factory, upload_id, "failed", None, problem.to_model().model_dump())
        return
    except _LeaseLost:
        log.warning("upload_lease_lost", upload_id=str(upload_id))
        return
    await finish(
        factory,
        upload_id,
        "done",
        total,
        None,
        layout=layout,
        extra=upload_parsing.skipped_notice(sheet.skipped),
    )


class _LeaseLost(Exception):
    """Another worker moved the upload on (our lease ran out): stop, its chunk rolled back."""


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
    absent = upload_parsing.absent_foreign_columns(layout)
    items: list[tuple[int, object]] = []
    early: dict[int, list] = {}
    cell_warnings: dict[int, list[FieldError]] = {}
    for line, row in chunk:
        pointer = f"/rows/{line}"
        record, errors, warnings = upload_parsing.record_of(
            row, layout, upload_parsing.GUESTS, pointer, day_arrival=on_day
        )
        if errors:
            # Every violation at once: the rules still judge the cells that could be read.
            errors = checking.all_violations(record, errors, pointer=pointer, now=now)
        else:
            items.append((line, record))
        if errors:
            early[line] = [
                e.model_dump(mode="json")
                for e in upload_parsing.fold_foreign_errors(errors, absent, pointer)
            ]
        if warnings:
            cell_warnings[line] = warnings
    new_next = chunk[-1][0] + 1
    async with UnitOfWork(factory) as uow:
        results = await register(
            await raw_connection(uow.session),
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
            errors = upload_parsing.fold_foreign_errors(r.errors, absent, pointer)
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
        await upload_store.insert_rows(uow.session, upload_id, rows)
        if not await upload_store.advance(
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
    target = upload_parsing.TARGETS[upload.kind]
    layout = sheet.layout(target, mapping=upload.mapping, header_line=upload.header_row)
    header = [c.header for c in layout.columns]
    out = [[*header, sheets.ERROR_COLUMN]]
    for line, row in sheet.data_rows(layout):
        if line in rejected:
            cells = list(row) + [""] * (len(header) - len(row))
            out.append([*cells, sheets.error_message(rejected[line])])
    return out
