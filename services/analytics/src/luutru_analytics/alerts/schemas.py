from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from luutru_analytics.text import SafeText

AlertStatus = Literal["new", "acknowledged", "closed"]


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    alert_id: uuid.UUID
    seq: int
    entry_id: uuid.UUID
    match_kind: str
    score: float
    subject_name: str
    subject_document: str | None
    stay_id: uuid.UUID | None
    trip_id: uuid.UUID | None
    facility_id: uuid.UUID
    commune_code: int
    status: AlertStatus
    registered_at: datetime | None
    detected_at: datetime
    updated_at: datetime
    notes: list[dict]


class AlertTransition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["acknowledged", "closed"]
    note: SafeText | None = Field(default=None, max_length=2000)


MatchKind = Literal["document", "name_dob"]


class AlertHitOut(AlertOut):
    """One hit of a person: the alert and the watchlist entry it matched, by its reason and
    the name or document it was put on the list with."""

    entry_reason: str | None = Field(description="Lý do đưa vào danh sách / Reason listed")
    entry_name: str | None = Field(description="Họ tên trong danh sách / Name listed")
    entry_document: str | None = Field(description="Số giấy tờ trong danh sách / Document")
    entry_date_of_birth: date | None = None


class AlertPerson(BaseModel):
    """Every hit of one registration (a guest of a stay, or a passenger of a trip): one card
    per person however many watchlist entries they match."""

    record_id: uuid.UUID = Field(description="Lượt đăng ký được khớp / The matched registration")
    kind: Literal["stay", "passenger"] | None
    subject_name: str
    subject_document: str | None
    date_of_birth: date | None
    stay_id: uuid.UUID | None
    trip_id: uuid.UUID | None
    facility_id: uuid.UUID
    facility_code: str | None
    facility_name: str | None
    facility_street: str | None = Field(description="Số nhà, đường / Street address")
    commune_code: int
    commune_name: str | None
    room: str | None = Field(description="Phòng khai báo / Room reported")
    arrived_at: datetime | None
    status: AlertStatus = Field(
        description=(
            "new nếu còn cảnh báo mới, acknowledged nếu còn cảnh báo đã tiếp nhận, còn lại "
            "closed / new if any hit is new, else acknowledged if any is, else closed"
        )
    )
    hit_count: int
    open_count: int = Field(description="Số cảnh báo chưa đóng / Hits not closed")
    last_detected_at: datetime
    hits: list[AlertHitOut]


class CommuneCount(BaseModel):
    code: int
    name: str | None
    people: int


class AlertPeoplePage(BaseModel):
    total_people: int = Field(description="Số người khớp bộ lọc / People in the filter")
    total_hits: int = Field(
        description="Số cảnh báo của những người đó / All hits of the people in the filter"
    )
    page: int
    page_size: int
    pages: int
    communes: list[CommuneCount] = Field(
        description=(
            "Các xã có cảnh báo theo bộ lọc (trừ bộ lọc xã), để chọn theo tên / The communes "
            "with hits in the filter (the commune filter aside), to pick by name"
        )
    )
    items: list[AlertPerson]
    next_cursor: str | None = Field(
        default=None,
        description=(
            "Con trỏ của trang sau (tham số `cursor`), null ở trang cuối / The next page's "
            "`cursor`, null on the last page"
        ),
    )
