"""A guest's identity as it is sent: to a facility (a check-in) or on a coach (a passenger).
The same fields and the same rules (core.validation) serve the stays, the trips and the
uploads of both."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.bounds import BoundedDate, Moment

Gender = Literal["male", "female", "other"]


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
    room_id: uuid.UUID | None = Field(
        default=None,
        description=(
            "Phòng trong danh sách phòng của cơ sở (chọn trên sơ đồ phòng); thay cho `room` / "
            "A room of the facility's registry (picked on the room board), instead of `room`"
        ),
    )
    reason: str | None = Field(default=None, max_length=300, description="Lý do lưu trú / Reason")
    check_in_at: Moment = Field(
        description="Thời điểm đến; không có múi giờ thì hiểu là giờ Việt Nam / Arrival time"
    )
    expected_check_out: BoundedDate | None = Field(
        default=None, description="Dự kiến rời đi / Expected check-out date"
    )


class PassengerIn(BaseModel):
    """A passenger's identity (the same fields and rules as a guest) and seat."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    qr: str | None = Field(default=None, max_length=1000)
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    date_of_birth: BoundedDate | None = None
    gender: Gender | None = None
    id_number: str | None = Field(default=None, max_length=40)
    passport_number: str | None = Field(default=None, max_length=40)
    nationality: str = Field(default="VNM", max_length=3)
    country_of_residence: str | None = Field(default=None, max_length=3)
    visa_type: str | None = Field(default=None, max_length=40)
    visa_number: str | None = Field(default=None, max_length=40)
    entry_date: BoundedDate | None = None
    entry_port: str | None = Field(default=None, max_length=100)
    accompanying_adult_document: str | None = Field(default=None, max_length=40)
    relationship: str | None = Field(default=None, max_length=50)
    # Sleeper coaches name berths, not just seats ("Tầng dưới 05").
    seat: str | None = Field(default=None, max_length=30, description="Số ghế / Seat or berth")
    boarding_point: str | None = Field(default=None, max_length=200, description="Điểm đón")
    alighting_point: str | None = Field(default=None, max_length=200, description="Điểm trả")
