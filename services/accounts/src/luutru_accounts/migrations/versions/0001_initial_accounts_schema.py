"""initial accounts schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:01.252214
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import columns, create_outbox, drop_outbox

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        *columns(
            "id uuid not null",
            "code text not null",
            "name text not null",
            "facility_type text not null",
            "star_rating integer",
            "province_code integer not null",
            "commune_code integer not null",
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
    op.create_index(
        op.f("ix_accounts_facilities_commune_code"),
        "facilities",
        ["commune_code"],
        unique=False,
        schema="accounts",
    )
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
    op.create_index(
        op.f("ix_accounts_users_facility_id"),
        "users",
        ["facility_id"],
        unique=False,
        schema="accounts",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_accounts_users_facility_id"), table_name="users", schema="accounts")
    op.drop_table("users", schema="accounts")
    op.drop_table("signing_keys", schema="accounts")
    drop_outbox("accounts")
    op.drop_index(
        op.f("ix_accounts_facilities_commune_code"), table_name="facilities", schema="accounts"
    )
    op.drop_table("facilities", schema="accounts")
