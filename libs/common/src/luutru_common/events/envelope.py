"""The one envelope every event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from luutru_common.events.contracts import Event


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: uuid.UUID
    event_type: str = Field(min_length=1)
    schema_version: int = Field(ge=1)
    occurred_at: datetime
    producer: str
    correlation_id: str | None = None
    data: dict[str, Any]


def new_envelope(event: Event, *, producer: str, correlation_id: str | None = None) -> Envelope:
    """A fresh envelope for `event`: a new event id, now as `occurred_at`, the request's correlation
    id."""
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=datetime.now(UTC),
        producer=producer,
        correlation_id=correlation_id,
        data=event.model_dump(mode="json"),
    )
