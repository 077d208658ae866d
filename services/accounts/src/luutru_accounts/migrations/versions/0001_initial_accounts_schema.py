"""initial accounts schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:01.252214
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import (
    FACILITY_NAMING,
    FACILITY_PLACE,
    columns,
    create_column_indexes,
    create_outbox,
    drop_column_indexes,
    drop_outbox,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        *columns(
            "id uuid not null",
            *FACILITY_NAMING,
            "star_rating integer",
            *FACILITY_PLACE,
            "street text",
            "rooms integer",
            "beds integer",
            "status text not null",
            "created_at timestamptz not null default now()",
            "updated_at timestamptz not null default now()",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("code", name=op.f("uq_facilities_code")),
        schema="accounts",
    )
    create_column_indexes("accounts", "facilities", "commune_code")
    create_outbox("accounts")
    op.create_table(
        "signing_keys",
        *columns(
            "kid text not null",
            "private_pem text not null",
            "public_jwk text not null",
            "created_at timestamptz not null default now()",
            "retired_at timestamptz",
        ),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        schema="accounts",
    )
    op.create_table(
        "users",
        *columns(
            "id uuid not null",
            "username text not null",
            "password_hash text not null",
            "role text not null",
            "full_name text",
            "facility_id uuid",
            "department text",
            "must_change_password boolean not null",
            "disabled boolean not null",
            "created_at timestamptz not null default now()",
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["accounts.facilities.id"],
            name=op.f("fk_users_facility_id_facilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        schema="accounts",
    )
    create_column_indexes("accounts", "users", "facility_id")


def downgrade() -> None:
    drop_column_indexes("accounts", "users", "facility_id")
    op.drop_table("users", schema="accounts")
    op.drop_table("signing_keys", schema="accounts")
    drop_outbox("accounts")
    drop_column_indexes("accounts", "facilities", "commune_code")
    op.drop_table("facilities", schema="accounts")
