from __future__ import annotations

import uuid
from datetime import datetime
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
