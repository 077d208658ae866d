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

from luutru_analytics.alerts import repository, service
from luutru_analytics.alerts.schemas import (
    AlertOut,
    AlertPeoplePage,
    AlertPerson,
    AlertStatus,
    AlertTransition,
    CommuneCount,
    MatchKind,
)
from luutru_analytics.alerts.service import NEXT
from luutru_analytics.core.access_log import log_access
from luutru_analytics.core.scope import require_police
from luutru_common import paging
from luutru_common.admin_units import commune_name
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.bounds import CommuneCode
from luutru_common.problems import Problem, problem_responses

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

PURPOSE = "xử lý cảnh báo truy nã / handling wanted-person alerts"


@router.get(
    "",
    response_model=list[AlertOut],
    summary="Cảnh báo truy nã / Wanted-person alerts",
    description=(
        "Từng cảnh báo, mới nhất trước (gộp theo người: GET /v1/alerts/people); Công an xã chỉ "
        "thấy xã của mình; ghi nhật ký truy cập. / One item per hit, newest first (grouped by "
        "person: GET /v1/alerts/people); commune police see their communes only; logged in "
        "the access log."
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
    async with uow:
        alerts = await repository.latest(uow.session, scope.communes, status=status, limit=limit)
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


@router.get(
    "/people",
    response_model=AlertPeoplePage,
    summary="Cảnh báo gộp theo người / Alerts grouped by person, paged",
    description=(
        "Mỗi người (lượt đăng ký được khớp: khách của một lượt lưu trú, hành khách của một "
        "chuyến) là một mục với mọi cảnh báo của họ và các mục danh sách truy nã (lý do, họ "
        "tên), tên và địa chỉ cơ sở, phòng; người có cảnh báo mới nhất trước; tổng số người và "
        "số cảnh báo của họ; phân trang bằng `page` và `page_size`, hoặc bằng `cursor` "
        "(`next_cursor` của trang trước: không lặp, không sót ai khi có cảnh báo mới). Bộ lọc "
        "(trạng thái, xã lặp lại được, kiểu khớp) chọn người có ít nhất một cảnh báo thỏa mãn. Công an xã chỉ thấy "
        "xã của mình; ghi nhật ký truy cập. / One item per person (the matched registration: a "
        "guest of a stay, a passenger of a trip) with all their hits and the watchlist entries "
        "they match (by reason and name), the facility's name and address and the room; the "
        "person with the newest matching hit first; totals of those people and their hits; "
        "paged by `page` and `page_size`, or by `cursor` (the previous page's `next_cursor`: "
        "nobody repeated or skipped while alerts arrive). The filters (status, commune — "
        "repeatable —, match kind) pick the people with at least one hit that passes them. Commune police see "
        "their communes only; logged in the access log."
    ),
    responses=problem_responses(401, 403, 422),
)
async def list_people(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    status: Annotated[
        AlertStatus | None, Query(description="Trạng thái cảnh báo / Status of the hits")
    ] = None,
    commune: Annotated[
        list[CommuneCode] | None, Query(description="Mã xã/phường (lặp lại được) / Commune(s)")
    ] = None,
    match_kind: Annotated[
        MatchKind | None,
        Query(description="document: trùng số giấy tờ; name_dob: họ tên + ngày sinh"),
    ] = None,
    page: Annotated[int, Query(ge=1, le=10_000, description="Trang, từ 1 / Page, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=100, description="Số người mỗi trang")] = 20,
    cursor: Annotated[
        str | None,
        Query(
            description=(
                "`next_cursor` của trang trước: trang tiếp theo không lặp lại hay bỏ sót ai khi "
                "có cảnh báo mới hoặc được tiếp nhận trong lúc xem (`page` khi đó chỉ để đánh "
                "số) / The previous page's `next_cursor`: the next page neither repeats nor "
                "skips anyone while alerts arrive or are acknowledged (`page` then only numbers "
                "the page)"
            )
        ),
    ] = None,
) -> AlertPeoplePage:
    scope = require_police(principal)
    chosen = repository.PeopleFilter(
        scope.communes, status=status, match_kind=match_kind, chosen_communes=commune
    )
    before = paging.decode(cursor, int)
    async with uow:
        session = uow.session
        total_people, total_hits = await repository.people_totals(session, chosen)
        placed = await repository.people_page(
            session, chosen, page_size=page_size, before=before, page=page
        )
        placed, next_cursor = paging.page(placed, page_size, key=lambda p: paging.encode(p[1]))
        record_ids = [record_id for record_id, _ in placed]
        items = await service.people(session, record_ids, scope.communes)
        communes = await repository.people_per_commune(session, chosen)
        await log_access(
            session,
            principal,
            action="alerts-people",
            query={
                "status": status,
                "commune": commune,
                "match_kind": match_kind,
                "page": page,
                "page_size": page_size,
                "cursor": cursor,
            },
            purpose=PURPOSE,
            result_count=len(items),
        )
        await uow.commit()
    named = [CommuneCount(code=c, name=commune_name(c), people=n) for c, n in communes]
    named.sort(key=lambda c: (c.name is None, c.name or "", c.code))
    return AlertPeoplePage(
        total_people=total_people,
        total_hits=total_hits,
        page=page,
        page_size=page_size,
        pages=max(1, -(-total_people // page_size)),
        communes=named,
        items=items,
        next_cursor=next_cursor,
    )


@router.post(
    "/people/{record_id}/transitions",
    response_model=AlertPerson,
    summary="Chuyển trạng thái mọi cảnh báo của một người / Acknowledge or close a person's hits",
    description=(
        "acknowledged: mọi cảnh báo mới của người này; closed: mọi cảnh báo chưa đóng; cùng "
        "một ghi chú. 409 nếu không còn cảnh báo nào chuyển được. / acknowledged moves every "
        "new hit of this registration, closed every hit not closed, with the same note; 409 "
        "when none can move."
    ),
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def transition_person(
    record_id: uuid.UUID, body: AlertTransition, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> AlertPerson:
    scope = require_police(principal)
    async with uow:
        alerts = await repository.person_hits_for_update(uow.session, record_id, scope.communes)
        if not alerts:
            raise Problem(404, "not-found", "Not found", "Không có cảnh báo này / No such alert")
        movable = [a for a in alerts if body.status in NEXT[a.status]]
        if not movable:
            raise Problem(
                409,
                "invalid-transition",
                "Invalid transition",
                f"Không còn cảnh báo nào chuyển được sang {body.status} / "
                f"no hit of this person can move to {body.status}",
            )
        now = datetime.now(UTC)
        for alert in movable:
            service.move(alert, body, principal.subject, now)
        await log_access(
            uow.session,
            principal,
            action="alert-transition",
            query={
                "record_id": record_id,
                "alert_ids": [a.alert_id for a in movable],
                "status": body.status,
            },
            purpose=PURPOSE,
            result_count=len(movable),
        )
        await uow.session.flush()
        (person,) = await service.people(uow.session, [record_id], scope.communes)
        await uow.commit()
    return person


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
        alert = await repository.one_for_update(uow.session, alert_id, scope.communes)
        if alert is None:
            raise Problem(404, "not-found", "Not found", "Không có cảnh báo này / No such alert")
        if body.status not in NEXT[alert.status]:
            raise Problem(
                409,
                "invalid-transition",
                "Invalid transition",
                f"Không thể chuyển {alert.status} → {body.status} / "
                f"cannot move {alert.status} → {body.status}",
            )
        service.move(alert, body, principal.subject, datetime.now(UTC))
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
            cursor = await repository.last_seq(uow.session)
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
                found = await repository.after(session, cursor, scope.communes)
                if found:
                    # Each delivery shows the officer names and documents: a read of personal
                    # data like any list, logged before it is sent (the opening's entry says
                    # only that the stream was opened, with no result).
                    await log_access(
                        session,
                        principal,
                        action="alerts-stream-sent",
                        query={"seqs": [a.seq for a in found]},
                        purpose=PURPOSE,
                        result_count=len(found),
                    )
                    await session.commit()
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
