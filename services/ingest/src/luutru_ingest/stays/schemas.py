from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from luutru_common.bounds import BoundedDate, Moment
from luutru_common.problems import FieldError
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.receipts import ReceiptNumber, RecordResult, StayStatus

# A batch item is checked one by one, so one malformed guest cannot sink the others: the
# body is taken as plain objects and documented as CheckIn.
GuestItem = Annotated[dict[str, Any], WithJsonSchema(CheckIn.model_json_schema())]


class BatchCheckIn(BaseModel):
    guests: list[GuestItem] = Field(
        min_length=1,
        max_length=10000,
        description="Danh sách khách (tối đa 10.000) / Guests (at most 10,000)",
    )


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


class Move(BaseModel):
    """A guest moved to another room of the registry: a correction dated at the move."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    room_id: uuid.UUID = Field(description="Phòng chuyển đến / The room moved to")
    moved_at: Moment | None = Field(
        default=None, description="Giờ chuyển; mặc định là bây giờ / When; default now"
    )
    reason: str | None = Field(default=None, max_length=300, description="Lý do / Why")


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
    room_id: uuid.UUID | None = Field(
        default=None, description="Phòng trong danh sách phòng / The registry room"
    )
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
