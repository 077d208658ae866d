"""accounts: full facility registry, refresh tokens, lockout, API clients, append-only audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:33.790775
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import (
    add_columns,
    columns,
    create_column_indexes,
    drop_column_indexes,
    drop_columns,
)

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        *columns(
            "id bigserial not null",
            "occurred_at timestamptz not null default now()",
            "actor_id text",
            "actor_name text",
            "actor_role text",
            "action text not null",
            "target_type text",
            "target_id text",
            "facility_id uuid",
            "client_ip text",
            "correlation_id text",
            "details jsonb not null",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        schema="accounts",
    )
    create_column_indexes(
        "accounts", "audit_log", "action", "actor_id", "facility_id", "occurred_at", "target_id"
    )
    op.create_table(
        "login_throttle",
        *columns(
            "username text not null",
            "failures integer not null",
            "last_failure_at timestamptz not null",
            "locked_until timestamptz",
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_throttle")),
        schema="accounts",
    )
    op.create_table(
        "api_clients",
        *columns(
            "id uuid not null",
            "client_id text not null",
            "name text not null",
            "facility_id uuid not null",
            "scopes text[] not null",
            "secret_hash text not null",
            "created_by uuid",
            "created_at timestamptz not null default now()",
            "revoked_at timestamptz",
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["accounts.facilities.id"],
            name=op.f("fk_api_clients_facility_id_facilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_clients_client_id")),
        schema="accounts",
    )
    create_column_indexes("accounts", "api_clients", "facility_id")
    op.create_table(
        "refresh_tokens",
        *columns(
            "id uuid not null",
            "token_hash text not null",
            "family_id uuid not null",
            "user_id uuid not null",
            "created_at timestamptz not null default now()",
            "expires_at timestamptz not null",
            "used_at timestamptz",
            "revoked_at timestamptz",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["accounts.users.id"], name=op.f("fk_refresh_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
        schema="accounts",
    )
    create_column_indexes("accounts", "refresh_tokens", "family_id", "user_id")
    add_columns(
        "accounts",
        "facilities",
        "zone text",
        "vehicles integer",
        "seats integer",
        "business_licence_number text",
        "legal_representative text",
        "contact_phone text",
        "contact_email text",
        "status_reason text",
    )
    create_column_indexes("accounts", "facilities", "facility_type", "status")
    add_columns(
        "accounts",
        "users",
        "communes integer[]",
        "password_changed_at timestamptz",
    )
    # The audit log is append-only: refuse UPDATE, DELETE and TRUNCATE at the database, so no
    # code path (nor a careless operator with the service's role) can rewrite history.
    op.execute(
        """
        CREATE FUNCTION accounts.audit_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'accounts.audit_log is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON accounts.audit_log"
        " FOR EACH ROW EXECUTE FUNCTION accounts.audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON accounts.audit_log"
        " FOR EACH STATEMENT EXECUTE FUNCTION accounts.audit_log_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_no_truncate ON accounts.audit_log")
    op.execute("DROP TRIGGER audit_log_no_change ON accounts.audit_log")
    op.execute("DROP FUNCTION accounts.audit_log_append_only()")
    drop_columns(
        "accounts",
        "users",
        "password_changed_at",
        "communes",
    )
    drop_column_indexes("accounts", "facilities", "status", "facility_type")
    drop_columns(
        "accounts",
        "facilities",
        "status_reason",
        "contact_email",
        "contact_phone",
        "legal_representative",
        "business_licence_number",
        "seats",
        "vehicles",
        "zone",
    )
    drop_column_indexes("accounts", "refresh_tokens", "user_id", "family_id")
    op.drop_table("refresh_tokens", schema="accounts")
    drop_column_indexes("accounts", "api_clients", "facility_id")
    op.drop_table("api_clients", schema="accounts")
    op.drop_table("login_throttle", schema="accounts")
    drop_column_indexes(
        "accounts", "audit_log", "target_id", "occurred_at", "facility_id", "actor_id", "action"
    )
    op.drop_table("audit_log", schema="accounts")
