from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from luutru_accounts.clients import service
from luutru_accounts.clients.schemas import ClientCreate, ClientCreated, ClientOut
from luutru_accounts.context import AnyPerson, FacilityManager
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Role
from luutru_common.problems import Problem, problem_responses

router = APIRouter(prefix="/v1/clients", tags=["api clients"])

_MAY_LIST = frozenset({Role.FACILITY_MANAGER, Role.POLICE_ADMIN, Role.SYSTEM_ADMIN})


def _forbidden() -> Problem:
    return Problem(
        403, "forbidden", "Forbidden", "Vai trò của bạn không được phép / Your role may not do this"
    )


@router.post(
    "",
    status_code=201,
    response_model=ClientCreated,
    summary="Tạo ứng dụng kết nối (PMS) / Create an API client",
    description=(
        "Quản lý cơ sở tạo ứng dụng OAuth2 (client credentials) cho phần mềm quản lý của cơ sở; "
        "khoá bí mật chỉ hiện một lần. Mã truy cập của ứng dụng chỉ mang cơ sở này và các quyền "
        "đã cấp. / A facility manager creates an OAuth2 client-credentials client for the "
        "facility's PMS or coach system; the secret is shown once. Its tokens carry this "
        "facility and the granted scopes only (`client: true`)."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def create_client(
    body: ClientCreate, caller: FacilityManager, uow: UnitOfWorkDep
) -> ClientCreated:
    async with uow:
        client, secret = await service.create_client(uow.session, caller, body)
        await uow.commit()
    return ClientCreated(client=ClientOut.model_validate(client), client_secret=secret)


@router.get(
    "",
    response_model=list[ClientOut],
    summary="Danh sách ứng dụng / List API clients",
    description=(
        "Quản lý cơ sở: ứng dụng của cơ sở mình; Công an tỉnh: mọi ứng dụng (lọc theo cơ sở). / "
        "Managers see their facility's clients; police admins see all (filter by facility)."
    ),
    responses=problem_responses(401, 403, 422),
)
async def list_clients(
    caller: AnyPerson,
    uow: UnitOfWorkDep,
    facility_id: Annotated[uuid.UUID | None, Query(description="Lọc theo cơ sở")] = None,
) -> list[ClientOut]:
    if caller.role not in _MAY_LIST:
        raise _forbidden()
    async with uow:
        clients = await service.list_clients(uow.session, caller, facility_id)
    return [ClientOut.model_validate(c) for c in clients]


@router.post(
    "/{client_id}/revoke",
    response_model=ClientOut,
    summary="Thu hồi ứng dụng / Revoke an API client",
    description=(
        "Ngay lập tức: ứng dụng không nhận mã mới. / At once: the client gets no new tokens."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def revoke_client(client_id: uuid.UUID, caller: AnyPerson, uow: UnitOfWorkDep) -> ClientOut:
    if caller.role not in _MAY_LIST:
        raise _forbidden()
    async with uow:
        client = await service.revoke_client(uow.session, caller, client_id)
        await uow.commit()
    return ClientOut.model_validate(client)
