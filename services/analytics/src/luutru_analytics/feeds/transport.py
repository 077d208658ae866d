"""SGTVT (model 12): trips, passengers and load factor by route, operator and day; passengers
by origin and destination province."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import text

from luutru_analytics.feeds.filters import FiltersDep
from luutru_analytics.feeds.names import with_names
from luutru_analytics.feeds.render import render
from luutru_analytics.feeds.scope import narrow, scope_for
from luutru_analytics.feeds.suppression import ratio, suppress
from luutru_analytics.feeds.tourism import FORMATS
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.facility_types import Department, types_of_department
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/feeds/transport", tags=["feeds: SGTVT"])
TRANSPORT_TYPES = types_of_department(Department.SGTVT)

KEYS = {
    "route": "t.origin_province || '-' || t.destination_province",
    "operator": "t.operator_id::text",
    "day": "t.departure_date::text",
    "origin_province": "t.origin_province::text",
    "destination_province": "t.destination_province::text",
}


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
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def transport(
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    f: FiltersDep,
    by: Annotated[
        Literal["route", "operator", "day", "origin_province", "destination_province"],
        Query(description="Phân tổ theo / Break down by"),
    ] = "route",
) -> Response:
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    e = narrow(scope, feed_types=TRANSPORT_TYPES, communes=f.communes)
    where = [
        "t.departure_date BETWEEN :date_from AND :date_to",
        "NOT EXISTS (SELECT 1 FROM analytics.trip_cancellations c WHERE c.trip_id = t.trip_id)",
    ]
    if e.communes is not None:
        where.append("t.commune_code = ANY(CAST(:communes AS int[]))")
    sql = f"""
SELECT {KEYS[by]} AS key, count(*) AS trips, sum(t.seats) AS seats,
       coalesce(sum(p.passengers), 0) AS passengers
FROM analytics.trips t
LEFT JOIN (SELECT trip_id, count(*) AS passengers FROM analytics.trip_passengers
           WHERE status = 'booked' AND age_band IS NOT NULL GROUP BY trip_id) p
  ON p.trip_id = t.trip_id
WHERE {" AND ".join(where)}
GROUP BY 1 ORDER BY 1"""
    async with uow:
        found = (
            await uow.session.execute(
                text(sql),
                {"date_from": f.date_from, "date_to": f.date_to, "communes": e.communes},
            )
        ).all()
    rows = [
        {
            "key": key,
            "trips": trips,
            "seats": int(seats),
            "passengers": int(passengers),
            "load_factor": ratio(int(passengers), int(seats)),
            "people": int(passengers),
        }
        for key, trips, seats, passengers in found
    ]
    suppress(
        rows,
        threshold=e.suppress_below,
        people="people",
        values=("passengers", "load_factor"),
        group_by=None,
    )
    if by == "operator" and rows:
        # Operators by their registered name (the facility facts), not their id.
        async with uow:
            operators = dict(
                (
                    await uow.session.execute(
                        text(
                            "SELECT facility_id::text, name FROM analytics.facilities "
                            "WHERE facility_id = ANY(CAST(:ids AS uuid[]))"
                        ),
                        {"ids": [r["key"] for r in rows]},
                    )
                ).all()
            )
        for r in rows:
            r["name"] = operators.get(r["key"])
    if by != "day":
        rows = with_names(by, rows)
    body = {"date_from": f.date_from, "date_to": f.date_to, "by": by, "rows": rows}
    return render(request, body, name=f"transport-{by}")
