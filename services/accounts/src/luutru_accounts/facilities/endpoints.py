from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from luutru_accounts.facilities import repository, service
from luutru_accounts.facilities.schemas import (
    FacilityCreate,
    FacilityCreated,
    FacilityOut,
    ManagerCredentials,
)
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal, Role, require_roles
from luutru_common.facility_types import DEPARTMENT_NAMES, FACILITY_TYPES
from luutru_common.problems import Problem, problem_responses

router = APIRouter(prefix="/v1", tags=["facilities"])

PoliceAdmin = Annotated[Principal, Depends(require_roles(Role.POLICE_ADMIN, Role.SYSTEM_ADMIN))]


@router.post(
    "/facilities",
    status_code=201,
    response_model=FacilityCreated,
    summary="Tạo cơ sở lưu trú / Register a facility",
    description=(
        "Công an tỉnh tạo tài khoản cho cơ sở; trả về mã cơ sở và tài khoản quản lý đầu tiên "
        "với mật khẩu dùng một lần. / Police admins create a facility; the answer carries its "
        "code and its first manager account with a one-time password."
    ),
    responses=problem_responses(401, 403, 422),
)
async def create_facility(
    body: FacilityCreate, principal: PoliceAdmin, uow: UnitOfWorkDep
) -> FacilityCreated:
    async with uow:
        facility, username, password = await service.register_facility(uow.session, data=body)
        await uow.commit()
    return FacilityCreated(
        facility=FacilityOut.model_validate(facility),
        manager=ManagerCredentials(username=username, one_time_password=password),
    )


@router.get(
    "/facilities/{facility_id}",
    response_model=FacilityOut,
    summary="Xem cơ sở / Get a facility",
    responses=problem_responses(401, 403, 404),
)
async def get_facility(
    facility_id: uuid.UUID, principal: PoliceAdmin, uow: UnitOfWorkDep
) -> FacilityOut:
    async with uow:
        facility = await repository.get(uow.session, facility_id)
    if facility is None:
        raise Problem(404, "facility-not-found", "Facility not found")
    return FacilityOut.model_validate(facility)


@router.get(
    "/facility-types",
    summary="Loại cơ sở và sở quản lý / Facility types and their departments",
)
async def list_facility_types() -> list[dict]:
    return [
        {
            "code": t.code,
            "name_vi": t.name_vi,
            "name_en": t.name_en,
            "department": t.department.value,
            "department_name_vi": DEPARTMENT_NAMES[t.department][0],
            "department_name_en": DEPARTMENT_NAMES[t.department][1],
            "plan_model": t.plan_model,
            "takes_guests": t.takes_guests,
        }
        for t in FACILITY_TYPES
    ]
