"""SYT (model 11): stays at medical facilities — health data, so counts only: admissions,
patient-nights, discharges and average length by facility and day. No age, gender or
nationality breakdowns."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from luutru_analytics.core.filters import FiltersDep
from luutru_analytics.core.query import narrow
from luutru_analytics.core.render import FORMATS, render
from luutru_analytics.core.scope import scope_for
from luutru_analytics.feeds import repository
from luutru_analytics.feeds.suppression import DISCLOSURE, ratio, suppress
from luutru_common.app import ReadUnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.facility_types import Department, types_of_department
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/feeds/health", tags=["feeds: SYT"])
HEALTH_TYPES = types_of_department(Department.SYT)


@router.get(
    "",
    summary="Y tế: lượt lưu trú tại cơ sở khám chữa bệnh / Health: stays at medical facilities",
    description=(
        "Chỉ số đếm theo cơ sở và ngày: lượt vào, ngày lưu trú, lượt ra, thời gian bình quân. "
        "/ Counts only, by facility and period: arrivals, nights, departures, average length."
        + DISCLOSURE
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def health(
    request: Request, principal: CurrentPrincipal, uow: ReadUnitOfWorkDep, f: FiltersDep
) -> Response:
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    e = narrow(scope, feed_types=HEALTH_TYPES, facility_types=f.facility_types, communes=f.communes)
    async with uow:
        cells = await repository.daily_cells(uow.session, f, e, group="facility")
        names = await repository.facility_names(uow.session, {uuid.UUID(c.key) for c in cells})
    rows = []
    for c in cells:
        fa = names.get(uuid.UUID(c.key))
        rows.append(
            {
                "period_start": c.start,
                "period_end": c.stop,
                "facility_id": c.key,
                "facility_code": fa[0] if fa else None,
                "facility_name": fa[1] if fa else None,
                "arrivals": e.publish(c.arrivals, c.arrival_keys),
                "nights": e.publish(c.nights, c.night_keys),
                "departures": e.publish(c.departures, c.departure_keys),
                "people": c.people,
            }
        )
        rows[-1]["average_length_of_stay"] = ratio(rows[-1]["nights"], rows[-1]["arrivals"], 2)
    suppress(
        rows,
        threshold=e.suppress_below,
        people="people",
        values=("arrivals", "nights", "departures", "average_length_of_stay"),
    )
    body = {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "granularity": f.granularity,
        "rows": rows,
    }
    return render(request, body, name="health")
