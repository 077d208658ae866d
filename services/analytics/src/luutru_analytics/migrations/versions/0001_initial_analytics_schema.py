"""initial analytics schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:06.336294
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import columns, create_processed_events, drop_processed_events

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_processed_events("analytics")
    op.create_table(
        "stay_facts",
        *columns(
            "stay_id uuid not null",
            "facility_id uuid not null",
            "facility_type text not null",
            "province_code integer not null",
            "commune_code integer not null",
            "check_in_date date not null",
            "age_band text not null",
            "gender text not null",
            "nationality text not null",
            "country_of_residence text not null",
        ),
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
