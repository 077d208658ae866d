"""GET /v1/feeds/arrivals: the first feed, arrivals per day and facility type, kept as it was
(the walking skeleton's end-to-end test reads it)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from luutru_analytics.core.perturbation import perturb
from luutru_analytics.core.scope import scope_for
from luutru_analytics.feeds import repository
from luutru_analytics.feeds.suppression import DISCLOSURE
from luutru_common.app import ReadUnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.bounds import BoundedDate
from luutru_common.problems import Problem, field_error, problem_responses

router = APIRouter(prefix="/v1/feeds", tags=["feeds"])


class ArrivalsCell(BaseModel):
    date: date
    facility_type: str
    arrivals: int | None
    suppressed: bool = False


class ArrivalsFeed(BaseModel):
    date_from: date
    date_to: date
    rows: list[ArrivalsCell]


@router.get(
    "/arrivals",
    response_model=ArrivalsFeed,
    summary="Lượt khách đến theo ngày và loại cơ sở / Arrivals per day and facility type",
    description=(
        "Số liệu tổng hợp; ô nhỏ hơn ngưỡng bị ẩn với người ngoài ngành Công an. / Aggregates "
        "only; cells below the threshold are suppressed for non-police roles." + DISCLOSURE
    ),
    responses=problem_responses(401, 403, 422),
)
async def arrivals(
    request: Request,
    principal: CurrentPrincipal,
    uow: ReadUnitOfWorkDep,
    date_from: Annotated[BoundedDate, Query(description="Từ ngày / From (inclusive)")],
    date_to: Annotated[BoundedDate, Query(description="Đến ngày / To (inclusive)")],
) -> ArrivalsFeed:
    if date_to < date_from:
        raise Problem.invalid(
            "Invalid date range",
            [
                field_error(
                    "/query:date_to",
                    "date-range",
                    "Đến ngày phải sau từ ngày",
                    "date_to must not be before date_from",
                )
            ],
        )
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    async with uow:
        rows = await repository.arrivals_by_day(uow.session, scope, date_from, date_to)
    cells = []
    for day, ftype, count, keys in rows:
        hidden = count < scope.suppress_below
        shown = None if hidden else perturb(count, keys, scope.suppress_below)
        cells.append(ArrivalsCell(date=day, facility_type=ftype, arrivals=shown, suppressed=hidden))
    return ArrivalsFeed(date_from=date_from, date_to=date_to, rows=cells)
