"""initial ingest schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:03.768204
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from luutru_common.migration_ddl import (
    create_outbox,
    create_processed_events,
    drop_outbox,
    drop_processed_events,
    written_at,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        schema="ingest",
    )
    create_outbox("ingest")
    create_processed_events("ingest")
    op.create_table(
        "stays",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_number", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("gender", sa.Text(), nullable=False),
        sa.Column("nationality", sa.Text(), nullable=False),
        sa.Column("country_of_residence", sa.Text(), nullable=False),
        sa.Column("room", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("check_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_in_date", sa.Date(), nullable=False),
        sa.Column("expected_check_out", sa.Date(), nullable=True),
        written_at("received_at"),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
