"""rooms: a facility's room registry with its history, and the registry room of a stay

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 05:30:00
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import add_columns, columns, drop_columns

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "rooms",
        *columns(
            "id uuid primary key",
            "facility_id uuid not null",
            "number text not null",
            "number_key text not null",
            "sort_key text not null",
            "name text",
            "floor text",
            "kind text not null",
            "beds integer not null",
            "state text not null",
            "state_reason text",
            "version integer not null default 1",
            "created_at timestamptz not null",
            "updated_at timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rooms"),
        schema="ingest",
    )
    op.create_index(
        "uq_rooms_facility_number",
        "rooms",
        ["facility_id", "number_key"],
        unique=True,
        schema="ingest",
        postgresql_where=sa.text("state <> 'retired'"),
    )
    op.create_table(
        "room_versions",
        *columns(
            "room_id uuid not null",
            "version integer not null",
            "data jsonb not null",
            "changed_by text not null",
            "changed_at timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("room_id", "version", name="pk_room_versions"),
        schema="ingest",
    )
    add_columns(
        "ingest",
        "stays",
        "room_id uuid",
    )
    # The board: the guests in each room now.
    op.create_index(
        "ix_stays_room_in_house",
        "stays",
        ["room_id"],
        schema="ingest",
        postgresql_where=sa.text("room_id IS NOT NULL AND status = 'checked_in'"),
    )


def downgrade() -> None:
    op.drop_index("ix_stays_room_in_house", table_name="stays", schema="ingest")
    drop_columns(
        "ingest",
        "stays",
        "room_id",
    )
    op.drop_table("room_versions", schema="ingest")
    op.drop_index("uq_rooms_facility_number", table_name="rooms", schema="ingest")
    op.drop_table("rooms", schema="ingest")
