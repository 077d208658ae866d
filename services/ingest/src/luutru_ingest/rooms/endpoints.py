"""The room registry of a facility and its room board (docs/rooms.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import select, tuple_

from luutru_common import paging
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.problems import Problem, field_error, problem_responses
from luutru_ingest.core.http import IdempotencyKey, idempotent_in
from luutru_ingest.models import Room, RoomVersion
from luutru_ingest.rooms import service
from luutru_ingest.rooms.access import BoardReader, RoomsManager, RoomsReader
from luutru_ingest.rooms.board import board as build_board
from luutru_ingest.rooms.ranges import RangeError, expand
from luutru_ingest.rooms.schemas import (
    Board,
    RoomEdit,
    RoomIn,
    RoomPage,
    RoomRangeIn,
    RoomsCreated,
    RoomVersionView,
    RoomView,
    StateChange,
)

router = APIRouter(prefix="/v1", tags=["rooms"])

ROOMS = "/rooms/{facility_id}"
ROOM = ROOMS + "/{room_id}"
_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)


def room_view(room: Room) -> RoomView:
    """A room as the API shows it."""
    return RoomView(
        room_id=room.id,
        number=room.number,
        name=room.name,
        floor=room.floor,
        kind=room.kind,  # type: ignore[arg-type]
        beds=room.beds,
        state=room.state,  # type: ignore[arg-type]
        state_reason=room.state_reason,
        version=room.version,
        updated_at=room.updated_at,
    )


@router.post(
    ROOMS,
    status_code=201,
    response_model=RoomView,
    summary="Thêm một phòng / Add a room",
    description=(
        "Quản lý cơ sở hoặc quản trị Công an. Số phòng trùng với phòng đang có là 409. Gửi lại "
        "với cùng Idempotency-Key trả về câu trả lời cũ. / Facility manager or police admin. "
        "A number the facility already has is a 409; a retry with the same Idempotency-Key "
        "gets the original answer."
    ),
    responses=_ERRORS,
)
async def create_room(
    body: RoomIn,
    facility: RoomsManager,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    async with uow:

        async def work():
            [room] = await service.create(
                uow.session,
                facility.id,
                [body],
                by=principal.subject,
                now=datetime.now(UTC),
                pointer="/number",
            )
            return 201, room_view(room)

        return await idempotent_in(uow, request, facility.id, idempotency_key, work)


@router.post(
    ROOMS + "/range",
    status_code=201,
    response_model=RoomsCreated,
    summary="Thêm một dãy phòng / Add a range of rooms",
    description=(
        "Dãy như 101–120, A1–A12, B01-B20 (tối đa 500 phòng), cùng tầng, loại và số giường. "
        "Tất cả hoặc không: một số đã có thì cả dãy bị từ chối (409, nêu các số trùng). / A "
        "range such as 101–120 or A1–A12 (at most 500), all of one floor, kind and beds. All "
        "or nothing: a number the facility already has refuses the range (409, naming them)."
    ),
    responses=_ERRORS,
)
async def create_range(
    body: RoomRangeIn,
    facility: RoomsManager,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    try:
        numbers = expand(body.range)
    except RangeError as exc:
        raise Problem.invalid(
            "Range is invalid",
            [field_error("/range", exc.code, exc.vi, exc.en)],
            "Dãy phòng không hợp lệ / The range is invalid",
        ) from None
    items = [RoomIn(number=n, floor=body.floor, kind=body.kind, beds=body.beds) for n in numbers]
    async with uow:

        async def work():
            rooms = await service.create(
                uow.session,
                facility.id,
                items,
                by=principal.subject,
                now=datetime.now(UTC),
                pointer="/range",
            )
            return 201, RoomsCreated(created=len(rooms), rooms=[room_view(r) for r in rooms])

        return await idempotent_in(uow, request, facility.id, idempotency_key, work)


def _room_cursor(cursor: str | None) -> tuple[str, uuid.UUID] | None:
    """The (sort key, id) of the previous page's last room; a cursor not ours is a 422."""
    after = paging.decode(cursor, list)
    if after is None:
        return None
    try:
        sort, room_id = after
        if not isinstance(sort, str):
            raise TypeError(sort)
        return sort, uuid.UUID(room_id)
    except (TypeError, ValueError, AttributeError):
        raise paging.bad_cursor() from None


@router.get(
    ROOMS,
    response_model=RoomPage,
    summary="Danh sách phòng / The room registry",
    description=(
        "Theo thứ tự số phòng (A2 trước A10); phân trang bằng `cursor`. Công an xem được phòng "
        "của cơ sở trong địa bàn. / In room-number order, paginated by cursor. Police see the "
        "rooms of facilities in their area."
    ),
    responses=_ERRORS,
)
async def list_rooms(
    facility: RoomsReader,
    uow: UnitOfWorkDep,
    state: Annotated[
        Literal["in_service", "out_of_service", "retired"] | None,
        Query(description="Chỉ các phòng ở trạng thái này / Only rooms in this state"),
    ] = None,
    include_retired: Annotated[
        bool, Query(description="Cả phòng đã bỏ / Retired rooms too")
    ] = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> RoomPage:
    after = _room_cursor(cursor)
    query = select(Room).where(Room.facility_id == facility.id)
    if state is not None:
        query = query.where(Room.state == state)
    elif not include_retired:
        query = query.where(Room.state != "retired")
    if after is not None:
        query = query.where(tuple_(Room.sort_key, Room.id) > after)
    async with uow:
        rows = (
            await uow.session.scalars(query.order_by(Room.sort_key, Room.id).limit(limit + 1))
        ).all()
    rows, next_cursor = paging.page(
        rows, limit, key=lambda r: paging.encode([r.sort_key, str(r.id)])
    )
    return RoomPage(items=[room_view(r) for r in rows], next_cursor=next_cursor)


@router.get(
    ROOMS + "/board",
    response_model=Board,
    summary="Sơ đồ phòng / The room board",
    description=(
        "Mọi phòng lúc này, từ các bản khai thật: trống, có khách (số khách, giường còn), có "
        "khách dự kiến trả phòng hôm nay, có khách quá ngày, ngừng sử dụng. Chỉ người của cơ "
        "sở. / Every room now, from the real stays: free, occupied (guests, beds left), a "
        "guest due out today, a guest past the expected check-out, out of service. The "
        "facility's own people only."
    ),
    responses=_ERRORS,
)
async def room_board(facility: BoardReader, uow: UnitOfWorkDep, request: Request) -> Board:
    today = request.app.state.deadline_rule.local_date(datetime.now(UTC))
    async with uow:
        return await build_board(uow.session, facility.id, today)


async def _room(uow, facility_id: uuid.UUID, room_id: uuid.UUID) -> Room:
    room = await uow.session.scalar(
        select(Room).where(Room.id == room_id, Room.facility_id == facility_id)
    )
    if room is None:
        raise Problem(404, "room-not-found", "Room not found", "Không tìm thấy phòng")
    return room


@router.get(ROOM, response_model=RoomView, summary="Một phòng / One room", responses=_ERRORS)
async def get_room(room_id: uuid.UUID, facility: RoomsReader, uow: UnitOfWorkDep) -> RoomView:
    async with uow:
        return room_view(await _room(uow, facility.id, room_id))


@router.get(
    ROOM + "/history",
    response_model=list[RoomVersionView],
    summary="Lịch sử một phòng / A room's history",
    description="Mọi phiên bản, cũ nhất trước / Every version, oldest first",
    responses=_ERRORS,
)
async def room_history(
    room_id: uuid.UUID, facility: RoomsReader, uow: UnitOfWorkDep
) -> list[RoomVersionView]:
    async with uow:
        await _room(uow, facility.id, room_id)
        versions = (
            await uow.session.scalars(
                select(RoomVersion)
                .where(RoomVersion.room_id == room_id)
                .order_by(RoomVersion.version)
            )
        ).all()
    return [
        RoomVersionView(
            version=v.version, changed_by=v.changed_by, changed_at=v.changed_at, **v.data
        )
        for v in versions
    ]


@router.patch(
    ROOM,
    response_model=RoomView,
    summary="Sửa phòng / Edit a room",
    description="Chỉ các trường gửi lên được đổi / Only the fields sent change",
    responses=_ERRORS,
)
async def edit_room(
    room_id: uuid.UUID,
    body: RoomEdit,
    facility: RoomsManager,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> RoomView:
    async with uow:
        room = await service.edit(
            uow.session, facility.id, room_id, body, by=principal.subject, now=datetime.now(UTC)
        )
        await uow.commit()
    return room_view(room)


def _state_endpoint(path: str, state: str, summary: str, description: str):
    @router.post(
        ROOM + path,
        response_model=RoomView,
        summary=summary,
        description=description,
        responses=_ERRORS,
        name=f"room_{state}",
    )
    async def change_state(
        room_id: uuid.UUID,
        body: StateChange,
        facility: RoomsManager,
        principal: CurrentPrincipal,
        uow: UnitOfWorkDep,
    ) -> RoomView:
        async with uow:
            room = await service.set_state(
                uow.session,
                facility.id,
                room_id,
                state,
                reason=body.reason,
                by=principal.subject,
                now=datetime.now(UTC),
            )
            await uow.commit()
        return room_view(room)

    return change_state


_state_endpoint(
    "/out-of-service",
    "out_of_service",
    "Ngừng sử dụng phòng / Take a room out of service",
    "Không tính vào công suất phòng trong thời gian ngừng / Not counted as available while out",
)
_state_endpoint(
    "/back-in-service",
    "in_service",
    "Dùng lại phòng / Put a room back in service",
    "Phòng trở lại danh sách phòng dùng được / The room is available again",
)
_state_endpoint(
    "/retire",
    "retired",
    "Bỏ phòng / Retire a room",
    (
        "Phòng được giữ trong lịch sử; số phòng có thể dùng lại. Phòng còn khách là 409. / "
        "Kept in the history; its number may be reused. A room with guests is a 409."
    ),
)
