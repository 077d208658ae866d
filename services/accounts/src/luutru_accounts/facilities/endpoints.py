from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile

from luutru_accounts.context import AnyPerson, Caller, PoliceAdmin
from luutru_accounts.core import facility_repository as repository
from luutru_accounts.facilities import importer, service
from luutru_accounts.facilities.schemas import (
    FacilityCreate,
    FacilityCreated,
    FacilityOut,
    FacilityPage,
    FacilityTypeOut,
    FacilityUpdate,
    ManagerCredentials,
    OptionalReason,
    StatusChange,
)
from luutru_common import intake, paging
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import POLICE_ROLES, Role
from luutru_common.bounds import CommuneCode, ProvinceCode
from luutru_common.facility_types import DEPARTMENT_NAMES, FACILITY_TYPES
from luutru_common.problems import Problem, problem_responses

router = APIRouter(prefix="/v1", tags=["facilities"])


def _forbidden() -> Problem:
    return Problem(
        403, "forbidden", "Forbidden", "Vai trò của bạn không được phép / Your role may not do this"
    )


def _may_see(caller: Caller, facility) -> bool:
    role = caller.role
    if role in (Role.POLICE_ADMIN, Role.SYSTEM_ADMIN):
        return True
    if role == Role.POLICE_OFFICER:
        return facility.commune_code in caller.principal.communes
    return caller.principal.facility_id == facility.id


@router.post(
    "/facilities",
    status_code=201,
    response_model=FacilityCreated,
    summary="Tạo cơ sở lưu trú / Register a facility",
    description=(
        "Công an tỉnh tạo tài khoản cho cơ sở; trả về mã cơ sở và tài khoản quản lý đầu tiên "
        "với mật khẩu dùng một lần (phải đổi khi đăng nhập lần đầu). Phát FacilityRegistered. / "
        "Police admins create a facility; the answer carries its code and its first manager "
        "account with a one-time password, to be changed at first login. Emits "
        "FacilityRegistered on facility.v1."
    ),
    responses=problem_responses(401, 403, 422),
)
async def create_facility(
    body: FacilityCreate, caller: PoliceAdmin, uow: UnitOfWorkDep
) -> FacilityCreated:
    async with uow:
        facility, username, password = await service.register_facility(
            uow.session, data=body, actor=caller.actor
        )
        await uow.commit()
    return FacilityCreated(
        facility=FacilityOut.model_validate(facility),
        manager=ManagerCredentials(username=username, one_time_password=password),
    )


@router.get(
    "/facilities",
    response_model=FacilityPage,
    summary="Tìm kiếm cơ sở / List and search facilities",
    description=(
        "Lọc theo loại, tỉnh, xã/phường, trạng thái; tìm theo tên, mã hoặc số giấy phép. Công "
        "an xã chỉ thấy cơ sở thuộc xã/phường mình. Phân trang bằng con trỏ. / Filter by type, "
        "province, commune and status; search name, code or licence number. Police officers "
        "see the facilities of their communes only. Cursor pagination in code order."
    ),
    responses=problem_responses(401, 403, 422),
)
async def list_facilities(
    caller: AnyPerson,
    uow: UnitOfWorkDep,
    facility_type: Annotated[str | None, Query(max_length=50, description="Loại cơ sở")] = None,
    province_code: Annotated[ProvinceCode | None, Query(description="Mã tỉnh")] = None,
    commune_code: Annotated[CommuneCode | None, Query(description="Mã xã")] = None,
    status: Annotated[Literal["active", "suspended", "closed"] | None, Query()] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Tên, mã, số giấy phép / Text search")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FacilityPage:
    if caller.role not in POLICE_ROLES:
        raise _forbidden()
    communes = [commune_code] if commune_code is not None else None
    if caller.role == Role.POLICE_OFFICER:
        mine = list(caller.principal.communes)
        communes = [c for c in (communes or mine) if c in mine]
    after = paging.decode(cursor, str)
    async with uow:
        rows = await repository.search(
            uow.session,
            facility_type=facility_type,
            province_code=province_code,
            commune_codes=communes,
            status=status,
            text_query=q,
            after=after,
            limit=limit + 1,
        )
    rows, next_cursor = paging.page(rows, limit, key=lambda r: paging.encode(r.code))
    return FacilityPage(
        items=[FacilityOut.model_validate(f) for f in rows],
        next_cursor=next_cursor,
    )


@router.post(
    "/facilities/import",
    response_model=importer.ImportReport,
    summary="Nhập danh sách cơ sở từ CSV/XLSX/XLS/ODS / Bulk import facilities",
    description=importer.DESCRIPTION,
    responses=problem_responses(401, 403, 413, 415, 422),
)
async def import_facilities(
    request: Request,
    caller: PoliceAdmin,
    uow: UnitOfWorkDep,
    file: Annotated[
        UploadFile, File(description="Bảng tính CSV, XLSX, XLS hoặc ODS / A spreadsheet")
    ],
    dry_run: Annotated[
        bool, Query(description="Chỉ kiểm tra, không tạo / Validate only, create nothing")
    ] = False,
) -> importer.ImportReport:
    settings = request.app.state.settings
    content = await file.read(settings.import_max_bytes + 1)
    if len(content) > settings.import_max_bytes:
        raise intake.file_problem(
            "file-too-large",
            f"tối đa {settings.import_max_bytes} byte",
            f"at most {settings.import_max_bytes} bytes",
        )
    sheet = importer.read_sheet(content, filename=file.filename, max_rows=settings.import_max_rows)
    async with uow:
        report = await importer.import_rows(uow.session, sheet, actor=caller.actor, dry_run=dry_run)
        if not dry_run:
            await uow.commit()
    return report


@router.get(
    "/facilities/{facility_id}",
    response_model=FacilityOut,
    summary="Xem cơ sở / Get a facility",
    description=(
        "Công an tỉnh: mọi cơ sở; công an xã: cơ sở thuộc xã mình; cơ sở: chính mình (khác: "
        "404). / Police admins: any; police officers: their communes; facility users: their "
        "own facility only (others answer 404)."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def get_facility(
    facility_id: uuid.UUID, caller: AnyPerson, uow: UnitOfWorkDep
) -> FacilityOut:
    if caller.role == Role.DEPARTMENT_ANALYST:
        raise _forbidden()
    async with uow:
        facility = await repository.get(uow.session, facility_id)
    if facility is None or not _may_see(caller, facility):
        raise service.not_found()
    return FacilityOut.model_validate(facility)


@router.patch(
    "/facilities/{facility_id}",
    response_model=FacilityOut,
    summary="Sửa thông tin cơ sở / Update a facility",
    description=(
        "Chỉ các trường gửi lên thay đổi; phát FacilityUpdated. / Only the fields sent change; "
        "emits FacilityUpdated."
    ),
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_facility(
    facility_id: uuid.UUID, body: FacilityUpdate, caller: PoliceAdmin, uow: UnitOfWorkDep
) -> FacilityOut:
    async with uow:
        facility = await service.update_facility(
            uow.session, facility_id=facility_id, data=body, actor=caller.actor
        )
        await uow.commit()
    return FacilityOut.model_validate(facility)


async def _status(uow, caller: Caller, facility_id, action: str, reason: str | None):
    async with uow:
        facility = await service.change_status(
            uow.session, facility_id=facility_id, action=action, reason=reason, actor=caller.actor
        )
        await uow.commit()
    return FacilityOut.model_validate(facility)


@router.post(
    "/facilities/{facility_id}/suspend",
    response_model=FacilityOut,
    summary="Tạm dừng cơ sở / Suspend a facility",
    description=(
        "Cần lý do. Ngay lập tức: cơ sở và ứng dụng của cơ sở không nhận mã mới; ingest từ chối "
        "khai báo khi nhận FacilitySuspended (vài giây). / A reason is required. At once: no "
        "new tokens for its users and clients; ingest refuses its submissions as soon as "
        "FacilitySuspended reaches it (seconds)."
    ),
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def suspend_facility(
    facility_id: uuid.UUID, body: StatusChange, caller: PoliceAdmin, uow: UnitOfWorkDep
) -> FacilityOut:
    return await _status(uow, caller, facility_id, "suspend", body.reason)


@router.post(
    "/facilities/{facility_id}/reinstate",
    response_model=FacilityOut,
    summary="Cho cơ sở hoạt động lại / Reinstate a suspended facility",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reinstate_facility(
    facility_id: uuid.UUID,
    caller: PoliceAdmin,
    uow: UnitOfWorkDep,
    body: OptionalReason | None = None,
) -> FacilityOut:
    return await _status(uow, caller, facility_id, "reinstate", body.reason if body else None)


@router.post(
    "/facilities/{facility_id}/close",
    response_model=FacilityOut,
    summary="Đóng cơ sở (vĩnh viễn) / Close a facility for good",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def close_facility(
    facility_id: uuid.UUID,
    caller: PoliceAdmin,
    uow: UnitOfWorkDep,
    body: OptionalReason | None = None,
) -> FacilityOut:
    return await _status(uow, caller, facility_id, "close", body.reason if body else None)


@router.get(
    "/facility-types",
    response_model=list[FacilityTypeOut],
    summary="Loại cơ sở và sở quản lý / Facility types and their departments",
    description=(
        "Bảng loại cơ sở → sở khai thác dữ liệu (Kế hoạch 305). / The facility type → "
        "department mapping (Kế hoạch 305), as data."
    ),
)
async def list_facility_types() -> list[FacilityTypeOut]:
    return [
        FacilityTypeOut(
            code=t.code,
            name_vi=t.name_vi,
            name_en=t.name_en,
            department=t.department.value,
            department_name_vi=DEPARTMENT_NAMES[t.department][0],
            department_name_en=DEPARTMENT_NAMES[t.department][1],
            plan_model=t.plan_model,
            takes_guests=t.takes_guests,
            has_stars=t.has_stars,
            has_zone=t.has_zone,
        )
        for t in FACILITY_TYPES
    ]
