"""breakdown rollup of the whole province: `stay_daily_breakdown` summed over communes and
star ratings, filled from it

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"

# The rows the stay handlers keep (rollup._province_cells), from the breakdown rows already
# stored; `luutru-analytics rebuild` refills both from the events.
BACKFILL = """
INSERT INTO analytics.stay_daily_province (dimension, day, facility_type, value, arrivals,
  nights, departures)
SELECT dimension, day, facility_type, value, sum(arrivals), sum(nights), sum(departures)
FROM analytics.stay_daily_breakdown
GROUP BY 1, 2, 3, 4
"""


def upgrade() -> None:
    op.create_table(
        "stay_daily_province",
        sa.Column("dimension", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("arrivals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("nights", sa.Integer(), server_default="0", nullable=False),
        sa.Column("departures", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "dimension", "day", "facility_type", "value", name=op.f("pk_stay_daily_province")
        ),
        schema="analytics",
    )
    op.execute("SET LOCAL work_mem = '256MB'")
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("stay_daily_province", schema="analytics")
