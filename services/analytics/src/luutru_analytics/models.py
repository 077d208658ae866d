"""The analytics schema.

Two kinds of tables, kept apart on purpose:
- department-facing projections (`facilities`, `stay_facts`, `trips`, `trip_passengers`) hold
  NO personal data: a guest is a pseudonymous key (HMAC of the document number), an age band,
  gender, nationality, country of residence and province of origin;
- police-only tables (`guest_records`, `watchlist_entries`, `alerts`, `access_log`) hold the
  personal data needed for person search and watchlist matching; every read is logged.

Projections are rebuilt from the topics (`luutru-analytics rebuild`); the police-side state
(watchlist, alerts, access log) and the outbox are never truncated.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from luutru_common.consumer import processed_events_table
from luutru_common.db import schema_metadata
from luutru_common.facility_view import FacilityAttributes, FacilityCore
from luutru_common.outbox import outbox_table

SCHEMA = "analytics"


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


# ---- department-facing projections (no personal data) --------------------------------------


class FacilityFact(FacilityCore, FacilityAttributes, Base):
    """The facility registry as facility.v1 tells it (`street` since migration 0008);
    `as_of` guards against older events."""

    __tablename__ = "facilities"

    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoomFact(Base):
    """A facility's registry room as room.v1 tells it now (migration 0011)."""

    __tablename__ = "rooms"

    room_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    number: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    beds: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoomStatePeriod(Base):
    """Each version of a room from the time it took effect (the event's `occurred_at`) to the
    next one's: which rooms and beds were available on a night (migration 0011)."""

    __tablename__ = "room_states"

    room_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    state: Mapped[str] = mapped_column(Text)
    beds: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StayFact(Base):
    __tablename__ = "stay_facts"
    __table_args__ = (
        Index("ix_stay_facts_day_type", "check_in_date", "facility_type"),
        Index("ix_stay_facts_facility_day", "facility_id", "check_in_date"),
        Index("ix_stay_facts_night_end", "night_end"),
        # The longest stay bounds the feeds' scans (migration 0006).
        Index("ix_stay_facts_length", text("(night_end - check_in_date)")),
    )

    stay_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    facility_type: Mapped[str] = mapped_column(Text)
    province_code: Mapped[int] = mapped_column(Integer)
    commune_code: Mapped[int] = mapped_column(Integer)
    check_in_date: Mapped[date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(Text)
    gender: Mapped[str] = mapped_column(Text)
    nationality: Mapped[str] = mapped_column(Text)
    country_of_residence: Mapped[str] = mapped_column(Text)
    star_rating: Mapped[int | None] = mapped_column(Integer)
    room: Mapped[str | None] = mapped_column(Text)
    guest_key: Mapped[str | None] = mapped_column(Text)  # HMAC of the document number
    # Legacy 3-digit province code of birth registration from a Vietnamese ID number.
    origin_province: Mapped[str | None] = mapped_column(Text)
    expected_check_out: Mapped[date | None] = mapped_column(Date)
    check_out_date: Mapped[date | None] = mapped_column(Date)
    # First night NOT stayed: check-out date, else expected check-out, else the next day.
    night_end: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    late_minutes: Mapped[int] = mapped_column(Integer, server_default="0")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    voided: Mapped[bool] = mapped_column(Boolean, server_default="false")


class DailyCounts:
    """The counts every daily rollup keeps: arrivals, guest-nights (guests that night) and
    departures, with the sums of the record keys behind each (core/perturbation.py: the cell
    keys, so a cell rounds the same whichever rollup answers)."""

    arrivals: Mapped[int] = mapped_column(Integer, server_default="0")
    nights: Mapped[int] = mapped_column(Integer, server_default="0")
    departures: Mapped[int] = mapped_column(Integer, server_default="0")
    arrival_keys: Mapped[int] = mapped_column(BigInteger, server_default="0")
    night_keys: Mapped[int] = mapped_column(BigInteger, server_default="0")
    departure_keys: Mapped[int] = mapped_column(BigInteger, server_default="0")


class StayDaily(DailyCounts, Base):
    """Pre-aggregated per day and facility, kept in step with `stay_facts` by the stay
    handlers (each change adds the new stay's contribution and takes away the old one), so
    feeds over millions of stays read a few thousand rows. `occupied_rooms` counts rooms with
    at least one guest that night (see `RoomNight`)."""

    __tablename__ = "stay_daily"
    __table_args__ = (Index("ix_stay_daily_day_type", "day", "facility_type"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_type: Mapped[str] = mapped_column(Text)
    commune_code: Mapped[int] = mapped_column(Integer)
    star_rating: Mapped[int | None] = mapped_column(Integer)
    occupied_rooms: Mapped[int] = mapped_column(Integer, server_default="0")


class StayDailyArea(DailyCounts, Base):
    """`stay_daily` summed over facilities of the same type, commune and star rating (0 = no
    stars): a few hundred rows a day for a province, so a year of the tourism feed reads
    thousands of rows, not millions. Kept in step in the same transaction."""

    __tablename__ = "stay_daily_area"
    # One commune's days (a commune officer's feeds; the key leads with the day).
    __table_args__ = (Index("ix_stay_daily_area_commune_day", "commune_code", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_type: Mapped[str] = mapped_column(Text, primary_key=True)
    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True)
    star_rating: Mapped[int] = mapped_column(Integer, primary_key=True)
    occupied_rooms: Mapped[int] = mapped_column(Integer, server_default="0")


class StayDailyTypeStar(DailyCounts, Base):
    """`stay_daily_area` summed over communes: one row per day, facility type and star rating,
    so the tourism feed of the whole province reads a few rows a day instead of one per type,
    commune and star rating. Kept in step in the same transaction (rollup.apply_changes)."""

    __tablename__ = "stay_daily_type_star"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_type: Mapped[str] = mapped_column(Text, primary_key=True)
    star_rating: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = no stars
    occupied_rooms: Mapped[int] = mapped_column(Integer, server_default="0")


class StayMonthlyArea(DailyCounts, Base):
    """`stay_daily_area` summed per calendar month: one row per month, facility type, commune
    and star rating (0 = no stars), so a year broken down by commune reads a dozen rows per
    area instead of one per day. `nights` and `occupied_rooms` are the month's guest-nights
    and room-nights; the stays touching a month are not kept here (the feeds take the nights
    before it from the daily rollup). Kept in step in the same transaction
    (rollup.apply_changes)."""

    __tablename__ = "stay_monthly_area"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    facility_type: Mapped[str] = mapped_column(Text, primary_key=True)
    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True)
    star_rating: Mapped[int] = mapped_column(Integer, primary_key=True)
    occupied_rooms: Mapped[int] = mapped_column(Integer, server_default="0")


class StayDailyBreakdown(DailyCounts, Base):
    """Arrivals, guest-nights and departures per day, area and the value of one guest
    dimension (`nationality`, `residence`, `age_group`, `gender`, `origin_province`): the
    breakdown feeds read a few thousand of these rows instead of every stay of the period.
    Kept in step with `stay_facts` in the same transaction (rollup.apply_changes)."""

    __tablename__ = "stay_daily_breakdown"
    # One commune's days of a dimension (the key leads with the dimension and the day).
    __table_args__ = (
        Index("ix_stay_daily_breakdown_commune_day", "dimension", "commune_code", "day"),
    )

    dimension: Mapped[str] = mapped_column(Text, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_type: Mapped[str] = mapped_column(Text, primary_key=True)
    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True)
    star_rating: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = no stars
    value: Mapped[str] = mapped_column(Text, primary_key=True)


class StayDailyProvince(DailyCounts, Base):
    """`stay_daily_breakdown` summed over communes and star ratings: the breakdowns of the
    whole province read a few thousand rows a year instead of a quarter of a million. Kept
    in step in the same transaction (rollup.apply_changes)."""

    __tablename__ = "stay_daily_province"

    dimension: Mapped[str] = mapped_column(Text, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_type: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)


class RoomNight(Base):
    """Guests per room and night; a stay without a room number is a room of its own."""

    __tablename__ = "room_nights"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    room: Mapped[str] = mapped_column(Text, primary_key=True)
    guests: Mapped[int] = mapped_column(Integer)


class StayCheckOut(Base):
    """Check-outs and voids kept on their own, so one that arrives before its check-in is
    applied when the check-in comes (events of one stay may be reordered on replay)."""

    __tablename__ = "stay_endings"

    stay_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    check_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided: Mapped[bool] = mapped_column(Boolean, server_default="false")


class WaitingStay(Base):
    """A stay seen before its facility (facility.v1 and stay.v1 are separate topics, read in
    no fixed order): its newest version waits here until the facility event comes, since
    the stay's counts are filed under the facility's type, place and star rating."""

    __tablename__ = "stays_awaiting_facility"
    __table_args__ = (Index("ix_stays_awaiting_facility_facility", "facility_id"),)

    stay_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    version: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(Text)
    event: Mapped[dict] = mapped_column(JSONB)


class TripFact(Base):
    __tablename__ = "trips"
    __table_args__ = (Index("ix_trips_departure_date", "departure_date"),)

    trip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    operator_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    province_code: Mapped[int] = mapped_column(Integer)
    commune_code: Mapped[int] = mapped_column(Integer)
    origin_province: Mapped[int] = mapped_column(Integer)
    destination_province: Mapped[int] = mapped_column(Integer)
    departure_date: Mapped[date] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer)


class TripCancellation(Base):
    __tablename__ = "trip_cancellations"

    trip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)


class TripPassenger(Base):
    """One passenger of a trip; `status` booked | removed | no_show. A removal that arrives
    before the manifest inserts a row without demographics that the manifest then fills."""

    __tablename__ = "trip_passengers"
    __table_args__ = (Index("ix_trip_passengers_trip", "trip_id"),)

    passenger_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    trip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(Text)
    age_band: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(Text)
    nationality: Mapped[str | None] = mapped_column(Text)
    guest_key: Mapped[str | None] = mapped_column(Text)


# ---- police-only tables (personal data) ----------------------------------------------------


class GuestRecord(Base):
    """A guest (of a stay) or passenger (of a trip) with identity, for search and matching."""

    __tablename__ = "guest_records"
    __table_args__ = (
        Index("ix_guest_records_document", "document_number"),
        Index("ix_guest_records_name_key_dob", "name_key", "date_of_birth"),
    )

    record_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)  # stay | passenger
    stay_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    trip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    facility_type: Mapped[str] = mapped_column(Text)
    commune_code: Mapped[int] = mapped_column(Integer)
    full_name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(Text)
    id_number: Mapped[str | None] = mapped_column(Text)
    passport_number: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(Text)
    nationality: Mapped[str] = mapped_column(Text)
    country_of_residence: Mapped[str] = mapped_column(Text)
    visa_type: Mapped[str | None] = mapped_column(Text)
    visa_number: Mapped[str | None] = mapped_column(Text)
    entry_date: Mapped[date | None] = mapped_column(Date)
    entry_port: Mapped[str | None] = mapped_column(Text)
    room: Mapped[str | None] = mapped_column(Text)
    arrived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expected_departure: Mapped[date | None] = mapped_column(Date)
    departed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    voided: Mapped[bool] = mapped_column(Boolean, server_default="false")


class WatchlistEntry(Base):
    __tablename__ = "watchlist_entries"
    __table_args__ = (
        Index("ix_watchlist_document", "document_number"),
        Index("ix_watchlist_dob", "date_of_birth"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    document_number: Mapped[str | None] = mapped_column(Text)
    full_name: Mapped[str | None] = mapped_column(Text)
    name_key: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # One alert per watchlist entry and registration, however often the event is replayed.
        UniqueConstraint("entry_id", "record_id"),
        Index("ix_alerts_seq", "seq"),
        # The officer's queue (migration 0019): a person's hits, the open ones, a commune's.
        Index("ix_alerts_record_commune_seq", "record_id", "commune_code", "seq"),
        Index("ix_alerts_status_commune_seq", "status", "commune_code", "seq"),
        Index("ix_alerts_commune_seq", "commune_code", "seq"),
    )

    alert_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))  # stream cursor
    entry_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    record_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    match_kind: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    subject_name: Mapped[str] = mapped_column(Text)
    subject_document: Mapped[str | None] = mapped_column(Text)
    stay_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    trip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    commune_code: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text, server_default="new")
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notes: Mapped[list] = mapped_column(JSONB, server_default="[]")


class AccessLogEntry(Base):
    """Append-only (a trigger refuses UPDATE and DELETE): every read of personal data."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    subject: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    query: Mapped[dict] = mapped_column(JSONB)
    purpose: Mapped[str] = mapped_column(Text)
    result_count: Mapped[int] = mapped_column(Integer)


metadata = Base.metadata
processed_events = processed_events_table(metadata)
outbox = outbox_table(metadata)

# Truncated by `luutru-analytics rebuild` before the replay.
PROJECTION_TABLES = (
    "facilities",
    "stay_facts",
    "stay_endings",
    "stays_awaiting_facility",
    "stay_daily",
    "stay_daily_area",
    "stay_daily_type_star",
    "stay_monthly_area",
    "stay_daily_breakdown",
    "stay_daily_province",
    "room_nights",
    "rooms",
    "room_states",
    "trips",
    "trip_cancellations",
    "trip_passengers",
    "guest_records",
    "processed_events",
)
