from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from luutru_common.bounds import Moment, ProvinceCode
from luutru_common.problems import FieldError
from luutru_ingest.core.guest import PassengerIn


class CrewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    full_name: str = Field(min_length=1, max_length=200)
    role: str = Field(default="driver", max_length=50, description="Lái xe, phụ xe… / Role")
    id_number: str | None = Field(default=None, max_length=40)


# Passengers are read one by one (trips.service), so that every passenger's violations come
# back in one answer — a passenger whose date of birth cannot be read does not hide another's
# errors: taken as any JSON value and documented as PassengerIn.
PassengerItem = Annotated[Any, WithJsonSchema(PassengerIn.model_json_schema())]


class TripIn(BaseModel):
    """One trip's manifest (the operator is the coach facility of the token)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    plate: str = Field(min_length=4, max_length=20, description="Biển số xe / Plate")
    origin_province: ProvinceCode = Field(description="Mã tỉnh đi (34 tỉnh) / Origin province code")
    destination_province: ProvinceCode = Field(
        description="Mã tỉnh đến / Destination province code"
    )
    departure_at: Moment = Field(description="Giờ xuất bến / Departure time")
    seats: int = Field(ge=1, le=100, description="Số ghế / Seats")
    crew: list[CrewIn] = Field(default_factory=list, max_length=10)
    passengers: list[PassengerItem] = Field(min_length=1, max_length=100)


class PassengerResult(BaseModel):
    index: int
    passenger_id: uuid.UUID | None = None
    warnings: list[FieldError] = Field(default_factory=list)


TripNumber = Annotated[
    str,
    Field(
        description=(
            "Số biên nhận của chuyến để đọc qua điện thoại, ví dụ K7M-4QX-9PA (9 ký tự, không "
            "có 0/O/1/I); tra cứu bằng GET /v1/trips/by-number/{number}. / The trip's receipt "
            "number to read out; look it up with GET /v1/trips/by-number/{number}"
        ),
        examples=["K7M-4QX-9PA"],
    ),
]


class TripReceipt(BaseModel):
    trip_id: uuid.UUID
    receipt_number: TripNumber
    status: Literal["submitted", "cancelled"]
    received_at: datetime
    passengers: list[PassengerResult]


class PassengerChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    add: list[PassengerItem] = Field(default_factory=list, max_length=100)
    remove: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    no_shows: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class TripCancel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str | None = Field(default=None, max_length=300)


class PassengerView(BaseModel):
    passenger_id: uuid.UUID
    full_name: str
    document_number: str
    seat: str | None
    boarding_point: str | None
    alighting_point: str | None
    status: Literal["on_board", "removed", "no_show"]


class TripHead(BaseModel):
    """A trip's manifest head, as the list and the trip page show it."""

    trip_id: uuid.UUID
    receipt_number: TripNumber
    status: Literal["submitted", "cancelled"]
    plate: str
    origin_province: int
    destination_province: int
    departure_at: datetime
    seats: int
    received_at: datetime

    @classmethod
    def fields_of(cls, trip) -> dict:
        return {
            "trip_id": trip.id,
            "receipt_number": trip.receipt_number,
            "status": trip.status,
            "plate": trip.plate,
            "origin_province": trip.origin_province,
            "destination_province": trip.destination_province,
            "departure_at": trip.departure_at,
            "seats": trip.seats,
            "received_at": trip.received_at,
        }


class TripView(TripHead):
    passengers: list[PassengerView]


class TripSummary(TripHead):
    """A trip in the operator's list: its head and how many are on board."""

    on_board: int = Field(description="Hành khách trên xe / Passengers on board")


class TripPage(BaseModel):
    items: list[TripSummary]
    next_cursor: str | None = Field(
        default=None, description="Gửi lại để lấy trang sau / Pass back for the next page"
    )
