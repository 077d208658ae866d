from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.bounds import CommuneCode, ProvinceCode, StarRating
from luutru_common.facility_types import FACILITY_TYPE_CODES

PHONE_PATTERN = r"^\+?[0-9][0-9 .\-]{6,19}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}$"
Capacity = Field(default=None, ge=0, le=100000)


class FacilityFields(BaseModel):
    """What police record about a facility (Kế hoạch 305: "Công an tạo tài khoản cơ sở")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=300, description="Tên cơ sở / Facility name")
    facility_type: str = Field(
        description="Loại cơ sở / Facility type: " + ", ".join(FACILITY_TYPE_CODES),
        examples=["hotel"],
    )
    star_rating: StarRating | None = Field(
        default=None, description="Hạng sao (khách sạn) / Star rating, hotels only"
    )
    province_code: ProvinceCode = Field(
        description="Mã tỉnh (danh mục 2025) / Province code", examples=[75]
    )
    commune_code: CommuneCode = Field(description="Mã xã/phường / Commune code", examples=[26068])
    street: str | None = Field(default=None, max_length=300, description="Số nhà, đường / Street")
    zone: str | None = Field(
        default=None,
        max_length=300,
        description="Khu công nghiệp / khu kinh tế (nhà ở trong KCN) / Zone, for zone housing",
    )
    rooms: int | None = Field(default=None, ge=0, le=100000, description="Số phòng / Rooms")
    beds: int | None = Field(default=None, ge=0, le=100000, description="Số giường / Beds")
    vehicles: int | None = Field(
        default=None, ge=0, le=100000, description="Số xe (nhà xe) / Vehicles, coach operators"
    )
    seats: int | None = Field(
        default=None, ge=0, le=1000000, description="Số ghế (nhà xe) / Seats, coach operators"
    )
    business_licence_number: str | None = Field(
        default=None, max_length=50, description="Số giấy phép kinh doanh / Business licence no."
    )
    legal_representative: str | None = Field(
        default=None, max_length=200, description="Người đại diện pháp luật / Legal representative"
    )
    contact_phone: str | None = Field(
        default=None,
        pattern=PHONE_PATTERN,
        description="Điện thoại / Phone",
        examples=["0251 3822 123"],
    )
    contact_email: str | None = Field(
        default=None, max_length=320, pattern=EMAIL_PATTERN, description="Email"
    )


class FacilityCreate(FacilityFields):
    pass


class FacilityUpdate(BaseModel):
    """Only the fields sent change; send null to clear an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=300)
    facility_type: str | None = None
    star_rating: StarRating | None = None
    province_code: ProvinceCode | None = None
    commune_code: CommuneCode | None = None
    street: str | None = Field(default=None, max_length=300)
    zone: str | None = Field(default=None, max_length=300)
    rooms: int | None = Field(default=None, ge=0, le=100000)
    beds: int | None = Field(default=None, ge=0, le=100000)
    vehicles: int | None = Field(default=None, ge=0, le=100000)
    seats: int | None = Field(default=None, ge=0, le=1000000)
    business_licence_number: str | None = Field(default=None, max_length=50)
    legal_representative: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    contact_email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=1000, description="Lý do / Reason")


class OptionalReason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, max_length=1000, description="Lý do / Reason")


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
    zone: str | None = None
    rooms: int | None
    beds: int | None
    vehicles: int | None = None
    seats: int | None = None
    business_licence_number: str | None = None
    legal_representative: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    status: Literal["active", "suspended", "closed"] | str
    status_reason: str | None = None
    created_at: datetime
    updated_at: datetime | None = None


class FacilityPage(BaseModel):
    items: list[FacilityOut]
    next_cursor: str | None = Field(description="Trang sau / Cursor of the next page, if any")


class ManagerCredentials(BaseModel):
    username: str
    one_time_password: str = Field(
        description="Mật khẩu dùng một lần, phải đổi khi đăng nhập lần đầu / One-time password"
    )


class FacilityCreated(BaseModel):
    facility: FacilityOut
    manager: ManagerCredentials


class FacilityTypeOut(BaseModel):
    code: str
    name_vi: str
    name_en: str
    department: str
    department_name_vi: str
    department_name_en: str
    plan_model: int
    takes_guests: bool
    has_stars: bool
    has_zone: bool
