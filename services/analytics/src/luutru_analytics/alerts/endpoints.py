"""Alerts of watchlist hits, for police: list, move new → acknowledged → closed with notes,
and a live stream (server-sent events) for police consoles."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from luutru_analytics.alerts.schemas import AlertOut, AlertStatus, AlertTransition
from luutru_analytics.feeds.scope import require_police
from luutru_analytics.models import Alert
from luutru_analytics.police.access import log_access
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.problems import Problem, problem_responses

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

NEXT = {"new": {"acknowledged", "closed"}, "acknowledged": {"closed"}, "closed": set()}
PURPOSE = "xử lý cảnh báo truy nã / handling wanted-person alerts"


def _scoped(stmt, communes: tuple[int, ...]):
    return stmt.where(Alert.commune_code.in_(communes)) if communes else stmt


@router.get(
    "",
    response_model=list[AlertOut],
    summary="Cảnh báo truy nã / Wanted-person alerts",
    description=(
        "Mới nhất trước; Công an xã chỉ thấy xã của mình; ghi nhật ký truy cập. / Newest "
        "first; commune police see their communes only; logged in the access log."
    ),
    responses=problem_responses(401, 403),
)
async def list_alerts(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    status: AlertStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertOut]:
    scope = require_police(principal)
    stmt = _scoped(select(Alert).order_by(Alert.seq.desc()).limit(limit), scope.communes)
    if status:
        stmt = stmt.where(Alert.status == status)
    async with uow:
        alerts = (await uow.session.scalars(stmt)).all()
        await log_access(
            uow.session,
            principal,
            action="alerts-list",
            query={"status": status},
            purpose=PURPOSE,
            result_count=len(alerts),
        )
        await uow.commit()
    return [AlertOut.model_validate(a) for a in alerts]


@router.post(
    "/{alert_id}/transitions",
    response_model=AlertOut,
    summary="Chuyển trạng thái cảnh báo / Acknowledge or close an alert",
    description=(
        "new → acknowledged → closed (hoặc new → closed), kèm ghi chú. / With a note; other "
        "moves answer 409."
    ),
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def transition(
    alert_id: uuid.UUID, body: AlertTransition, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> AlertOut:
    scope = require_police(principal)
    async with uow:
        alert = await uow.session.get(Alert, alert_id, with_for_update=True)
        if alert is None or (scope.communes and alert.commune_code not in scope.communes):
            raise Problem(404, "not-found", "Not found", "Không có cảnh báo này / No such alert")
        if body.status not in NEXT[alert.status]:
            raise Problem(
                409,
                "invalid-transition",
                "Invalid transition",
                f"Không thể chuyển {alert.status} → {body.status} / "
                f"cannot move {alert.status} → {body.status}",
            )
        now = datetime.now(UTC)
        alert.notes = [
            *alert.notes,
            {
                "at": now.isoformat(),
                "by": principal.subject,
                "status": body.status,
                "note": body.note,
            },
        ]
        alert.status = body.status
        alert.updated_at = now
        await log_access(
            uow.session,
            principal,
            action="alert-transition",
            query={"alert_id": alert_id, "status": body.status},
            purpose=PURPOSE,
            result_count=1,
        )
        await uow.commit()
    return AlertOut.model_validate(alert)


@router.get(
    "/stream",
    summary="Luồng cảnh báo trực tiếp (SSE) / Live alert stream (server-sent events)",
    description=(
        "text/event-stream: mỗi cảnh báo mới là một sự kiện `alert` (id = seq); kết nối lại với "
        "Last-Event-ID để nhận tiếp. / Each new alert is an `alert` event whose id is its "
        "sequence number; reconnect with Last-Event-ID to resume. Without it the stream starts "
        "with new alerts only."
    ),
    responses={
        **problem_responses(401, 403),
        200: {"content": {"text/event-stream": {}}},
    },
)
async def stream(
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    scope = require_police(principal)
    factory = request.app.state.session_factory
    poll = request.app.state.settings.alert_stream_poll_s
    async with uow:
        if last_event_id and last_event_id.isdigit():
            cursor = int(last_event_id)
        else:
            cursor = (
                await uow.session.scalar(select(Alert.seq).order_by(Alert.seq.desc()).limit(1))
            ) or 0
        await log_access(
            uow.session,
            principal,
            action="alerts-stream",
            query={"from_seq": cursor},
            purpose=PURPOSE,
            result_count=0,
        )
        await uow.commit()

    async def events() -> AsyncIterator[str]:
        nonlocal cursor
        yield ": connected\n\n"
        idle = 0.0
        while not await request.is_disconnected():
            async with factory() as session:
                stmt = _scoped(
                    select(Alert).where(Alert.seq > cursor).order_by(Alert.seq).limit(100),
                    scope.communes,
                )
                found = (await session.scalars(stmt)).all()
            for alert in found:
                cursor = alert.seq
                payload = AlertOut.model_validate(alert).model_dump(mode="json")
                yield f"id: {alert.seq}\nevent: alert\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
            if found:
                idle = 0.0
                continue
            await asyncio.sleep(poll)
            idle += poll
            if idle >= 15:  # a comment line keeps proxies from closing an idle stream
                idle = 0.0
                yield ": keep-alive\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
