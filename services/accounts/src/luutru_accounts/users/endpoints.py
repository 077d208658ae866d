from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from luutru_accounts.context import AnyPerson
from luutru_accounts.core import user_repository as repository
from luutru_accounts.users import service
from luutru_accounts.users.schemas import UserCreate, UserCreated, UserOut, UserPage, UserUpdate
from luutru_common import paging
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Role
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post(
    "",
    status_code=201,
    response_model=UserCreated,
    summary="Tạo người dùng / Create a user",
    description=(
        "Công an tỉnh tạo công an xã (kèm danh sách xã/phường) và chuyên viên sở (kèm sở); quản "
        "lý cơ sở tạo nhân viên của chính cơ sở mình. Trả về mật khẩu dùng một lần. / Police "
        "admins create police officers (with their communes) and department analysts (with "
        "their department); a facility manager creates staff of their own facility. The answer "
        "carries a one-time password that must be changed at first login."
    ),
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_user(body: UserCreate, caller: AnyPerson, uow: UnitOfWorkDep) -> UserCreated:
    async with uow:
        user, password = await service.create_user(uow.session, caller, body)
        await uow.commit()
    return UserCreated(user=UserOut.model_validate(user), one_time_password=password)


@router.get(
    "",
    response_model=UserPage,
    summary="Danh sách người dùng / List users",
    description=(
        "Công an tỉnh thấy mọi người dùng; quản lý cơ sở chỉ thấy người dùng của cơ sở mình. "
        "Phân trang bằng con trỏ. / Police admins see every user; a facility manager sees the "
        "users of their own facility. Cursor pagination."
    ),
    responses=problem_responses(401, 403, 422),
)
async def list_users(
    caller: AnyPerson,
    uow: UnitOfWorkDep,
    role: Annotated[Role | None, Query(description="Lọc theo vai trò / Filter by role")] = None,
    facility_id: Annotated[uuid.UUID | None, Query(description="Lọc theo cơ sở")] = None,
    disabled: Annotated[bool | None, Query(description="Đã khoá / Disabled")] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserPage:
    if caller.role not in service.MANAGES:
        raise service.forbidden()
    if caller.role == Role.FACILITY_MANAGER:
        facility_id = caller.principal.facility_id
    after = paging.decode(cursor, str)
    async with uow:
        rows = await repository.list_users(
            uow.session,
            facility_id=facility_id,
            role=role.value if role else None,
            disabled=disabled,
            after=after,
            limit=limit + 1,
        )
    rows, next_cursor = paging.page(rows, limit, key=lambda r: paging.encode(r.username))
    return UserPage(
        items=[UserOut.model_validate(u) for u in rows],
        next_cursor=next_cursor,
    )


@router.get(
    "/me",
    response_model=UserOut,
    summary="Tài khoản của tôi / My account",
    responses=problem_responses(401, 403, 404),
)
async def me(caller: AnyPerson, uow: UnitOfWorkDep) -> UserOut:
    try:
        user_id = uuid.UUID(caller.principal.subject)
    except ValueError as exc:
        raise service.not_found() from exc
    async with uow:
        user = await repository.get(uow.session, user_id)
    if user is None:
        raise service.not_found()
    return UserOut.model_validate(user)


@router.get(
    "/{user_id}",
    response_model=UserOut,
    summary="Xem người dùng / Get a user",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_user(user_id: uuid.UUID, caller: AnyPerson, uow: UnitOfWorkDep) -> UserOut:
    async with uow:
        user = await service.visible_user(uow.session, caller, user_id)
    return UserOut.model_validate(user)


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    summary="Sửa người dùng / Update a user",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, caller: AnyPerson, uow: UnitOfWorkDep
) -> UserOut:
    async with uow:
        user = await service.update_user(uow.session, caller, user_id, body)
        await uow.commit()
    return UserOut.model_validate(user)


@router.post(
    "/{user_id}/disable",
    response_model=UserOut,
    summary="Khoá người dùng / Disable a user",
    description=(
        "Khoá ngay: không cấp mã mới, thu hồi mã làm mới. / Takes effect at once: no new "
        "tokens, refresh tokens revoked; issued access tokens expire within their lifetime."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def disable_user(user_id: uuid.UUID, caller: AnyPerson, uow: UnitOfWorkDep) -> UserOut:
    async with uow:
        user = await service.set_disabled(uow.session, caller, user_id, disabled=True)
        await uow.commit()
    return UserOut.model_validate(user)


@router.post(
    "/{user_id}/enable",
    response_model=UserOut,
    summary="Mở khoá người dùng / Re-enable a user",
    responses=problem_responses(401, 403, 404, 422),
)
async def enable_user(user_id: uuid.UUID, caller: AnyPerson, uow: UnitOfWorkDep) -> UserOut:
    async with uow:
        user = await service.set_disabled(uow.session, caller, user_id, disabled=False)
        await uow.commit()
    return UserOut.model_validate(user)


@router.post(
    "/{user_id}/reset-password",
    response_model=UserCreated,
    summary="Cấp lại mật khẩu dùng một lần / Reset to a one-time password",
    description=("Cũng gỡ khoá do đăng nhập sai. / Also lifts a lockout after failed logins."),
    responses=problem_responses(401, 403, 404, 422),
)
async def reset_password(user_id: uuid.UUID, caller: AnyPerson, uow: UnitOfWorkDep) -> UserCreated:
    async with uow:
        user, password = await service.reset_password(uow.session, caller, user_id)
        await uow.commit()
    return UserCreated(user=UserOut.model_validate(user), one_time_password=password)
