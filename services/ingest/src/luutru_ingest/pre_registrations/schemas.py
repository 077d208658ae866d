"""What the pre-registration endpoints take and give."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from luutru_common.bounds import Moment
from luutru_ingest.core.guest import CheckIn


class NewLink(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["guest", "standing"] = Field(
        default="guest",
        description=(
            "`guest`: cho một khách hoặc một đoàn, đóng sau `guests` lượt; `standing`: mã QR "
            "đặt ở quầy, tạo mới là thay mã cũ / `guest`: for one guest or a group, closed after "
            "`guests` entries; `standing`: the reception QR, a new one replaces the old"
        ),
    )
    label: str | None = Field(
        default=None, max_length=100, description="Ghi chú cho nhân viên / A note for staff"
    )
    guests: int = Field(
        default=1, ge=1, le=30, description="Số khách của link (chỉ `guest`) / Guests (guest kind)"
    )
    valid_hours: int | None = Field(
        default=None,
        ge=1,
        le=168,
        description="Link `guest` mở trong bao lâu (mặc định 72 giờ) / How long it stays open",
    )


class LinkView(BaseModel):
    link_id: uuid.UUID
    kind: Literal["guest", "standing"]
    label: str | None
    max_entries: int | None
    entries: int
    token: str = Field(description="Chuỗi ký của link / The link's signed token")
    path: str = Field(
        description=(
            "Đường dẫn trang khách trên trang web quản lý (mã trong phần #, không gửi lên máy "
            "chủ web) / The guest page's path on the console (token after #)"
        )
    )
    created_at: datetime
    expires_at: datetime


class LinkList(BaseModel):
    items: list[LinkView]


class PublicLink(BaseModel):
    """What a guest's page needs to know of the link, and nothing about other guests."""

    facility_name: str
    kind: Literal["guest", "standing"]
    expires_at: datetime
    kept_hours: int = Field(description="Bản khai trước bị xóa sau / Kept this many hours")


class GuestDetails(CheckIn):
    """The guest's own details (those of a check-in, without the arrival time, which staff
    set on confirming), and that the privacy notice was read."""

    check_in_at: SkipJsonSchema[None] = Field(default=None, exclude=True)  # type: ignore[assignment]
    notice_accepted: bool = Field(
        description=(
            "Khách đã đọc thông báo về dữ liệu cá nhân / The guest read the privacy notice"
        )
    )


class Submitted(BaseModel):
    code: str = Field(description="Mã đưa cho lễ tân, ví dụ K7M-4QX / The code to show staff")
    full_name: str
    expires_at: datetime


class PendingView(BaseModel):
    pre_registration_id: uuid.UUID
    code: str
    full_name: str
    guest: dict[str, Any] = Field(description="Các trường khách đã khai / The guest's fields")
    link_label: str | None
    created_at: datetime
    expires_at: datetime


class PendingList(BaseModel):
    items: list[PendingView]


class Confirmation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    room: str | None = Field(default=None, max_length=50, description="Phòng/giường / Room")
    check_in_at: Moment | None = Field(
        default=None,
        description="Giờ đến; mặc định là lúc xác nhận / Arrival; default: now",
    )
