"""The preview of an upload, as import wizards of hotel software show it: the header row found,
each column's field, the first rows checked against the rules, what is missing — and the
facility's last mapping offered again for a file with the same headers. Nothing is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common import intake
from luutru_common.db import raw_connection
from luutru_common.intake.cells import is_empty, text
from luutru_common.intake.header import requirement_label
from luutru_common.problems import FieldError, LocalizedMessage, validation_errors
from luutru_ingest.core import checking
from luutru_ingest.core import upload_parsing as parsing
from luutru_ingest.core.guest import PassengerIn
from luutru_ingest.core.registration import register
from luutru_ingest.core.upload_schemas import FieldChoice, PreviewRow, UploadPreview
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, UploadMapping
from luutru_ingest.uploads import service

PREVIEW_ROWS = 10


def field_choices(target: intake.Target) -> list[FieldChoice]:
    """The fields a column can be mapped to for this kind of upload, the required ones marked."""
    required = {f for need in target.required for f in need}
    return [
        FieldChoice(field=key, label=f.label, required=key in required)
        for key, f in target.vocabulary.fields.items()
        if target.uses(key)
    ]


async def preview(
    session: AsyncSession,
    raw: bytes,
    filename: str,
    target: intake.Target,
    *,
    facility: FacilityView,
    explicit: dict[str, str | None] | None,
    header_row: int | None,
    remembered: UploadMapping | None,
    rule: DeadlineRule,
) -> UploadPreview:
    """How a file would be read (header, mapping, first rows checked), storing nothing."""
    sheet = intake.open_sheet(raw, filename)
    found = sheet.layout(target, mapping=explicit, header_line=header_row, strict=False)
    source = "explicit" if explicit or header_row else "detected"
    if source == "detected" and remembered is not None and remembered.signature == found.signature:
        sheet = intake.Sheet(raw, sheet.format)
        found = sheet.layout(
            target, mapping=remembered.mapping, header_line=remembered.header_row, strict=False
        )
        source = "remembered"
    rows: list[PreviewRow] = []
    if found.recognised:
        head = []
        for line, cells in sheet.data_rows(found):
            head.append((line, cells))
            if len(head) >= PREVIEW_ROWS:
                break
        rows = await _checked(session, head, found, target, facility=facility, rule=rule)
    vocabulary = target.vocabulary
    return UploadPreview(
        kind=target.name,  # type: ignore[arg-type]
        file_format=sheet.format,
        header_row=found.header_line or None,
        header_found=found.recognised,
        mapping_source=source,  # type: ignore[arg-type]
        mapping={c.letter: c.field for c in found.columns if c.field or c.header},
        columns=parsing.columns_view(found),  # type: ignore[arg-type]
        missing=[
            LocalizedMessage(
                vi=f"Thiếu cột {requirement_label(need, vocabulary, 'vi')}",
                en=f"Missing column {requirement_label(need, vocabulary, 'en')}",
            )
            for need in found.missing
        ],
        notices=parsing.encoding_notices(sheet) + parsing.column_notices(found),  # type: ignore[arg-type]
        rows=rows,
        fields=field_choices(target),
    )


def _passenger_fields(record: dict[str, Any], pointer: str) -> list[FieldError]:
    only = {k: v for k, v in record.items() if k in parsing.PASSENGER_ONLY}
    try:
        PassengerIn.model_validate(only)
    except ValidationError as exc:
        errors = validation_errors(list(exc.errors()), strip_prefix=False)
        for e in errors:
            e.pointer = pointer + e.pointer
        return errors
    return []


async def _checked(
    session: AsyncSession,
    head: list[tuple[int, list[Any]]],
    found: intake.Layout,
    target: intake.Target,
    *,
    facility: FacilityView,
    rule: DeadlineRule,
) -> list[PreviewRow]:
    """The first rows read and judged by the same rules as the upload (a dry run)."""
    now = datetime.now(UTC)
    on_day = service.arrival_on(rule, now)
    absent = parsing.absent_foreign_columns(found)
    out: list[PreviewRow] = []
    for line, cells in head:
        pointer = f"/rows/{line}"
        record, errors, warnings = parsing.record_of(
            cells, found, target, pointer, day_arrival=on_day
        )
        shown = {intake.column_letter(i): text(c) for i, c in enumerate(cells) if not is_empty(c)}
        if found.missing:
            # Not judged yet: the rules would only repeat that required columns are missing.
            out.append(PreviewRow(row=line, cells=shown, values=record, status="unchecked"))
            continue
        if target is parsing.PASSENGERS:
            # A passenger is judged as a guest arriving now (the trip's time is in the form),
            # and the seat and stops by the manifest's own field rules.
            errors += _passenger_fields(record, pointer)
            judged = {k: v for k, v in record.items() if k not in parsing.PASSENGER_ONLY}
            judged["check_in_at"] = now.isoformat()
            errors = checking.all_violations(
                judged, errors, pointer=pointer, now=now, refuse_future=False
            )
        elif errors:
            errors = checking.all_violations(record, errors, pointer=pointer, now=now)
        else:
            [result] = await register(
                await raw_connection(session),
                facility=facility,
                items=[(line, record)],
                rule=rule,
                now=now,
                pointer=lambda n: f"/rows/{n}",
                dry_run=True,
            )
            errors, warnings = list(result.errors), warnings + list(result.warnings)
        errors = parsing.fold_foreign_errors(errors, absent, pointer)
        out.append(
            PreviewRow(
                row=line,
                cells=shown,
                values=record,
                status="rejected" if errors else "valid",
                errors=errors,
                warnings=warnings,
            )
        )
    return out
