"""rooms: a facility's room registry with its history, and the registry room of a stay

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 05:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("facility_id", UUID(as_uuid=True), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("number_key", sa.Text(), nullable=False),
        sa.Column("sort_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("floor", sa.Text()),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("state_reason", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
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
        sa.Column("room_id", UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", JSONB(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "version", name="pk_room_versions"),
        schema="ingest",
    )
    op.add_column("stays", sa.Column("room_id", UUID(as_uuid=True)), schema="ingest")
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
    op.drop_column("stays", "room_id", schema="ingest")
    op.drop_table("room_versions", schema="ingest")
    op.drop_index("uq_rooms_facility_number", table_name="rooms", schema="ingest")
    op.drop_table("rooms", schema="ingest")
