"""Compliance queries over `stay_facts` and `facilities`, in the feed query's scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.compliance.bands import band_sql
from luutru_analytics.core.query import FeedQuery


def _daily_sql(q: FeedQuery) -> str:
    """Per facility and arrival day: guests reported, late reports, minutes late and the
    fine band of the late reports."""
    where = ["s.check_in_date BETWEEN :date_from AND :date_to", *q.stay_conditions("s")]
    return f"""
WITH d AS (
  SELECT s.facility_id, s.check_in_date AS day, count(*) AS guests_reported,
    count(*) FILTER (WHERE s.late_minutes > 0) AS late_reports,
    coalesce(sum(s.late_minutes), 0) AS minutes_late_total,
    coalesce(max(s.late_minutes), 0) AS minutes_late_max
  FROM analytics.stay_facts s WHERE {" AND ".join(where)}
  GROUP BY 1, 2
)
SELECT d.*, {band_sql("late_reports")} AS fine_band, fa.code AS facility_code,
  fa.name AS facility_name, fa.commune_code
FROM d LEFT JOIN analytics.facilities fa ON fa.facility_id = d.facility_id"""


async def daily(
    session: AsyncSession, q: FeedQuery, date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """Facility-days of arrivals in the period, by day and facility code."""
    sql = _daily_sql(q) + " ORDER BY d.day, fa.code NULLS LAST, d.facility_id"
    params = {"date_from": date_from, "date_to": date_to, **q.params()}
    return [dict(r) for r in (await session.execute(text(sql), params)).mappings()]


async def fine_band_counts(
    session: AsyncSession, q: FeedQuery, date_from: date, date_to: date
) -> dict[str, tuple[int, int]]:
    """Per fine band: facility-days and persons not reported by the deadline."""
    sql = f"""SELECT fine_band, count(*) AS facility_days, sum(late_reports) AS persons
FROM ({_daily_sql(q)}) x WHERE fine_band IS NOT NULL GROUP BY 1"""
    params = {"date_from": date_from, "date_to": date_to, **q.params()}
    return {r[0]: (r[1], int(r[2])) for r in await session.execute(text(sql), params)}


async def silent_facilities(session: AsyncSession, q: FeedQuery, since: datetime) -> list[tuple]:
    """Active facilities of the query's types and communes with no registration received
    since `since` (or none ever), the longest silent first."""
    where = ["fa.status = 'active'", *q.conditions("fa", stars=False)]
    sql = f"""
SELECT fa.facility_id, fa.code, fa.name, fa.facility_type, fa.commune_code, last.at
FROM analytics.facilities fa
LEFT JOIN LATERAL (SELECT max(s.received_at) AS at FROM analytics.stay_facts s
                   WHERE s.facility_id = fa.facility_id) last ON true
WHERE {" AND ".join(where)} AND (last.at IS NULL OR last.at < :since)
ORDER BY last.at NULLS FIRST, fa.code"""
    return list((await session.execute(text(sql), {**q.params(), "since": since})).all())
