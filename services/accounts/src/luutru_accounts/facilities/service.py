"""Facility registry: the police create, update, suspend, reinstate and close facilities.

Every change writes the matching event (each carries the whole facility: facility.v1 is
compacted) to the outbox and a row to the audit log, in the caller's transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Actor
from luutru_accounts.core import audit
from luutru_accounts.core import facility_repository as repository
from luutru_accounts.core.passwords import hash_password_async, one_time_password
from luutru_accounts.facilities.schemas import FacilityCreate, FacilityFields, FacilityUpdate
from luutru_accounts.models import Facility, User, outbox
from luutru_common.admin_units import commune_in_province, province_name
from luutru_common.auth import Role
from luutru_common.events import (
    FacilityClosed,
    FacilityEvent,
    FacilityRegistered,
    FacilityReinstated,
    FacilitySuspended,
    FacilityUpdated,
)
from luutru_common.facility_types import BY_CODE
from luutru_common.outbox import record_events
from luutru_common.problems import FieldError, Problem, field_error, validation_errors

PRODUCER = "accounts"
FIELDS = tuple(FacilityFields.model_fields)


def _not_applicable(field: str, vi: str, en: str) -> FieldError:
    return field_error(f"/{field}", f"{field.replace('_', '-')}-not-applicable", vi, en)


def _required(field: str, vi: str, en: str) -> FieldError:
    return field_error(f"/{field}", f"{field.replace('_', '-')}-required", vi, en)


def validate(data: FacilityFields) -> list[FieldError]:
    """Every problem of the facility at once, each naming its field."""
    errors: list[FieldError] = []
    ftype = BY_CODE.get(data.facility_type)
    if ftype is None:
        errors.append(
            field_error(
                "/facility_type",
                "facility-type-unknown",
                "Loại cơ sở không hợp lệ",
                f"Unknown facility type {data.facility_type!r}",
            )
        )
    else:
        if data.star_rating is not None and not ftype.has_stars:
            errors.append(
                field_error(
                    "/star_rating",
                    "star-rating-not-applicable",
                    "Chỉ khách sạn mới có hạng sao",
                    "Only hotels have a star rating",
                )
            )
        if ftype.has_zone and not data.zone:
            errors.append(
                _required(
                    "zone",
                    "Nhà ở trong KCN/KKT cần tên khu công nghiệp/khu kinh tế",
                    "Zone housing needs its industrial or economic zone",
                )
            )
        if not ftype.has_zone and data.zone:
            errors.append(
                _not_applicable(
                    "zone",
                    "Chỉ nhà ở trong KCN/KKT mới có khu",
                    "Only zone housing has a zone",
                )
            )
        if ftype.takes_guests:
            for field in ("vehicles", "seats"):
                if getattr(data, field) is not None:
                    errors.append(
                        _not_applicable(
                            field,
                            "Chỉ nhà xe mới có số xe/số ghế",
                            "Only coach operators have vehicles and seats",
                        )
                    )
        else:
            for field, vi in (("vehicles", "Nhà xe cần số xe"), ("seats", "Nhà xe cần số ghế")):
                if getattr(data, field) is None:
                    errors.append(_required(field, vi, f"Coach operators need their {field}"))
            for field in ("rooms", "beds"):
                if getattr(data, field) is not None:
                    errors.append(
                        _not_applicable(
                            field,
                            "Nhà xe không có phòng/giường",
                            "Coach operators have no rooms or beds",
                        )
                    )
    if province_name(data.province_code) is None:
        errors.append(
            field_error(
                "/province_code",
                "province-unknown",
                "Mã tỉnh không có trong danh mục 2025",
                "Province code not in the 2025 list",
            )
        )
    elif not commune_in_province(data.commune_code, data.province_code):
        errors.append(
            field_error(
                "/commune_code",
                "commune-unknown",
                "Mã xã/phường không thuộc tỉnh đã chọn",
                "Commune code is not a commune of that province",
            )
        )
    return errors


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem.invalid(
        "Facility is invalid",
        errors,
        "Thông tin cơ sở không hợp lệ / The facility has invalid fields",
    )


def licence_error() -> FieldError:
    return field_error(
        "/business_licence_number",
        "licence-number-exists",
        "Số giấy phép kinh doanh đã có cơ sở khác",
        "A facility with this business licence number already exists",
    )


def not_found() -> Problem:
    return Problem(
        404, "facility-not-found", "Facility not found", "Không tìm thấy cơ sở / No such facility"
    )


def event_fields(facility: Facility) -> dict:
    """The whole facility as every facility.v1 event carries it."""
    return {
        "facility_id": facility.id,
        "code": facility.code,
        "name": facility.name,
        "facility_type": facility.facility_type,
        "star_rating": facility.star_rating,
        "province_code": facility.province_code,
        "commune_code": facility.commune_code,
        "street": facility.street,
        "zone": facility.zone,
        "rooms": facility.rooms,
        "beds": facility.beds,
        "vehicles": facility.vehicles,
        "seats": facility.seats,
        "status": facility.status,
    }


def registered_event(facility: Facility) -> FacilityRegistered:
    """The facility.v1 event of a newly registered facility."""
    return FacilityRegistered(**event_fields(facility))


async def _emit(session: AsyncSession, event: FacilityEvent) -> None:
    await record_events(session, outbox, [event], producer=PRODUCER)


async def register_facility(
    session: AsyncSession, *, data: FacilityCreate, actor: Actor | None = None
) -> tuple[Facility, str, str]:
    """Create the facility, its first manager account and FacilityRegistered, in the caller's
    transaction. Returns the facility, the manager's username and one-time password."""
    if errors := validate(data):
        raise _invalid(errors)
    if await repository.licence_taken(session, data.business_licence_number):
        raise Problem(
            409,
            "licence-number-exists",
            "Licence number exists",
            "Số giấy phép kinh doanh đã có cơ sở khác / Another facility has this licence number",
            errors=[licence_error()],
        )
    now = datetime.now(UTC)
    facility = Facility(
        id=uuid.uuid4(),
        code=await repository.next_code(session, data.province_code),
        status="active",
        created_at=now,
        updated_at=now,
        **data.model_dump(),
    )
    session.add(facility)
    password = one_time_password()
    username = f"ql.{facility.code}"
    manager = User(
        id=uuid.uuid4(),
        username=username,
        password_hash=await hash_password_async(password),
        role=Role.FACILITY_MANAGER.value,
        full_name=data.legal_representative,
        facility_id=facility.id,
        must_change_password=True,
        disabled=False,
    )
    session.add(manager)
    await session.flush()
    await _emit(session, registered_event(facility))
    if actor is not None:
        audit.record(
            session,
            actor,
            "facility.registered",
            target_type="facility",
            target_id=facility.id,
            facility_id=facility.id,
            details={"code": facility.code, "name": facility.name, "manager": username},
        )
    return facility, username, password


async def _locked(session: AsyncSession, facility_id: uuid.UUID) -> Facility:
    facility = await repository.get_for_update(session, facility_id)
    if facility is None:
        raise not_found()
    return facility


def _conflict(facility: Facility, wanted: str) -> Problem:
    return Problem(
        409,
        "facility-status-conflict",
        "Facility status conflict",
        f"Cơ sở đang ở trạng thái {facility.status} / The facility is {facility.status}: "
        f"cannot {wanted}",
    )


async def update_facility(
    session: AsyncSession, *, facility_id: uuid.UUID, data: FacilityUpdate, actor: Actor
) -> Facility:
    """Apply the fields sent to a facility that is not closed: the whole must stay valid and in
    its province; the change is audited (before and after) and published."""
    facility = await _locked(session, facility_id)
    if facility.status == "closed":
        raise _conflict(facility, "update a closed facility")
    changes = data.model_dump(exclude_unset=True)
    merged = {f: getattr(facility, f) for f in FIELDS} | changes
    try:
        candidate = FacilityFields.model_validate(merged)
    except ValidationError as exc:  # e.g. a required field sent as null
        raise _invalid(validation_errors(list(exc.errors()), strip_prefix=False)) from exc
    if errors := validate(candidate):
        raise _invalid(errors)
    if candidate.province_code != facility.province_code:
        raise _invalid(
            [
                field_error(
                    "/province_code",
                    "province-immutable",
                    "Không đổi được tỉnh: mã cơ sở theo tỉnh",
                    "The province cannot change: facility codes belong to a province",
                )
            ]
        )
    before = {f: getattr(facility, f) for f in changes}
    for field in changes:
        setattr(facility, field, getattr(candidate, field))
    facility.updated_at = datetime.now(UTC)
    await session.flush()
    await _emit(session, FacilityUpdated(**event_fields(facility)))
    audit.record(
        session,
        actor,
        "facility.updated",
        target_type="facility",
        target_id=facility.id,
        facility_id=facility.id,
        details={"before": before, "after": changes},
    )
    return facility


# action → (statuses it applies to, the new status, its event, its audit action)
STATUS_ACTIONS: dict[str, tuple[set[str], str, type[FacilityEvent], str]] = {
    "suspend": ({"active"}, "suspended", FacilitySuspended, "facility.suspended"),
    "reinstate": ({"suspended"}, "active", FacilityReinstated, "facility.reinstated"),
    "close": ({"active", "suspended"}, "closed", FacilityClosed, "facility.closed"),
}


async def change_status(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID,
    action: str,
    reason: str | None,
    actor: Actor,
) -> Facility:
    """suspend (active → suspended), reinstate (suspended → active), close (→ closed, final)."""
    facility = await _locked(session, facility_id)
    allowed_from, to, event_type, audit_action = STATUS_ACTIONS[action]
    if facility.status not in allowed_from:
        raise _conflict(facility, action)
    before = facility.status
    facility.status = to
    facility.status_reason = reason if to != "active" else None
    facility.updated_at = datetime.now(UTC)
    await session.flush()
    extra = {"reason": reason} if event_type in (FacilitySuspended, FacilityClosed) else {}
    await _emit(session, event_type(**event_fields(facility), **extra))
    audit.record(
        session,
        actor,
        audit_action,
        target_type="facility",
        target_id=facility.id,
        facility_id=facility.id,
        details={"from": before, "to": to, "reason": reason},
    )
    return facility
