"""upload layouts: the header found, the column mapping, file-level notices; a facility's
remembered mapping

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 22:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from luutru_common.migration_ddl import written_at

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    # What the operator asked for (an explicit mapping and header line, or nothing) and what
    # the reader then found: the worker reads the file exactly as the submission checked it.
    op.add_column(
        "uploads", sa.Column("mapping", postgresql.JSONB(), nullable=True), schema="ingest"
    )
    op.add_column("uploads", sa.Column("header_row", sa.Integer(), nullable=True), schema="ingest")
    op.add_column(
        "uploads", sa.Column("layout", postgresql.JSONB(), nullable=True), schema="ingest"
    )
    op.add_column(
        "uploads",
        sa.Column("notices", postgresql.JSONB(), nullable=False, server_default="[]"),
        schema="ingest",
    )
    op.create_table(
        "upload_mappings",
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("header_row", sa.Integer(), nullable=True),
        sa.Column("mapping", postgresql.JSONB(), nullable=False),
        written_at("updated_at"),
        sa.PrimaryKeyConstraint("facility_id", "kind", name=op.f("pk_upload_mappings")),
        schema="ingest",
    )


def downgrade() -> None:
    op.drop_table("upload_mappings", schema="ingest")
    for column in ("notices", "layout", "header_row", "mapping"):
        op.drop_column("uploads", column, schema="ingest")
