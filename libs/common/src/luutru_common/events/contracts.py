"""Event contracts: Pydantic models named in the past tense, one place for every service.

Rules of change (checked by tests/unit/test_event_contracts.py against the JSON Schemas in
libs/common/schemas/): within a schema version, fields may be added only as optional; renaming,
removing or retyping a field needs a new schema version or a new topic.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.events.topics import Topic


class Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[Topic]

    def partition_key(self) -> str:
        """The Kafka key: events with the same key stay in order on one partition."""
        raise NotImplementedError


# ---- facility.v1 (compacted, keyed by facility id) ----------------------------------------
#
# The topic is compacted: only the newest event of each facility survives, so every facility
# event carries the whole facility as it is after the change, not just what changed.

FacilityStatus = Literal["active", "suspended", "closed"]


class FacilityEvent(Event):
    topic: ClassVar[Topic] = Topic.FACILITY

    facility_id: uuid.UUID
    code: str
    name: str
    facility_type: str
    star_rating: int | None = None
    province_code: int
    commune_code: int
    street: str | None = None
    zone: str | None = None  # industrial / economic zone, for zone housing
    rooms: int | None = None
    beds: int | None = None
    vehicles: int | None = None  # coach operators
    seats: int | None = None  # coach operators
    status: FacilityStatus = "active"

    def partition_key(self) -> str:
        """By facility: compaction keeps each facility's newest state."""
        return str(self.facility_id)


class FacilityRegistered(FacilityEvent):
    event_type: ClassVar[str] = "FacilityRegistered"


class FacilityUpdated(FacilityEvent):
    event_type: ClassVar[str] = "FacilityUpdated"


class FacilitySuspended(FacilityEvent):
    event_type: ClassVar[str] = "FacilitySuspended"
    reason: str | None = None


class FacilityReinstated(FacilityEvent):
    event_type: ClassVar[str] = "FacilityReinstated"


class FacilityClosed(FacilityEvent):
    event_type: ClassVar[str] = "FacilityClosed"
    reason: str | None = None


# ---- stay.v1 (keyed by facility id) ---------------------------------------------------------


class GuestIdentity(BaseModel):
    """Personal data of a guest or passenger. Only police-side stores may keep it as is;
    department-facing projections keep pseudonymous attributes only."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    full_name: str
    date_of_birth: date
    gender: Literal["male", "female", "other"]
    id_number: str | None = None
    passport_number: str | None = None
    nationality: str
    country_of_residence: str
    # Foreigners (Law 47/2014 Art. 33): visa or exemption, entry date and port.
    visa_type: str | None = None
    visa_number: str | None = None
    entry_date: date | None = None
    entry_port: str | None = None
    source: Literal["typed", "qr"] | None = None  # chip-card QR data is unsigned


# The facility fields older stay events carried; producers leave them out, readers ignore
# them. facility.v1 is where a facility's attributes come from.
RETIRED_FACILITY_FIELDS = ("facility_type", "province_code", "commune_code", "star_rating")
_RETIRED = "Retired: no longer written and ignored by readers; take it from facility.v1."


class StayState(Event):
    """The full state of a stay, as GuestCheckedIn and StayCorrected carry it."""

    topic: ClassVar[Topic] = Topic.STAY

    stay_id: uuid.UUID
    facility_id: uuid.UUID
    # Retired facility context (RETIRED_FACILITY_FIELDS): ingest no longer writes it and no
    # consumer reads it (analytics takes a facility's type, place and star rating from its
    # own facts of facility.v1). Kept optional, not removed, so events written before still
    # validate against schema version 1.
    facility_type: str | None = Field(default=None, description=_RETIRED)
    province_code: int | None = Field(default=None, description=_RETIRED)
    commune_code: int | None = Field(default=None, description=_RETIRED)
    star_rating: int | None = Field(default=None, description=_RETIRED)
    guest: GuestIdentity
    room: str | None = None
    # The registry room (room.v1) the guest is in, when the facility keeps a registry.
    room_id: uuid.UUID | None = None
    reason: str | None = None
    check_in_at: datetime
    expected_check_out: date | None = None
    received_at: datetime
    due_at: datetime
    late_minutes: int = 0
    # Minors: the accompanying adult's document and the relationship.
    accompanying_adult_document: str | None = None
    relationship: str | None = None
    unaccompanied_minor: bool = False
    version: int = 1

    def partition_key(self) -> str:
        """By facility: a facility's stays stay in order."""
        return str(self.facility_id)


class GuestCheckedIn(StayState):
    event_type: ClassVar[str] = "GuestCheckedIn"


class StayCorrected(StayState):
    """A full replacement of a stay (a correction or an extension), kept as a new version."""

    event_type: ClassVar[str] = "StayCorrected"
    correction_reason: str | None = None


class GuestCheckedOut(Event):
    event_type: ClassVar[str] = "GuestCheckedOut"
    topic: ClassVar[Topic] = Topic.STAY

    stay_id: uuid.UUID
    facility_id: uuid.UUID
    check_out_at: datetime

    def partition_key(self) -> str:
        """By facility, like the check-in it follows."""
        return str(self.facility_id)


class StayVoided(Event):
    """A record made by mistake; consumers remove it from their counts."""

    event_type: ClassVar[str] = "StayVoided"
    topic: ClassVar[Topic] = Topic.STAY

    stay_id: uuid.UUID
    facility_id: uuid.UUID
    reason: str

    def partition_key(self) -> str:
        """By facility, like the stay it removes."""
        return str(self.facility_id)


# ---- trip.v1 (keyed by operator id) ---------------------------------------------------------


class CrewMember(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    full_name: str
    role: str  # driver, assistant, …
    id_number: str | None = None


class Passenger(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    passenger_id: uuid.UUID
    guest: GuestIdentity
    seat: str | None = None
    boarding_point: str | None = None
    alighting_point: str | None = None


class TripManifestSubmitted(Event):
    event_type: ClassVar[str] = "TripManifestSubmitted"
    topic: ClassVar[Topic] = Topic.TRIP

    trip_id: uuid.UUID
    operator_id: uuid.UUID  # the coach operator's facility id
    province_code: int
    commune_code: int
    plate: str
    origin_province: int
    destination_province: int
    departure_at: datetime
    seats: int
    crew: list[CrewMember] = Field(default_factory=list)
    passengers: list[Passenger] = Field(default_factory=list)
    received_at: datetime

    def partition_key(self) -> str:
        """By coach operator: an operator's trips stay in order."""
        return str(self.operator_id)


class TripPassengersChanged(Event):
    event_type: ClassVar[str] = "TripPassengersChanged"
    topic: ClassVar[Topic] = Topic.TRIP

    trip_id: uuid.UUID
    operator_id: uuid.UUID
    added: list[Passenger] = Field(default_factory=list)
    removed: list[uuid.UUID] = Field(default_factory=list)
    no_shows: list[uuid.UUID] = Field(default_factory=list)

    def partition_key(self) -> str:
        """By coach operator, like the manifest it changes."""
        return str(self.operator_id)


class TripCancelled(Event):
    event_type: ClassVar[str] = "TripCancelled"
    topic: ClassVar[Topic] = Topic.TRIP

    trip_id: uuid.UUID
    operator_id: uuid.UUID
    reason: str | None = None

    def partition_key(self) -> str:
        """By coach operator, like the manifest it cancels."""
        return str(self.operator_id)


# ---- room.v1 (keyed by facility id) --------------------------------------------------------
#
# Every room event carries the whole room as it is after the change (like facility.v1), so a
# consumer upserts it; `occurred_at` orders a room's states for the periods out of service.

RoomKind = Literal["room", "dormitory", "bed_space", "ward"]
RoomStateName = Literal["in_service", "out_of_service", "retired"]


class RoomEvent(Event):
    topic: ClassVar[Topic] = Topic.ROOM

    room_id: uuid.UUID
    facility_id: uuid.UUID
    number: str
    name: str | None = None
    floor: str | None = None
    kind: RoomKind = "room"
    beds: int
    state: RoomStateName = "in_service"
    version: int = 1

    def partition_key(self) -> str:
        """By facility: a facility's rooms stay in order."""
        return str(self.facility_id)


class RoomAdded(RoomEvent):
    event_type: ClassVar[str] = "RoomAdded"


class RoomChanged(RoomEvent):
    """Number, name, floor, kind or beds edited."""

    event_type: ClassVar[str] = "RoomChanged"


class RoomOutOfService(RoomEvent):
    event_type: ClassVar[str] = "RoomOutOfService"
    reason: str | None = None


class RoomBackInService(RoomEvent):
    event_type: ClassVar[str] = "RoomBackInService"


class RoomRetired(RoomEvent):
    event_type: ClassVar[str] = "RoomRetired"
    reason: str | None = None


ROOM_EVENTS = (RoomAdded, RoomChanged, RoomOutOfService, RoomBackInService, RoomRetired)


# ---- alert.v1 (keyed by alert id) -----------------------------------------------------------


class WatchlistHit(Event):
    """For police-side integrations only; never reaches anything facility-facing."""

    event_type: ClassVar[str] = "WatchlistHit"
    topic: ClassVar[Topic] = Topic.ALERT

    alert_id: uuid.UUID
    watchlist_entry_id: uuid.UUID
    match_kind: Literal["document", "name_dob"]
    score: float
    subject_name: str
    subject_document: str | None = None
    stay_id: uuid.UUID | None = None
    trip_id: uuid.UUID | None = None
    facility_id: uuid.UUID
    commune_code: int
    detected_at: datetime

    def partition_key(self) -> str:
        """By alert: each alert's hits stay in order."""
        return str(self.alert_id)


EVENT_TYPES: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        FacilityRegistered,
        FacilityUpdated,
        FacilitySuspended,
        FacilityReinstated,
        FacilityClosed,
        GuestCheckedIn,
        StayCorrected,
        GuestCheckedOut,
        StayVoided,
        TripManifestSubmitted,
        TripPassengersChanged,
        TripCancelled,
        WatchlistHit,
        *ROOM_EVENTS,
    )
}
