from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from luutru_accounts.context import PoliceAdmin
from luutru_accounts.models import AuditEntry
from luutru_common import paging
from luutru_common.app import UnitOfWorkDep
from luutru_common.bounds import Moment
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_id: str | None
    actor_name: str | None
    actor_role: str | None
    action: str
    target_type: str | None
    target_id: str | None
    facility_id: uuid.UUID | None
    client_ip: str | None
    correlation_id: str | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditOut]
    next_cursor: str | None = Field(description="Trang sau / Cursor of the next page, if any")


@router.get(
    "",
    response_model=AuditPage,
    summary="Nhật ký thay đổi và đăng nhập lỗi / Audit log",
    description=(
        "Chỉ ghi thêm, không sửa, không xoá: mọi thay đổi tài khoản, cơ sở, ứng dụng và mọi lần "
        "đăng nhập lỗi — ai, làm gì, khi nào, từ đâu. Mới nhất trước. / Append-only: every "
        "change to accounts, facilities and clients and every failed login — who, what, when, "
        "from where (client IP). Newest first, cursor pagination."
    ),
    responses=problem_responses(401, 403, 422),
)
async def query_audit(
    caller: PoliceAdmin,
    uow: UnitOfWorkDep,
    action: Annotated[
        str | None,
        Query(max_length=100, description="Ví dụ / e.g. login.failed, facility.suspended"),
    ] = None,
    actor_id: Annotated[str | None, Query(max_length=200)] = None,
    target_id: Annotated[str | None, Query(max_length=200)] = None,
    facility_id: Annotated[uuid.UUID | None, Query()] = None,
    since: Annotated[Moment | None, Query(description="Từ (ISO 8601) / From")] = None,
    until: Annotated[Moment | None, Query(description="Đến (ISO 8601) / Until")] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    before = paging.decode(cursor, int)
    if before is not None and not 0 < before < 2**63:
        raise paging.bad_cursor()
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
    if action is not None:
        # "login" matches login.failed and login.succeeded; "login.failed" only itself.
        query = query.where(
            (AuditEntry.action == action) | AuditEntry.action.startswith(action + ".")
        )
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    if facility_id is not None:
        query = query.where(AuditEntry.facility_id == facility_id)
    # A time without an offset is taken as UTC (comparing naive and aware times would fail).
    since, until = (t.replace(tzinfo=UTC) if t and t.tzinfo is None else t for t in (since, until))
    if since is not None:
        query = query.where(AuditEntry.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEntry.occurred_at < until)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    async with uow:
        rows = list((await uow.session.scalars(query)).all())
    rows, next_cursor = paging.page(rows, limit, key=lambda r: paging.encode(r.id))
    return AuditPage(items=[AuditOut.model_validate(r) for r in rows], next_cursor=next_cursor)
