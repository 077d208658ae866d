"""The audit log: who changed what, when and from where — and every failed login.

Rows are written in the same transaction as the change they describe, so an audited change
cannot commit without its row; the table itself refuses UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Actor
from luutru_accounts.models import AuditEntry


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    target_type: str | None = None,
    target_id: str | uuid.UUID | None = None,
    facility_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one audit row to the caller's transaction."""
    session.add(
        AuditEntry(
            actor_id=actor.id,
            actor_name=actor.name,
            actor_role=actor.role,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            facility_id=facility_id if facility_id is not None else actor.facility_id,
            client_ip=actor.client_ip,
            correlation_id=actor.correlation_id,
            details=_jsonable(details or {}),
        )
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
