from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from luutru_analytics.text import SafeText
from luutru_common.bounds import BoundedDate
from luutru_common.intake.notices import Notice
from luutru_common.problems import FieldError


class WatchlistEntryIn(BaseModel):
    """A document number, or a full name with date of birth (or both)."""

    model_config = ConfigDict(extra="forbid")

    document_number: SafeText | None = Field(default=None, max_length=20)
    full_name: SafeText | None = Field(default=None, max_length=200)
    date_of_birth: BoundedDate | None = None
    reason: SafeText | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _enough_to_match(self) -> WatchlistEntryIn:
        has_doc = bool(self.document_number and self.document_number.strip())
        if not has_doc and not (self.full_name and self.date_of_birth):
            raise ValueError(
                "cần số giấy tờ, hoặc họ tên và ngày sinh / give a document number, or a full "
                "name with date of birth"
            )
        return self


class WatchlistEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    entry_id: uuid.UUID
    document_number: str | None
    full_name: str | None
    date_of_birth: date | None
    reason: str | None
    active: bool
    created_by: str
    created_at: datetime


class WatchlistAdded(BaseModel):
    entry: WatchlistEntryOut
    alerts_raised: int = Field(description="Khớp với khách đang lưu trú / Guests staying now")


class UploadRowResult(BaseModel):
    row: int = Field(
        description="Số dòng như bảng tính hiển thị / The line number the spreadsheet shows"
    )
    entry_id: uuid.UUID | None = None
    alerts_raised: int = 0
    errors: list[FieldError] = Field(default_factory=list)
    warnings: list[FieldError] = Field(
        default_factory=list,
        description="Đã nhận, nhưng nên kiểm tra / Accepted, but worth checking",
    )


class UploadResult(BaseModel):
    accepted: int
    rejected: int
    alerts_raised: int
    header_row: int | None = Field(
        default=None, description="Dòng tiêu đề trong tệp / The header's line in the file"
    )
    notices: list[Notice] = Field(
        default_factory=list,
        description="Cột không đọc (không nhận ra, không lưu, trùng) / Columns not read",
    )
    rows: list[UploadRowResult]
