"""The access log of personal data: every read, search and export by police, with who, when,
what and why. The table refuses UPDATE, DELETE and TRUNCATE (a trigger), so it only grows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import AccessLogEntry
from luutru_common.auth import Principal


async def log_access(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    query: dict[str, Any],
    purpose: str,
    result_count: int,
) -> None:
    """Write one entry in the caller's transaction: the answer goes out only if it commits."""
    await session.execute(
        insert(AccessLogEntry).values(
            subject=principal.subject,
            role=str(principal.role),
            action=action,
            query={k: (str(v) if v is not None else None) for k, v in query.items()},
            purpose=purpose,
            result_count=result_count,
        )
    )
