"""breakdown rollup of the whole province: `stay_daily_breakdown` summed over communes and
star ratings, filled from it

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from luutru_common import backfill
from luutru_common.backfill import Backfill
from luutru_common.migration_ddl import columns

revision = "0011"
down_revision = "0010"

# The rows the stay handlers keep (rollup._province_cells), from the breakdown rows already
# stored; `luutru-analytics rebuild` refills both from the events. In batches of days
# (luutru_common.backfill): a day's province rows are the sums of that day's breakdown rows,
# all written by one batch, so a rerun after a kill carries on with the next day.
BACKFILL = Backfill(
    name="0011_stay_daily_province",
    schema="analytics",
    table="stay_daily_breakdown",
    key="day",
    key_type="date",
    index_key=True,
    work="""
INSERT INTO analytics.stay_daily_province (dimension, day, facility_type, value, arrivals,
  nights, departures)
SELECT dimension, day, facility_type, value, sum(arrivals), sum(nights), sum(departures)
FROM analytics.stay_daily_breakdown
WHERE day IN (SELECT k FROM batch)
GROUP BY 1, 2, 3, 4
""",
)
# A week of a nation's breakdown rows per batch.
DAYS_PER_BATCH = 7


def upgrade() -> None:
    # Idempotent: after a kill during the backfill below, the migration runs again.
    op.create_table(
        "stay_daily_province",
        *columns(
            "dimension text not null",
            "day date not null",
            "facility_type text not null",
            "value text not null",
            "arrivals integer not null default 0",
            "nights integer not null default 0",
            "departures integer not null default 0",
        ),
        sa.PrimaryKeyConstraint(
            "dimension", "day", "facility_type", "value", name=op.f("pk_stay_daily_province")
        ),
        schema="analytics",
        if_not_exists=True,
    )
    with op.get_context().autocommit_block():
        backfill.run(op.get_bind(), BACKFILL, batch_rows=DAYS_PER_BATCH)


def downgrade() -> None:
    backfill.forget(op.get_bind(), BACKFILL)
    op.drop_table("stay_daily_province", schema="analytics")
