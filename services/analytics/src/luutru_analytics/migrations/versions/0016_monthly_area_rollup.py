"""`stay_monthly_area`: the area rollup summed per calendar month (filled from it), so a
year of the province broken down by commune reads a dozen rows per area, not one a day

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from luutru_common import backfill
from luutru_common.backfill import Backfill
from luutru_common.migration_ddl import columns

revision = "0016"
down_revision = "0015"

# The rows the stay handlers keep (rollup._month_cells), from the area rows already stored,
# record-key sums included; `luutru-analytics rebuild` refills both from the events. In
# batches of days (`day` leads the area rollup's primary key). A batch may end inside a
# month, so it adds to the month's row rather than writing it: each day is added once, since
# the batch and the note of how far it got commit together, and a rerun after a kill carries
# on with the next day.
BACKFILL = Backfill(
    name="0016_stay_monthly_area",
    schema="analytics",
    table="stay_daily_area",
    key="day",
    key_type="date",
    work="""
INSERT INTO analytics.stay_monthly_area AS m (month, facility_type, commune_code,
  star_rating, arrivals, nights, departures, occupied_rooms, arrival_keys, night_keys,
  departure_keys)
SELECT date_trunc('month', day)::date, facility_type, commune_code, star_rating,
  sum(arrivals), sum(nights), sum(departures), sum(occupied_rooms), sum(arrival_keys),
  sum(night_keys), sum(departure_keys)
FROM analytics.stay_daily_area
WHERE day IN (SELECT k FROM batch)
GROUP BY 1, 2, 3, 4
ON CONFLICT (month, facility_type, commune_code, star_rating) DO UPDATE SET
  arrivals = m.arrivals + excluded.arrivals, nights = m.nights + excluded.nights,
  departures = m.departures + excluded.departures,
  occupied_rooms = m.occupied_rooms + excluded.occupied_rooms,
  arrival_keys = m.arrival_keys + excluded.arrival_keys,
  night_keys = m.night_keys + excluded.night_keys,
  departure_keys = m.departure_keys + excluded.departure_keys
""",
)
# A month of a province's area rows (a few hundred a day) per batch.
DAYS_PER_BATCH = 31


def upgrade() -> None:
    # Idempotent: after a kill during the backfill below, the migration runs again.
    op.create_table(
        "stay_monthly_area",
        *columns(
            "month date not null",
            "facility_type text not null",
            "commune_code integer not null",
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
            "month",
            "facility_type",
            "commune_code",
            "star_rating",
            name=op.f("pk_stay_monthly_area"),
        ),
        schema="analytics",
        if_not_exists=True,
    )
    with op.get_context().autocommit_block():
        backfill.run(op.get_bind(), BACKFILL, batch_rows=DAYS_PER_BATCH)


def downgrade() -> None:
    backfill.forget(op.get_bind(), BACKFILL)
    op.drop_table("stay_monthly_area", schema="analytics")
