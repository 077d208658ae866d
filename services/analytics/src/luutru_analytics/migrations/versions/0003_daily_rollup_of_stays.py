"""daily rollup of stays

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 17:04:19.426160
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "room_nights",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("room", sa.Text(), nullable=False),
        sa.Column("guests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "facility_id", "room", name=op.f("pk_room_nights")),
        schema="analytics",
    )
    op.create_table(
        "stay_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("star_rating", sa.Integer(), nullable=True),
        sa.Column("arrivals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("nights", sa.Integer(), server_default="0", nullable=False),
        sa.Column("departures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("occupied_rooms", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("day", "facility_id", name=op.f("pk_stay_daily")),
        schema="analytics",
    )
    op.create_index("ix_stay_daily_day", "stay_daily", ["day"], unique=False, schema="analytics")


def downgrade() -> None:
    op.drop_index("ix_stay_daily_day", table_name="stay_daily", schema="analytics")
    op.drop_table("stay_daily", schema="analytics")
    op.drop_table("room_nights", schema="analytics")
