from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from luutru_common.bounds import BoundedDate, Moment
from luutru_common.problems import FieldError

Gender = Literal["male", "female", "other"]
StayStatus = Literal["checked_in", "checked_out", "voided"]


class CheckIn(BaseModel):
    """One guest's registration (Luật Cư trú Art. 30). Identity fields may come from the
    chip-card QR text (`qr`) instead of being typed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    qr: str | None = Field(
        default=None,
        max_length=1000,
        description=(
            "Chuỗi QR trên thẻ căn cước thay cho các trường định danh / Chip-card QR text in "
            "place of the typed identity fields"
        ),
    )
    full_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Họ và tên / Full name"
    )
    date_of_birth: BoundedDate | None = Field(default=None, description="Ngày sinh / Date of birth")
    gender: Gender | None = Field(default=None, description="Giới tính / Gender")
    id_number: str | None = Field(
        default=None,
        max_length=40,
        description="Số định danh cá nhân (12 chữ số) / Personal ID number (12 digits)",
    )
    legacy_id_number: str | None = Field(
        default=None, max_length=20, description="Số CMND cũ (9 số, tùy chọn) / Old 9-digit ID"
    )
    passport_number: str | None = Field(
        default=None, max_length=40, description="Số hộ chiếu / Passport number"
    )
    nationality: str = Field(
        default="VNM", max_length=3, description="Quốc tịch (ISO 3166-1 alpha-3) / Nationality"
    )
    country_of_residence: str | None = Field(
        default=None,
        max_length=3,
        description="Nước cư trú (ISO alpha-3); mặc định theo quốc tịch / Country of residence",
    )
    visa_type: str | None = Field(
        default=None,
        max_length=40,
        description=(
            "Người nước ngoài: loại thị thực, hoặc `exempt` nếu miễn thị thực / Foreigners: "
            "visa type, or `exempt`"
        ),
    )
    visa_number: str | None = Field(
        default=None, max_length=40, description="Số thị thực / Visa number"
    )
    entry_date: BoundedDate | None = Field(default=None, description="Ngày nhập cảnh / Entry date")
    entry_port: str | None = Field(
        default=None, max_length=100, description="Cửa khẩu nhập cảnh / Port of entry"
    )
    accompanying_adult_document: str | None = Field(
        default=None,
        max_length=40,
        description="Trẻ em: giấy tờ của người đi cùng / Minors: accompanying adult's document",
    )
    relationship: str | None = Field(
        default=None,
        max_length=50,
        description="Quan hệ với người đi cùng / Relationship to the accompanying adult",
    )
    room: str | None = Field(default=None, max_length=50, description="Phòng/giường / Room or bed")
    reason: str | None = Field(default=None, max_length=300, description="Lý do lưu trú / Reason")
    check_in_at: Moment = Field(
        description="Thời điểm đến; không có múi giờ thì hiểu là giờ Việt Nam / Arrival time"
    )
    expected_check_out: BoundedDate | None = Field(
        default=None, description="Dự kiến rời đi / Expected check-out date"
    )


ReceiptNumber = Annotated[
    str,
    Field(
        description=(
            "Số biên nhận để đọc qua điện thoại, ví dụ K7M-4QX-9PA (9 ký tự, không có 0/O/1/I); "
            "tra cứu bằng GET /v1/stays/by-number/{number}. / Receipt number to read out, e.g. "
            "K7M-4QX-9PA; look it up with GET /v1/stays/by-number/{number}"
        ),
        examples=["K7M-4QX-9PA"],
    ),
]


class Receipt(BaseModel):
    stay_id: uuid.UUID
    receipt_number: ReceiptNumber
    facility_id: uuid.UUID
    received_at: datetime = Field(description="Giờ máy chủ nhận / Server time of receipt")
    due_at: datetime = Field(description="Hạn khai báo / Reporting deadline")
    on_time: bool
    late_minutes: int
    status: StayStatus = "checked_in"
    version: int = 1
    warnings: list[FieldError] = Field(default_factory=list)


# A batch item is checked one by one, so one malformed guest cannot sink the others: the
# body is taken as plain objects and documented as CheckIn.
GuestItem = Annotated[dict[str, Any], WithJsonSchema(CheckIn.model_json_schema())]


class BatchCheckIn(BaseModel):
    guests: list[GuestItem] = Field(
        min_length=1,
        max_length=10000,
        description="Danh sách khách (tối đa 10.000) / Guests (at most 10,000)",
    )


class RecordResult(BaseModel):
    index: int
    status: Literal["accepted", "duplicate", "rejected", "valid"]
    receipt: Receipt | None = None
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(default_factory=list)


class BatchResult(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[RecordResult]


class ValidationReport(BaseModel):
    valid: bool
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(default_factory=list)


class CheckOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check_out_at: Moment | None = Field(
        default=None, description="Thời điểm rời đi; mặc định là bây giờ / Default: now"
    )


class Extension(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    expected_check_out: BoundedDate = Field(description="Ngày đi mới / New expected check-out")
    reason: str | None = Field(default=None, max_length=300)


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    stay: CheckIn = Field(description="Bản khai đầy đủ thay thế / The full replacement")
    reason: str = Field(min_length=1, max_length=300, description="Lý do sửa / Why")


class Void(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Field(min_length=1, max_length=300, description="Lý do hủy / Why")


class StayView(BaseModel):
    """A stay as its facility sees it: every field a correction (PUT) replaces, so a client
    can pre-fill one without losing any; the police-only minor flag is never included."""

    stay_id: uuid.UUID
    receipt_number: ReceiptNumber
    status: StayStatus
    version: int
    full_name: str
    date_of_birth: date
    gender: str
    document_type: str
    document_number: str
    nationality: str
    country_of_residence: str
    legacy_id_number: str | None = None
    visa_type: str | None = None
    visa_number: str | None = None
    entry_date: date | None = None
    entry_port: str | None = None
    accompanying_adult_document: str | None = None
    relationship: str | None = None
    room: str | None
    reason: str | None = None
    check_in_at: datetime
    expected_check_out: date | None
    check_out_at: datetime | None
    received_at: datetime
    due_at: datetime
    late_minutes: int
    source: str
    warnings: list[FieldError]


class StayPage(BaseModel):
    items: list[StayView]
    next_cursor: str | None = Field(
        default=None, description="Gửi lại để lấy trang sau / Pass back for the next page"
    )
