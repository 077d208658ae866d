"""What ingest's uploads feed, in the shared intake's terms: guest lists (CheckIn records) and
trip passenger sheets (PassengerIn records); and what the operator is told about the file as a
whole — columns not stored, not recognised or repeated, the foreigners' columns the sheet
lacks — once, not on every row.

Reading the file itself (formats, encodings, the header row, synonyms, cells) is
luutru_common.intake's, the same for every upload of the platform.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from luutru_common import intake
from luutru_common.intake import notices
from luutru_common.intake.person import person_record
from luutru_common.problems import FieldError, field_error
from luutru_ingest.core.guest import CheckIn, PassengerIn

_NAME = ("full_name", "family_name", "given_name", "qr")
_DOCUMENT = ("id_number", "passport_number", "document_number", "qr")
_PERSON_HELPERS = frozenset(
    {
        "family_name",
        "given_name",
        "document_type",
        "document_number",
        "check_in_time",
        "birth_male",
        "birth_female",
    }
)
_BIRTH = ("date_of_birth", "birth_male", "birth_female", "qr")
_GENDER = ("gender", "birth_male", "birth_female", "qr")

GUESTS = intake.Target(
    name="guests",
    vocabulary=intake.PERSON,
    stores=frozenset(CheckIn.model_fields),
    required=(_NAME, _BIRTH, _GENDER, _DOCUMENT, ("check_in_at",)),
    helpers=_PERSON_HELPERS,
)
PASSENGERS = intake.Target(
    name="trip",
    vocabulary=intake.PERSON,
    stores=frozenset(PassengerIn.model_fields),
    required=(_NAME, _BIRTH, _GENDER, _DOCUMENT),
    helpers=_PERSON_HELPERS - {"check_in_time"},
)
TARGETS = {"guests": GUESTS, "trip": PASSENGERS}
_ARRIVAL = ("check_in_at", "check_in_time")
PASSENGER_ONLY = frozenset({"seat", "boarding_point", "alighting_point"})

# A foreigner's registration needs these (Law 47/2014 Art. 33); a sheet without the columns
# gets one file-level notice, and each foreign guest's row one error instead of four.
FOREIGN_COLUMNS = {
    "visa-type-required": "visa_type",
    "visa-number-required": "visa_number",
    "entry-date-required": "entry_date",
    "entry-port-required": "entry_port",
}


def record_of(
    row: list[Any],
    layout: intake.Layout,
    target: intake.Target,
    pointer: str,
    *,
    day_arrival: Callable[[date], datetime] | None = None,
) -> tuple[dict[str, Any], list[FieldError], list[FieldError]]:
    """(record of the target's fields, cell errors, cell warnings) for one data row."""
    record, errors, warnings = person_record(row, layout, pointer, day_arrival=day_arrival)
    if (
        target is GUESTS
        and "check_in_at" not in record
        and not any(e.pointer.rsplit("/", 1)[-1] in _ARRIVAL for e in errors)
    ):
        errors.append(
            field_error(
                f"{pointer}/check_in_at",
                "required",
                "Thiếu ngày đến",
                "The arrival (check-in) date is missing",
            )
        )
    return {k: v for k, v in record.items() if k in target.stores}, errors, warnings


def skipped_notice(lines: list[int]) -> list[dict]:
    """The total and signature lines under a printed list, set aside (not refused)."""
    if not lines:
        return []
    shown = ", ".join(map(str, lines[:10])) + ("…" if len(lines) > 10 else "")
    return [
        notices.notice(
            "rows-skipped",
            None,
            f"Dòng {shown}: dòng tổng cộng hoặc chữ ký, không phải người — bỏ qua",
            f"Line {shown}: a total or signature line, not a person — skipped",
        )
    ]


def absent_foreign_columns(layout: intake.Layout) -> list[str]:
    """The foreigners' columns (visa, entry) the sheet does not have."""
    return [f for f in FOREIGN_COLUMNS.values() if not layout.has(f)]


def fold_foreign_errors(
    errors: list[FieldError], absent: list[str], pointer: str
) -> list[FieldError]:
    """A foreign guest's visa/entry errors for columns the sheet does not have become one
    error that says which columns to add."""
    if not absent:
        return errors
    kept = [e for e in errors if FOREIGN_COLUMNS.get(e.code) not in absent]
    if len(kept) == len(errors):
        return errors
    names_vi = ", ".join(intake.PERSON.fields[f].vi for f in absent)
    names_en = ", ".join(intake.PERSON.fields[f].en for f in absent)
    kept.append(
        field_error(
            pointer,
            "foreign-columns-missing",
            f"Khách nước ngoài: tệp thiếu cột {names_vi}",
            f"Foreign guest: the sheet has no column {names_en}",
        )
    )
    return kept


def foreign_notice(count: int, absent: list[str]) -> dict:
    """The notice for ``count`` foreign guests refused for want of the ``absent`` columns."""
    names_vi = ", ".join(f"“{intake.PERSON.fields[f].vi}”" for f in absent)
    names_en = ", ".join(f"“{intake.PERSON.fields[f].en}”" for f in absent)
    return notices.notice(
        "foreign-columns-missing",
        None,
        f"{count} khách nước ngoài cần các cột {names_vi}: thêm các cột này vào tệp (có sẵn "
        "trong mẫu) rồi tải lại các dòng bị từ chối",
        f"{count} foreign guests need the columns {names_en}: add them to the sheet (the "
        "template has them) and upload the refused rows again",
    )


_LEGACY_ENCODING_NOTICES = {
    "tcvn3": (
        "Tệp gõ bằng bảng mã TCVN3 (ABC, phông .VnTime): đã chuyển sang Unicode; hãy kiểm "
        "tra tên khách trong kết quả (chữ hoa của phông .VnTimeH thành chữ thường)",
        "The file is typed in the legacy TCVN3 (ABC) encoding: converted to Unicode; check "
        "the guests' names in the result (capitals of the .VnTimeH font come out lower case)",
    ),
    "vni": (
        "Tệp gõ bằng bảng mã VNI (phông VNI-Times): đã chuyển sang Unicode; hãy kiểm tra tên "
        "khách trong kết quả",
        "The file is typed in the legacy VNI encoding (VNI-Times fonts): converted to "
        "Unicode; check the guests' names in the result",
    ),
}


def encoding_notices(sheet: intake.Sheet) -> list[dict]:
    """A notice when the sheet was typed in a legacy encoding and converted to Unicode."""
    if sheet.encoding is None:
        return []
    vi, en = _LEGACY_ENCODING_NOTICES[sheet.encoding]
    return [notices.notice("legacy-encoding", None, vi, en)]


def column_notices(layout: intake.Layout) -> list[dict]:
    """Notices about the columns found: unknown, ignored, or not stored."""
    return notices.column_notices(
        layout,
        intake.PERSON,
        not_stored=("không lưu vào bản khai", "not stored in the registration"),
        mappable=True,
    )


def layout_view(layout: intake.Layout) -> dict:
    """What is kept of a layout with the upload, for its result."""
    return {"header_row": layout.header_line or None, "columns": columns_view(layout)}


def columns_view(layout: intake.Layout) -> list[dict]:
    """Each column of the sheet with its header, the field it was mapped to and why."""
    return [
        {
            "column": c.letter,
            "header": c.header,
            "field": c.field,
            "label": intake.PERSON.label(c.field) if c.field else None,
            "status": c.status,
        }
        for c in layout.columns
    ]
