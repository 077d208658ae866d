"""The room registry and the room board as the API speaks them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RoomKind = Literal["room", "dormitory", "bed_space", "ward"]
RoomState = Literal["in_service", "out_of_service", "retired"]

_KIND = (
    "room: phòng; dormitory: phòng tập thể; bed_space: chỗ ở (nhà trọ); ward: buồng bệnh / "
    "room, dormitory, bed space in a boarding house, hospital ward"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RoomIn(_Strict):
    number: str = Field(
        min_length=1, max_length=20, description="Số hoặc tên phòng, ví dụ 101, A1 / Number"
    )
    name: str | None = Field(default=None, max_length=100, description="Tên gọi / Display name")
    floor: str | None = Field(default=None, max_length=20, description="Tầng / Floor")
    kind: RoomKind = Field(default="room", description=_KIND)
    beds: int = Field(ge=1, le=500, description="Số giường / Beds")


class RoomRangeIn(_Strict):
    range: str = Field(
        min_length=1,
        max_length=50,
        description="Dãy số phòng: 101–120, A1–A12, B01-B20 / A range of room numbers",
        examples=["101–120"],
    )
    floor: str | None = Field(default=None, max_length=20, description="Tầng / Floor")
    kind: RoomKind = Field(default="room", description=_KIND)
    beds: int = Field(ge=1, le=500, description="Số giường mỗi phòng / Beds per room")


class RoomEdit(_Strict):
    """Only the fields sent change."""

    number: str | None = Field(default=None, min_length=1, max_length=20)
    name: str | None = Field(default=None, max_length=100)
    floor: str | None = Field(default=None, max_length=20)
    kind: RoomKind | None = None
    beds: int | None = Field(default=None, ge=1, le=500)


class StateChange(_Strict):
    reason: str | None = Field(default=None, max_length=300, description="Lý do / Why")


class RoomView(BaseModel):
    room_id: uuid.UUID
    number: str
    name: str | None
    floor: str | None
    kind: RoomKind
    beds: int
    state: RoomState
    state_reason: str | None
    version: int
    updated_at: datetime


class RoomPage(BaseModel):
    items: list[RoomView]
    next_cursor: str | None = Field(
        default=None, description="Gửi lại để lấy trang sau / Pass back for the next page"
    )


class RoomsCreated(BaseModel):
    created: int
    rooms: list[RoomView]


class RoomVersionView(BaseModel):
    version: int
    number: str
    floor: str | None
    kind: RoomKind
    beds: int
    state: RoomState
    state_reason: str | None
    changed_by: str
    changed_at: datetime


BoardState = Literal["free", "occupied", "due_out", "overstaying", "out_of_service"]


class BoardGuest(BaseModel):
    stay_id: uuid.UUID
    receipt_number: str
    full_name: str
    check_in_at: datetime
    expected_check_out: date | None
    overstaying: bool


class BoardRoom(BaseModel):
    room_id: uuid.UUID
    number: str
    name: str | None
    floor: str | None
    kind: RoomKind
    beds: int
    state: BoardState = Field(
        description=(
            "free: trống; occupied: có khách; due_out: có khách dự kiến trả phòng hôm nay; "
            "overstaying: có khách quá ngày dự kiến; out_of_service: ngừng sử dụng / free, "
            "occupied, a guest due out today, a guest past the expected check-out, out of "
            "service"
        )
    )
    guests: list[BoardGuest]
    beds_left: int
    over_capacity: bool


class Board(BaseModel):
    day: date = Field(description="Hôm nay (giờ Việt Nam) / Today, local time")
    rooms: list[BoardRoom]
    counts: dict[str, int] = Field(description="Số phòng theo trạng thái / Rooms per state")
    guests_without_room: int = Field(
        description=(
            "Khách đang ở chưa gắn phòng trong danh sách / Guests in house with no registry room"
        )
    )
