from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.auth import Role
from luutru_common.bounds import CommuneCode
from luutru_common.facility_types import Department

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(
        pattern=USERNAME_PATTERN,
        description="Tên đăng nhập (chữ thường, số, . _ -) / Username (lower case)",
        examples=["ca.bienhoa.nguyenvana"],
    )
    full_name: str = Field(min_length=1, max_length=200, description="Họ tên / Full name")
    role: Role = Field(description="Vai trò / Role")
    facility_id: uuid.UUID | None = Field(
        default=None, description="Cơ sở (quản lý cơ sở) / Facility, for facility managers"
    )
    department: Department | None = Field(
        default=None, description="Sở (chuyên viên phân tích) / Department, for analysts"
    )
    communes: list[CommuneCode] | None = Field(
        default=None,
        max_length=200,
        description="Xã/phường phụ trách (công an xã) / Communes of a police officer",
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    communes: list[CommuneCode] | None = Field(default=None, max_length=200)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    full_name: str | None
    role: str
    facility_id: uuid.UUID | None
    department: str | None
    communes: list[int] | None
    must_change_password: bool
    disabled: bool
    created_at: datetime


class UserCreated(BaseModel):
    user: UserOut
    one_time_password: str = Field(
        description="Mật khẩu dùng một lần, phải đổi khi đăng nhập lần đầu / One-time password"
    )


class UserPage(BaseModel):
    items: list[UserOut]
    next_cursor: str | None = Field(description="Trang sau / Cursor of the next page, if any")
