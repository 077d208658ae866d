"""The tourism feed of the whole province reads `stay_daily_type_star` (`stay_daily_area`
summed over communes): on the mixed dataset of the breakdown tests — corrections
that move a stay to another commune or type, voids, check-outs — every count, record-key sum
and published answer equals the one read from `stay_daily_area` (and from the stays), the
table equals the area rollup summed, and migration 0015's backfill, killed and resumed,
gives the same rows."""

from __future__ import annotations

import dataclasses
import importlib
import uuid
from datetime import timedelta

from sqlalchemy import text

from luutru_analytics.core.filters import FeedFilters
from luutru_analytics.core.query import FeedQuery
from luutru_analytics.feeds import repository
from tests.integration.analytics.test_analytics_breakdown_rollup import (
    TYPES,
    communes,
    feed_mixed_stays,
    periods,
)
from tests.integration.analytics_helpers import (
    backfill_cut_then_resumed,
    check_in,
    facility,
    unique_commune,
)
from tests.support import bearer

TYPE_BACKFILL = importlib.import_module(
    "luutru_analytics.migrations.versions.0015_type_rollup"
).BACKFILL
# The groups of the area rollup the type and star rollup can answer.
TYPE_GROUPS = [
    g
    for g, (table, *_) in repository.ROLLUP_GROUPS.items()
    if table == "stay_daily_area" and g != "commune"
]


async def test_province_tourism_from_the_type_rollup_equals_the_area_rollup(app, feeder):
    _, _, d = await feed_mixed_stays(feeder)
    checked = 0
    async with app.state.session_factory() as session:
        # One snapshot for every read: the whole province includes other tests' stays.
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        all_communes = await communes(session)
        for types, stars in (
            (TYPES, None),
            (["hotel"], None),
            (["motel", "homestay"], None),
            (TYPES, [3]),
            (["hotel"], [3, 4]),
        ):
            province = FeedQuery(types, None, stars, 0)
            every_commune = FeedQuery(types, all_communes, stars, 0)
            assert repository.rollup_table("stay_daily_area", province) == "stay_daily_type_star"
            assert repository.rollup_table("stay_daily_area", every_commune) == "stay_daily_area"
            for date_from, date_to, granularity in periods(d):
                f = FeedFilters(date_from, date_to, granularity, (), (), ())
                from_types = await repository.area_days(session, province, date_from, date_to)
                from_areas = await repository.area_days(session, every_commune, date_from, date_to)
                assert from_types == from_areas, (types, stars, date_from, date_to)
                assert any(any(counts) for counts in from_types.values())
                checked += len(from_types)
                for group in TYPE_GROUPS:
                    from_types = await repository.rollup_cells(session, f, province, group=group)
                    from_areas = await repository.rollup_cells(
                        session, f, every_commune, group=group
                    )
                    from_stays = await repository.stay_cells(session, f, province, group=group)
                    assert from_types == from_areas == from_stays, (group, types, stars, f)
                    checked += len(from_types)
        window = {"date_from": d - timedelta(days=50), "date_to": d + timedelta(days=70)}
        stored = (await session.execute(text(TYPE_STORED), window)).all()
        summed = (await session.execute(text(TYPE_SUMMED), window)).all()
        await session.rollback()
    assert stored == summed
    assert len(stored) > 20
    assert checked > 100


async def test_type_rollup_backfill_killed_and_resumed_gives_the_kept_rows(app, feeder):
    """Migration 0015's backfill from the area rollup, cut after two batches of days (as a
    Job killed at its deadline) and run again, gives the rows the stay handlers keep, every
    day once (rolled back)."""
    _, _, d = await feed_mixed_stays(feeder)
    window = {"date_from": d - timedelta(days=50), "date_to": d + timedelta(days=70)}
    job = dataclasses.replace(TYPE_BACKFILL, name=f"test-{uuid.uuid4()}")
    kept, backfilled, first, total, days = await backfill_cut_then_resumed(
        app.state.session_factory, job, "stay_daily_type_star", TYPE_STORED, window
    )
    assert (first, total) == (6, days)
    assert backfilled == kept
    assert len(kept) > 20


async def test_published_tourism_answers_are_the_same_from_either_rollup(
    app, feeder, signer, monkeypatch
):
    """The whole HTTP answer — rounded by cell keys, small cells hidden — is the same read
    from the type rollup as from the area rollup, for an analyst and for the police."""
    _, _, d = await feed_mixed_stays(feeder)
    # Enough guests in one hotel that some cells are shown to the analyst, not all hidden.
    hotel = facility(commune=unique_commune(), star_rating=4)
    await feeder.send(hotel)
    await feeder.send(*(check_in(hotel, d + timedelta(days=i % 4), nights=2) for i in range(23)))
    analyst = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    police = bearer(signer.token(role="police_admin"))
    questions = []
    for date_from, date_to, granularity in periods(d):
        for types, stars in (([], []), (["hotel"], []), ([], [3, 4])):
            params = {
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "granularity": granularity,
                "facility_type": types,
                "star_rating": stars,
            }
            questions.append(("/v1/feeds/tourism", params))
            for by in ("facility_type", "star_rating", "domestic"):
                questions.append(("/v1/feeds/tourism/breakdown", {**params, "by": by}))

    async def answers() -> list[dict]:
        out = []
        for path, params in questions:
            for headers in (analyst, police):
                answer = await app.state.client.get(path, params=params, headers=headers)
                assert answer.status_code == 200, answer.text
                out.append(answer.json())
        return out

    assert app.state.settings.suppression_threshold == 5
    from_province_tables = await answers()
    monkeypatch.setattr(repository, "PROVINCE_TABLES", {})
    from_area_tables = await answers()
    assert from_province_tables == from_area_tables
    shown = [
        row["arrivals"]
        for body in from_province_tables[::2]  # the analyst's
        for row in body["rows"]
        if row.get("arrivals")
    ]
    assert shown and all(n % 5 == 0 for n in shown)


TYPE_STORED = """
SELECT day, facility_type, star_rating, arrivals, nights, departures, occupied_rooms, arrival_keys,
  night_keys, departure_keys
FROM analytics.stay_daily_type_star
WHERE day BETWEEN :date_from AND :date_to
  AND (arrivals, nights, departures, occupied_rooms, arrival_keys, night_keys, departure_keys)
    <> (0, 0, 0, 0, 0, 0, 0)
ORDER BY 1, 2, 3"""

TYPE_SUMMED = """
SELECT day, facility_type, star_rating, sum(arrivals), sum(nights), sum(departures), sum(occupied_rooms),
  sum(arrival_keys), sum(night_keys), sum(departure_keys)
FROM analytics.stay_daily_area
WHERE day BETWEEN :date_from AND :date_to
GROUP BY 1, 2, 3
HAVING (sum(arrivals), sum(nights), sum(departures), sum(occupied_rooms), sum(arrival_keys),
  sum(night_keys), sum(departure_keys)) <> (0, 0, 0, 0, 0, 0, 0)
ORDER BY 1, 2, 3"""
