"""BQL KKT (model 10): people living now in rental and industrial-zone housing, arrivals and
departures, by zone, province of origin, age band and gender."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from luutru_analytics.core.filters import FiltersDep
from luutru_analytics.core.query import narrow
from luutru_analytics.core.render import FORMATS, render
from luutru_analytics.core.scope import scope_for
from luutru_analytics.feeds import repository
from luutru_analytics.feeds.names import with_names
from luutru_analytics.feeds.suppression import DISCLOSURE, suppress
from luutru_common.app import ReadUnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.facility_types import Department, types_of_department
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/feeds/zones", tags=["feeds: BQL KKT"])
ZONE_TYPES = types_of_department(Department.BQLKKT)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@router.get(
    "",
    summary="Khu kinh tế: người đang ở, đến, đi / Zones: residents now, arrivals, departures",
    description=(
        "Người đang ở (tính đến hôm nay), lượt đến và lượt đi trong kỳ tại nhà cho thuê và nhà "
        "ở trong khu công nghiệp, theo khu, tỉnh gốc (theo mã nơi đăng ký khai sinh trên số "
        "định danh), nhóm tuổi, giới tính. / People living there now, arrivals and departures "
        "in the period, by zone, province of origin (birth-registration prefix of the ID "
        "number), age band or gender." + DISCLOSURE
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def zones(
    request: Request,
    principal: CurrentPrincipal,
    uow: ReadUnitOfWorkDep,
    f: FiltersDep,
    by: Annotated[
        Literal["zone", "origin_province", "age_group", "gender"],
        Query(description="Phân tổ theo / Break down by"),
    ] = "zone",
) -> Response:
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    e = narrow(scope, feed_types=ZONE_TYPES, facility_types=f.facility_types, communes=f.communes)
    today = datetime.now(VN).date()
    async with uow:
        cells = await repository.rollup_cells(uow.session, f, e, group=by)
        now = await repository.present_now(uow.session, e, today, group=by)
    rows = [
        {
            "period_start": c.start,
            "period_end": c.stop,
            "key": c.key,
            "arrivals": e.publish(c.arrivals, c.arrival_keys),
            "departures": e.publish(c.departures, c.departure_keys),
            "people": c.arrivals + c.departures,
        }
        for c in cells
        if c.arrivals or c.departures
    ]
    suppress(
        rows,
        threshold=e.suppress_below,
        people="people",
        values=("arrivals", "departures"),
    )
    residents = [
        {"key": k, "residents": e.publish(n, keys), "people": n}
        for k, (n, keys) in sorted(now.items())
    ]
    suppress(residents, threshold=e.suppress_below, people="people", values=("residents",))
    if by == "origin_province":  # digits 1–3 of the ID number: named as the legacy province
        rows = with_names("birth_province", rows)
        residents = with_names("birth_province", residents)
    body = {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "granularity": f.granularity,
        "by": by,
        "as_of": today,
        "residents_now": residents,
        "rows": rows,
    }
    return render(request, body, name=f"zones-{by}")
