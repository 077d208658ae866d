"""SGTVT (model 12): trips, passengers and load factor by route, operator and day; passengers
by origin and destination province."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from luutru_analytics.core.filters import FiltersDep
from luutru_analytics.core.query import narrow
from luutru_analytics.core.render import FORMATS, render
from luutru_analytics.core.scope import scope_for
from luutru_analytics.feeds import repository
from luutru_analytics.feeds.names import with_names
from luutru_analytics.feeds.suppression import DISCLOSURE, ratio, suppress
from luutru_common.app import ReadUnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.facility_types import Department, types_of_department
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/feeds/transport", tags=["feeds: SGTVT"])
TRANSPORT_TYPES = types_of_department(Department.SGTVT)


@router.get(
    "",
    summary="Vận tải: chuyến, hành khách, hệ số sử dụng ghế / Transport: trips, passengers, "
    "load factor",
    description=(
        "Chuyến xe không bị hủy, hành khách (trừ khách bị rút khỏi danh sách và khách không "
        "lên xe), hệ số = hành khách ÷ số ghế. / Trips not cancelled, passengers (removed and "
        "no-shows excluded), load factor = passengers ÷ seats; by route, operator, day, "
        "origin or destination province. Trừ theo ngày, mỗi dòng có `name`: tên nhà xe, "
        'tuyến ("Đồng Nai → Lâm Đồng") hoặc tỉnh. / Except by day, each row has a `name`: '
        'the operator\'s registered name, the route ("Đồng Nai → Lâm Đồng") or the province.'
        + DISCLOSURE
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def transport(
    request: Request,
    principal: CurrentPrincipal,
    uow: ReadUnitOfWorkDep,
    f: FiltersDep,
    by: Annotated[
        Literal["route", "operator", "day", "origin_province", "destination_province"],
        Query(description="Phân tổ theo / Break down by"),
    ] = "route",
) -> Response:
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    e = narrow(scope, feed_types=TRANSPORT_TYPES, communes=f.communes)
    async with uow:
        cells = await repository.trip_cells(uow.session, f, e, group=by)
        operators = (
            await repository.facility_names(uow.session, {uuid.UUID(c.key) for c in cells})
            if by == "operator"
            else {}
        )
    # Passengers are people: rounded by their cell key; trips and seats are the operators'.
    rows = []
    for c in cells:
        passengers = e.publish(c.passengers, c.passenger_keys)
        rows.append(
            {
                "key": c.key,
                "trips": c.trips,
                "seats": c.seats,
                "passengers": passengers,
                "load_factor": ratio(passengers, c.seats),
                "people": c.passengers,
            }
        )
    suppress(
        rows,
        threshold=e.suppress_below,
        people="people",
        values=("passengers", "load_factor"),
    )
    if by == "operator" and rows:
        # Operators by their registered name (the facility facts), not their id.
        for r in rows:
            found = operators.get(uuid.UUID(r["key"]))
            r["name"] = found[1] if found else None
    if by != "day":
        rows = with_names(by, rows)
    body = {"date_from": f.date_from, "date_to": f.date_to, "by": by, "rows": rows}
    return render(request, body, name=f"transport-{by}")
