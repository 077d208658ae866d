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
from sqlalchemy import text

from luutru_analytics.feeds.filters import LANG_DESCRIPTION, FeedFilters, FiltersDep
from luutru_analytics.feeds.render import render
from luutru_analytics.feeds.scope import require_police
from luutru_analytics.feeds.tourism import FORMATS
from luutru_common.admin_units import commune_name
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import CurrentPrincipal
from luutru_common.facility_types import FACILITY_TYPES
from luutru_common.problems import problem_responses

router = APIRouter(prefix="/v1/compliance", tags=["compliance"])

LODGING_TYPES = [t.code for t in FACILITY_TYPES if t.takes_guests]
BAND_SQL = """CASE WHEN late_reports = 0 THEN NULL WHEN late_reports <= 3 THEN '1-3'
  WHEN late_reports <= 8 THEN '4-8' ELSE '9+' END"""


def fine_band(unreported: int) -> str | None:
    if unreported <= 0:
        return None
    if unreported <= 3:
        return "1-3"
    if unreported <= 8:
        return "4-8"
    return "9+"


def _daily_query(f: FeedFilters, scope_communes: tuple[int, ...]) -> tuple[str, dict]:
    """Per facility and arrival day; the commune, type and star filters apply, and a commune
    officer's own communes bound whatever communes are asked for."""
    where = ["s.check_in_date BETWEEN :date_from AND :date_to", "NOT s.voided"]
    params: dict = {"date_from": f.date_from, "date_to": f.date_to}
    communes = set(f.communes) if f.communes else None
    if scope_communes:
        communes = set(scope_communes) & communes if communes is not None else set(scope_communes)
    if communes is not None:
        where.append("s.commune_code = ANY(CAST(:communes AS int[]))")
        params["communes"] = sorted(communes)
    if f.facility_types:
        where.append("s.facility_type = ANY(CAST(:types AS text[]))")
        params["types"] = list(f.facility_types)
    if f.star_ratings:
        where.append("s.star_rating = ANY(CAST(:stars AS int[]))")
        params["stars"] = list(f.star_ratings)
    sql = f"""
WITH d AS (
  SELECT s.facility_id, s.check_in_date AS day, count(*) AS guests_reported,
    count(*) FILTER (WHERE s.late_minutes > 0) AS late_reports,
    coalesce(sum(s.late_minutes), 0) AS minutes_late_total,
    coalesce(max(s.late_minutes), 0) AS minutes_late_max
  FROM analytics.stay_facts s WHERE {" AND ".join(where)}
  GROUP BY 1, 2
)
SELECT d.*, {BAND_SQL} AS fine_band, fa.code AS facility_code, fa.name AS facility_name,
  fa.commune_code
FROM d LEFT JOIN analytics.facilities fa ON fa.facility_id = d.facility_id"""
    return sql, params


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
    scope = require_police(principal)
    sql, params = _daily_query(f, scope.communes)
    sql += " ORDER BY d.day, fa.code NULLS LAST, d.facility_id"
    async with uow:
        found = (await uow.session.execute(text(sql), params)).mappings().all()
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
    scope = require_police(principal)
    daily_sql, params = _daily_query(f, scope.communes)
    sql = f"""SELECT fine_band, count(*) AS facility_days, sum(late_reports) AS persons
FROM ({daily_sql}) x WHERE fine_band IS NOT NULL GROUP BY 1"""
    async with uow:
        found = {r[0]: (r[1], int(r[2])) for r in (await uow.session.execute(text(sql), params))}
    rows = [
        {
            "fine_band": band,
            "facility_days": found.get(band, (0, 0))[0],
            "persons": found.get(band, (0, 0))[1],
        }
        for band in ("1-3", "4-8", "9+")
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
    where = "fa.status = 'active' AND fa.facility_type = ANY(CAST(:types AS text[]))"
    if scope.communes:
        where += " AND fa.commune_code = ANY(CAST(:communes AS int[]))"
    sql = f"""
SELECT fa.facility_id, fa.code, fa.name, fa.facility_type, fa.commune_code, last.at
FROM analytics.facilities fa
LEFT JOIN LATERAL (SELECT max(s.received_at) AS at FROM analytics.stay_facts s
                   WHERE s.facility_id = fa.facility_id) last ON true
WHERE {where} AND (last.at IS NULL OR last.at < :since)
ORDER BY last.at NULLS FIRST, fa.code"""
    params = {"types": LODGING_TYPES, "communes": list(scope.communes), "since": since}
    async with uow:
        found = (await uow.session.execute(text(sql), params)).all()
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
