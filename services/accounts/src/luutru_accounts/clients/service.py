"""OAuth2 client-credentials clients: a facility manager's PMS or coach-operator system gets
its own id and secret (never a person's password), scoped and revocable.

Secrets are 256 random bits, so a plain SHA-256 is as safe as a slow password hash here, and
a machine token request stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.audit import service as audit
from luutru_accounts.auth.keys import current_key, mint_token
from luutru_accounts.auth.schemas import TokenResponse
from luutru_accounts.auth.service import AuthFailure
from luutru_accounts.clients.schemas import STAY_SCOPES, TRIP_SCOPES, ClientCreate
from luutru_accounts.context import Actor, Caller
from luutru_accounts.facilities import repository as facilities
from luutru_accounts.models import ApiClient
from luutru_accounts.settings import AccountsSettings
from luutru_common.auth import Role
from luutru_common.facility_types import BY_CODE
from luutru_common.problems import Problem, field_error

_DUMMY_SECRET_HASH = hashlib.sha256(b"no such client").hexdigest()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def not_found() -> Problem:
    return Problem(404, "client-not-found", "Client not found", "Không tìm thấy ứng dụng")


async def create_client(
    session: AsyncSession, caller: Caller, data: ClientCreate
) -> tuple[ApiClient, str]:
    facility_id = caller.principal.facility_id
    facility = await facilities.get(session, facility_id) if facility_id else None
    if facility is None:
        raise Problem(404, "facility-not-found", "Facility not found")
    ftype = BY_CODE.get(facility.facility_type)
    allowed = STAY_SCOPES if ftype is None or ftype.takes_guests else TRIP_SCOPES
    errors = [
        field_error(
            f"/scopes/{i}",
            "scope-not-allowed",
            f"Quyền không hợp lệ cho loại cơ sở này (được: {', '.join(allowed)})",
            f"Scope not available to this facility type (allowed: {', '.join(allowed)})",
        )
        for i, scope in enumerate(data.scopes)
        if scope not in allowed
    ]
    if errors:
        raise Problem.invalid("Client is invalid", errors)
    secret = "cs_" + secrets.token_urlsafe(32)
    client = ApiClient(
        id=uuid.uuid4(),
        client_id="cl_" + secrets.token_hex(10),
        name=data.name,
        facility_id=facility.id,
        scopes=sorted(set(data.scopes)),
        secret_hash=_hash(secret),
        created_by=_uuid_or_none(caller.principal.subject),
        created_at=datetime.now(UTC),
    )
    session.add(client)
    await session.flush()
    audit.record(
        session,
        caller.actor,
        "client.created",
        target_type="client",
        target_id=client.client_id,
        facility_id=facility.id,
        details={"name": client.name, "scopes": client.scopes},
    )
    return client, secret


async def list_clients(session: AsyncSession, caller: Caller, facility_id: uuid.UUID | None):
    query = select(ApiClient).order_by(ApiClient.created_at, ApiClient.id)
    if caller.role == Role.FACILITY_MANAGER:
        facility_id = caller.principal.facility_id
    if facility_id is not None:
        query = query.where(ApiClient.facility_id == facility_id)
    return list((await session.scalars(query.limit(1000))).all())


async def revoke_client(session: AsyncSession, caller: Caller, client_id: uuid.UUID) -> ApiClient:
    client = await session.get(ApiClient, client_id)
    if client is None or (
        caller.role == Role.FACILITY_MANAGER and client.facility_id != caller.principal.facility_id
    ):
        raise not_found()
    if client.revoked_at is None:
        client.revoked_at = datetime.now(UTC)
        audit.record(
            session,
            caller.actor,
            "client.revoked",
            target_type="client",
            target_id=client.client_id,
            facility_id=client.facility_id,
            details={"name": client.name},
        )
    return client


def invalid_client() -> Problem:
    return Problem(
        401,
        "invalid-client",
        "Invalid client",
        "Sai mã ứng dụng hoặc khoá bí mật / Wrong client id or secret",
        headers={"WWW-Authenticate": 'Basic realm="luutru"'},
    )


async def client_token(
    session: AsyncSession,
    settings: AccountsSettings,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
    actor: Actor,
) -> TokenResponse:
    client = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    ok = hmac.compare_digest(
        _hash(client_secret), client.secret_hash if client else _DUMMY_SECRET_HASH
    )
    if client is None or not ok or client.revoked_at is not None:
        audit.record(
            session,
            actor,
            "client.auth_failed",
            target_type="client",
            target_id=client_id[:200],
            facility_id=client.facility_id if client else None,
            details={"reason": "revoked" if client and ok else "wrong-credentials"},
        )
        raise AuthFailure(invalid_client())
    facility = await facilities.get(session, client.facility_id)
    if facility is None or facility.status != "active":
        raise Problem(
            403,
            "facility-not-active",
            "Facility not active",
            "Cơ sở đang bị tạm dừng hoặc đã đóng / The facility is suspended or closed",
        )
    granted = set(client.scopes)
    wanted = set(scope.split()) if scope else granted
    if not wanted <= granted:
        raise Problem(
            400,
            "invalid-scope",
            "Invalid scope",
            "Yêu cầu quyền chưa được cấp / Requested scope not granted",
            errors=[
                field_error(
                    "/scope", "scope-not-granted", "Quyền chưa được cấp", "Scope not granted"
                )
            ],
        )
    key = await current_key(session)
    scopes = " ".join(sorted(wanted))
    token = mint_token(
        key,
        claims={
            "sub": f"client:{client.client_id}",
            # The least-privileged facility role; the scopes narrow it further.
            "role": Role.FACILITY_STAFF.value,
            "facility_id": str(client.facility_id),
            "scope": scopes,
            "client": True,
            "azp": client.client_id,
            "name": client.name,
        },
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.client_token_ttl_s,
    )
    return TokenResponse(access_token=token, expires_in=settings.client_token_ttl_s, scope=scopes)
