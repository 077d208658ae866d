"""stay_daily: index by day and facility type (a department's feed reads only its types)

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_index(
        "ix_stay_daily_day_type", "stay_daily", ["day", "facility_type"], schema="analytics"
    )
    op.drop_index("ix_stay_daily_day", table_name="stay_daily", schema="analytics")


def downgrade() -> None:
    op.create_index("ix_stay_daily_day", "stay_daily", ["day"], schema="analytics")
    op.drop_index("ix_stay_daily_day_type", table_name="stay_daily", schema="analytics")
