"""Guest registration: validate, store, and emit the stay events through the outbox — in one
transaction, so an accepted registration and its event are durable together.

One code path (`register`) serves a single check-in, a batch, an upload chunk: the rules are
the same and the natural key (facility, document, arrival day) makes every retry harmless.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import (
    Event,
    GuestCheckedIn,
    GuestCheckedOut,
    GuestIdentity,
    StayCorrected,
    StayVoided,
    new_envelope,
)
from luutru_common.facility_types import BY_CODE
from luutru_common.identity import name_match_key, normalize_name
from luutru_common.logging import get_correlation_id
from luutru_common.problems import FieldError, Problem, field_error
from luutru_ingest import receipt_numbers
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Stay, StayVersion
from luutru_ingest.stays import fast_events, repository
from luutru_ingest.stays.checking import partial_verdict
from luutru_ingest.stays.schemas import CheckIn, Receipt, RecordResult
from luutru_ingest.stays.validation import Verdict, check_in_rules, country_code

PRODUCER = "ingest"
# Below this many guests one statement does stays, events and wake-up; above, COPY wins.
SMALL_BATCH = 20


async def active_facility(
    session: AsyncSession, facility_id: uuid.UUID | None, *, takes_guests: bool = True
) -> FacilityView:
    if facility_id is None:
        raise Problem(403, "no-facility", "Token carries no facility")
    facility = await _cached_facility(session, facility_id)
    if facility is None:
        raise Problem(
            404,
            "facility-unknown",
            "Facility unknown",
            "Cơ sở chưa được đăng ký với Công an / This facility is not registered",
        )
    if facility.status != "active":
        raise Problem(
            403,
            "facility-not-active",
            "Facility not active",
            "Cơ sở đang bị tạm dừng hoặc đã đóng / The facility is suspended or closed",
        )
    ftype = BY_CODE.get(facility.facility_type)
    if takes_guests and (ftype is None or not ftype.takes_guests):
        raise Problem(
            422,
            "facility-type-takes-no-guests",
            "Facility type takes no guests",
            "Loại cơ sở này khai báo hành khách theo chuyến / This type reports trip manifests",
        )
    if not takes_guests and (ftype is None or ftype.takes_guests):
        raise Problem(
            422,
            "facility-not-coach",
            "Only coach operators submit trips",
            "Chỉ nhà xe khai báo chuyến / Only coach operators submit trip manifests",
        )
    return facility


# The facility read model changes rarely (facility.v1); at hundreds of check-ins a second a
# short-lived copy saves a round trip per request. A suspension still takes effect within
# FACILITY_CACHE_S of its event reaching ingest.
FACILITY_CACHE_S = 2.0
_facilities: dict[uuid.UUID, tuple[float, FacilityView]] = {}


async def _cached_facility(session: AsyncSession, facility_id: uuid.UUID) -> FacilityView | None:
    now = time.monotonic()
    hit = _facilities.get(facility_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    facility = await repository.facility(session, facility_id)
    if facility is not None:
        session.expunge(facility)
        if len(_facilities) > 100_000:
            _facilities.clear()
        _facilities[facility_id] = (now + FACILITY_CACHE_S, facility)
    return facility


def aware(moment: datetime, rule: DeadlineRule) -> datetime:
    # A naive time is the receptionist's wall clock in Vietnam.
    return moment if moment.tzinfo else moment.replace(tzinfo=rule.timezone)


@dataclass
class Prepared:
    index: int
    values: dict
    warnings: list[FieldError]


def stay_values(
    verdict: Verdict,
    *,
    facility_id: uuid.UUID,
    rule: DeadlineRule,
    now: datetime,
    stay_id: uuid.UUID | None = None,
    receipt_number: str | None = None,
) -> dict:
    """The stay row for a guest that passed the rules."""
    data = verdict.guest
    assert data is not None and data.full_name and data.date_of_birth and data.gender
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
    }


async def capacity_warnings(
    session: AsyncSession,
    facility: FacilityView,
    prepared: list[Prepared],
    *,
    today: date,
    timezone: str,
) -> None:
    """More guests than declared beds is a warning on each guest beyond the beds."""
    if not facility.beds or not prepared:
        return
    held = await repository.in_house_count(session, facility.id, today, timezone=timezone)
    for position, item in enumerate(prepared, 1):
        if held + position > facility.beds:
            item.warnings.append(
                field_error(
                    "",
                    "over-capacity",
                    "Số khách vượt quá số giường đã khai báo của cơ sở",
                    "More guests than the facility's declared beds",
                )
            )
            item.values["warnings"] = [w.model_dump(mode="json") for w in item.warnings]


async def register(
    session: AsyncSession,
    *,
    facility: FacilityView,
    items: list[tuple[int, object]],
    rule: DeadlineRule,
    now: datetime,
    pointer: Callable[[int], str],
    dry_run: bool = False,
    upload_id: uuid.UUID | None = None,
) -> list[RecordResult]:
    """Validate and store guests (raw objects or CheckIn); a result per item, in order.

    Accepted guests are inserted with one statement, their events with another; guests whose
    natural key already exists get their original receipt with status `duplicate`.
    """
    today = rule.local_date(now)
    local_now = now.astimezone(rule.timezone)  # naive check-in times are local wall time
    results: dict[int, RecordResult] = {}
    prepared: list[Prepared] = []
    stay_ids = fast_events.uuids(len(items))
    numbers = receipt_numbers.new_numbers(len(items))
    for index, raw in items:
        p = pointer(index)
        # A raw item (a batch's) is read field by field: the fields that cannot be read are
        # errors next to the rule errors of the others.
        verdict = (
            check_in_rules(raw, today=today, now=local_now, pointer=p)
            if isinstance(raw, CheckIn)
            else partial_verdict(raw, p, now=now, today=today, refuse_future=True)
        )
        if verdict.errors:
            results[index] = RecordResult(
                index=index, status="rejected", errors=verdict.errors, warnings=verdict.warnings
            )
            continue
        values = stay_values(
            verdict,
            facility_id=facility.id,
            rule=rule,
            now=now,
            stay_id=stay_ids.pop(),
            receipt_number=numbers.pop(),
        )
        values["upload_id"] = upload_id
        prepared.append(Prepared(index, values, verdict.warnings))
    await capacity_warnings(session, facility, prepared, today=today, timezone=rule.timezone.key)
    if dry_run:
        for item in prepared:
            results[item.index] = RecordResult(
                index=item.index, status="valid", warnings=item.warnings
            )
        return [results[i] for i, _ in items]

    cid = get_correlation_id()
    occurred_at = fast_events._iso(datetime.now(UTC))
    event_ids = fast_events.uuids(len(prepared))
    events = {
        item.values["id"]: fast_events.checked_in_row(
            item.values,
            facility,
            event_id=event_id,
            occurred_at=occurred_at,
            correlation_id=cid,
        )
        for item, event_id in zip(prepared, event_ids, strict=True)
    }
    created: set[uuid.UUID] = set()
    existing: dict = {}
    pending = prepared
    for _ in range(5):
        if len(prepared) < SMALL_BATCH:
            inserted = await repository.insert_small(
                session,
                [p.values for p in pending],
                [(p.values["id"], events[p.values["id"]]) for p in pending],
            )
        else:
            inserted = await repository.insert_stays(session, [p.values for p in pending])
            await repository.insert_outbox(
                session, [events[p.values["id"]] for p in pending if p.values["id"] in inserted]
            )
        created |= inserted
        left_out = [p for p in pending if p.values["id"] not in inserted]
        existing |= await repository.by_natural_keys(
            session,
            facility.id,
            [(p.values["document_number"], p.values["check_in_date"]) for p in left_out],
        )
        # Left out without a stay of the same key: its receipt number was drawn before
        # (about one in 10^13 a pair). Draw again for those alone.
        pending = [
            p
            for p in left_out
            if (p.values["document_number"], p.values["check_in_date"]) not in existing
        ]
        if not pending:
            break
        for item, number in zip(pending, receipt_numbers.new_numbers(len(pending)), strict=True):
            item.values["receipt_number"] = number
    else:
        raise RuntimeError("no free receipt number after 5 draws")
    for item in prepared:
        if item.values["id"] in created:
            results[item.index] = RecordResult(
                index=item.index,
                status="accepted",
                receipt=receipt(item.values),
                warnings=item.warnings,
            )
        else:
            original = existing[(item.values["document_number"], item.values["check_in_date"])]
            results[item.index] = RecordResult(
                index=item.index, status="duplicate", receipt=receipt(dict(original))
            )
    return [results[i] for i, _ in items]


async def emit(session: AsyncSession, events: list[Event]) -> None:
    """All of a chunk's events in one outbox statement (and one relay wake-up)."""
    if not events:
        return
    cid = get_correlation_id()
    rows = []
    for event in events:
        env = new_envelope(event, producer=PRODUCER, correlation_id=cid)
        rows.append(
            (
                env.event_id,
                str(event.topic),
                event.partition_key(),
                env.event_type,
                env.model_dump_json(),
                cid,
            )
        )
    await repository.insert_outbox(session, rows)


def receipt(values: dict) -> Receipt:
    """The facility's receipt for a stay (row or values); never the police-only flags.

    Built without validation: every value is our own (a stored row or the values just
    inserted), and validating them again was a seventh of a batch's CPU."""
    return Receipt.model_construct(
        stay_id=values["id"],
        receipt_number=values["receipt_number"],
        facility_id=values["facility_id"],
        received_at=values["received_at"],
        due_at=values["due_at"],
        on_time=values["late_minutes"] == 0,
        late_minutes=values["late_minutes"],
        status=values["status"],
        version=values["version"],
        warnings=[
            FieldError.model_validate(w)
            for w in (
                json.loads(values["warnings"])
                if isinstance(values["warnings"], str)
                else values["warnings"] or []
            )
        ],
    )


def guest_identity(values: dict) -> GuestIdentity:
    doc_type, doc = values["document_type"], values["document_number"]
    return GuestIdentity(
        full_name=values["full_name"],
        date_of_birth=values["date_of_birth"],
        gender=values["gender"],
        id_number=doc if doc_type == "id_number" else None,
        passport_number=doc if doc_type == "passport" else None,
        nationality=values["nationality"],
        country_of_residence=values["country_of_residence"],
        visa_type=values["visa_type"],
        visa_number=values["visa_number"],
        entry_date=values["entry_date"],
        entry_port=values["entry_port"],
        source="qr" if values["source"] == "qr" else "typed",
    )


def _state(values: dict, facility: FacilityView) -> dict:
    return {
        "stay_id": values["id"],
        "facility_id": values["facility_id"],
        "facility_type": facility.facility_type,
        "province_code": facility.province_code,
        "commune_code": facility.commune_code,
        "guest": guest_identity(values),
        "room": values["room"],
        "reason": values["reason"],
        "check_in_at": values["check_in_at"],
        "expected_check_out": values["expected_check_out"],
        "received_at": values["received_at"],
        "due_at": values["due_at"],
        "late_minutes": values["late_minutes"],
        "accompanying_adult_document": values["accompanying_adult_document"],
        "relationship": values["relationship"],
        "unaccompanied_minor": values["unaccompanied_minor"],
        "version": values["version"],
    }


def checked_in_event(values: dict, facility: FacilityView) -> GuestCheckedIn:
    return GuestCheckedIn(**_state(values, facility))


# ---- the life of a stay after check-in ------------------------------------------------------


def row_values(stay: Stay) -> dict:
    return {c.key: getattr(stay, c.key) for c in Stay.__table__.columns}


async def _open_stay(session: AsyncSession, facility_id: uuid.UUID, stay_id: uuid.UUID) -> Stay:
    stay = await repository.stay_for_update(session, facility_id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    if stay.status == "voided":
        raise Problem(
            409, "stay-voided", "Stay is voided", "Bản khai đã bị hủy / The record was voided"
        )
    return stay


async def check_out(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    at: datetime | None,
    rule: DeadlineRule,
) -> Stay:
    stay = await _open_stay(session, facility.id, stay_id)
    if stay.status == "checked_out":
        return stay  # checking out twice is a retry, not an error
    moment = aware(at, rule) if at else datetime.now(UTC)
    if moment < stay.check_in_at:
        raise Problem(
            422,
            "validation-failed",
            "Check-out before check-in",
            errors=[
                field_error(
                    "/check_out_at",
                    "check-out-before-check-in",
                    "Giờ đi không thể trước giờ đến",
                    "Check-out cannot be before check-in",
                )
            ],
        )
    stay.status, stay.check_out_at = "checked_out", moment
    await session.flush()
    await emit(
        session,
        [GuestCheckedOut(stay_id=stay.id, facility_id=stay.facility_id, check_out_at=moment)],
    )
    return stay


async def correct(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    data: CheckIn,
    reason: str | None,
    by: str,
    rule: DeadlineRule,
    now: datetime,
    pointer: str = "/stay",
) -> Stay:
    """A full replacement; the previous state is kept in stay_versions. The receipt times of
    the original registration stay (a correction does not make a record late)."""
    stay = await _open_stay(session, facility.id, stay_id)
    verdict = check_in_rules(
        data, today=rule.local_date(now), now=now.astimezone(rule.timezone), pointer=pointer
    )
    if verdict.errors:
        raise Problem(
            422,
            "validation-failed",
            "Correction is invalid",
            "Thông tin sửa không hợp lệ / The correction has invalid fields",
            errors=verdict.errors,
        )
    session.add(
        StayVersion(
            stay_id=stay.id,
            version=stay.version,
            data=json.loads(json.dumps(row_values(stay), default=str)),
            reason=reason,
            changed_by=by,
            changed_at=now,
        )
    )
    values = stay_values(verdict, facility_id=facility.id, rule=rule, now=now)
    keep = {
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
    for key, value in values.items():
        if key not in keep:
            setattr(stay, key, value)
    stay.due_at = rule.due_at(stay.check_in_at)
    stay.version += 1
    try:
        await session.flush()
    except Exception as exc:  # the natural key now collides with another stay
        if "uq_stays" in str(exc):
            raise Problem(
                409,
                "stay-exists",
                "Another stay has this document and day",
                "Đã có bản khai khác cho giấy tờ và ngày đến này / Another record exists",
            ) from exc
        raise
    event = StayCorrected(**_state(row_values(stay), facility), correction_reason=reason)
    await emit(session, [event])
    return stay


async def extend(
    session: AsyncSession,
    *,
    facility: FacilityView,
    stay_id: uuid.UUID,
    expected_check_out: date,
    reason: str | None,
    by: str,
    rule: DeadlineRule,
    now: datetime,
) -> Stay:
    """An extension is a correction with a new expected check-out."""
    stay = await repository.stay(session, facility.id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    data = checkin_of(stay).model_copy(update={"expected_check_out": expected_check_out})
    return await correct(
        session,
        facility=facility,
        stay_id=stay_id,
        data=data,
        reason=reason or "extension",
        by=by,
        rule=rule,
        now=now,
        pointer="",
    )


def checkin_of(stay: Stay) -> CheckIn:
    """The registration a stay was made from (for an extension's full replacement). Built
    without validation: the stay passed the rules when stored, possibly before today's bounds
    (see luutru_common.bounds), and the rules judge it again anyway."""
    return CheckIn.model_construct(
        full_name=stay.full_name,
        date_of_birth=stay.date_of_birth,
        gender=stay.gender,  # type: ignore[arg-type]
        id_number=stay.document_number if stay.document_type == "id_number" else None,
        passport_number=stay.document_number if stay.document_type == "passport" else None,
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
        reason=stay.reason,
        check_in_at=stay.check_in_at,
        expected_check_out=stay.expected_check_out,
    )


async def void(
    session: AsyncSession, *, facility: FacilityView, stay_id: uuid.UUID, reason: str
) -> Stay:
    stay = await repository.stay_for_update(session, facility.id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    if stay.status == "voided":
        return stay
    stay.status, stay.void_reason = "voided", reason
    await session.flush()
    await emit(session, [StayVoided(stay_id=stay.id, facility_id=stay.facility_id, reason=reason)])
    return stay
