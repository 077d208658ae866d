"""rooms: the facilities' registry rooms (room.v1) and their states over time, for the room
and bed occupancy of facilities that keep a registry

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import columns

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "rooms",
        *columns(
            "room_id uuid not null",
            "facility_id uuid not null",
            "number text not null",
            "kind text not null",
            "beds integer not null",
            "state text not null",
            "version integer not null",
            "as_of timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("room_id", name="pk_rooms"),
        schema="analytics",
    )
    op.create_index("ix_rooms_facility_id", "rooms", ["facility_id"], schema="analytics")
    op.create_table(
        "room_states",
        *columns(
            "room_id uuid not null",
            "version integer not null",
            "facility_id uuid not null",
            "state text not null",
            "beds integer not null",
            "valid_from timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("room_id", "version", name="pk_room_states"),
        schema="analytics",
    )
    op.create_index(
        "ix_room_states_facility_id", "room_states", ["facility_id"], schema="analytics"
    )


def downgrade() -> None:
    op.drop_table("room_states", schema="analytics")
    op.drop_table("rooms", schema="analytics")
