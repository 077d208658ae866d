"""The stay: one definition of a guest's registration at a facility — its columns (the row of
``ingest.stays``), its receipt and its events.

A stay travels as a plain dict of column values (``values``): the batch path handles
thousands a second and building models per guest was a third of the CPU. Everything that
reads a stay's fields reads them here, once:

- `COLUMNS` — the columns and their PostgreSQL types, in insert order (the bulk statements
  of core.store are generated from it);
- `new_values` — the row for a guest that passed the rules;
- `receipt` — the facility's receipt for a row;
- `event_state` — the content of GuestCheckedIn / StayCorrected, and `event_row` its one
  serialiser (envelope JSON written by orjson, no model built). A contract test
  (tests/unit/test_ingest_fast_paths.py) holds its output equal to the Pydantic contract's
  serialisation and valid against it.
"""

from __future__ import annotations

import functools
import json
import os
import uuid
from datetime import UTC, datetime

import orjson
from asyncpg.pgproto.pgproto import UUID as PgUUID

from luutru_common.events import GuestCheckedIn, GuestIdentity, StayState
from luutru_common.identity import name_match_key, normalize_name
from luutru_common.outbox import OutboxRow
from luutru_common.problems import FieldError
from luutru_ingest import receipt_numbers
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.receipts import Receipt
from luutru_ingest.core.validation import Verdict, country_code
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import Stay

PRODUCER = "ingest"

# Column → PostgreSQL type, in insert order. The stay's natural key is (facility_id,
# document_number, check_in_date); receipt_number is unique too.
COLUMNS: dict[str, str] = {
    "id": "uuid",
    "facility_id": "uuid",
    "document_type": "text",
    "document_number": "text",
    "full_name": "text",
    "name_key": "text",
    "date_of_birth": "date",
    "gender": "text",
    "nationality": "text",
    "country_of_residence": "text",
    "room": "text",
    "reason": "text",
    "check_in_at": "timestamptz",
    "check_in_date": "date",
    "expected_check_out": "date",
    "received_at": "timestamptz",
    "due_at": "timestamptz",
    "late_minutes": "int",
    "status": "text",
    "warnings": "jsonb",
    "legacy_id_number": "text",
    "visa_type": "text",
    "visa_number": "text",
    "entry_date": "date",
    "entry_port": "text",
    "accompanying_adult_document": "text",
    "relationship": "text",
    "unaccompanied_minor": "bool",
    "source": "text",
    "version": "int",
    "upload_id": "uuid",
    "receipt_number": "text",
    "room_id": "uuid",
}

# What a correction replaces: every column but the stay's identity, its receipt times (a
# correction does not make a record late) and its life-cycle state.
KEPT_BY_CORRECTION = frozenset(
    {
        "id",
        "facility_id",
        "received_at",
        "due_at",
        "late_minutes",
        "status",
        "upload_id",
        "version",
        "receipt_number",
    }
)


# Version 4 (random) UUIDs: byte 6 carries the version, byte 8 the variant.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def uuids(n: int) -> list[uuid.UUID]:
    """n random (version 4) UUIDs from one read of the system's random source.

    asyncpg's own UUID type (a `uuid.UUID`, what it returns for every uuid column) is built
    and written as text in C: ~7x cheaper than `uuid.UUID(bytes=…)` for the batch's two ids
    a guest. The version and variant bits are set for all n at once."""
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    data = bytes(raw)
    return [PgUUID(data[i : i + 16]) for i in range(0, 16 * n, 16)]


def aware(moment: datetime, rule: DeadlineRule) -> datetime:
    """A time with its zone: a naive time is the receptionist's wall clock in Vietnam."""
    return moment if moment.tzinfo else moment.replace(tzinfo=rule.timezone)


def new_values(
    verdict: Verdict,
    *,
    facility_id: uuid.UUID,
    rule: DeadlineRule,
    now: datetime,
    stay_id: uuid.UUID | None = None,
    receipt_number: str | None = None,
) -> dict:
    """The stay row for a guest that passed the rules (a verdict without errors)."""
    data = verdict.guest
    if data is None or not (data.full_name and data.date_of_birth and data.gender):
        raise ValueError("a stay is made only from a guest that passed the rules")
    arrival = aware(data.check_in_at, rule)
    due = rule.due_at(arrival)
    nationality = country_code(data.nationality) or data.nationality.upper()
    residence = country_code(data.country_of_residence or "") or nationality
    return {
        "id": stay_id or uuid.uuid4(),
        "facility_id": facility_id,
        "document_type": verdict.document_type,
        "document_number": verdict.document_number,
        "full_name": normalize_name(data.full_name),
        "name_key": name_match_key(data.full_name),
        "date_of_birth": data.date_of_birth,
        "gender": data.gender,
        "nationality": nationality,
        "country_of_residence": residence,
        "room": data.room,
        "reason": data.reason,
        "check_in_at": arrival.astimezone(UTC),
        "check_in_date": rule.local_date(arrival),
        "expected_check_out": data.expected_check_out,
        "received_at": now,
        "due_at": due.astimezone(UTC),
        "late_minutes": rule.late_minutes(due, now),
        "status": "checked_in",
        "warnings": [w.model_dump(mode="json") for w in verdict.warnings],
        "legacy_id_number": data.legacy_id_number,
        "visa_type": data.visa_type,
        "visa_number": data.visa_number,
        "entry_date": data.entry_date,
        "entry_port": data.entry_port,
        "accompanying_adult_document": data.accompanying_adult_document,
        "relationship": data.relationship,
        "unaccompanied_minor": verdict.unaccompanied_minor,
        "source": verdict.source,
        "version": 1,
        "upload_id": None,
        "receipt_number": receipt_number or receipt_numbers.new_number(),
        # core.rooms checks it against the registry (and finds it for a room number).
        "room_id": data.room_id,
    }


def row_values(stay: Stay) -> dict:
    """A stored stay as column values."""
    return {c.key: getattr(stay, c.key) for c in Stay.__table__.columns}


def receipt_fields(values: dict) -> dict:
    """The receipt of a stay (row or values) as plain values, in `Receipt`'s order, without
    its warnings; never the police-only flags."""
    return {
        "stay_id": values["id"],
        "receipt_number": values["receipt_number"],
        "facility_id": values["facility_id"],
        "received_at": values["received_at"],
        "due_at": values["due_at"],
        "on_time": values["late_minutes"] == 0,
        "late_minutes": values["late_minutes"],
        "status": values["status"],
        "version": values["version"],
    }


def receipt(values: dict, warnings: list[FieldError] | None = None) -> Receipt:
    """The facility's receipt for a stay (row or values) as the model.

    ``warnings``: the new stay's own (already models); otherwise read from the row."""
    if warnings is None:
        stored = values["warnings"]
        if isinstance(stored, str):  # a raw asyncpg row carries jsonb as text
            stored = json.loads(stored)
        warnings = [FieldError.model_validate(w) for w in stored or []]
    return Receipt(**receipt_fields(values), warnings=warnings)


def checkin_of(stay: Stay) -> CheckIn:
    """The registration a stay was made from (for an extension's full replacement). Built
    without validation: the stay passed the rules when stored, possibly before today's bounds
    (see luutru_common.bounds), and the rules judge it again anyway."""
    document = stay.document_number
    return CheckIn.model_construct(
        full_name=stay.full_name,
        date_of_birth=stay.date_of_birth,
        gender=stay.gender,  # type: ignore[arg-type]
        id_number=document if stay.document_type == "id_number" else None,
        passport_number=document if stay.document_type == "passport" else None,
        legacy_id_number=stay.legacy_id_number,
        nationality=stay.nationality,
        country_of_residence=stay.country_of_residence,
        visa_type=stay.visa_type,
        visa_number=stay.visa_number,
        entry_date=stay.entry_date,
        entry_port=stay.entry_port,
        accompanying_adult_document=stay.accompanying_adult_document,
        relationship=stay.relationship,
        room=stay.room,
        room_id=stay.room_id,
        reason=stay.reason,
        check_in_at=stay.check_in_at,
        expected_check_out=stay.expected_check_out,
    )


# ---- events -----------------------------------------------------------------------------


def guest_state(values: dict) -> dict:
    """The guest's identity as the events carry it (luutru_common.events.GuestIdentity)."""
    doc_type, doc = values["document_type"], values["document_number"]
    return {
        "full_name": values["full_name"],
        "date_of_birth": values["date_of_birth"],
        "gender": values["gender"],
        "id_number": doc if doc_type == "id_number" else None,
        "passport_number": doc if doc_type == "passport" else None,
        "nationality": values["nationality"],
        "country_of_residence": values["country_of_residence"],
        "visa_type": values["visa_type"],
        "visa_number": values["visa_number"],
        "entry_date": values["entry_date"],
        "entry_port": values["entry_port"],
        "source": "qr" if values["source"] == "qr" else "typed",
    }


def guest_identity(values: dict) -> GuestIdentity:
    """The guest's identity as a contract model (a passenger's, in trip events)."""
    return GuestIdentity(**guest_state(values))


def event_state(values: dict) -> dict:
    """The content of GuestCheckedIn and StayCorrected (luutru_common.events.StayState).

    The stay only: a facility's type, place and star rating travel on facility.v1, which
    consumers project themselves (the contract's RETIRED_FACILITY_FIELDS are left out).
    Times in UTC, as the contract writes them (a corrected deadline is computed in local
    time).
    """
    return {
        "stay_id": values["id"],
        "facility_id": values["facility_id"],
        "guest": guest_state(values),
        "room": values["room"],
        "room_id": values.get("room_id"),
        "reason": values["reason"],
        "check_in_at": values["check_in_at"].astimezone(UTC),
        "expected_check_out": values["expected_check_out"],
        "received_at": values["received_at"].astimezone(UTC),
        "due_at": values["due_at"].astimezone(UTC),
        "late_minutes": values["late_minutes"],
        "accompanying_adult_document": values["accompanying_adult_document"],
        "relationship": values["relationship"],
        "unaccompanied_minor": values["unaccompanied_minor"],
        "version": values["version"],
    }


def json_time(moment: datetime) -> str:
    """A time as the contract writes it: UTC with "Z" (pydantic's form)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# orjson writes ids, dates and times itself (UTC times with "Z", as `json_time`): a batch's
# events were a fifth of its CPU with json.dumps and a Python callback for each of them
# (bench/README.md).
_EVENT_JSON = orjson.OPT_UTC_Z


def _id_text(value: object) -> str:
    # orjson writes uuid.UUID itself, not its subclasses: asyncpg's ids (a facility's, read
    # from the database) come here.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not part of a stay event")


def to_json(value: object) -> bytes:
    """JSON as the contract and the API write it (pydantic's forms: UTC times with "Z", ids
    as text), by orjson."""
    return orjson.dumps(value, default=_id_text, option=_EVENT_JSON)


@functools.cache
def _topic(event: type[StayState]) -> str:
    return str(event.topic)


def event_row(
    event: type[StayState],
    state: dict,
    *,
    event_id: uuid.UUID,
    occurred_at: str,
    correlation_id: str | None,
    key: str | None = None,
) -> OutboxRow:
    """The one serialiser of stay events: the outbox row of ``event`` (GuestCheckedIn or
    StayCorrected) with ``state`` (`event_state`, plus the event's own fields) as its data.
    ``key``: the facility id as text, when the caller wrote it once for many events."""
    envelope = {
        "event_id": str(event_id),
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "occurred_at": occurred_at,
        "producer": PRODUCER,
        "correlation_id": correlation_id,
        "data": state,
    }
    return (
        event_id,
        _topic(event),
        key or str(state["facility_id"]),
        event.event_type,
        orjson.dumps(envelope, default=_id_text, option=_EVENT_JSON).decode(),
        correlation_id,
    )


def checked_in_row(
    values: dict,
    *,
    event_id: uuid.UUID,
    occurred_at: str,
    correlation_id: str | None,
    key: str | None = None,
) -> OutboxRow:
    """The GuestCheckedIn outbox row of a new stay."""
    return event_row(
        GuestCheckedIn,
        event_state(values),
        event_id=event_id,
        occurred_at=occurred_at,
        correlation_id=correlation_id,
        key=key,
    )
