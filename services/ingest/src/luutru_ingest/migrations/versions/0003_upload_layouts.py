"""upload layouts: the header found, the column mapping, file-level notices; a facility's
remembered mapping

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 22:30:00
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import add_columns, columns

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    # What the operator asked for (an explicit mapping and header line, or nothing) and what
    # the reader then found: the worker reads the file exactly as the submission checked it.
    add_columns(
        "ingest",
        "uploads",
        "mapping jsonb",
        "header_row integer",
        "layout jsonb",
        "notices jsonb not null default '[]'",
    )
    op.create_table(
        "upload_mappings",
        *columns(
            "facility_id uuid not null",
            "kind text not null",
            "signature text not null",
            "header_row integer",
            "mapping jsonb not null",
            "updated_at timestamptz not null default now()",
        ),
        sa.PrimaryKeyConstraint("facility_id", "kind", name=op.f("pk_upload_mappings")),
        schema="ingest",
    )


def downgrade() -> None:
    op.drop_table("upload_mappings", schema="ingest")
    for column in ("notices", "layout", "header_row", "mapping"):
        op.drop_column("uploads", column, schema="ingest")
