from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from luutru_analytics.text import SafeText
from luutru_common.bounds import BoundedDate


class PersonSearch(BaseModel):
    """At least one of document_number or full_name; purpose is mandatory (Law 91/2025)."""

    model_config = ConfigDict(extra="forbid")

    purpose: SafeText = Field(
        min_length=5, max_length=500, description="Mục đích tra cứu / Purpose"
    )
    document_number: SafeText | None = Field(default=None, max_length=20)
    full_name: SafeText | None = Field(default=None, max_length=200)
    date_of_birth: BoundedDate | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class GuestRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    record_id: uuid.UUID
    kind: str
    stay_id: uuid.UUID | None
    trip_id: uuid.UUID | None
    facility_id: uuid.UUID
    facility_type: str
    commune_code: int
    full_name: str
    date_of_birth: date
    gender: str
    id_number: str | None
    passport_number: str | None
    nationality: str
    country_of_residence: str
    visa_type: str | None
    visa_number: str | None
    entry_date: date | None
    entry_port: str | None
    room: str | None
    arrived_at: datetime
    expected_departure: date | None
    departed_at: datetime | None


class GuestRecordList(BaseModel):
    rows: list[GuestRecordOut]


class AccessLogOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    subject: str
    role: str
    action: str
    query: dict
    purpose: str
    result_count: int
