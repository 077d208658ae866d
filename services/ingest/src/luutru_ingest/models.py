"""The ingest schema: a read model of facilities, the stays, the outbox."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from luutru_common.consumer import processed_events_table
from luutru_common.db import schema_metadata
from luutru_common.outbox import outbox_table

SCHEMA = "ingest"


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


class FacilityView(Base):
    """What ingest knows of a facility, projected from facility.v1."""

    __tablename__ = "facilities"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    facility_type: Mapped[str] = mapped_column(Text)
    province_code: Mapped[int] = mapped_column(Integer)
    commune_code: Mapped[int] = mapped_column(Integer)
    beds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text)
    # occurred_at of the event this row reflects: older events never overwrite newer ones.
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Stay(Base):
    __tablename__ = "stays"
    __table_args__ = (
        # The natural key: one registration per guest document per facility per arrival day.
        UniqueConstraint("facility_id", "document_number", "check_in_date"),
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


metadata = Base.metadata
outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
