"""Who is calling and from where: what every change records in the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from luutru_accounts.models import User
from luutru_common.auth import FACILITY_ROLES, CurrentPrincipal, Principal, Role
from luutru_common.db import UnitOfWork
from luutru_common.logging import get_correlation_id
from luutru_common.problems import Problem


@dataclass(frozen=True)
class Actor:
    id: str | None
    name: str | None
    role: str | None
    facility_id: uuid.UUID | None
    client_ip: str | None
    correlation_id: str | None


def client_ip(request: Request) -> str | None:
    """The caller's address as the audit log records it."""
    # uvicorn runs with proxy_headers, so behind a trusted proxy this is X-Forwarded-For.
    return request.client.host if request.client else None


def anonymous(request: Request) -> Actor:
    """The actor of a request without a token (a login, a token request)."""
    return Actor(None, None, None, None, client_ip(request), get_correlation_id())


def actor_of(principal: Principal, request: Request, name: str | None = None) -> Actor:
    """The actor of an authenticated request."""
    return Actor(
        id=principal.subject,
        name=name,
        role=principal.role.value,
        facility_id=principal.facility_id,
        client_ip=client_ip(request),
        correlation_id=get_correlation_id(),
    )


@dataclass(frozen=True)
class Caller:
    principal: Principal
    actor: Actor

    @property
    def role(self) -> Role:
        return self.principal.role


def caller_with(*roles: Role):
    """Dependency: a person (not a machine client) holding one of ``roles``."""
    allowed = frozenset(roles)

    async def dependency(principal: CurrentPrincipal, request: Request) -> Caller:
        # A facility role without its facility would match every user without one (the police):
        # such a token is refused outright rather than trusted to be filtered later.
        orphan = principal.role in FACILITY_ROLES and principal.facility_id is None
        if principal.client or principal.role not in allowed or orphan:
            raise Problem(
                403,
                "forbidden",
                "Forbidden",
                "Vai trò của bạn không được phép / Your role may not do this",
            )
        if await _disabled(request, principal.subject):
            raise Problem(
                401,
                "account-disabled",
                "Account disabled",
                "Tài khoản đã bị khoá / This account is disabled",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Caller(principal, actor_of(principal, request))

    return dependency


async def _disabled(request: Request, subject: str) -> bool:
    """Access tokens are stateless, but accounts holds the users: here a disabled user's
    still-valid token stops at once (elsewhere it lapses within its lifetime)."""
    try:
        user_id = uuid.UUID(subject)
    except ValueError:
        return False
    async with UnitOfWork(request.app.state.session_factory) as uow:
        return bool(await uow.session.scalar(select(User.disabled).where(User.id == user_id)))


PoliceAdmin = Annotated[Caller, Depends(caller_with(Role.POLICE_ADMIN, Role.SYSTEM_ADMIN))]
FacilityManager = Annotated[Caller, Depends(caller_with(Role.FACILITY_MANAGER))]
AnyPerson = Annotated[Caller, Depends(caller_with(*Role))]
