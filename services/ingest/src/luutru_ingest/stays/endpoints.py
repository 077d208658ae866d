from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal, Role, require_roles
from luutru_common.problems import Problem, problem_responses
from luutru_ingest.stays import service
from luutru_ingest.stays.schemas import CheckIn, Receipt

router = APIRouter(prefix="/v1", tags=["stays"])

FacilityUser = Annotated[
    Principal, Depends(require_roles(Role.FACILITY_MANAGER, Role.FACILITY_STAFF))
]


@router.post(
    "/stays",
    status_code=201,
    response_model=Receipt,
    summary="Khai báo lưu trú một khách / Check in one guest",
    description=(
        "Lưu ngay và trả về biên nhận (hạn khai báo, đúng hạn hay trễ). Gửi lại cùng khách, "
        "cùng ngày đến trả về biên nhận cũ (200), không tạo bản ghi trùng. / Stores the "
        "registration and returns its receipt. A retry for the same document and arrival day "
        "returns the original receipt with 200 and creates nothing."
    ),
    responses={
        200: {"model": Receipt, "description": "Already registered: the original receipt"},
        **problem_responses(401, 403, 404, 422),
    },
)
async def check_in(
    body: CheckIn,
    principal: FacilityUser,
    uow: UnitOfWorkDep,
    request: Request,
    response: Response,
) -> Receipt:
    if principal.facility_id is None:
        raise Problem(403, "no-facility", "Token carries no facility")
    now = datetime.now(UTC)
    async with uow:
        facility = await service.active_facility(uow.session, principal.facility_id)
        receipt, created = await service.check_in(
            uow.session,
            facility=facility,
            data=body,
            rule=request.app.state.deadline_rule,
            now=now,
        )
        await uow.commit()
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/v1/stays/{receipt.stay_id}"
    return receipt
