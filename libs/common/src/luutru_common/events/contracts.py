"""Event contracts: Pydantic models named in the past tense, one place for every service.

Rules of change (checked by tests/unit/test_event_contracts.py against the JSON Schemas in
libs/common/schemas/): within a schema version, fields may be added only as optional; renaming,
removing or retyping a field needs a new schema version or a new topic.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from luutru_common.events.topics import Topic


class Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[Topic]

    def partition_key(self) -> str:
        raise NotImplementedError


class FacilityRegistered(Event):
    event_type: ClassVar[str] = "FacilityRegistered"
    topic: ClassVar[Topic] = Topic.FACILITY

    facility_id: uuid.UUID
    code: str
    name: str
    facility_type: str
    star_rating: int | None = None
    province_code: int
    commune_code: int
    street: str | None = None
    rooms: int | None = None
    beds: int | None = None
    status: Literal["active", "suspended", "closed"] = "active"

    def partition_key(self) -> str:
        return str(self.facility_id)


class GuestIdentity(BaseModel):
    """Personal data of a guest. Only police-side consumers may keep it as is."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    full_name: str
    date_of_birth: date
    gender: Literal["male", "female", "other"]
    id_number: str | None = None
    passport_number: str | None = None
    nationality: str
    country_of_residence: str


class GuestCheckedIn(Event):
    event_type: ClassVar[str] = "GuestCheckedIn"
    topic: ClassVar[Topic] = Topic.STAY

    stay_id: uuid.UUID
    facility_id: uuid.UUID
    # Facility context copied from ingest's read model, so consumers need not join topics
    # whose events may arrive in another order.
    facility_type: str
    province_code: int
    commune_code: int
    guest: GuestIdentity
    room: str | None = None
    reason: str | None = None
    check_in_at: datetime
    expected_check_out: date | None = None
    received_at: datetime
    due_at: datetime
    late_minutes: int = 0

    def partition_key(self) -> str:
        return str(self.facility_id)


EVENT_TYPES: dict[str, type[Event]] = {
    cls.event_type: cls for cls in (FacilityRegistered, GuestCheckedIn)
}
