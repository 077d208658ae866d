"""VHTTDL (models 9 and 39): arrivals, guest-nights, average length of stay, room and bed
occupancy, breakdowns and the change against the previous period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from luutru_analytics.core.filters import FiltersDep
from luutru_analytics.core.query import FeedQuery, narrow
from luutru_analytics.core.render import FORMATS, render
from luutru_analytics.core.scope import scope_for
from luutru_analytics.feeds import repository
from luutru_analytics.feeds.names import with_names
from luutru_analytics.feeds.suppression import DISCLOSURE, ratio, suppress
from luutru_common.app import ReadUnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.facility_types import Department, types_of_department
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/feeds/tourism", tags=["feeds: VHTTDL"])

TOURISM_TYPES = types_of_department(Department.VHTTDL)


# Added to the guest-nights' cell key for the occupied room-nights of the same stays, so the
# two are not rounded in the same direction by design.
ROOM_KEY_OFFSET = 0x5A5A5A


def _summary(days: dict, start: date, stop: date, e: FeedQuery) -> dict:
    """Arrivals, nights, occupied room-nights of the days start..stop as the reader may see
    them (rounded by their cell keys), and the people behind them (a lower bound: max(exact
    arrivals, the busiest night))."""
    arrivals = nights = rooms = busiest = arrival_keys = night_keys = 0
    day = start
    while day <= stop:
        a, n, _, r, ka, kn = days.get(day, (0, 0, 0, 0, 0, 0))
        arrivals, nights, rooms, busiest = arrivals + a, nights + n, rooms + r, max(busiest, n)
        arrival_keys, night_keys = arrival_keys + ka, night_keys + kn
        day += timedelta(days=1)
    return {
        "arrivals": e.publish(arrivals, arrival_keys),
        "nights": e.publish(nights, night_keys),
        "rooms": e.publish(rooms, night_keys + ROOM_KEY_OFFSET),
        "people": max(arrivals, busiest),
    }


def _change(current: int | None, previous: int | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return round((current - previous) / previous, 4)


@router.get(
    "",
    summary="Du lịch: khách đến, ngày khách, công suất / Tourism: arrivals, nights, occupancy",
    description=(
        "Lượt khách đến (kể cả trẻ em), ngày khách, thời gian lưu trú bình quân, công suất "
        "phòng và giường theo kỳ; so với kỳ trước. / Arrivals (children included), "
        "guest-nights, average length of stay (nights ÷ arrivals), room occupancy (occupied "
        "÷ available room-nights), bed occupancy (guest-nights ÷ available bed-nights) per "
        "period, with the change against the previous period of the same length." + DISCLOSURE
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def tourism(
    request: Request, principal: CurrentPrincipal, uow: ReadUnitOfWorkDep, f: FiltersDep
) -> Response:
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    e = narrow(
        scope,
        feed_types=TOURISM_TYPES,
        facility_types=f.facility_types,
        communes=f.communes,
        star_ratings=f.star_ratings,
    )
    previous = f.previous()
    async with uow:
        days = await repository.area_days(uow.session, e, previous.date_from, f.date_to)
        capacity = await repository.capacity_by_night(uow.session, e, f.date_from, f.date_to)
    rows = []
    for start, stop in repository.buckets(f.date_from, f.date_to, f.granularity):
        cell = _summary(days, start, stop, e)
        nights = [start + timedelta(days=i) for i in range((stop - start).days + 1)]
        rows.append(
            {
                "period_start": start,
                "period_end": stop,
                "arrivals": cell["arrivals"],
                "guest_nights": cell["nights"],
                "average_length_of_stay": ratio(cell["nights"], cell["arrivals"], 2),
                "room_occupancy": ratio(cell["rooms"], sum(capacity.rooms(n) for n in nights)),
                "bed_occupancy": ratio(cell["nights"], sum(capacity.beds(n) for n in nights)),
                "capacity_source": capacity.source,
                "people": cell["people"],
            }
        )
    # Totals are cells of their own (all the stays of the period), rounded by their own key.
    current = _summary(days, f.date_from, f.date_to, e)
    before = _summary(days, previous.date_from, previous.date_to, e)
    metrics = (
        "arrivals",
        "guest_nights",
        "average_length_of_stay",
        "room_occupancy",
        "bed_occupancy",
    )
    suppress(rows, threshold=e.suppress_below, people="people", values=metrics)
    totals = []
    for label, t in (("current", current), ("previous", before)):
        totals.append(
            {
                "period": label,
                "arrivals": t["arrivals"],
                "guest_nights": t["nights"],
                "average_length_of_stay": ratio(t["nights"], t["arrivals"], 2),
                "people": t["people"],
            }
        )
    suppress(
        totals,
        threshold=e.suppress_below,
        people="people",
        values=("arrivals", "guest_nights", "average_length_of_stay"),
    )
    cur, prev = totals
    change = {
        "arrivals": _change(cur["arrivals"], prev["arrivals"]),
        "guest_nights": _change(cur["guest_nights"], prev["guest_nights"]),
    }
    body = {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "granularity": f.granularity,
        "facility_types": e.facility_types,
        "total": cur,
        "previous_period": {**prev, "date_from": previous.date_from, "date_to": previous.date_to},
        "change": change,
        "capacity": {
            "source": capacity.source,
            "registry_facilities": capacity.registry_facilities,
            "declared_facilities": capacity.declared_facilities,
        },
        "rows": rows,
    }
    return render(request, body, name="tourism")


Breakdown = Literal[
    "domestic",
    "residence",
    "nationality",
    "age_group",
    "gender",
    "origin_province",
    "facility_type",
    "star_rating",
    "commune",
]


@router.get(
    "/breakdown",
    summary="Du lịch: phân tổ khách / Tourism: arrivals and nights broken down",
    description=(
        "Trong nước / quốc tế theo nơi cư trú (`domestic`, `residence`), quốc tịch (top N), "
        "nhóm tuổi, giới tính, tỉnh gốc (theo số định danh), loại cơ sở, hạng sao, xã. / "
        "Domestic vs international by country of residence, by nationality (top N, the rest "
        "as OTHER), age group, gender, province of origin (from the ID number), facility "
        "type, star rating or commune. Mỗi dòng có `name`: tên xã, nước, tỉnh gốc (null khi "
        "khóa không có tên). / Each row has a `name`: the commune's, country's or province's "
        "name (null when the key has none)." + DISCLOSURE
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def tourism_breakdown(
    request: Request,
    principal: CurrentPrincipal,
    uow: ReadUnitOfWorkDep,
    f: FiltersDep,
    by: Annotated[Breakdown, Query(description="Phân tổ theo / Break down by")],
    top: Annotated[int, Query(ge=1, le=100, description="Số nhóm lớn nhất / Top N keys")] = 10,
) -> Response:
    scope = scope_for(principal, threshold=request.app.state.settings.suppression_threshold)
    e = narrow(
        scope,
        feed_types=TOURISM_TYPES,
        facility_types=f.facility_types,
        communes=f.communes,
        star_ratings=f.star_ratings,
    )
    async with uow:
        cells = await repository.rollup_cells(uow.session, f, e, group=by)
    rows = breakdown_rows(cells, top=top, query=e)
    suppress(
        rows,
        threshold=e.suppress_below,
        people="people",
        values=("arrivals", "guest_nights", "average_length_of_stay"),
    )
    rows = with_names("birth_province" if by == "origin_province" else by, rows)
    body = {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "granularity": f.granularity,
        "by": by,
        "facility_types": e.facility_types,
        "rows": rows,
    }
    return render(request, body, name=f"tourism-{by}")


def breakdown_rows(cells: list[repository.StayCell], *, top: int, query: FeedQuery) -> list[dict]:
    """Keep the `top` keys by arrivals over the whole period; merge the rest into OTHER.
    Counts as the reader may see them: OTHER is one cell, rounded by its own cell key."""
    weight: dict[str, int] = {}
    for c in cells:
        weight[c.key] = weight.get(c.key, 0) + c.arrivals
    kept = set(sorted(weight, key=lambda k: (-weight[k], k))[:top])
    merged: dict[tuple, dict] = {}
    for c in cells:
        key = c.key if c.key in kept else "OTHER"
        row = merged.setdefault(
            (c.start, key),
            {
                "period_start": c.start,
                "period_end": c.stop,
                "key": key,
                "arrivals": 0,
                "guest_nights": 0,
                "people": 0,
                "_keys": [0, 0],
            },
        )
        row["arrivals"] += c.arrivals
        row["guest_nights"] += c.nights
        row["people"] += c.stays
        row["_keys"][0] += c.arrival_keys
        row["_keys"][1] += c.night_keys
    rows = sorted(merged.values(), key=lambda r: (r["period_start"], r["key"]))
    for row in rows:
        arrival_keys, night_keys = row.pop("_keys")
        row["arrivals"] = query.publish(row["arrivals"], arrival_keys)
        row["guest_nights"] = query.publish(row["guest_nights"], night_keys)
        row["average_length_of_stay"] = ratio(row["guest_nights"], row["arrivals"], 2)
    return rows
