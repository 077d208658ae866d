"""Users and roles: who may create, see and disable whom.

- system admins manage everyone; police admins manage police officers, analysts and facility
  accounts, but not other admins;
- a facility manager manages the staff of their own facility only — anyone else's users are
  answered 404, as if they did not exist.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Caller
from luutru_accounts.core import audit, refresh, throttle
from luutru_accounts.core import facility_repository as facilities
from luutru_accounts.core import user_repository as repository
from luutru_accounts.core.passwords import hash_password, hash_password_async, one_time_password
from luutru_accounts.models import User
from luutru_accounts.users.schemas import UserCreate, UserUpdate
from luutru_common.admin_units import commune_name
from luutru_common.auth import Role
from luutru_common.problems import FieldError, Problem, field_error

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.POLICE_ADMIN})
FACILITY_ROLES = frozenset({Role.FACILITY_MANAGER, Role.FACILITY_STAFF})

# Which roles each role may create (and so disable, re-enable and reset).
MANAGES: dict[Role, frozenset[Role]] = {
    Role.SYSTEM_ADMIN: frozenset(Role),
    Role.POLICE_ADMIN: frozenset(
        {
            Role.POLICE_OFFICER,
            Role.DEPARTMENT_ANALYST,
            Role.FACILITY_MANAGER,
            Role.FACILITY_STAFF,
        }
    ),
    Role.FACILITY_MANAGER: frozenset({Role.FACILITY_STAFF}),
}


def forbidden() -> Problem:
    """The 403 for a caller whose role may not manage that user."""
    return Problem(
        403, "forbidden", "Forbidden", "Vai trò của bạn không được phép / Your role may not do this"
    )


def not_found() -> Problem:
    """The 404 for a user that does not exist or, for a facility manager, belongs to another
    facility: the same answer, so ids cannot be probed."""
    return Problem(
        404, "user-not-found", "User not found", "Không tìm thấy người dùng / No such user"
    )


async def ensure_bootstrap_admin(session: AsyncSession, *, username: str, password: str) -> None:
    """Create the configured police admin once; a later password change is never undone."""
    await session.execute(
        insert(User)
        .values(
            id=uuid.uuid4(),
            username=username,
            password_hash=hash_password(password),
            role=Role.POLICE_ADMIN.value,
            full_name="Quản trị Công an tỉnh",
            must_change_password=False,
            disabled=False,
        )
        .on_conflict_do_nothing(index_elements=[User.username])
    )


def _communes_errors(communes: list[int] | None, pointer: str = "/communes") -> list[FieldError]:
    errors = []
    for i, code in enumerate(communes or []):
        if commune_name(code) is None:
            errors.append(
                field_error(
                    f"{pointer}/{i}",
                    "commune-unknown",
                    "Mã xã/phường không có trong danh mục 2025",
                    "Commune code not in the 2025 list",
                )
            )
    return errors


async def _role_errors(session: AsyncSession, data: UserCreate) -> list[FieldError]:
    errors: list[FieldError] = []

    def need(field: str, vi: str, en: str) -> None:
        errors.append(field_error(f"/{field}", "required-for-role", vi, en))

    def refuse(field: str) -> None:
        errors.append(
            field_error(
                f"/{field}",
                "not-applicable-for-role",
                "Trường này không áp dụng cho vai trò đã chọn",
                "This field does not apply to the chosen role",
            )
        )

    if data.role in FACILITY_ROLES:
        if data.facility_id is None:
            need("facility_id", "Cần chọn cơ sở", "A facility is required for this role")
        elif await facilities.get(session, data.facility_id) is None:
            errors.append(
                field_error(
                    "/facility_id", "facility-unknown", "Cơ sở không tồn tại", "No such facility"
                )
            )
    elif data.facility_id is not None:
        refuse("facility_id")
    if data.role == Role.DEPARTMENT_ANALYST:
        if data.department is None:
            need("department", "Cần chọn sở", "A department is required for analysts")
    elif data.department is not None:
        refuse("department")
    if data.role == Role.POLICE_OFFICER:
        if not data.communes:
            need("communes", "Cần ít nhất một xã/phường", "At least one commune is required")
        errors += _communes_errors(data.communes)
    elif data.communes:
        refuse("communes")
    return errors


async def create_user(session: AsyncSession, caller: Caller, data: UserCreate) -> tuple[User, str]:
    """Create a user with a one-time password; returns the user and that password."""
    if data.role not in MANAGES.get(caller.role, frozenset()):
        raise forbidden()
    if caller.role == Role.FACILITY_MANAGER:
        # A manager's staff always belong to the manager's own facility.
        if data.facility_id not in (None, caller.principal.facility_id):
            raise Problem(404, "facility-not-found", "Facility not found")
        data = data.model_copy(update={"facility_id": caller.principal.facility_id})
    if errors := await _role_errors(session, data):
        raise Problem.invalid(
            "User is invalid",
            errors,
            "Thông tin người dùng không hợp lệ / The user has invalid fields",
        )
    if await repository.get_by_username(session, data.username) is not None:
        raise Problem(
            409,
            "username-taken",
            "Username taken",
            "Tên đăng nhập đã tồn tại / This username is taken",
            errors=[
                field_error(
                    "/username", "username-taken", "Tên đăng nhập đã tồn tại", "Username taken"
                )
            ],
        )
    password = one_time_password()
    user = User(
        id=uuid.uuid4(),
        username=data.username,
        password_hash=await hash_password_async(password),
        role=data.role.value,
        full_name=data.full_name,
        facility_id=data.facility_id,
        department=data.department.value if data.department else None,
        communes=data.communes,
        must_change_password=True,
        disabled=False,
    )
    session.add(user)
    await session.flush()
    await session.refresh(user)
    audit.record(
        session,
        caller.actor,
        "user.created",
        target_type="user",
        target_id=user.id,
        facility_id=user.facility_id,
        details={"username": user.username, "role": user.role},
    )
    return user, password


async def visible_user(session: AsyncSession, caller: Caller, user_id: uuid.UUID) -> User:
    """A user the caller may see; other facilities' users do not exist for a manager."""
    if caller.role not in MANAGES:
        raise forbidden()
    user = await repository.get(session, user_id)
    if user is None:
        raise not_found()
    if caller.role == Role.FACILITY_MANAGER and user.facility_id != caller.principal.facility_id:
        raise not_found()
    return user


async def managed_user(session: AsyncSession, caller: Caller, user_id: uuid.UUID) -> User:
    """The user, when the caller's role manages the user's role and it is not the caller's own
    account; 404 or 403 otherwise."""
    user = await visible_user(session, caller, user_id)
    if Role(user.role) not in MANAGES[caller.role] or str(user.id) == caller.principal.subject:
        raise forbidden()
    return user


async def set_disabled(
    session: AsyncSession, caller: Caller, user_id: uuid.UUID, *, disabled: bool
) -> User:
    """Disable (its refresh tokens revoked at once) or re-enable a user the caller manages;
    audited."""
    user = await managed_user(session, caller, user_id)
    user.disabled = disabled
    if disabled:
        # No new tokens from now on: the refresh tokens die with the account.
        await refresh.revoke_user(session, user.id, now=datetime.now(UTC))
    audit.record(
        session,
        caller.actor,
        "user.disabled" if disabled else "user.enabled",
        target_type="user",
        target_id=user.id,
        facility_id=user.facility_id,
        details={"username": user.username},
    )
    return user


async def update_user(
    session: AsyncSession, caller: Caller, user_id: uuid.UUID, data: UserUpdate
) -> User:
    """Apply the fields sent to a user the caller manages (communes only for police officers);
    audited."""
    user = await managed_user(session, caller, user_id)
    changes = data.model_dump(exclude_unset=True)
    if "communes" in changes:
        if user.role != Role.POLICE_OFFICER.value:
            raise Problem.invalid(
                "User is invalid",
                [
                    field_error(
                        "/communes",
                        "not-applicable-for-role",
                        "Chỉ công an xã có danh sách xã/phường",
                        "Only police officers have communes",
                    )
                ],
            )
        if errors := _communes_errors(changes["communes"]):
            raise Problem.invalid("User is invalid", errors)
    for key, value in changes.items():
        if value is not None:
            setattr(user, key, value)
    audit.record(
        session,
        caller.actor,
        "user.updated",
        target_type="user",
        target_id=user.id,
        facility_id=user.facility_id,
        details={"changes": changes},
    )
    return user


async def reset_password(
    session: AsyncSession, caller: Caller, user_id: uuid.UUID
) -> tuple[User, str]:
    """A new one-time password; also lifts a lockout and ends every session of the user."""
    user = await managed_user(session, caller, user_id)
    password = one_time_password()
    user.password_hash = await hash_password_async(password)
    user.must_change_password = True
    await refresh.revoke_user(session, user.id, now=datetime.now(UTC))
    await throttle.clear_user(session, user.username)
    audit.record(
        session,
        caller.actor,
        "user.password_reset",
        target_type="user",
        target_id=user.id,
        facility_id=user.facility_id,
        details={"username": user.username},
    )
    return user, password
