from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from luutru_common import paging
from luutru_common.app import UnitOfWorkDep
from luutru_common.problems import FieldError, Problem, problem_responses, validation_errors
from luutru_ingest.core import sheets
from luutru_ingest.core import upload_parsing as uploads_parsing
from luutru_ingest.core.facility import CoachOperator, WritingOperator
from luutru_ingest.core.http import (
    FacilityUser,
    IdempotencyKey,
    RecheckedRoute,
    idempotent_in,
    rechecked,
)
from luutru_ingest.core.upload_intake import XLSX, HeaderRowForm, MappingForm, accept_upload
from luutru_ingest.core.upload_schemas import UploadStatus
from luutru_ingest.trips import service
from luutru_ingest.trips.schemas import (
    PassengerChange,
    PassengerResult,
    PassengerView,
    TripCancel,
    TripIn,
    TripPage,
    TripReceipt,
    TripSummary,
    TripView,
)

router = APIRouter(prefix="/v1", tags=["trips"], route_class=RecheckedRoute)


def _manifest_violations(request: Request, body: dict[str, Any]) -> list[FieldError]:
    rule = request.app.state.deadline_rule
    return service.manifest_errors(body, rule=rule, now=datetime.now(UTC))


def _change_violations(request: Request, body: dict[str, Any]) -> list[FieldError]:
    rule = request.app.state.deadline_rule
    return service.change_errors(body, rule=rule, now=datetime.now(UTC))


@router.post(
    "/trips",
    status_code=201,
    response_model=TripReceipt,
    summary="Khai báo hành khách một chuyến xe / Submit a trip manifest",
    description=(
        "Một yêu cầu cho cả chuyến: nhận tất cả hoặc không nhận gì, lỗi chỉ rõ từng hành khách "
        "(/passengers/3/id_number). Gửi lại cùng chuyến (biển số, giờ xuất bến) trả biên nhận "
        "cũ. / One atomic request per trip: all passengers or none, with per-passenger errors. "
        "Resubmitting the same trip (plate, departure) returns the original receipt."
    ),
    responses={200: {"model": TripReceipt}, **problem_responses(400, 401, 403, 404, 422)},
)
@rechecked(_manifest_violations)
async def submit(
    body: TripIn,
    operator: WritingOperator,
    uow: UnitOfWorkDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
):
    now = datetime.now(UTC)
    async with uow:

        async def work():
            receipt, created = await service.submit(
                uow.session,
                operator=operator,
                data=body,
                rule=request.app.state.deadline_rule,
                now=now,
            )
            return (201 if created else 200), receipt

        return await idempotent_in(uow, request, operator.id, idempotency_key, work)


@router.get(
    "/trips",
    response_model=TripPage,
    summary="Các chuyến trong ngày / My trips departing on a day",
    description=(
        "Các chuyến của nhà xe xuất bến trong ngày (giờ Việt Nam), kèm số hành khách trên xe, "
        "phân trang bằng con trỏ. / The operator's trips departing that day (local time), with "
        "the passengers on board, paginated by cursor."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def list_trips(
    operator: CoachOperator,
    uow: UnitOfWorkDep,
    request: Request,
    day: Annotated[date, Query(alias="date", description="Ngày xuất bến / Departure day")],
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description=(
                "Số biên nhận (có hay không có gạch nối) hoặc biển số / A receipt number "
                "(dashes optional) or a plate"
            ),
        ),
    ] = None,
) -> TripPage:
    after = paging.decode_uuid(cursor)
    async with uow:
        found = await service.trips_departing(
            uow.session,
            operator.id,
            day,
            after=after,
            limit=limit + 1,
            timezone=request.app.state.settings.local_timezone,
            text_query=q,
        )
    found, next_cursor = paging.page(found, limit, key=lambda row: str(row[0].id))
    return TripPage(
        items=[
            TripSummary(**TripSummary.fields_of(trip), on_board=on_board)
            for trip, on_board in found
        ],
        next_cursor=next_cursor,
    )


@router.get(
    "/trips/by-number/{number}",
    response_model=TripView,
    summary="Tìm chuyến theo số biên nhận / A trip by its receipt number",
    description=(
        "Chữ hoa hay thường, có hay không có gạch nối. Chỉ chuyến của nhà xe mình: số của nhà "
        "xe khác là 404. / Any case, dashes optional. Only my trips: another operator's "
        "number is a 404."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def get_trip_by_number(number: str, operator: CoachOperator, uow: UnitOfWorkDep) -> TripView:
    async with uow:
        trip = await service.own_trip_by_number(uow.session, operator.id, number)
        passengers = await service.passengers_of(uow.session, trip.id)
    return trip_view(trip, passengers)


@router.get(
    "/trips/{trip_id}",
    response_model=TripView,
    summary="Xem chuyến / One trip",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_trip(trip_id: uuid.UUID, operator: CoachOperator, uow: UnitOfWorkDep) -> TripView:
    async with uow:
        trip = await service.own_trip(uow.session, operator.id, trip_id)
        passengers = await service.passengers_of(uow.session, trip.id)
    return trip_view(trip, passengers)


@router.post(
    "/trips/{trip_id}/passengers",
    response_model=list[PassengerResult],
    summary="Thêm, bớt hành khách, đánh dấu không đi / Add, remove, mark no-shows",
    description=("Nguyên tử như khi khai báo chuyến. / Atomic, like the manifest itself."),
    responses=problem_responses(401, 403, 404, 409, 422),
)
@rechecked(_change_violations)
async def change_passengers(
    trip_id: uuid.UUID,
    body: PassengerChange,
    operator: WritingOperator,
    uow: UnitOfWorkDep,
    request: Request,
) -> list[PassengerResult]:
    async with uow:
        results = await service.change_passengers(
            uow.session,
            operator=operator,
            trip_id=trip_id,
            add=body.add,
            remove=body.remove,
            no_shows=body.no_shows,
            rule=request.app.state.deadline_rule,
            now=datetime.now(UTC),
        )
        await uow.commit()
    return results


@router.post(
    "/trips/{trip_id}/cancel",
    response_model=TripView,
    summary="Hủy chuyến / Cancel the trip",
    responses=problem_responses(401, 403, 404, 422),
)
async def cancel(
    trip_id: uuid.UUID, body: TripCancel, operator: WritingOperator, uow: UnitOfWorkDep
) -> TripView:
    async with uow:
        trip = await service.cancel(
            uow.session, operator=operator, trip_id=trip_id, reason=body.reason
        )
        passengers = await service.passengers_of(uow.session, trip.id)
        await uow.commit()
    return trip_view(trip, passengers)


@router.post(
    "/uploads/trips",
    status_code=202,
    response_model=UploadStatus,
    summary="Tải lên danh sách hành khách một chuyến / Upload a trip's passenger list",
    description=(
        "Tệp CSV/XLSX danh sách hành khách cùng các trường của chuyến; xử lý nền, nguyên tử "
        "cho cả chuyến. / A CSV/XLSX passenger list plus the trip's fields; processed in the "
        "background, atomically for the trip."
    ),
    responses=problem_responses(401, 403, 404, 413, 422),
)
async def upload_trip(
    request: Request,
    principal: FacilityUser,
    operator: WritingOperator,
    uow: UnitOfWorkDep,
    file: Annotated[UploadFile, File()],
    plate: Annotated[str, Form(max_length=20)],
    origin_province: Annotated[int, Form()],
    destination_province: Annotated[int, Form()],
    departure_at: Annotated[datetime, Form()],
    seats: Annotated[int, Form(ge=1, le=100)],
    mapping: MappingForm = None,
    header_row: HeaderRowForm = None,
):
    fields = {
        "plate": plate,
        "origin_province": origin_province,
        "destination_province": destination_province,
        "departure_at": departure_at.isoformat(),
        "seats": seats,
    }
    try:
        TripIn.model_validate({**fields, "passengers": [{}]})
    except ValidationError as exc:
        errors = validation_errors(list(exc.errors()), strip_prefix=False)
        raise Problem.invalid("Trip fields are invalid", errors) from None
    return await accept_upload(
        request,
        uow,
        operator,
        principal.subject,
        file,
        target=uploads_parsing.PASSENGERS,
        mapping=mapping,
        header_row=header_row,
        trip_fields=fields,
    )


def trip_view(trip, passengers) -> TripView:
    """A trip and its passengers as the operator sees them."""
    return TripView(
        **TripView.fields_of(trip),
        passengers=[
            PassengerView(
                passenger_id=p.id,
                full_name=p.guest["full_name"],
                document_number=p.document_number,
                seat=p.seat,
                boarding_point=p.boarding_point,
                alighting_point=p.alighting_point,
                status=p.status,  # type: ignore[arg-type]
            )
            for p in passengers
        ],
    )


@router.get(
    "/templates/trip-passengers.{fmt}",
    summary="Mẫu danh sách hành khách / Passenger sheet template",
    description=(
        "Tiêu đề và ví dụ cho POST /v1/uploads/trips (các trường của chuyến gửi trong form). "
        "/ Headers and examples for POST /v1/uploads/trips (the trip's fields go in the form)."
    ),
    responses={200: {"content": {XLSX: {}, "text/csv": {}}}, **problem_responses(401, 403, 404)},
)
async def passenger_template(fmt: str, principal: FacilityUser) -> Response:
    rows = sheets.passenger_template_rows()
    if fmt == "csv":
        body, media_type = sheets.to_csv(rows), "text/csv"
    elif fmt == "xlsx":
        body, media_type = sheets.to_xlsx({"Hành khách": rows}), XLSX
    else:
        raise Problem(
            404, "not-found", "Not found", "Chỉ có trip-passengers.xlsx hoặc trip-passengers.csv"
        )
    disposition = f'attachment; filename="trip-passengers.{fmt}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
