"""rooms: the facilities' registry rooms (room.v1) and their states over time, for the room
and bed occupancy of facilities that keep a registry

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("room_id", UUID(as_uuid=True), nullable=False),
        sa.Column("facility_id", UUID(as_uuid=True), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("room_id", name="pk_rooms"),
        schema="analytics",
    )
    op.create_index("ix_rooms_facility_id", "rooms", ["facility_id"], schema="analytics")
    op.create_table(
        "room_states",
        sa.Column("room_id", UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("facility_id", UUID(as_uuid=True), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "version", name="pk_room_states"),
        schema="analytics",
    )
    op.create_index(
        "ix_room_states_facility_id", "room_states", ["facility_id"], schema="analytics"
    )


def downgrade() -> None:
    op.drop_table("room_states", schema="analytics")
    op.drop_table("rooms", schema="analytics")
