"""Guest list uploads: the raw file is stored first (answer 202), then a worker turns it into stays in
chunks. Each chunk — its stays, their events, the per-row results and the upload's progress
mark — commits in one transaction, so a process that dies mid-file resumes at the first
unfinished chunk and no row is registered twice (the natural key guards the rest)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common import intake
from luutru_common.db import UnitOfWork, raw_connection
from luutru_common.problems import FieldError, Problem
from luutru_ingest.core import checking, sheets, upload_parsing, upload_store
from luutru_ingest.core.registration import Outcome, Prepared, judge, store_judged
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
    """Register a guest list's rows from where the upload stopped, a chunk per transaction.

    The next chunk is read, parsed and judged by the rules in a thread while the current
    one is stored: that is two thirds of an upload's CPU, and it overlaps the waits on
    PostgreSQL instead of adding to them (bench/README.md)."""
    upload_id, next_row = upload.id, upload.next_row
    try:

        def open_sheet() -> tuple[intake.Sheet, intake.Layout, _ChunkReader]:
            # In the thread too: opening an XLSX reads its shared strings, seconds for a big
            # list, which would hold the worker's event loop (and the relay sharing it).
            sheet = intake.Sheet(upload.raw, upload.file_format)
            layout = sheet.layout(
                upload_parsing.GUESTS, mapping=upload.mapping, header_line=upload.header_row
            )
            return (
                sheet,
                layout,
                _ChunkReader(
                    sheet, layout, facility, next_row=next_row, size=settings.upload_chunk_rows
                ),
            )

        sheet, layout, reader = await asyncio.to_thread(open_sheet)
        chunk = await asyncio.to_thread(reader.next, rule)
        while chunk is not None:
            ahead = asyncio.ensure_future(asyncio.to_thread(reader.next, rule))
            try:
                next_row = await _store(
                    factory, upload_id, facility, chunk, next_row, settings, rule
                )
            except BaseException:
                ahead.cancel()  # its thread ends with its chunk; the result is dropped
                raise
            chunk = await ahead
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
        reader.total,
        None,
        layout=layout,
        extra=upload_parsing.skipped_notice(sheet.skipped),
    )


class _LeaseLost(Exception):
    """Another worker moved the upload on (our lease ran out): stop, its chunk rolled back."""


@dataclass
class _Chunk:
    """Rows of the file read and judged by the rules, not stored yet."""

    last_line: int
    now: datetime  # when it was judged: the rows' time of receipt
    lines: list[int]  # the rows whose cells all read, in order
    early: dict[int, list]  # line → errors of the rows refused by their cells
    cell_warnings: dict[int, list[FieldError]]
    absent: list[str]  # the foreign-guest columns the file does not have
    results: dict[int, Outcome] = field(default_factory=dict)  # refused by the rules
    prepared: list[Prepared] = field(default_factory=list)  # the rows to store


class _ChunkReader:
    """The file's rows from ``next_row`` on, ``size`` at a time. One chunk is read at a time
    (the caller awaits each before asking for the next), so a thread may do the reading."""

    def __init__(
        self,
        sheet: intake.Sheet,
        layout: intake.Layout,
        facility: FacilityView,
        *,
        next_row: int,
        size: int,
    ):
        self._rows = sheet.data_rows(layout)
        self._layout = layout
        self._facility = facility
        self._next_row = next_row
        self._size = size
        self.total = 0  # every data row of the file, once it has been read to the end

    def next(self, rule: DeadlineRule) -> _Chunk | None:
        """The next chunk, or None at the end of the file."""
        lines: list[tuple[int, list[Any]]] = []
        for line, row in self._rows:
            self.total += 1
            if line < self._next_row:
                continue  # done before a restart
            lines.append((line, row))
            if len(lines) >= self._size:
                break
        return self._parse(lines, rule) if lines else None

    def _parse(self, lines: list[tuple[int, list[Any]]], rule: DeadlineRule) -> _Chunk:
        now = datetime.now(UTC)
        on_day = arrival_on(rule, now)
        layout = self._layout
        absent = upload_parsing.absent_foreign_columns(layout)
        chunk = _Chunk(lines[-1][0], now, [], {}, {}, absent)
        items: list[tuple[int, object]] = []  # (line, record) of the rows whose cells all read
        for line, row in lines:
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
                chunk.early[line] = [
                    e.model_dump(mode="json")
                    for e in upload_parsing.fold_foreign_errors(errors, chunk.absent, pointer)
                ]
            if warnings:
                chunk.cell_warnings[line] = warnings
        chunk.lines = [line for line, _ in items]
        chunk.results, chunk.prepared = judge(
            items, facility=self._facility, rule=rule, now=now, pointer=_pointer
        )
        return chunk


def _pointer(line: int) -> str:
    return f"/rows/{line}"


async def _store(
    factory,
    upload_id: uuid.UUID,
    facility: FacilityView,
    chunk: _Chunk,
    next_row: int,
    settings: IngestSettings,
    rule: DeadlineRule,
) -> int:
    """Store one judged chunk with its results and the upload's progress mark, in one
    transaction; returns the next row to read."""
    new_next = chunk.last_line + 1
    async with UnitOfWork(factory) as uow:
        stay_ids = await store_judged(
            await raw_connection(uow.session),
            chunk.results,
            chunk.prepared,
            facility=facility,
            rule=rule,
            now=chunk.now,
            pointer=_pointer,
            upload_id=upload_id,
        )
        results = [chunk.results[line] for line in chunk.lines]
        counts = {"accepted": 0, "duplicate": 0, "rejected": len(chunk.early)}
        rows = [(line, "rejected", None, errs, []) for line, errs in chunk.early.items()]
        for r in results:
            counts[r.status] += 1
            pointer = f"/rows/{r.index}"
            errors = upload_parsing.fold_foreign_errors(r.errors, chunk.absent, pointer)
            warnings = chunk.cell_warnings.get(r.index, []) + r.warnings
            rows.append(
                (
                    r.index,
                    r.status,
                    stay_ids.get(r.index),
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
