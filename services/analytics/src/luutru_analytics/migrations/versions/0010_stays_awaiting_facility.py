"""stays seen before their facility wait for it: analytics files a stay's counts under the
facility's type, place and star rating from facility.v1, not from the stay event

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import columns

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "stays_awaiting_facility",
        *columns(
            "stay_id uuid not null",
            "facility_id uuid not null",
            "version integer not null",
            "event_type text not null",
            "event jsonb not null",
        ),
        sa.PrimaryKeyConstraint("stay_id", name="pk_stays_awaiting_facility"),
        schema="analytics",
    )
    op.create_index(
        "ix_stays_awaiting_facility_facility",
        "stays_awaiting_facility",
        ["facility_id"],
        schema="analytics",
    )


def downgrade() -> None:
    op.drop_table("stays_awaiting_facility", schema="analytics")
