"""Reading a watchlist file through the shared intake (luutru_common.intake), like every
upload of the platform: CSV in any encoding, XLSX, XLS or ODS; the header row found under
title and blank rows; headers in Vietnamese or English through the person vocabulary; rows
numbered as the spreadsheet shows them; the same file problems and codes everywhere.

A watchlist entry needs a document number, or a full name with a date of birth. Any of the
document columns gives the number ("Số giấy tờ", "Số CCCD", "Số hộ chiếu", "Số CMND"), and
"Họ" + "Tên" make the full name. A sheet whose columns cannot give either is refused before
anything is stored (422 headers-unknown); a row that gives neither is refused on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from luutru_analytics.watchlist.schemas import WatchlistEntryIn
from luutru_common import intake
from luutru_common.intake import notices
from luutru_common.intake.person import person_record
from luutru_common.problems import FieldError, field_error, validation_errors

# Where a row's document number can come from; the first one the row has is kept (the
# personal ID before the passport, as a guest's document number is chosen).
DOCUMENTS = ("id_number", "passport_number", "legacy_id_number", "document_number")
_NAME = "full_name"
_BIRTH = "date_of_birth"

WATCHLIST = intake.Target(
    name="watchlist",
    vocabulary=intake.PERSON,
    stores=frozenset(WatchlistEntryIn.model_fields),
    # A document, or a name and a date of birth: (document or name) and (document or birth).
    # The order puts the names shown in "missing column …" first.
    required=(
        ("id_number", _NAME, "passport_number", "legacy_id_number", "document_number"),
        ("id_number", _BIRTH, "passport_number", "legacy_id_number", "document_number"),
    ),
    # Read to build the stored fields: "Họ" + "Tên" → the name, every document column (and
    # its type) → the document number.
    helpers=frozenset({"family_name", "given_name", "document_type", *DOCUMENTS}),
)


@dataclass
class Row:
    """One data row: its line in the sheet, the entry when the row is good, and everything
    wrong with it (all at once)."""

    line: int
    entry: WatchlistEntryIn | None
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)


def open_watchlist(raw: bytes, filename: str) -> tuple[intake.Sheet, intake.Layout]:
    """The sheet and its layout; the shared file problems (415 file-unsupported, 413
    archive-too-large, 422 file-empty / file-unreadable / headers-unknown) otherwise."""
    sheet = intake.open_sheet(raw, filename)
    found = sheet.layout(WATCHLIST, strict=False)
    if not found.recognised:
        # A header row names at least two fields; a list of document numbers alone has one.
        found = _one_column_header(sheet) or found
    return sheet, sheet.require(found, WATCHLIST)


def _one_column_header(sheet: intake.Sheet) -> intake.Layout | None:
    for line, cells in sheet.head[: intake.HEADER_SCAN]:
        if intake.is_blank(cells):
            continue
        candidate = sheet.layout(WATCHLIST, header_line=line, strict=False)
        if candidate.fields and not candidate.missing:
            return candidate
    return None


def read_rows(sheet: intake.Sheet, layout: intake.Layout) -> Iterator[Row]:
    """Every data row of the sheet, checked (`check_row`)."""
    for line, cells in sheet.data_rows(layout):
        yield check_row(line, cells, layout)


def check_row(line: int, cells: list[Any], layout: intake.Layout) -> Row:
    """One spreadsheet line as a watchlist entry, or its errors (all of them at once)."""
    pointer = f"/rows/{line}"
    record, cell_errors, cell_warnings = person_record(cells, layout, pointer)
    errors = [_as_document(e, pointer) for e in cell_errors]
    warnings = [_as_document(w, pointer) for w in cell_warnings]
    data: dict[str, Any] = {
        key: record[key] for key in (_NAME, _BIRTH, "reason") if record.get(key) is not None
    }
    document = next((record[k] for k in DOCUMENTS if record.get(k)), None)
    if document is not None:
        data["document_number"] = document

    # Every violation at once: the rule is judged on what could be read, counting an
    # unreadable cell as given (its own error already says what is wrong with it).
    unreadable = {e.pointer for e in errors}

    def given(key: str) -> bool:
        return key in data or f"{pointer}/{key}" in unreadable

    if not (given("document_number") or (given(_NAME) and given(_BIRTH))):
        errors.append(
            field_error(
                pointer,
                "entry-incomplete",
                "Cần số giấy tờ, hoặc họ tên và ngày sinh",
                "Give a document number, or a full name with a date of birth",
            )
        )
    entry: WatchlistEntryIn | None = None
    try:
        entry = WatchlistEntryIn.model_validate(data)
    except ValidationError as exc:
        for e in validation_errors(list(exc.errors()), strip_prefix=False):
            if not e.pointer:
                continue  # the document-or-name-and-birth rule, said above
            at = pointer + e.pointer
            if at not in unreadable:
                errors.append(FieldError(pointer=at, code=e.code, message=e.message))
    return Row(line, None if errors else entry, errors, warnings)


def _as_document(error: FieldError, pointer: str) -> FieldError:
    """A cell error of any document column is the entry's document number's."""
    if error.pointer.removeprefix(pointer + "/") in DOCUMENTS:
        return error.model_copy(update={"pointer": f"{pointer}/document_number"})
    return error


def column_notices(layout: intake.Layout) -> list[dict]:
    """The columns of the file that were not read, and why, for the upload's answer."""
    return notices.column_notices(
        layout,
        intake.PERSON,
        not_stored=("danh sách truy nã không lưu cột này", "not kept on the watchlist"),
    )
