"""initial analytics schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:06.336294
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import create_processed_events, drop_processed_events

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_processed_events("analytics")
    op.create_table(
        "stay_facts",
        sa.Column("stay_id", sa.UUID(), nullable=False),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("check_in_date", sa.Date(), nullable=False),
        sa.Column("age_band", sa.Text(), nullable=False),
        sa.Column("gender", sa.Text(), nullable=False),
        sa.Column("nationality", sa.Text(), nullable=False),
        sa.Column("country_of_residence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("stay_id", name=op.f("pk_stay_facts")),
        schema="analytics",
    )
    op.create_index(
        "ix_stay_facts_day_type",
        "stay_facts",
        ["check_in_date", "facility_type"],
        unique=False,
        schema="analytics",
    )


def downgrade() -> None:
    op.drop_index("ix_stay_facts_day_type", table_name="stay_facts", schema="analytics")
    op.drop_table("stay_facts", schema="analytics")
    drop_processed_events("analytics")
