"""daily rollup by area

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 17:26:14.312438
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import columns

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "stay_daily_area",
        *columns(
            "day date not null",
            "facility_type text not null",
            "commune_code integer not null",
            "star_rating integer not null",
            "arrivals integer not null default 0",
            "nights integer not null default 0",
            "departures integer not null default 0",
            "occupied_rooms integer not null default 0",
        ),
        sa.PrimaryKeyConstraint(
            "day", "facility_type", "commune_code", "star_rating", name=op.f("pk_stay_daily_area")
        ),
        schema="analytics",
    )


def downgrade() -> None:
    op.drop_table("stay_daily_area", schema="analytics")
