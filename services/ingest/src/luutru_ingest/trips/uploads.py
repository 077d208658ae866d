"""A trip manifest sent as a file: the passenger rows plus the trip fields of the form. Like
the JSON manifest it is atomic — one transaction for the trip and every row's result — and
like it, every passenger's violations come back at once: unreadable cells next to the rules
the rest of the row breaks, and the rules of every other row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError

from luutru_common import intake
from luutru_common.db import UnitOfWork
from luutru_common.problems import FieldError, Problem, validation_errors
from luutru_ingest.core import upload_parsing as parsing
from luutru_ingest.core import upload_store as repository
from luutru_ingest.core.checking import all_violations
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Upload
from luutru_ingest.trips import service
from luutru_ingest.trips.schemas import TripIn


def _row_of(pointer: str) -> int | None:
    parts = pointer.split("/")
    if len(parts) > 2 and parts[1] == "passengers" and parts[2].isdigit():
        return int(parts[2])
    return None


def _problem_error(problem: Problem) -> FieldError:
    return FieldError.model_validate(
        {
            "pointer": "",
            "code": problem.code,
            "message": {"vi": problem.detail or problem.title, "en": problem.title},
        }
    )


@dataclass
class PassengerSheet:
    """A passenger list as read: its rows, what was wrong with them or with the whole file."""

    rows: list[tuple[int, dict]] = field(default_factory=list)
    row_errors: dict[int, list[FieldError]] = field(default_factory=dict)
    trip_errors: list[FieldError] = field(default_factory=list)
    cell_warnings: dict[int, list[FieldError]] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def read_passengers(upload: Upload, *, departure: str, now: datetime) -> PassengerSheet:
    """Read every passenger row; a row with unreadable cells is judged as a guest arriving at
    the ``departure`` so that all its violations come back at once."""
    read = PassengerSheet()
    try:
        sheet = intake.Sheet(upload.raw, upload.file_format)
        layout = sheet.layout(
            parsing.PASSENGERS, mapping=upload.mapping, header_line=upload.header_row
        )
        read.absent = parsing.absent_foreign_columns(layout)
        for line, cells in sheet.data_rows(layout):
            pointer = f"/rows/{line}"
            record, errors, warnings = parsing.record_of(cells, layout, parsing.PASSENGERS, pointer)
            if warnings:
                read.cell_warnings[line] = warnings
            if errors:
                judged = {k: v for k, v in record.items() if k not in parsing.PASSENGER_ONLY}
                judged["check_in_at"] = departure
                read.row_errors[line] = all_violations(
                    judged, errors, pointer=pointer, now=now, refuse_future=False
                )
            read.rows.append((line, record))
        read.skipped = sheet.skipped
    except Problem as problem:
        read.trip_errors.append(_problem_error(problem))
    return read


async def process_trip_upload(
    factory, upload: Upload, *, facility: FacilityView, rule: DeadlineRule
) -> None:
    """Submit an uploaded passenger list as one manifest (all rows or none) and record a
    result per row."""
    now = datetime.now(UTC)
    fields = upload.trip_fields or {}
    read = read_passengers(upload, departure=fields.get("departure_at") or now.isoformat(), now=now)
    rows, row_errors, trip_errors = read.rows, read.row_errors, read.trip_errors
    absent, skipped, cell_warnings = read.absent, read.skipped, read.cell_warnings

    # The rows that could be read go through the manifest's own checks, so their violations
    # are reported even when other rows had unreadable cells (the trip is then refused).
    clean = [(line, record) for line, record in rows if line not in row_errors]

    def place(errors: list[FieldError]) -> None:
        for e in errors:
            n = _row_of(e.pointer)
            if n is not None and n < len(clean):
                line = clean[n][0]
                e.pointer = e.pointer.replace(f"/passengers/{n}", f"/rows/{line}", 1)
                row_errors.setdefault(line, []).append(e)
            else:
                trip_errors.append(e)

    data: TripIn | None = None
    if not trip_errors and clean:
        try:
            data = TripIn.model_validate({**fields, "passengers": [r for _, r in clean]})
        except ValidationError as exc:
            place(validation_errors(list(exc.errors()), strip_prefix=False))

    async with UnitOfWork(factory) as uow:
        results: list[tuple] = []
        if data is not None:
            try:
                receipt, _ = await service.submit(
                    uow.session, operator=facility, data=data, rule=rule, now=now
                )
                results = [
                    (
                        clean[r.index][0],
                        "accepted",
                        None,
                        [],
                        [
                            w.model_dump(mode="json")
                            for w in cell_warnings.get(clean[r.index][0], []) + r.warnings
                        ],
                    )
                    for r in receipt.passengers
                ]
            except Problem as problem:
                place(problem.errors)
                if not problem.errors:
                    trip_errors.append(_problem_error(problem))
            if row_errors or trip_errors:
                await uow.session.rollback()
        if row_errors or trip_errors or data is None:
            # All or nothing: every row is refused, the bad ones say why.
            results = [
                (
                    line,
                    "rejected",
                    None,
                    [
                        e.model_dump(mode="json")
                        for e in parsing.fold_foreign_errors(
                            row_errors.get(line, []), absent, f"/rows/{line}"
                        )
                    ],
                    [],
                )
                for line, _ in rows
            ]
        await repository.insert_rows(uow.session, upload.id, results)
        accepted = sum(1 for r in results if r[1] == "accepted")
        foreign = sum(
            1 for r in results if any(e["code"] == "foreign-columns-missing" for e in r[3])
        )
        await repository.advance(
            uow.session,
            upload.id,
            expected_next_row=upload.next_row,
            next_row=(rows[-1][0] + 1) if rows else upload.next_row,
            counts={"accepted": accepted, "rejected": len(results) - accepted},
            lease_s=30,
        )
        await repository.finish(
            uow.session,
            upload.id,
            status="failed" if trip_errors else "done",
            total_rows=len(rows),
            error={"errors": [e.model_dump(mode="json") for e in trip_errors]}
            if trip_errors
            else None,
            at=now,
            add_notices=parsing.skipped_notice(skipped)
            + ([parsing.foreign_notice(foreign, absent)] if foreign else []),
        )
        await uow.commit()
