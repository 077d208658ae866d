"""Bulk import of the facility lists the police already hold (CSV or XLSX).

Headers may be Vietnamese ("Tên cơ sở", "Loại hình", "Mã xã", …) or English; they are matched
accent- and case-insensitively. Each row is validated on its own and created inside its own
savepoint, with its manager account, FacilityRegistered and audit row: a bad row is reported
and skipped (partial acceptance), a good row is created whole, nothing is half-created.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Actor
from luutru_accounts.facilities import repository, service
from luutru_accounts.facilities.schemas import FacilityCreate, ManagerCredentials
from luutru_common import tabular
from luutru_common.facility_types import FACILITY_TYPES
from luutru_common.identity import name_match_key
from luutru_common.problems import FieldError, Problem, field_error, validation_errors

# field → accepted headers (compared by their accent-folded upper-case key)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("Tên cơ sở", "Tên", "Name", "Facility name"),
    "facility_type": ("Loại hình", "Loại cơ sở", "Loại hình cơ sở", "Type", "Facility type"),
    "star_rating": ("Hạng sao", "Số sao", "Star rating", "Stars"),
    "province_code": ("Mã tỉnh", "Province code", "Province"),
    "commune_code": ("Mã xã", "Mã xã/phường", "Mã phường/xã", "Commune code", "Commune"),
    "street": ("Địa chỉ", "Số nhà, đường", "Street", "Address"),
    "zone": ("Khu công nghiệp", "Khu kinh tế", "KCN/KKT", "Zone"),
    "rooms": ("Số phòng", "Rooms"),
    "beds": ("Số giường", "Beds"),
    "vehicles": ("Số xe", "Vehicles"),
    "seats": ("Số ghế", "Seats"),
    "business_licence_number": (
        "Số giấy phép kinh doanh",
        "Số GPKD",
        "Giấy phép kinh doanh",
        "Business licence number",
        "Business license number",
        "Licence number",
    ),
    "legal_representative": ("Người đại diện", "Người đại diện pháp luật", "Legal representative"),
    "contact_phone": ("Điện thoại", "Số điện thoại", "Phone", "Contact phone"),
    "contact_email": ("Email", "Thư điện tử", "Contact email"),
}
_HEADER_KEYS = {
    name_match_key(h): field for field, names in HEADERS.items() for h in (*names, field)
}
_TYPE_KEYS = {
    name_match_key(label): t.code
    for t in FACILITY_TYPES
    for label in (t.code, t.name_vi, t.name_en)
}
REQUIRED = ("name", "facility_type", "province_code", "commune_code")

DESCRIPTION = (
    "Tệp CSV (UTF-8, có hoặc không BOM, phân cách dấu phẩy hoặc chấm phẩy) hoặc XLSX (trang "
    "tính đầu tiên), dòng đầu là tiêu đề tiếng Việt hoặc tiếng Anh: "
    + ", ".join(f"“{names[0]}”" for names in HEADERS.values())
    + ". Loại hình theo mã (hotel) hoặc tên (Khách sạn). Kết quả theo từng dòng; dòng lỗi bị "
    "bỏ qua, dòng hợp lệ được tạo đầy đủ (tài khoản quản lý, sự kiện). Số giấy phép đã có thì "
    "dòng bị từ chối, nên nhập lại cùng tệp không tạo trùng. / CSV (UTF-8 with or without BOM, "
    "comma or semicolon) or XLSX (first sheet) with Vietnamese or English headers. A result per "
    "row; bad rows are skipped, good rows are created whole (manager account, event). A row "
    "whose licence number already exists is refused, so importing the same file twice creates "
    "no duplicates. `dry_run=true` validates only."
)


class RowResult(BaseModel):
    row: int = Field(description="Số dòng trong tệp (tiêu đề là dòng 1) / Row number in the file")
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
    rows: list[RowResult]


def _unsupported() -> Problem:
    return Problem(
        415,
        "unsupported-file",
        "Unsupported file",
        "Chỉ nhận CSV hoặc XLSX / Only CSV or XLSX files",
        errors=[
            field_error(
                "/file", "file-format-unsupported", "Tệp không phải CSV/XLSX", "Not CSV or XLSX"
            )
        ],
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _table(content: bytes, filename: str | None, content_type: str | None) -> list[list[str]]:
    try:
        return [[_cell(v) for v in row] for row in tabular.read_table(content, filename or "")]
    except tabular.UnreadableFile as exc:
        raise _unsupported() from exc


def read_rows(
    content: bytes, *, filename: str | None, content_type: str | None
) -> list[tuple[int, dict[str, str]]]:
    """(row number, {field: text}) for each non-empty data row."""
    table = _table(content, filename, content_type)
    if not table:
        raise Problem(
            422,
            "validation-failed",
            "Empty file",
            errors=[field_error("/file", "file-empty", "Tệp rỗng", "The file is empty")],
        )
    columns = [_HEADER_KEYS.get(name_match_key(h)) for h in table[0]]
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise Problem(
            422,
            "validation-failed",
            "Missing columns",
            "Thiếu cột bắt buộc / Required columns are missing",
            errors=[
                field_error(
                    f"/file/columns/{f}",
                    "column-missing",
                    f"Thiếu cột “{HEADERS[f][0]}”",
                    f"Missing column “{HEADERS[f][-1]}”",
                )
                for f in missing
            ],
        )
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        values = {
            field: value
            for field, value in zip(columns, raw, strict=False)
            if field is not None and value != ""
        }
        rows.append((number, values))
    return rows


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
    rows: list[tuple[int, dict[str, str]]],
    *,
    actor: Actor,
    dry_run: bool,
) -> ImportReport:
    results: list[RowResult] = []
    seen_licences: set[str] = set()
    for number, values in rows:
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
        dry_run=dry_run, total=len(results), created=created, rejected=rejected, rows=results
    )
