"""What no longer holds, for every service to refuse (luutru_common.revocation): sessions
ended, users disabled, API clients revoked, facilities not active. Sessions and clients are
listed only while a token of theirs could still be alive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import ApiClient, Facility, RefreshToken, User
from luutru_accounts.settings import AccountsSettings


async def revoked(session: AsyncSession, settings: AccountsSettings) -> dict[str, list[str]]:
    """What the other services must refuse before the tokens lapse: sessions revoked within an
    access token's lifetime (plus the key grace), disabled users, clients revoked within a
    client token's lifetime, and facilities that are not active."""
    now = datetime.now(UTC)
    margin = timedelta(seconds=settings.signing_key_grace_s)
    session_horizon = now - timedelta(seconds=settings.access_token_ttl_s) - margin
    client_horizon = now - timedelta(seconds=settings.client_token_ttl_s) - margin
    sessions = await session.scalars(
        select(RefreshToken.family_id).where(RefreshToken.revoked_at > session_horizon).distinct()
    )
    subjects = await session.scalars(select(User.id).where(User.disabled.is_(True)))
    clients = await session.scalars(
        select(ApiClient.client_id).where(ApiClient.revoked_at > client_horizon)
    )
    facilities = await session.scalars(select(Facility.id).where(Facility.status != "active"))
    return {
        "sessions": [str(s) for s in sessions],
        "subjects": [str(s) for s in subjects],
        "clients": list(clients),
        "facilities": [str(f) for f in facilities],
    }
