"""Guest check-in: validate, store, and emit GuestCheckedIn through the outbox — in one
transaction, so an accepted registration and its event are durable together."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.events import GuestCheckedIn, GuestIdentity
from luutru_common.facility_types import BY_CODE
from luutru_common.identity import name_match_key, normalize_name
from luutru_common.outbox import record_events
from luutru_common.problems import FieldError, Problem
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView, Stay, outbox
from luutru_ingest.stays import repository
from luutru_ingest.stays.schemas import CheckIn, Receipt
from luutru_ingest.stays.validation import check_in_rules


async def active_facility(session: AsyncSession, facility_id: uuid.UUID) -> FacilityView:
    facility = await repository.facility(session, facility_id)
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
    if ftype is None or not ftype.takes_guests:
        raise Problem(
            422,
            "facility-type-takes-no-guests",
            "Facility type takes no guests",
            "Loại cơ sở này khai báo hành khách theo chuyến / This type reports trip manifests",
        )
    return facility


def _aware(moment: datetime, rule: DeadlineRule) -> datetime:
    # A naive time is the receptionist's wall clock in Vietnam.
    return moment if moment.tzinfo else moment.replace(tzinfo=rule.timezone)


async def check_in(
    session: AsyncSession,
    *,
    facility: FacilityView,
    data: CheckIn,
    rule: DeadlineRule,
    now: datetime,
) -> tuple[Receipt, bool]:
    """Register one guest. Returns the receipt and whether it was created now (False when the
    natural key already existed: a retry gets the original receipt, no duplicate)."""
    verdict = check_in_rules(data, today=rule.local_date(now))
    if verdict.errors:
        raise Problem(
            422,
            "validation-failed",
            "Registration is invalid",
            "Thông tin khai báo không hợp lệ / The registration has invalid fields",
            errors=verdict.errors,
        )
    arrival = _aware(data.check_in_at, rule)
    due = rule.due_at(arrival)
    nationality = data.nationality.upper()
    values = {
        "id": uuid.uuid4(),
        "facility_id": facility.id,
        "document_type": verdict.document_type,
        "document_number": verdict.document_number,
        "full_name": normalize_name(data.full_name),
        "name_key": name_match_key(data.full_name),
        "date_of_birth": data.date_of_birth,
        "gender": data.gender,
        "nationality": nationality,
        "country_of_residence": (data.country_of_residence or nationality).upper(),
        "room": data.room,
        "reason": data.reason,
        "check_in_at": arrival,
        "check_in_date": rule.local_date(arrival),
        "expected_check_out": data.expected_check_out,
        "received_at": now,
        "due_at": due,
        "late_minutes": rule.late_minutes(due, now),
        "status": "checked_in",
        "warnings": [w.model_dump(mode="json") for w in verdict.warnings],
    }
    created = await repository.insert_if_new(session, values)
    stay = await repository.by_natural_key(
        session, facility.id, values["document_number"], values["check_in_date"]
    )
    assert stay is not None
    if created:
        await record_events(session, outbox, [checked_in_event(stay, facility)], producer="ingest")
    return receipt(stay), created


def receipt(stay: Stay) -> Receipt:
    return Receipt(
        stay_id=stay.id,
        facility_id=stay.facility_id,
        received_at=stay.received_at,
        due_at=stay.due_at,
        on_time=stay.late_minutes == 0,
        late_minutes=stay.late_minutes,
        status=stay.status,  # type: ignore[arg-type]
        warnings=[FieldError.model_validate(w) for w in stay.warnings or []],
    )


def checked_in_event(stay: Stay, facility: FacilityView) -> GuestCheckedIn:
    return GuestCheckedIn(
        stay_id=stay.id,
        facility_id=stay.facility_id,
        facility_type=facility.facility_type,
        province_code=facility.province_code,
        commune_code=facility.commune_code,
        guest=GuestIdentity(
            full_name=stay.full_name,
            date_of_birth=stay.date_of_birth,
            gender=stay.gender,  # type: ignore[arg-type]
            id_number=stay.document_number if stay.document_type == "id_number" else None,
            passport_number=stay.document_number if stay.document_type == "passport" else None,
            nationality=stay.nationality,
            country_of_residence=stay.country_of_residence,
        ),
        room=stay.room,
        reason=stay.reason,
        check_in_at=stay.check_in_at,
        expected_check_out=stay.expected_check_out,
        received_at=stay.received_at,
        due_at=stay.due_at,
        late_minutes=stay.late_minutes,
    )
