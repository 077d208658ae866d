"""OAuth2 client-credentials clients: a facility manager's PMS or coach-operator system gets
its own id and secret (never a person's password), scoped and revocable.

Exchanging a client's id and secret for a token is the core's (`core/client_credentials.py`).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.clients.schemas import STAY_SCOPES, TRIP_SCOPES, ClientCreate
from luutru_accounts.context import Caller
from luutru_accounts.core import audit
from luutru_accounts.core import facility_repository as facilities
from luutru_accounts.core.client_credentials import hash_secret
from luutru_accounts.models import ApiClient
from luutru_common.auth import Role
from luutru_common.facility_types import BY_CODE
from luutru_common.problems import Problem, field_error


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
    """A new client of the caller's facility with scopes its facility type allows; returned with
    its secret, which is shown this once and stored only as a hash."""
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
        secret_hash=hash_secret(secret),
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
    """Clients, oldest first, at most 1000; a facility manager sees only their facility's."""
    query = select(ApiClient).order_by(ApiClient.created_at, ApiClient.id)
    if caller.role == Role.FACILITY_MANAGER:
        facility_id = caller.principal.facility_id
    if facility_id is not None:
        query = query.where(ApiClient.facility_id == facility_id)
    return list((await session.scalars(query.limit(1000))).all())


async def revoke_client(session: AsyncSession, caller: Caller, client_id: uuid.UUID) -> ApiClient:
    """Revoke a client (again is a no-op); another facility's is 404 to a facility manager."""
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
