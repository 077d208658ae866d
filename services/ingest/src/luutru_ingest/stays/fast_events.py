"""GuestCheckedIn envelopes for the batch path, serialised without building the pydantic
models: at thousands of guests a second, model construction and validation were a third of
the CPU. The output is the same JSON the contract produces (a unit test holds the two
together: tests/unit/test_ingest_fast_events.py)."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime

from luutru_common.events import GuestCheckedIn
from luutru_ingest.models import FacilityView


def uuids(n: int) -> list[uuid.UUID]:
    """n random (version 4) UUIDs from one read of the system's random source."""
    raw = os.urandom(16 * n)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * n, 16)]


def _iso(moment: datetime) -> str:
    # pydantic writes UTC as "Z"; values here are always UTC-aware.
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def checked_in_row(
    values: dict,
    facility: FacilityView,
    *,
    event_id: uuid.UUID,
    occurred_at: str,
    correlation_id: str | None,
) -> tuple:
    """One outbox row (event_id, topic, key, event_type, payload, correlation_id)."""
    doc_type, doc = values["document_type"], values["document_number"]
    data = {
        "stay_id": str(values["id"]),
        "facility_id": str(values["facility_id"]),
        "facility_type": facility.facility_type,
        "province_code": facility.province_code,
        "commune_code": facility.commune_code,
        "star_rating": None,
        "guest": {
            "full_name": values["full_name"],
            "date_of_birth": values["date_of_birth"].isoformat(),
            "gender": values["gender"],
            "id_number": doc if doc_type == "id_number" else None,
            "passport_number": doc if doc_type == "passport" else None,
            "nationality": values["nationality"],
            "country_of_residence": values["country_of_residence"],
            "visa_type": values["visa_type"],
            "visa_number": values["visa_number"],
            "entry_date": _day(values["entry_date"]),
            "entry_port": values["entry_port"],
            "source": "qr" if values["source"] == "qr" else "typed",
        },
        "room": values["room"],
        "reason": values["reason"],
        "check_in_at": _iso(values["check_in_at"]),
        "expected_check_out": _day(values["expected_check_out"]),
        "received_at": _iso(values["received_at"]),
        "due_at": _iso(values["due_at"]),
        "late_minutes": values["late_minutes"],
        "accompanying_adult_document": values["accompanying_adult_document"],
        "relationship": values["relationship"],
        "unaccompanied_minor": values["unaccompanied_minor"],
        "version": values["version"],
    }
    envelope = {
        "event_id": str(event_id),
        "event_type": GuestCheckedIn.event_type,
        "schema_version": GuestCheckedIn.schema_version,
        "occurred_at": occurred_at,
        "producer": "ingest",
        "correlation_id": correlation_id,
        "data": data,
    }
    return (
        event_id,
        str(GuestCheckedIn.topic),
        data["facility_id"],
        GuestCheckedIn.event_type,
        json.dumps(envelope, ensure_ascii=False, separators=(",", ":")),
        correlation_id,
    )
