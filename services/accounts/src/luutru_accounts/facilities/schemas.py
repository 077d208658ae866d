from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.facility_types import FACILITY_TYPE_CODES


class FacilityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=300, description="Tên cơ sở / Facility name")
    facility_type: str = Field(
        description="Loại cơ sở / Facility type: " + ", ".join(FACILITY_TYPE_CODES),
        examples=["hotel"],
    )
    star_rating: int | None = Field(default=None, ge=1, le=5, description="Hạng sao (khách sạn)")
    province_code: int = Field(description="Mã tỉnh (danh mục 2025) / Province code", examples=[75])
    commune_code: int = Field(description="Mã xã/phường / Commune code", examples=[26068])
    street: str | None = Field(default=None, max_length=300, description="Số nhà, đường")
    rooms: int | None = Field(default=None, ge=0, le=100000, description="Số phòng / Rooms")
    beds: int | None = Field(default=None, ge=0, le=100000, description="Số giường / Beds")


class FacilityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    facility_type: str
    star_rating: int | None
    province_code: int
    commune_code: int
    street: str | None
    rooms: int | None
    beds: int | None
    status: str
    created_at: datetime


class ManagerCredentials(BaseModel):
    username: str
    one_time_password: str = Field(
        description="Mật khẩu dùng một lần, phải đổi khi đăng nhập lần đầu / One-time password"
    )


class FacilityCreated(BaseModel):
    facility: FacilityOut
    manager: ManagerCredentials
