"""The OAuth2 client-credentials exchange: a client id and secret for an access token.

Secrets are 256 random bits, so a plain SHA-256 is as safe as a slow password hash here, and
a machine token request stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Actor
from luutru_accounts.core import audit
from luutru_accounts.core import facility_repository as facilities
from luutru_accounts.core.keys import current_key, mint_token
from luutru_accounts.core.tokens import AuthFailure, TokenResponse
from luutru_accounts.models import ApiClient
from luutru_accounts.settings import AccountsSettings
from luutru_common.auth import Role
from luutru_common.problems import Problem, field_error

_DUMMY_SECRET_HASH = hashlib.sha256(b"no such client").hexdigest()


def hash_secret(secret: str) -> str:
    """What is stored of a client secret (a secret is never stored itself)."""
    return hashlib.sha256(secret.encode()).hexdigest()


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
    """The client-credentials grant: the id and secret (an unknown id costs the same time), an
    active facility, the scopes asked within those granted; then a facility-staff token
    narrowed to those scopes. A wrong secret is audited and raises `AuthFailure`."""
    client = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    ok = hmac.compare_digest(
        hash_secret(client_secret), client.secret_hash if client else _DUMMY_SECRET_HASH
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
