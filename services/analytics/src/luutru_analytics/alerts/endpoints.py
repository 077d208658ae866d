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
from sqlalchemy import func, select

from luutru_analytics.alerts.schemas import (
    AlertHitOut,
    AlertOut,
    AlertPeoplePage,
    AlertPerson,
    AlertStatus,
    AlertTransition,
    CommuneCount,
    MatchKind,
)
from luutru_analytics.feeds.scope import require_police
from luutru_analytics.models import Alert, FacilityFact, GuestRecord, WatchlistEntry
from luutru_analytics.police.access import log_access
from luutru_common.admin_units import commune_name
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.bounds import CommuneCode
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


def _person_status(statuses: list[str]) -> str:
    for status in ("new", "acknowledged"):
        if status in statuses:
            return status
    return "closed"


async def _people(session, record_ids: list[uuid.UUID], conditions: list) -> list[AlertPerson]:
    """The cards of these registrations, in the order given: all their hits the caller may see
    (newest first) with the watchlist entries, the facility and the room."""
    if not record_ids:
        return []
    found = (
        await session.execute(
            select(
                Alert,
                WatchlistEntry.reason,
                WatchlistEntry.full_name,
                WatchlistEntry.document_number,
                WatchlistEntry.date_of_birth,
            )
            .outerjoin(WatchlistEntry, WatchlistEntry.entry_id == Alert.entry_id)
            .where(Alert.record_id.in_(record_ids), *conditions)
            .order_by(Alert.seq.desc())
        )
    ).all()
    hits: dict[uuid.UUID, list[AlertHitOut]] = {r: [] for r in record_ids}
    for alert, reason, name, document, born in found:
        hits[alert.record_id].append(
            AlertHitOut.model_validate(
                {
                    **AlertOut.model_validate(alert).model_dump(),
                    "entry_reason": reason,
                    "entry_name": name,
                    "entry_document": document,
                    "entry_date_of_birth": born,
                }
            )
        )
    records = {
        r.record_id: r
        for r in (
            await session.scalars(select(GuestRecord).where(GuestRecord.record_id.in_(record_ids)))
        ).all()
    }
    facility_ids = {h[0].facility_id for h in hits.values() if h}
    facilities = {
        f.facility_id: f
        for f in (
            await session.scalars(
                select(FacilityFact).where(FacilityFact.facility_id.in_(facility_ids))
            )
        ).all()
    }
    people = []
    for record_id in record_ids:
        own = hits[record_id]
        if not own:
            continue
        first, rec = own[0], records.get(record_id)
        fac = facilities.get(first.facility_id)
        people.append(
            AlertPerson(
                record_id=record_id,
                kind=rec.kind if rec else None,
                subject_name=first.subject_name,
                subject_document=first.subject_document,
                date_of_birth=rec.date_of_birth if rec else None,
                stay_id=first.stay_id,
                trip_id=first.trip_id,
                facility_id=first.facility_id,
                facility_code=fac.code if fac else None,
                facility_name=fac.name if fac else None,
                facility_street=fac.street if fac else None,
                commune_code=first.commune_code,
                commune_name=commune_name(first.commune_code),
                room=rec.room if rec else None,
                arrived_at=rec.arrived_at if rec else first.registered_at,
                status=_person_status([h.status for h in own]),
                hit_count=len(own),
                open_count=sum(1 for h in own if h.status != "closed"),
                last_detected_at=max(h.detected_at for h in own),
                hits=own,
            )
        )
    return people


@router.get(
    "/people",
    response_model=AlertPeoplePage,
    summary="Cảnh báo gộp theo người / Alerts grouped by person, paged",
    description=(
        "Mỗi người (lượt đăng ký được khớp: khách của một lượt lưu trú, hành khách của một "
        "chuyến) là một mục với mọi cảnh báo của họ và các mục danh sách truy nã (lý do, họ "
        "tên), tên và địa chỉ cơ sở, phòng; người có cảnh báo mới nhất trước; tổng số người và "
        "số cảnh báo của họ; phân trang bằng `page` và `page_size`. Bộ lọc (trạng thái, xã lặp "
        "lại được, kiểu khớp) chọn người có ít nhất một cảnh báo thỏa mãn. Công an xã chỉ thấy "
        "xã của mình; ghi nhật ký truy cập. / One item per person (the matched registration: a "
        "guest of a stay, a passenger of a trip) with all their hits and the watchlist entries "
        "they match (by reason and name), the facility's name and address and the room; the "
        "person with the newest matching hit first; totals of those people and their hits; "
        "paged by `page` and `page_size`. The filters (status, commune — repeatable —, match "
        "kind) pick the people with at least one hit that passes them. Commune police see "
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
) -> AlertPeoplePage:
    scope = require_police(principal)
    scoped = [Alert.commune_code.in_(scope.communes)] if scope.communes else []
    base = list(scoped)
    if status:
        base.append(Alert.status == status)
    if match_kind:
        base.append(Alert.match_kind == match_kind)
    conditions = [*base, Alert.commune_code.in_(commune)] if commune else base
    async with uow:
        session = uow.session
        listed = select(Alert.record_id).where(*conditions).distinct().scalar_subquery()
        total_people, total_hits = (
            await session.execute(
                select(func.count(func.distinct(Alert.record_id)), func.count()).where(
                    Alert.record_id.in_(listed), *scoped
                )
            )
        ).one()
        last = func.max(Alert.seq)
        record_ids = list(
            (
                await session.scalars(
                    select(Alert.record_id)
                    .where(*conditions)
                    .group_by(Alert.record_id)
                    .order_by(last.desc())
                    .limit(page_size)
                    .offset((page - 1) * page_size)
                )
            ).all()
        )
        items = await _people(session, record_ids, scoped)
        communes = (
            await session.execute(
                select(Alert.commune_code, func.count(func.distinct(Alert.record_id)))
                .where(*base)
                .group_by(Alert.commune_code)
            )
        ).all()
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
    scoped = [Alert.commune_code.in_(scope.communes)] if scope.communes else []
    async with uow:
        alerts = (
            await uow.session.scalars(
                select(Alert)
                .where(Alert.record_id == record_id, *scoped)
                .order_by(Alert.seq)
                .with_for_update()
            )
        ).all()
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
            _move(alert, body, principal.subject, now)
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
        (person,) = await _people(uow.session, [record_id], scoped)
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
        _move(alert, body, principal.subject, datetime.now(UTC))
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


def _move(alert: Alert, body: AlertTransition, by: str, now: datetime) -> None:
    """One step of an alert's life, with its note appended to the history."""
    alert.notes = [
        *alert.notes,
        {"at": now.isoformat(), "by": by, "status": body.status, "note": body.note},
    ]
    alert.status = body.status
    alert.updated_at = now
