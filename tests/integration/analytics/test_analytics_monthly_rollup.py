"""A monthly question's whole-month buckets read `stay_monthly_area` (`stay_daily_area`
summed per calendar month), its partial months and the night before each bucket the daily
rollup: on the mixed dataset of the breakdown tests plus stays across month ends — corrections
that move a stay to another commune or type, voids, check-outs — every cell (counts, the stays
touching it, record-key sums) equals the one read from the daily rollup alone and the one
counted from the stays, over periods with and without partial months; the table equals the
area rollup summed per month; migration 0016's backfill, killed and resumed, gives the same
rows; and the published answers (rounded by cell keys, small cells hidden) are the same."""

from __future__ import annotations

import dataclasses
import importlib
import uuid
from datetime import date, timedelta

from sqlalchemy import text

from luutru_analytics.core.filters import FeedFilters
from luutru_analytics.core.query import FeedQuery
from luutru_analytics.feeds import repository
from tests.integration.analytics.test_analytics_breakdown_rollup import (
    TYPES,
    communes,
    feed_mixed_stays,
)
from tests.integration.analytics_helpers import (
    backfill_cut_then_resumed,
    check_in,
    facility,
    unique_commune,
)
from tests.support import bearer

MONTHLY_BACKFILL = importlib.import_module(
    "luutru_analytics.migrations.versions.0016_monthly_area_rollup"
).BACKFILL
# The groups read from the area rollup (the monthly rollup's source).
AREA_GROUPS = [
    g for g, (table, *_) in repository.ROLLUP_GROUPS.items() if table == "stay_daily_area"
]


def month_start(day: date, months: int = 0) -> date:
    """The first day of the month `months` after the one of `day`."""
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def monthly_periods(d: date) -> list[tuple[date, date]]:
    """Periods by month around the dataset's day `d`: partial months at both ends, at one,
    whole months only, and one inside a single month (no whole month: daily rollup only)."""
    m = month_start(d)
    return [
        (d - timedelta(days=40), d + timedelta(days=60)),
        (month_start(d, -1), month_start(d, 2) - timedelta(days=1)),
        (month_start(d, -1) + timedelta(days=1), month_start(d, 2)),
        (m, d + timedelta(days=45)),
        (m + timedelta(days=3), m + timedelta(days=20)),
    ]


async def feed_month_ends(feeder, d: date) -> tuple[int, date]:
    """Guests staying over the nights before the months around `d`, in a commune of their
    own (so some cells pass the threshold of 5): the stays touching a month are those that
    arrive in it and those staying its first night; a commune."""
    commune = unique_commune()
    hotel = facility(commune=commune, star_rating=4)
    await feeder.send(hotel)
    stays = []
    for i in range(27):
        boundary = month_start(d, i % 3)
        stays.append(check_in(hotel, boundary - timedelta(days=1 + i % 4), nights=2 + i % 5))
    await feeder.send(*stays)
    return commune, month_start(d)


async def test_monthly_cells_equal_the_daily_rollup_and_the_stays(app, feeder):
    c1, c2, d = await feed_mixed_stays(feeder)
    c3, _ = await feed_month_ends(feeder, d)
    checked = split = 0
    async with app.state.session_factory() as session:
        # One snapshot for every read: the whole province includes other tests' stays.
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        all_communes = await communes(session)
        queries = [
            FeedQuery(TYPES, None, None, 0),
            FeedQuery(TYPES, [c1, c2, c3], None, 0),
            FeedQuery(["hotel"], [c1, c3], [3, 4], 0),
            FeedQuery(["motel", "homestay"], all_communes, None, 0),
        ]
        for date_from, date_to in monthly_periods(d):
            f = FeedFilters(date_from, date_to, "month", (), (), ())
            split += repository.month_split(f) is not None
            for q in queries:
                for group in AREA_GROUPS:
                    if repository.rollup_table("stay_daily_area", q, group) != "stay_daily_area":
                        continue  # read from the province's sum, not from the area rollups
                    monthly = await repository.rollup_cells(session, f, q, group=group)
                    saved, repository.MONTHLY_TABLES = repository.MONTHLY_TABLES, {}
                    try:
                        daily = await repository.rollup_cells(session, f, q, group=group)
                    finally:
                        repository.MONTHLY_TABLES = saved
                    from_stays = await repository.stay_cells(session, f, q, group=group)
                    assert monthly == daily == from_stays, (group, q, f)
                    checked += len(monthly)
        window = {"date_from": month_start(d, -3), "date_to": month_start(d, 4)}
        stored = (await session.execute(text(MONTHLY_STORED), window)).all()
        summed = (await session.execute(text(MONTHLY_SUMMED), window)).all()
        await session.rollback()
    assert split == 4  # every period but the one inside a month read the monthly rollup
    assert checked > 200
    assert stored == summed
    assert len(stored) > 5


def test_the_split_of_a_monthly_question():
    """Whole months from the monthly rollup; the partial ones, the day before the period and
    the nights before each month from the daily rollup — the latter marked as edges when they
    lie in a whole month (their counts are in its row)."""
    f = FeedFilters(date(2025, 1, 20), date(2025, 4, 2), "month", (), (), ())
    split = repository.month_split(f)
    assert split is not None
    assert split.months == [date(2025, 2, 1), date(2025, 3, 1)]
    january = [date(2025, 1, 19) + timedelta(days=i) for i in range(13)]
    april = [date(2025, 4, 1), date(2025, 4, 2)]
    edges = [date(2025, 2, 28), date(2025, 3, 31)]
    assert split.days == [*january, *april, *edges]
    assert split.edges == edges
    for granularity in ("day", "week"):
        assert repository.month_split(dataclasses.replace(f, granularity=granularity)) is None
    inside = FeedFilters(date(2025, 1, 2), date(2025, 1, 31), "month", (), (), ())
    assert repository.month_split(inside) is None


async def test_monthly_backfill_killed_and_resumed_gives_the_kept_rows(app, feeder):
    """Migration 0016's backfill from the area rollup, cut after two batches of days (as a
    Job killed at its deadline) and run again, gives the rows the stay handlers keep, every
    day added once though batches end inside months (rolled back)."""
    _, _, d = await feed_mixed_stays(feeder)
    await feed_month_ends(feeder, d)
    window = {"date_from": month_start(d, -3), "date_to": month_start(d, 4)}
    job = dataclasses.replace(MONTHLY_BACKFILL, name=f"test-{uuid.uuid4()}")
    kept, backfilled, first, total, days = await backfill_cut_then_resumed(
        app.state.session_factory, job, "stay_monthly_area", MONTHLY_STORED, window
    )
    assert (first, total) == (6, days)
    assert backfilled == kept
    assert len(kept) > 5


async def test_published_answers_are_the_same_with_the_monthly_rollup(
    app, feeder, signer, monkeypatch
):
    """The whole HTTP answer — rounded by cell keys, small cells hidden — is the same with
    the monthly rollup as with the daily one, for an analyst and for the police: the year by
    commune, and a commune's breakdowns by type and star rating."""
    c1, c2, d = await feed_mixed_stays(feeder)
    c3, _ = await feed_month_ends(feeder, d)
    analyst = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    police = bearer(signer.token(role="police_admin"))
    questions = []
    for date_from, date_to in monthly_periods(d):
        params = {
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "granularity": "month",
        }
        questions.append({**params, "by": "commune", "top": 100})
        questions.append({**params, "by": "commune", "commune": [c1, c3], "star_rating": [4]})
        for by in ("facility_type", "star_rating"):
            questions.append({**params, "by": by, "commune": [c1, c2, c3]})

    async def answers() -> list[dict]:
        out = []
        for params in questions:
            for headers in (analyst, police):
                answer = await app.state.client.get(
                    "/v1/feeds/tourism/breakdown", params=params, headers=headers
                )
                assert answer.status_code == 200, answer.text
                out.append(answer.json())
        return out

    assert app.state.settings.suppression_threshold == 5
    with_months = await answers()
    monkeypatch.setattr(repository, "MONTHLY_TABLES", {})
    from_days = await answers()
    assert with_months == from_days
    rows = [row for body in with_months[::2] for row in body["rows"]]  # the analyst's
    shown = [row["arrivals"] for row in rows if row.get("arrivals")]
    assert shown and all(n % 5 == 0 for n in shown)
    assert any(row["suppressed"] for row in rows)


MONTHLY_STORED = """
SELECT month, facility_type, commune_code, star_rating, arrivals, nights, departures,
  occupied_rooms, arrival_keys, night_keys, departure_keys
FROM analytics.stay_monthly_area
WHERE month >= :date_from AND month < :date_to
  AND (arrivals, nights, departures, occupied_rooms, arrival_keys, night_keys, departure_keys)
    <> (0, 0, 0, 0, 0, 0, 0)
ORDER BY 1, 2, 3, 4"""

MONTHLY_SUMMED = """
SELECT date_trunc('month', day)::date, facility_type, commune_code, star_rating, sum(arrivals),
  sum(nights), sum(departures), sum(occupied_rooms), sum(arrival_keys), sum(night_keys),
  sum(departure_keys)
FROM analytics.stay_daily_area
WHERE day >= :date_from AND day < :date_to
GROUP BY 1, 2, 3, 4
HAVING (sum(arrivals), sum(nights), sum(departures), sum(occupied_rooms), sum(arrival_keys),
  sum(night_keys), sum(departure_keys)) <> (0, 0, 0, 0, 0, 0, 0)
ORDER BY 1, 2, 3, 4"""
