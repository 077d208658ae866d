from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from luutru_common import paging
from luutru_common.app import UnitOfWorkDep
from luutru_common.bounds import BoundedDate
from luutru_common.db import transaction
from luutru_common.problems import FieldError, Problem, problem_responses
from luutru_ingest import receipt_numbers
from luutru_ingest.core import stay
from luutru_ingest.core.checking import field_of, parse_partial, partial_verdict
from luutru_ingest.core.facility import GuestFacility, WritingFacility
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.http import (
    FacilityUser,
    IdempotencyKey,
    RecheckedRoute,
    idempotent,
    json_response,
    rechecked,
)
from luutru_ingest.core.receipts import Receipt
from luutru_ingest.core.registration import Outcome, register
from luutru_ingest.stays import repository, service
from luutru_ingest.stays.schemas import (
    BatchCheckIn,
    BatchResult,
    CheckOut,
    Correction,
    Extension,
    Move,
    StayPage,
    StayView,
    ValidationReport,
    Void,
)


def _check_in_violations(request: Request, body: dict[str, Any]) -> list[FieldError]:
    now = datetime.now(UTC)
    today = request.app.state.deadline_rule.local_date(now)
    return partial_verdict(body, now=now, today=today, refuse_future=True).errors


def _correction_violations(request: Request, body: dict[str, Any]) -> list[FieldError]:
    """The correction's own fields, and every violation of the replacement stay."""
    _, errors, _ = parse_partial(Correction, body)
    stay = body.get("stay")
    if not isinstance(stay, dict):
        return errors
    now = datetime.now(UTC)
    today = request.app.state.deadline_rule.local_date(now)
    others = [e for e in errors if field_of(e.pointer) != "stay"]
    verdict = partial_verdict(stay, "/stay", now=now, today=today, refuse_future=True)
    return others + verdict.errors


router = APIRouter(prefix="/v1", tags=["stays"], route_class=RecheckedRoute)


@router.post(
    "/stays",
    status_code=201,
    response_model=Receipt,
    summary="Khai báo lưu trú một khách / Check in one guest",
    description=(
        "Lưu ngay và trả về biên nhận (hạn khai báo, đúng hạn hay trễ, cảnh báo). Gửi lại "
        "cùng khách, cùng ngày đến trả về biên nhận cũ (200), không tạo bản ghi trùng. Có thể "
        "gửi chuỗi QR (`qr`) thay cho các trường định danh. / Stores the registration and "
        "returns its receipt. A retry for the same document and arrival day returns the "
        "original receipt with 200 and creates nothing. `qr` may replace the identity fields."
    ),
    responses={
        200: {"model": Receipt, "description": "Already registered: the original receipt"},
        **problem_responses(400, 401, 403, 404, 422),
    },
)
@rechecked(_check_in_violations)
async def check_in(
    body: CheckIn,
    facility: WritingFacility,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    now = datetime.now(UTC)
    async with transaction(request.app.state.pool) as conn:

        async def work():
            [result] = await register(
                conn,
                facility=facility,
                items=[(0, body)],
                rule=request.app.state.deadline_rule,
                now=now,
                pointer=lambda _: "",
                # Each check-in's commit with a NOTIFY waited for every other's.
                wake_relay=False,
            )
            return result.answer()

        response = await idempotent(conn, request, facility.id, idempotency_key, work)
    request.app.state.relay_wakeup.after_commit()
    response.headers["Location"] = f"/v1/stays/{_stay_id(response)}"
    return response


def _stay_id(response: Response) -> str:
    return json.loads(bytes(response.body)).get("stay_id", "")


@router.post(
    "/stays/batch",
    response_model=BatchResult,
    summary="Khai báo lưu trú theo lô / Check in a batch of guests",
    description=(
        "Tối đa 10.000 khách một lần. Mỗi khách một kết quả (accepted / duplicate / rejected) "
        "với lỗi trỏ tới trường, ví dụ /guests/3/id_number; khách hợp lệ được nhận dù khách "
        "khác bị từ chối. `dry_run=true`: chỉ kiểm tra, không lưu. / Up to 10,000 guests. A "
        "result per guest with JSON pointers; valid guests are accepted even when others are "
        "refused. `dry_run=true` validates only and stores nothing."
    ),
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def check_in_batch(
    body: BatchCheckIn,
    facility: WritingFacility,
    request: Request,
    idempotency_key: IdempotencyKey = None,
    dry_run: Annotated[bool, Query(description="Chỉ kiểm tra / Validate only")] = False,
):
    now = datetime.now(UTC)
    chunk = request.app.state.settings.batch_chunk_size
    pool = request.app.state.pool
    if dry_run or idempotency_key is not None:
        async with transaction(pool) as conn:
            if dry_run:
                results = await register(
                    conn,
                    facility=facility,
                    items=list(enumerate(body.guests)),
                    rule=request.app.state.deadline_rule,
                    now=now,
                    pointer=lambda i: f"/guests/{i}",
                    dry_run=True,
                )
                return json_response(_batch_answer(results), 200)

            async def work():
                results = []
                items = list(enumerate(body.guests))
                for start in range(0, len(items), chunk):
                    results += await register(
                        conn,
                        facility=facility,
                        items=items[start : start + chunk],
                        rule=request.app.state.deadline_rule,
                        now=now,
                        pointer=lambda i: f"/guests/{i}",
                    )
                return 200, _batch_answer(results)

            # The stored answer must match what is stored: one transaction for the batch.
            response = await idempotent(conn, request, facility.id, idempotency_key, work)
        return response
    # Without a key, one transaction per chunk keeps locks short; a retry after a failure
    # finds the committed chunks as duplicates (the natural key), so nothing is lost or
    # doubled. The answer still comes only after every chunk has committed.
    results = []
    items = list(enumerate(body.guests))
    for start in range(0, len(items), chunk):
        async with transaction(pool) as conn:
            results += await register(
                conn,
                facility=facility,
                items=items[start : start + chunk],
                rule=request.app.state.deadline_rule,
                now=now,
                pointer=lambda i: f"/guests/{i}",
            )
    return json_response(_batch_answer(results), 200)


def _batch_answer(results: list[Outcome]) -> bytes:
    """The BatchResult as JSON, written from the results' plain values by orjson: building a
    model per guest and dumping it was a tenth of a batch's CPU (bench/README.md)."""
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0, "valid": 0}
    for r in results:
        counts[r.status] += 1
    return stay.to_json(
        {
            "accepted": counts["accepted"] + counts["valid"],
            "duplicates": counts["duplicate"],
            "rejected": counts["rejected"],
            "results": [r.as_json() for r in results],
        }
    )


@router.post(
    "/stays/validate",
    response_model=ValidationReport,
    summary="Kiểm tra bản khai, không lưu / Validate a registration without storing it",
    description=(
        "Cùng các quy tắc như khai báo thật; không lưu gì. / Exactly the rules of a real "
        "check-in; nothing is stored."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
@rechecked(_check_in_violations)
async def validate(body: CheckIn, facility: GuestFacility, request: Request) -> ValidationReport:
    async with transaction(request.app.state.pool) as conn:
        [result] = await register(
            conn,
            facility=facility,
            items=[(0, body)],
            rule=request.app.state.deadline_rule,
            now=datetime.now(UTC),
            pointer=lambda _: "",
            dry_run=True,
        )
    return ValidationReport(
        valid=result.status == "valid", errors=result.errors, warnings=result.warnings
    )


@router.get(
    "/stays",
    response_model=StayPage,
    summary="Đối soát: các bản khai theo ngày đến / Reconcile: my records for a day",
    description=(
        "Mọi bản khai của cơ sở có ngày đến là `date` (hoặc, với `held=true`, mọi khách lưu "
        "trú trong ngày), kèm trạng thái; phân trang bằng `cursor`; `q` lọc theo tên, phòng "
        "hoặc số biên nhận. / Every record of my facility with that arrival day (or, with "
        "`held=true`, every guest held that day) and its status, paginated by cursor; `q` "
        "narrows to a name, a room or a receipt number."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def reconcile(
    facility: GuestFacility,
    uow: UnitOfWorkDep,
    request: Request,
    day: Annotated[BoundedDate, Query(alias="date", description="Ngày đến / Arrival day")],
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    held: Annotated[
        bool,
        Query(
            description=(
                "true: mọi khách đang lưu trú trong ngày đó (không chỉ khách đến) / every "
                "guest held that day, not only arrivals"
            )
        ),
    ] = False,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description=(
                "Tên (không cần dấu, một phần), số phòng, hoặc số biên nhận (có hay không có "
                "gạch nối) / A name (accents optional, any part), a room, or a receipt number "
                "(dashes optional)"
            ),
        ),
    ] = None,
) -> StayPage:
    after = paging.decode_uuid(cursor)
    async with uow:
        stays = await repository.stays_on(
            uow.session,
            facility.id,
            day,
            after=after,
            limit=limit + 1,
            in_house=held,
            timezone=request.app.state.settings.local_timezone,
            text_query=q,
        )
    stays, next_cursor = paging.page(stays, limit, key=lambda s: str(s.id))
    return StayPage(items=[stay_view(s) for s in stays], next_cursor=next_cursor)


def stay_view(stay) -> StayView:
    """A stored stay as the facility sees it: its columns of the same names."""
    # Every field but the id is a column of the same name (core.stay.COLUMNS).
    fields = {name: getattr(stay, name) for name in StayView.model_fields if name != "stay_id"}
    fields["warnings"] = fields["warnings"] or []
    return StayView(stay_id=stay.id, **fields)


_STAY_ERRORS = problem_responses(401, 403, 404, 409, 422)


@router.get(
    "/stays/by-number/{number}",
    response_model=StayView,
    summary="Tìm bản khai theo số biên nhận / A record by its receipt number",
    description=(
        "Số biên nhận như khách đọc qua điện thoại: chữ hoa hay thường, có hay không có gạch "
        "nối (K7M-4QX-9PA, k7m4qx9pa). Chỉ tìm trong bản khai của cơ sở mình: số của cơ sở "
        "khác là 404. / The receipt number as read out: any case, dashes optional. Only my "
        "facility's records: another facility's number is a 404."
    ),
    responses=_STAY_ERRORS,
)
async def get_stay_by_number(number: str, facility: GuestFacility, uow: UnitOfWorkDep) -> StayView:
    normalized = receipt_numbers.normalize(number)
    async with uow:
        stay = (
            await repository.stay_by_number(uow.session, facility.id, normalized)
            if normalized
            else None
        )
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    return stay_view(stay)


@router.get(
    "/stays/{stay_id}",
    response_model=StayView,
    summary="Xem một bản khai / One record",
    responses=_STAY_ERRORS,
)
async def get_stay(stay_id: uuid.UUID, facility: GuestFacility, uow: UnitOfWorkDep) -> StayView:
    async with uow:
        stay = await repository.stay(uow.session, facility.id, stay_id)
    if stay is None:
        raise Problem(404, "stay-not-found", "Stay not found", "Không tìm thấy bản khai")
    return stay_view(stay)


@router.post(
    "/stays/{stay_id}/check-out",
    response_model=StayView,
    summary="Khách rời đi / Check a guest out",
    responses=_STAY_ERRORS,
)
async def check_out(
    stay_id: uuid.UUID,
    body: CheckOut,
    facility: WritingFacility,
    uow: UnitOfWorkDep,
    request: Request,
) -> StayView:
    async with uow:
        stay = await service.check_out(
            uow.session,
            facility=facility,
            stay_id=stay_id,
            at=body.check_out_at,
            rule=request.app.state.deadline_rule,
        )
        await uow.commit()
    return stay_view(stay)


@router.post(
    "/stays/{stay_id}/extend",
    response_model=StayView,
    summary="Gia hạn lưu trú / Extend a stay",
    description=(
        "Một lần sửa với ngày đi mới (phát StayCorrected). / A correction with a new "
        "expected check-out (emits StayCorrected)."
    ),
    responses=_STAY_ERRORS,
)
async def extend(
    stay_id: uuid.UUID,
    body: Extension,
    principal: FacilityUser,
    facility: WritingFacility,
    uow: UnitOfWorkDep,
    request: Request,
) -> StayView:
    async with uow:
        stay = await service.extend(
            uow.session,
            facility=facility,
            stay_id=stay_id,
            expected_check_out=body.expected_check_out,
            reason=body.reason,
            by=principal.subject,
            rule=request.app.state.deadline_rule,
            now=datetime.now(UTC),
        )
        await uow.commit()
    return stay_view(stay)


@router.post(
    "/stays/{stay_id}/move",
    response_model=StayView,
    summary="Chuyển khách sang phòng khác / Move a guest to another room",
    description=(
        "Một lần sửa bản khai (phiên bản mới, phát StayCorrected) với phòng mới, ghi lúc "
        "chuyển. / A correction (a new version, emits StayCorrected) with the new room, "
        "recorded at the time of the move."
    ),
    responses=_STAY_ERRORS,
)
async def move(
    stay_id: uuid.UUID,
    body: Move,
    principal: FacilityUser,
    facility: WritingFacility,
    uow: UnitOfWorkDep,
    request: Request,
) -> StayView:
    async with uow:
        stay = await service.move(
            uow.session,
            facility=facility,
            stay_id=stay_id,
            room_id=body.room_id,
            moved_at=body.moved_at,
            reason=body.reason,
            by=principal.subject,
            rule=request.app.state.deadline_rule,
            now=datetime.now(UTC),
        )
        await uow.commit()
    return stay_view(stay)


@router.put(
    "/stays/{stay_id}",
    response_model=StayView,
    summary="Sửa bản khai (thay thế toàn bộ) / Correct a record (full replacement)",
    description=(
        "Bản cũ được giữ làm phiên bản; cần lý do. / The previous state is kept as a version; "
        "a reason is required."
    ),
    responses=_STAY_ERRORS,
)
@rechecked(_correction_violations)
async def correct(
    stay_id: uuid.UUID,
    body: Correction,
    principal: FacilityUser,
    facility: WritingFacility,
    uow: UnitOfWorkDep,
    request: Request,
) -> StayView:
    async with uow:
        stay = await service.correct(
            uow.session,
            facility=facility,
            stay_id=stay_id,
            data=body.stay,
            reason=body.reason,
            by=principal.subject,
            rule=request.app.state.deadline_rule,
            now=datetime.now(UTC),
        )
        await uow.commit()
    return stay_view(stay)


@router.post(
    "/stays/{stay_id}/void",
    response_model=StayView,
    summary="Hủy bản khai nhầm / Void a record made by mistake",
    responses=_STAY_ERRORS,
)
async def void(
    stay_id: uuid.UUID, body: Void, facility: WritingFacility, uow: UnitOfWorkDep
) -> StayView:
    async with uow:
        stay = await service.void(
            uow.session, facility=facility, stay_id=stay_id, reason=body.reason
        )
        await uow.commit()
    return stay_view(stay)
