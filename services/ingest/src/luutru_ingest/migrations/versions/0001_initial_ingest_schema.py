"""initial ingest schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:03.768204
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import (
    FACILITY_NAMING,
    FACILITY_PLACE,
    columns,
    create_outbox,
    create_processed_events,
    drop_outbox,
    drop_processed_events,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        *columns(
            "id uuid not null",
            *FACILITY_NAMING,
            *FACILITY_PLACE,
            "beds integer",
            "status text not null",
            "as_of timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        schema="ingest",
    )
    create_outbox("ingest")
    create_processed_events("ingest")
    op.create_table(
        "stays",
        *columns(
            "id uuid not null",
            "facility_id uuid not null",
            "document_type text not null",
            "document_number text not null",
            "full_name text not null",
            "name_key text not null",
            "date_of_birth date not null",
            "gender text not null",
            "nationality text not null",
            "country_of_residence text not null",
            "room text",
            "reason text",
            "check_in_at timestamptz not null",
            "check_in_date date not null",
            "expected_check_out date",
            "received_at timestamptz not null default now()",
            "due_at timestamptz not null",
            "late_minutes integer not null",
            "status text not null",
            "warnings jsonb not null",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stays")),
        sa.UniqueConstraint(
            "facility_id",
            "document_number",
            "check_in_date",
            name=op.f("uq_stays_facility_id_document_number_check_in_date"),
        ),
        schema="ingest",
    )


def downgrade() -> None:
    op.drop_table("stays", schema="ingest")
    drop_processed_events("ingest")
    drop_outbox("ingest")
    op.drop_table("facilities", schema="ingest")
