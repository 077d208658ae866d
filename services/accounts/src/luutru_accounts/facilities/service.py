"""Facility registry: the police create facilities; every change goes out on facility.v1."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.auth.passwords import hash_password, one_time_password
from luutru_accounts.facilities import repository
from luutru_accounts.facilities.schemas import FacilityCreate
from luutru_accounts.models import Facility, User, outbox
from luutru_common.admin_units import commune_in_province, province_name
from luutru_common.auth import Role
from luutru_common.events import FacilityRegistered
from luutru_common.facility_types import BY_CODE
from luutru_common.outbox import record_events
from luutru_common.problems import FieldError, Problem, field_error


def validate(data: FacilityCreate) -> list[FieldError]:
    """Every problem of the request at once, each naming its field."""
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
    elif data.star_rating is not None and not ftype.has_stars:
        errors.append(
            field_error(
                "/star_rating",
                "star-rating-not-applicable",
                "Chỉ khách sạn mới có hạng sao",
                "Only hotels have a star rating",
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


async def register_facility(
    session: AsyncSession, *, data: FacilityCreate
) -> tuple[Facility, str, str]:
    """Create the facility, its first manager account and FacilityRegistered, in the caller's
    transaction. Returns the facility, the manager's username and one-time password."""
    if errors := validate(data):
        raise Problem(
            422,
            "validation-failed",
            "Facility is invalid",
            "Thông tin cơ sở không hợp lệ / The facility has invalid fields",
            errors=errors,
        )
    facility = Facility(
        id=uuid.uuid4(),
        code=await repository.next_code(session, data.province_code),
        status="active",
        **data.model_dump(),
    )
    session.add(facility)
    password = one_time_password()
    username = f"ql.{facility.code}"
    session.add(
        User(
            id=uuid.uuid4(),
            username=username,
            password_hash=hash_password(password),
            role=Role.FACILITY_MANAGER.value,
            facility_id=facility.id,
            must_change_password=True,
        )
    )
    await session.flush()
    await session.refresh(facility)
    await record_events(session, outbox, [registered_event(facility)], producer="accounts")
    return facility, username, password


def registered_event(facility: Facility) -> FacilityRegistered:
    return FacilityRegistered(
        facility_id=facility.id,
        code=facility.code,
        name=facility.name,
        facility_type=facility.facility_type,
        star_rating=facility.star_rating,
        province_code=facility.province_code,
        commune_code=facility.commune_code,
        street=facility.street,
        rooms=facility.rooms,
        beds=facility.beds,
        status=facility.status,  # type: ignore[arg-type]
    )
