"""A trip manifest sent as a file: the passenger rows plus the trip fields of the form. Like
the JSON manifest it is atomic — one transaction for the trip and every row's result."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError

from luutru_common.db import UnitOfWork
from luutru_common.problems import FieldError, Problem, validation_errors
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Upload
from luutru_ingest.trips import service
from luutru_ingest.trips.schemas import PassengerIn, TripIn
from luutru_ingest.uploads import parsing, repository

PASSENGER_KEYS = set(PassengerIn.model_fields)


def _row_of(pointer: str) -> int | None:
    parts = pointer.split("/")
    if len(parts) > 2 and parts[1] == "passengers" and parts[2].isdigit():
        return int(parts[2])
    return None


async def process_trip_upload(
    factory, upload: Upload, *, facility: FacilityView, rule: DeadlineRule
) -> None:
    now = datetime.now(UTC)
    rows: list[tuple[int, dict]] = []
    row_errors: dict[int, list[FieldError]] = {}
    trip_errors: list[FieldError] = []
    try:
        lines = parsing.iter_rows(upload.raw, upload.file_format)
        columns = parsing.map_headers(next(lines, []))
        line = 1
        for raw in lines:
            line += 1
            if parsing.is_blank(raw):
                continue
            record, errors = parsing.row_to_record(raw, columns, f"/rows/{line}")
            record = {k: v for k, v in record.items() if k in PASSENGER_KEYS}
            if errors:
                row_errors[line] = errors
            rows.append((line, record))
        data = TripIn.model_validate(
            {**(upload.trip_fields or {}), "passengers": [r for _, r in rows]}
        )
    except ValidationError as exc:
        for e in validation_errors(list(exc.errors()), strip_prefix=False):
            n = _row_of(e.pointer)
            if n is not None and n < len(rows):
                line = rows[n][0]
                e.pointer = e.pointer.replace(f"/passengers/{n}", f"/rows/{line}", 1)
                row_errors.setdefault(line, []).append(e)
            else:
                trip_errors.append(e)
        data = None
    except Problem as problem:
        trip_errors.append(
            FieldError.model_validate(
                {
                    "pointer": "",
                    "code": problem.code,
                    "message": {"vi": problem.detail or problem.title, "en": problem.title},
                }
            )
        )
        data = None

    async with UnitOfWork(factory) as uow:
        results: list[tuple] = []
        status = "done"
        if data is not None and not row_errors:
            try:
                receipt, _ = await service.submit(
                    uow.session, operator=facility, data=data, rule=rule, now=now
                )
                for r in receipt.passengers:
                    results.append(
                        (
                            rows[r.index][0],
                            "accepted",
                            None,
                            [],
                            [w.model_dump(mode="json") for w in r.warnings],
                        )
                    )
            except Problem as problem:
                for e in problem.errors:
                    n = _row_of(e.pointer)
                    if n is not None:
                        line = rows[n][0]
                        e.pointer = e.pointer.replace(f"/passengers/{n}", f"/rows/{line}", 1)
                        row_errors.setdefault(line, []).append(e)
                    else:
                        trip_errors.append(e)
                await uow.session.rollback()
        if row_errors or trip_errors or data is None:
            status = "failed" if trip_errors else "done"
            # All or nothing: every row is refused, the bad ones say why.
            results = [
                (
                    line,
                    "rejected",
                    None,
                    [e.model_dump(mode="json") for e in row_errors.get(line, [])],
                    [],
                )
                for line, _ in rows
            ]
        await repository.insert_rows(uow.session, upload.id, results)
        accepted = sum(1 for r in results if r[1] == "accepted")
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
            status=status,
            total_rows=len(rows),
            error={"errors": [e.model_dump(mode="json") for e in trip_errors]}
            if trip_errors
            else None,
            at=now,
        )
        await uow.commit()
