"""daily rollup of stays

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 17:04:19.426160
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import columns

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "room_nights",
        *columns(
            "day date not null",
            "facility_id uuid not null",
            "room text not null",
            "guests integer not null",
        ),
        sa.PrimaryKeyConstraint("day", "facility_id", "room", name=op.f("pk_room_nights")),
        schema="analytics",
    )
    op.create_table(
        "stay_daily",
        *columns(
            "day date not null",
            "facility_id uuid not null",
            "facility_type text not null",
            "commune_code integer not null",
            "star_rating integer",
            "arrivals integer not null default 0",
            "nights integer not null default 0",
            "departures integer not null default 0",
            "occupied_rooms integer not null default 0",
        ),
        sa.PrimaryKeyConstraint("day", "facility_id", name=op.f("pk_stay_daily")),
        schema="analytics",
    )
    op.create_index("ix_stay_daily_day", "stay_daily", ["day"], unique=False, schema="analytics")


def downgrade() -> None:
    op.drop_index("ix_stay_daily_day", table_name="stay_daily", schema="analytics")
    op.drop_table("stay_daily", schema="analytics")
    op.drop_table("room_nights", schema="analytics")
