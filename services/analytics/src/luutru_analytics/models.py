"""The analytics schema. Tables that departments read hold no personal data: a stay is a
pseudonymous row with age band, gender, nationality and country of residence."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, Index, Integer, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from luutru_common.consumer import processed_events_table
from luutru_common.db import schema_metadata

SCHEMA = "analytics"


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


class StayFact(Base):
    __tablename__ = "stay_facts"
    __table_args__ = (Index("ix_stay_facts_day_type", "check_in_date", "facility_type"),)

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


metadata = Base.metadata
processed_events = processed_events_table(metadata)
