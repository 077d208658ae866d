"""daily rollup by area

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 17:26:14.312438
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "stay_daily_area",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("star_rating", sa.Integer(), nullable=False),
        sa.Column("arrivals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("nights", sa.Integer(), server_default="0", nullable=False),
        sa.Column("departures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("occupied_rooms", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "facility_type", "commune_code", "star_rating", name=op.f("pk_stay_daily_area")
        ),
        schema="analytics",
    )


def downgrade() -> None:
    op.drop_table("stay_daily_area", schema="analytics")
