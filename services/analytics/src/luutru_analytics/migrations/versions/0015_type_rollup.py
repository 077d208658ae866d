"""the tourism feed's rollups keyed for its questions: `stay_daily_type_star`
(`stay_daily_area` summed over communes, filled from it) for the whole province, and the
area and breakdown rollups indexed by commune and day for one commune

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

from luutru_common import backfill
from luutru_common.backfill import Backfill
from luutru_common.migration_ddl import columns

revision = "0015"
down_revision = "0014"

# The rows the stay handlers keep (rollup._type_cells), from the area rows already stored,
# record-key sums included; `luutru-analytics rebuild` refills both from the events. In
# batches of days (luutru_common.backfill; `day` leads the area rollup's primary key): a
# day's rows are the sums of that day's area rows, all written by one batch, so a rerun
# after a kill carries on with the next day.
BACKFILL = Backfill(
    name="0015_stay_daily_type_star",
    schema="analytics",
    table="stay_daily_area",
    key="day",
    key_type="date",
    work="""
INSERT INTO analytics.stay_daily_type_star (day, facility_type, star_rating, arrivals,
  nights, departures, occupied_rooms, arrival_keys, night_keys, departure_keys)
SELECT day, facility_type, star_rating, sum(arrivals), sum(nights), sum(departures),
  sum(occupied_rooms), sum(arrival_keys), sum(night_keys), sum(departure_keys)
FROM analytics.stay_daily_area
WHERE day IN (SELECT k FROM batch)
GROUP BY 1, 2, 3
""",
)
# A month of a province's area rows (a few hundred a day) per batch.
DAYS_PER_BATCH = 31

# One commune's days of a guest breakdown: the key leads with the dimension and the day, so
# a commune's year walked every area of every day of it (~390 k rows for a year of one
# dimension). Built without holding the stay handlers' writes off for the build's minutes.
BREAKDOWN_INDEX = "ix_stay_daily_breakdown_commune_day"


def _build_breakdown_index() -> None:
    """CREATE INDEX CONCURRENTLY, rerunnable: a build cut short leaves an invalid index,
    which IF NOT EXISTS would keep, so it is dropped first."""
    bind = op.get_bind()
    invalid = bind.execute(
        text("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"),
        {"name": f"analytics.{BREAKDOWN_INDEX}"},
    ).scalar()
    if invalid:
        bind.execute(text(f"DROP INDEX CONCURRENTLY analytics.{BREAKDOWN_INDEX}"))
    bind.execute(
        text(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {BREAKDOWN_INDEX} "
            "ON analytics.stay_daily_breakdown (dimension, commune_code, day)"
        )
    )


def upgrade() -> None:
    # Idempotent: after a kill during the backfill below, the migration runs again.
    op.create_table(
        "stay_daily_type_star",
        *columns(
            "day date not null",
            "facility_type text not null",
            "star_rating integer not null",
            "arrivals integer not null default 0",
            "nights integer not null default 0",
            "departures integer not null default 0",
            "occupied_rooms integer not null default 0",
            "arrival_keys bigint not null default 0",
            "night_keys bigint not null default 0",
            "departure_keys bigint not null default 0",
        ),
        sa.PrimaryKeyConstraint(
            "day", "facility_type", "star_rating", name=op.f("pk_stay_daily_type_star")
        ),
        schema="analytics",
        if_not_exists=True,
    )
    # One commune's days: the area rollup's key leads with the day, so a commune's quarter
    # walked every area of every day of it.
    op.create_index(
        "ix_stay_daily_area_commune_day",
        "stay_daily_area",
        ["commune_code", "day"],
        schema="analytics",
        if_not_exists=True,
    )
    with op.get_context().autocommit_block():
        _build_breakdown_index()
        backfill.run(op.get_bind(), BACKFILL, batch_rows=DAYS_PER_BATCH)


def downgrade() -> None:
    backfill.forget(op.get_bind(), BACKFILL)
    op.drop_index(BREAKDOWN_INDEX, table_name="stay_daily_breakdown", schema="analytics")
    op.drop_index(
        "ix_stay_daily_area_commune_day", table_name="stay_daily_area", schema="analytics"
    )
    op.drop_table("stay_daily_type_star", schema="analytics")
