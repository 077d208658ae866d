"""initial accounts schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:22:01.252214
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import create_outbox, drop_outbox, written_at

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("star_rating", sa.Integer(), nullable=True),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("rooms", sa.Integer(), nullable=True),
        sa.Column("beds", sa.Integer(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        written_at(),
        written_at("updated_at"),
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
        sa.Column("kid", sa.Text(), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        written_at(),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        schema="accounts",
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("facility_id", sa.UUID(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        written_at(),
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
