"""Reporting compliance for police: per facility and day, facilities gone silent, and the
fine bands of NĐ 282/2025 Art. 10 (1–3, 4–8, ≥9 unreported persons).

"Unreported" here means NOT REPORTED BY THE DEADLINE: a guest whose registration reached us
after its `due_at` (GuestCheckedIn.late_minutes > 0), counted per facility and arrival day.
Guests never reported at all cannot be counted from our data; silent facilities are listed
separately instead. See docs/analytics.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from luutru_analytics.compliance import repository
from luutru_analytics.compliance.bands import BANDS
from luutru_analytics.core.filters import LANG_DESCRIPTION, FeedFilters, FiltersDep
from luutru_analytics.core.query import FeedQuery, narrow
from luutru_analytics.core.render import FORMATS, render
from luutru_analytics.core.scope import require_police
from luutru_common.admin_units import commune_name
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal, Principal
from luutru_common.facility_types import FACILITY_TYPES
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/compliance", tags=["compliance"])

LODGING_TYPES = tuple(t.code for t in FACILITY_TYPES if t.takes_guests)


def _query(principal: Principal, f: FeedFilters) -> FeedQuery:
    """Police only; the commune, type and star filters apply, and a commune officer's own
    communes bound whatever communes are asked for."""
    return narrow(
        require_police(principal),
        facility_types=f.facility_types,
        communes=f.communes,
        star_ratings=f.star_ratings,
    )


@router.get(
    "/daily",
    summary="Tình hình khai báo theo cơ sở và ngày / Reporting per facility and day",
    description=(
        "Số khách đã khai báo, số khai báo trễ hạn, thời gian trễ (JSON: số phút; CSV/XLSX "
        "với `lang`: ngày và giờ, như «2 ngày 1 giờ»), khung phạt theo số người không khai "
        "báo đúng hạn (NĐ 282/2025 Đ.10: 1–3, 4–8, ≥9). / Guests reported, late reports, "
        "lateness (JSON: minutes; CSV/XLSX with `lang`: days and hours, as in “2 days 1 "
        "hour”) and the fine band of the number of persons not reported by the deadline."
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def daily(
    request: Request, principal: CurrentPrincipal, uow: UnitOfWorkDep, f: FiltersDep
) -> Response:
    q = _query(principal, f)
    async with uow:
        found = await repository.daily(uow.session, q, f.date_from, f.date_to)
    rows = [
        {
            "day": r["day"],
            "facility_id": str(r["facility_id"]),
            "facility_code": r["facility_code"],
            "facility_name": r["facility_name"],
            "guests_reported": r["guests_reported"],
            "late_reports": r["late_reports"],
            "minutes_late_total": int(r["minutes_late_total"]),
            "minutes_late_max": int(r["minutes_late_max"]),
            "fine_band": r["fine_band"],
        }
        for r in found
    ]
    body = {"date_from": f.date_from, "date_to": f.date_to, "rows": rows}
    return render(request, body, name="compliance-daily")


@router.get(
    "/fine-bands",
    summary="Số cơ sở-ngày theo khung phạt / Facility-days per fine band",
    description=(
        "Mỗi cặp cơ sở–ngày có người không khai báo đúng hạn được xếp vào khung 1–3, 4–8, ≥9. "
        "/ Each facility-day with persons not reported by the deadline falls in band 1–3, 4–8 "
        "or ≥9; counts of facility-days and of persons per band."
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def fine_bands(
    request: Request, principal: CurrentPrincipal, uow: UnitOfWorkDep, f: FiltersDep
) -> Response:
    q = _query(principal, f)
    async with uow:
        found = await repository.fine_band_counts(uow.session, q, f.date_from, f.date_to)
    rows = [
        {
            "fine_band": band,
            "facility_days": found.get(band, (0, 0))[0],
            "persons": found.get(band, (0, 0))[1],
        }
        for band in BANDS
    ]
    body = {"date_from": f.date_from, "date_to": f.date_to, "rows": rows}
    return render(request, body, name="compliance-fine-bands")


@router.get(
    "/silent-facilities",
    summary="Cơ sở không khai báo N ngày / Active facilities silent for N days",
    description=(
        "Cơ sở lưu trú đang hoạt động không gửi khai báo nào trong N ngày gần nhất (hoặc chưa "
        "bao giờ). / Active lodging facilities that sent no registration in the last N days "
        "(or never)."
    ),
    responses={**problem_responses(401, 403, 422), **FORMATS},
)
async def silent_facilities(
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    days: Annotated[int | None, Query(ge=1, le=365, description="N ngày / N days")] = None,
    format: Annotated[
        Literal["json", "csv", "xlsx"] | None,
        Query(description="json | csv | xlsx (hoặc header Accept / or the Accept header)"),
    ] = None,
    lang: Annotated[Literal["vi", "en"] | None, Query(description=LANG_DESCRIPTION)] = None,
) -> Response:
    scope = require_police(principal)
    n = days or request.app.state.settings.silent_facility_days
    since = datetime.now(UTC) - timedelta(days=n)
    q = narrow(scope, facility_types=LODGING_TYPES)
    async with uow:
        found = await repository.silent_facilities(uow.session, q, since)
    rows = [
        {
            "facility_id": str(r[0]),
            "facility_code": r[1],
            "facility_name": r[2],
            "facility_type": r[3],
            "commune_code": r[4],
            "commune_name": commune_name(r[4]),
            "last_report_at": r[5].isoformat() if r[5] else None,
            "silent_days": (datetime.now(UTC) - r[5]).days if r[5] else None,
        }
        for r in found
    ]
    body = {"days": n, "as_of": date.today(), "rows": rows}
    return render(request, body, name="compliance-silent")
