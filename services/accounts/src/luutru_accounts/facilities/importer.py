"""Bulk import of the facility lists the police already hold.

The file is read through the shared intake (luutru_common.intake), like every upload of the
platform: CSV in any encoding, XLSX, XLS or ODS; the header row found under title and blank
rows; rows numbered as the spreadsheet shows them; the same file problems and codes
everywhere. The fields are the facility's own — here "Số phòng" is a number of rooms, not a
guest's room — matched accent-, case- and punctuation-insensitively, in Vietnamese or English.

Each row is validated on its own and created inside its own savepoint, with its manager
account, FacilityRegistered and audit row: a bad row is reported and skipped (partial
acceptance), a good row is created whole, nothing is half-created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Actor
from luutru_accounts.core import facility_repository as repository
from luutru_accounts.facilities import service
from luutru_accounts.facilities.schemas import FacilityCreate, ManagerCredentials
from luutru_common import intake
from luutru_common.facility_types import FACILITY_TYPES
from luutru_common.identity import name_match_key
from luutru_common.intake import notices
from luutru_common.intake.cells import text as cell_text
from luutru_common.intake.notices import Notice
from luutru_common.problems import FieldError, Problem, validation_errors

# The facility's fields and the headers that name them (compared by their header key:
# accents, case and punctuation folded). Not the person vocabulary: "Số phòng" here is how
# many rooms the facility has, "Tên" its name.
FACILITY_FIELDS = intake.Vocabulary(
    [
        intake.Field("row_number", "STT", "No.", ("TT", "Số TT", "Số thứ tự")),
        intake.Field("name", "Tên cơ sở", "Facility name", ("Tên", "Name")),
        intake.Field(
            "facility_type",
            "Loại hình",
            "Facility type",
            ("Loại cơ sở", "Loại hình cơ sở", "Type"),
        ),
        intake.Field("star_rating", "Hạng sao", "Star rating", ("Số sao", "Stars")),
        intake.Field("province_code", "Mã tỉnh", "Province code", ("Province",)),
        intake.Field(
            "commune_code",
            "Mã xã",
            "Commune code",
            ("Mã xã/phường", "Mã phường/xã", "Commune"),
        ),
        intake.Field("street", "Địa chỉ", "Street", ("Số nhà, đường", "Address")),
        intake.Field("zone", "Khu công nghiệp", "Zone", ("Khu kinh tế", "KCN/KKT")),
        intake.Field("rooms", "Số phòng", "Rooms"),
        intake.Field("beds", "Số giường", "Beds"),
        intake.Field("vehicles", "Số xe", "Vehicles"),
        intake.Field("seats", "Số ghế", "Seats"),
        intake.Field(
            "business_licence_number",
            "Số giấy phép kinh doanh",
            "Business licence number",
            (
                "Số GPKD",
                "Giấy phép kinh doanh",
                "Business license number",
                "Licence number",
            ),
        ),
        intake.Field(
            "legal_representative",
            "Người đại diện",
            "Legal representative",
            ("Người đại diện pháp luật",),
        ),
        intake.Field("contact_phone", "Điện thoại", "Phone", ("Số điện thoại", "Contact phone")),
        intake.Field("contact_email", "Email", "Email", ("Thư điện tử", "Contact email")),
    ]
)
FACILITIES = intake.Target(
    name="facilities",
    vocabulary=FACILITY_FIELDS,
    stores=frozenset(FacilityCreate.model_fields),
    required=(("name",), ("facility_type",), ("province_code",), ("commune_code",)),
)
_TYPE_KEYS = {
    name_match_key(label): t.code
    for t in FACILITY_TYPES
    for label in (t.code, t.name_vi, t.name_en)
}


def _headers(field: intake.Field) -> str:
    return ", ".join(f"“{h}”" for h in (field.vi, field.en, *field.synonyms))


DESCRIPTION = (
    "Bảng tính CSV (UTF-8 có hoặc không BOM, UTF-16, Windows-1258; phân cách dấu phẩy, chấm "
    "phẩy hoặc tab), XLSX, XLS hoặc ODS (trang tính đầu tiên). Dòng tiêu đề được tìm trong 20 "
    "dòng đầu (có thể có dòng tựa đề, dòng trống phía trên); tiêu đề tiếng Việt hoặc tiếng "
    "Anh, không phân biệt hoa thường, dấu: "
    + "; ".join(
        f"{f.key}: {_headers(f)}" for f in FACILITY_FIELDS.fields.values() if f.key != "row_number"
    )
    + ". Bắt buộc có các cột tên, loại hình, mã tỉnh, mã xã; thiếu thì cả tệp bị từ chối (422 "
    "headers-unknown, nêu các cột tìm thấy và cột thiếu). Loại hình theo mã (hotel) hoặc tên "
    "(Khách sạn). Số điện thoại, số giấy phép Excel lưu dạng số (mất số 0 đầu) được thêm lại "
    "số 0. Mỗi dòng một kết quả, `row` là số dòng như bảng tính hiển thị; dòng lỗi bị "
    "bỏ qua, dòng hợp lệ được tạo đầy đủ (tài khoản quản lý, sự kiện). Số giấy phép đã có thì "
    "dòng bị từ chối, nên nhập lại cùng tệp không tạo trùng. Cột không đọc được nêu trong "
    "`notices`. Lỗi tệp: 413 file-too-large, 413 archive-too-large (nghi zip bomb), 413 "
    "too-many-rows, 415 file-unsupported (không phải bảng tính, ví dụ PDF, Word), 422 "
    "file-empty, 422 file-unreadable (tệp hỏng), 422 headers-unknown. / A CSV (UTF-8 with "
    "or without BOM, UTF-16, Windows-1258; comma, semicolon or tab), XLSX, XLS or ODS "
    "spreadsheet (first sheet). The header row is looked for in the first 20 lines (title and "
    "blank rows above it are fine); headers in Vietnamese or English, whatever their case and "
    "accents (listed above by field). The name, type, province code and commune code columns "
    "are required, or the whole file is refused (422 headers-unknown, naming the columns found "
    "and those missing). The type is a code (hotel) or a name (Khách sạn). A phone or "
    "licence number Excel kept as a number (its leading 0 lost) gets the 0 back. One result per "
    "row, `row` being the line number the spreadsheet shows; bad rows are skipped, good rows "
    "are created whole (manager account, event). A row whose licence number already exists "
    "is refused, so importing the same file twice creates no duplicates. Columns not read "
    "are listed in `notices`. File problems: 413 file-too-large, 413 archive-too-large (a zip "
    "bomb?), 413 too-many-rows, 415 file-unsupported (not a spreadsheet: a PDF, a Word "
    "document), 422 file-empty, 422 file-unreadable (damaged), 422 headers-unknown. "
    "`dry_run=true` validates only."
)


class RowResult(BaseModel):
    row: int = Field(
        description="Số dòng như bảng tính hiển thị / The line number the spreadsheet shows"
    )
    status: Literal["created", "valid", "rejected"]
    facility_id: str | None = None
    facility_code: str | None = None
    manager: ManagerCredentials | None = None
    errors: list[FieldError] = Field(default_factory=list)


class ImportReport(BaseModel):
    dry_run: bool
    total: int
    created: int
    rejected: int
    header_row: int | None = Field(
        default=None, description="Dòng tiêu đề trong tệp / The header's line in the file"
    )
    notices: list[Notice] = Field(
        default_factory=list,
        description="Cột không đọc (không nhận ra, trùng) / Columns not read",
    )
    rows: list[RowResult]


@dataclass
class FacilitySheet:
    layout: intake.Layout
    rows: list[tuple[int, dict[str, str]]]  # (line as the sheet shows it, {field: text})


# Identifiers whose first digit is always 0 at these lengths, so that a number cell (which
# keeps no leading 0) holding one digit less lost it: a mobile number (0 + 9 digits), a
# landline (02x… : 0 + 10 digits), an enterprise code as business licence number (10 digits,
# the province first: 0301234567 for Hồ Chí Minh City).
_LEADING_ZERO = {
    "contact_phone": lambda digits: len(digits) == 9 or (len(digits) == 10 and digits[0] == "2"),
    "business_licence_number": lambda digits: len(digits) == 9,
}


def _cell(value: object, field: str = "") -> str:
    """A cell as the clerk sees it (the intake's reading: NFC, no invisible characters nor
    Excel's text apostrophe); a phone or licence number that Excel stored as a number gets back
    the leading 0 it lost — kept without it, it is someone else's number, and the same
    facility's licence typed as text would not be seen as already imported."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    shown = cell_text(value)
    lost_zero = _LEADING_ZERO.get(field)
    number_cell = isinstance(value, int | float) and not isinstance(value, bool)
    if lost_zero and number_cell and shown.isdigit() and lost_zero(shown):
        return "0" + shown
    return shown


def read_sheet(content: bytes, *, filename: str | None, max_rows: int) -> FacilitySheet:
    """The layout and (line, {field: text}) for each non-blank data row; the shared file
    problems otherwise (415 file-unsupported, 413 archive-too-large / too-many-rows, 422
    file-empty / file-unreadable / headers-unknown with the missing columns)."""
    sheet = intake.open_sheet(content, filename or "")
    layout = sheet.layout(FACILITIES)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in sheet.data_rows(layout):
        if len(rows) >= max_rows:
            raise intake.file_problem(
                "too-many-rows",
                f"tối đa {max_rows} dòng mỗi tệp",
                f"at most {max_rows} rows per file",
            )
        values = {
            field: text
            for index, field in layout.fields.items()
            if index < len(cells) and (text := _cell(cells[index], field)) != ""
        }
        rows.append((line, values))
    return FacilitySheet(layout, rows)


def column_notices(layout: intake.Layout) -> list[Notice]:
    """A notice per column of the sheet that the import does not read."""
    return [Notice.model_validate(n) for n in notices.column_notices(layout, FACILITY_FIELDS)]


def _to_facility(values: dict[str, str]) -> FacilityCreate:
    data: dict[str, object] = dict(values)
    if "facility_type" in values:
        data["facility_type"] = _TYPE_KEYS.get(
            name_match_key(values["facility_type"]), values["facility_type"]
        )
    if "star_rating" in values:
        # "3", "3 sao", "3*" all mean three stars
        digits = "".join(c for c in values["star_rating"] if c.isdigit())
        data["star_rating"] = digits or values["star_rating"]
    return FacilityCreate.model_validate(data)


async def import_rows(
    session: AsyncSession,
    sheet: FacilitySheet,
    *,
    actor: Actor,
    dry_run: bool,
) -> ImportReport:
    """Check every row, and unless a dry run register the valid ones (each in its own
    savepoint); one result per row, with a new manager's one-time password where created."""
    results: list[RowResult] = []
    seen_licences: set[str] = set()
    for number, values in sheet.rows:
        try:
            data = _to_facility(values)
        except ValidationError as exc:
            errors = validation_errors(list(exc.errors()), strip_prefix=False)
            results.append(RowResult(row=number, status="rejected", errors=errors))
            continue
        errors = service.validate(data)
        licence = data.business_licence_number
        if licence and (
            licence in seen_licences or await repository.licence_taken(session, licence)
        ):
            errors.append(service.licence_error())
        if errors:
            results.append(RowResult(row=number, status="rejected", errors=errors))
            continue
        if licence:
            seen_licences.add(licence)
        if dry_run:
            results.append(RowResult(row=number, status="valid"))
            continue
        try:
            # One savepoint per row: a row that fails late leaves nothing behind.
            async with session.begin_nested():
                facility, username, password = await service.register_facility(
                    session, data=data, actor=actor
                )
        except Problem as problem:
            results.append(RowResult(row=number, status="rejected", errors=problem.errors))
            continue
        results.append(
            RowResult(
                row=number,
                status="created",
                facility_id=str(facility.id),
                facility_code=facility.code,
                manager=ManagerCredentials(username=username, one_time_password=password),
            )
        )
    created = sum(r.status == "created" for r in results)
    rejected = sum(r.status == "rejected" for r in results)
    return ImportReport(
        dry_run=dry_run,
        total=len(results),
        created=created,
        rejected=rejected,
        header_row=sheet.layout.header_line or None,
        notices=column_notices(sheet.layout),
        rows=results,
    )
