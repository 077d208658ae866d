"""The ingest schema: a read model of facilities, the stays, the outbox."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    and_,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from luutru_common.consumer import processed_events_table
from luutru_common.db import schema_metadata
from luutru_common.facility_view import FacilityCore
from luutru_common.outbox import outbox_table

SCHEMA = "ingest"


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


class FacilityView(FacilityCore, Base):
    """What ingest knows of a facility, projected from facility.v1."""

    __tablename__ = "facilities"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    beds: Mapped[int | None] = mapped_column(Integer)
    # occurred_at of the event this row reflects: older events never overwrite newer ones.
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Stay(Base):
    __tablename__ = "stays"
    __table_args__ = (
        # The natural key: one registration per guest document per facility per arrival day.
        # Led by the day and the facility (0012): the day list's index, and none of a
        # facility's history (the in-house counts read their own two, below).
        UniqueConstraint("check_in_date", "facility_id", "document_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    document_type: Mapped[str] = mapped_column(Text)  # id_number | passport
    document_number: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(Text)
    nationality: Mapped[str] = mapped_column(Text)
    country_of_residence: Mapped[str] = mapped_column(Text)
    room: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    check_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    check_in_date: Mapped[date] = mapped_column(Date)
    expected_check_out: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    late_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(Text, default="checked_in")
    warnings: Mapped[list] = mapped_column(JSONB, default=list)
    # Added in 0002: the rest of DOMAIN.md's fields and the life of a stay.
    legacy_id_number: Mapped[str | None] = mapped_column(Text)  # old 9-digit CMND, optional
    visa_type: Mapped[str | None] = mapped_column(Text)
    visa_number: Mapped[str | None] = mapped_column(Text)
    entry_date: Mapped[date | None] = mapped_column(Date)
    entry_port: Mapped[str | None] = mapped_column(Text)
    accompanying_adult_document: Mapped[str | None] = mapped_column(Text)
    relationship: Mapped[str | None] = mapped_column(Text)
    # Police-only: never rendered in any facility-facing response.
    unaccompanied_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="typed")  # typed | qr | upload
    version: Mapped[int] = mapped_column(Integer, default=1)
    check_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(Text)
    upload_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Added in 0004: the short number read out on the phone (receipt_numbers.py).
    receipt_number: Mapped[str] = mapped_column(Text, unique=True)
    # Added in 0005: the registry room the guest is in (rooms), when the facility keeps one.
    room_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


# Held on a day is still open or checked out since (core.store.held_on): the in-house counts
# read these two (0012), index-only, instead of the facility's whole history. A new stay
# enters only the first; its check-out moves it to the second.
Index(
    "ix_stays_open",
    Stay.facility_id,
    Stay.check_in_date,
    postgresql_include=["expected_check_out", "check_out_at", "room_id"],
    postgresql_where=and_(Stay.check_out_at.is_(None), Stay.status != "voided"),
)
# Voided records never checked out (0013): the in-house list shows them with their status; a
# stay enters it only when voided, an update that writes every index anyway.
Index(
    "ix_stays_voided_open",
    Stay.facility_id,
    Stay.check_in_date,
    postgresql_where=and_(Stay.check_out_at.is_(None), Stay.status == "voided"),
)
Index(
    "ix_stays_checked_out",
    Stay.facility_id,
    Stay.check_out_at,
    postgresql_include=["check_in_date", "expected_check_out", "status", "room_id"],
    postgresql_where=Stay.check_out_at.is_not(None),
)


class Room(Base):
    """A room, dormitory, bed space or ward of a facility's room registry (added in 0005).

    A retired room is kept (its stays still name it); its number may then be given to a new
    room, so the number is unique only among the rooms not retired.
    """

    __tablename__ = "rooms"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    number: Mapped[str] = mapped_column(Text)
    # The number as compared: upper case, inner spaces folded ("a 1" = "A 1").
    number_key: Mapped[str] = mapped_column(Text)
    # The order people expect: digit runs compared as numbers ("A2" before "A10").
    sort_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    floor: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)  # room | dormitory | bed_space | ward
    beds: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)  # in_service | out_of_service | retired
    state_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index(
    "uq_rooms_facility_number",
    Room.facility_id,
    Room.number_key,
    unique=True,
    postgresql_where=Room.state != "retired",
)


class RoomVersion(Base):
    """Every earlier state of a room, with who changed it, when and why: the history."""

    __tablename__ = "room_versions"

    room_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict] = mapped_column(JSONB)
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StayVersion(Base):
    """Every earlier state of a corrected stay, with who changed it and why."""

    __tablename__ = "stay_versions"

    stay_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """A client's Idempotency-Key with the request it came with and the answer it got."""

    __tablename__ = "idempotency_keys"

    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    request_hash: Mapped[str] = mapped_column(Text)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Upload(Base):
    """A file as the operator sent it (stored before any processing) and its progress."""

    __tablename__ = "uploads"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(Text)  # guests | trip
    filename: Mapped[str] = mapped_column(Text)
    file_format: Mapped[str] = mapped_column(Text)  # csv | xlsx
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(Text)
    trip_fields: Mapped[dict | None] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(Text, default="pending")  # pending|processing|done|failed
    # Rows before next_row are done (their results are in upload_rows, same transaction).
    next_row: Mapped[int] = mapped_column(Integer, default=0)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The operator's explicit column mapping (letter → field or null) and header line, if any;
    # the layout as read (header line; each column's letter, header, field, status) and the
    # file-level notices.
    mapping: Mapped[dict | None] = mapped_column(JSONB)
    header_row: Mapped[int | None] = mapped_column(Integer)
    layout: Mapped[dict | None] = mapped_column(JSONB)
    notices: Mapped[list] = mapped_column(JSONB, default=list)


Index(
    "ix_uploads_waiting",
    Upload.created_at,
    postgresql_where=Upload.status.in_(["pending", "processing"]),
)


class UploadMapping(Base):
    """A facility's last explicit column mapping per kind of upload, offered again by the
    preview when a file with the same headers arrives."""

    __tablename__ = "upload_mappings"

    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    signature: Mapped[str] = mapped_column(Text)
    header_row: Mapped[int | None] = mapped_column(Integer)
    mapping: Mapped[dict] = mapped_column(JSONB)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class UploadRow(Base):
    """The result of one data row of an upload (row_number counts data rows from 1)."""

    __tablename__ = "upload_rows"

    upload_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(Text)  # accepted | duplicate | rejected
    stay_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    errors: Mapped[list] = mapped_column(JSONB, default=list)
    warnings: Mapped[list] = mapped_column(JSONB, default=list)


class Trip(Base):
    """One coach trip's manifest (U-ETDS style: one atomic submission per trip)."""

    __tablename__ = "trips"
    __table_args__ = (UniqueConstraint("operator_id", "plate", "departure_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    operator_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plate: Mapped[str] = mapped_column(Text)
    origin_province: Mapped[int] = mapped_column(Integer)
    destination_province: Mapped[int] = mapped_column(Integer)
    departure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seats: Mapped[int] = mapped_column(Integer)
    crew: Mapped[list] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(Text, default="submitted")  # submitted | cancelled
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Added in 0004: the short number read out on the phone (receipt_numbers.py).
    receipt_number: Mapped[str] = mapped_column(Text, unique=True)


class TripPassenger(Base):
    __tablename__ = "trip_passengers"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    trip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    guest: Mapped[dict] = mapped_column(JSONB)  # GuestIdentity as JSON
    document_number: Mapped[str] = mapped_column(Text)
    seat: Mapped[str | None] = mapped_column(Text)
    boarding_point: Mapped[str | None] = mapped_column(Text)
    alighting_point: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="on_board")  # on_board|removed|no_show


class PreRegistrationLink(Base):
    """A signed link a facility hands out: per expected guest or group (closed after
    ``max_entries`` entries), or a standing one at reception (no such limit; a newer one
    revokes it). The token is derived from the id and expiry, never stored."""

    __tablename__ = "pre_registration_links"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    kind: Mapped[str] = mapped_column(Text)  # guest | standing
    label: Mapped[str | None] = mapped_column(Text)
    max_entries: Mapped[int | None] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PreRegistration(Base):
    """What a guest sent through a link: pending until staff confirm it (then it becomes a
    stay and this row goes), deleted at ``expires_at`` otherwise. Never in the outbox."""

    __tablename__ = "pre_registrations"
    __table_args__ = (UniqueConstraint("facility_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    facility_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    link_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    code: Mapped[str] = mapped_column(Text)  # shown on the guest's screen, read aloud
    full_name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    guest: Mapped[dict] = mapped_column(JSONB)  # the CheckIn fields the guest gave
    source_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


metadata = Base.metadata
outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
