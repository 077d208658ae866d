from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.problems import FieldError


class CheckIn(BaseModel):
    """One guest's registration (Luật Cư trú Art. 30)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=200, description="Họ và tên / Full name")
    date_of_birth: date = Field(description="Ngày sinh / Date of birth")
    gender: Literal["male", "female", "other"] = Field(description="Giới tính / Gender")
    id_number: str | None = Field(
        default=None,
        max_length=40,
        description="Số định danh cá nhân (12 chữ số) / Personal ID number (12 digits)",
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
    room: str | None = Field(default=None, max_length=50, description="Phòng/giường / Room or bed")
    reason: str | None = Field(default=None, max_length=300, description="Lý do lưu trú / Reason")
    check_in_at: datetime = Field(
        description="Thời điểm đến; không có múi giờ thì hiểu là giờ Việt Nam / Arrival time"
    )
    expected_check_out: date | None = Field(
        default=None, description="Dự kiến rời đi / Expected check-out date"
    )


class Receipt(BaseModel):
    stay_id: uuid.UUID
    facility_id: uuid.UUID
    received_at: datetime = Field(description="Giờ máy chủ nhận / Server time of receipt")
    due_at: datetime = Field(description="Hạn khai báo / Reporting deadline")
    on_time: bool
    late_minutes: int
    status: Literal["checked_in", "checked_out", "voided"] = "checked_in"
    warnings: list[FieldError] = Field(default_factory=list)
