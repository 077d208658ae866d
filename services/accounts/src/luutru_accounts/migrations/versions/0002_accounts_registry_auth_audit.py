"""accounts: full facility registry, refresh tokens, lockout, API clients, append-only audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:33.790775
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import add_columns, columns, drop_columns

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
    op.create_index(
        op.f("ix_accounts_audit_log_action"),
        "audit_log",
        ["action"],
        unique=False,
        schema="accounts",
    )
    op.create_index(
        op.f("ix_accounts_audit_log_actor_id"),
        "audit_log",
        ["actor_id"],
        unique=False,
        schema="accounts",
    )
    op.create_index(
        op.f("ix_accounts_audit_log_facility_id"),
        "audit_log",
        ["facility_id"],
        unique=False,
        schema="accounts",
    )
    op.create_index(
        op.f("ix_accounts_audit_log_occurred_at"),
        "audit_log",
        ["occurred_at"],
        unique=False,
        schema="accounts",
    )
    op.create_index(
        op.f("ix_accounts_audit_log_target_id"),
        "audit_log",
        ["target_id"],
        unique=False,
        schema="accounts",
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
    op.create_index(
        op.f("ix_accounts_api_clients_facility_id"),
        "api_clients",
        ["facility_id"],
        unique=False,
        schema="accounts",
    )
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
    op.create_index(
        op.f("ix_accounts_refresh_tokens_family_id"),
        "refresh_tokens",
        ["family_id"],
        unique=False,
        schema="accounts",
    )
    op.create_index(
        op.f("ix_accounts_refresh_tokens_user_id"),
        "refresh_tokens",
        ["user_id"],
        unique=False,
        schema="accounts",
    )
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
    op.create_index(
        op.f("ix_accounts_facilities_facility_type"),
        "facilities",
        ["facility_type"],
        unique=False,
        schema="accounts",
    )
    op.create_index(
        op.f("ix_accounts_facilities_status"),
        "facilities",
        ["status"],
        unique=False,
        schema="accounts",
    )
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
    op.drop_index(op.f("ix_accounts_facilities_status"), table_name="facilities", schema="accounts")
    op.drop_index(
        op.f("ix_accounts_facilities_facility_type"), table_name="facilities", schema="accounts"
    )
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
    op.drop_index(
        op.f("ix_accounts_refresh_tokens_user_id"), table_name="refresh_tokens", schema="accounts"
    )
    op.drop_index(
        op.f("ix_accounts_refresh_tokens_family_id"), table_name="refresh_tokens", schema="accounts"
    )
    op.drop_table("refresh_tokens", schema="accounts")
    op.drop_index(
        op.f("ix_accounts_api_clients_facility_id"), table_name="api_clients", schema="accounts"
    )
    op.drop_table("api_clients", schema="accounts")
    op.drop_table("login_throttle", schema="accounts")
    op.drop_index(
        op.f("ix_accounts_audit_log_target_id"), table_name="audit_log", schema="accounts"
    )
    op.drop_index(
        op.f("ix_accounts_audit_log_occurred_at"), table_name="audit_log", schema="accounts"
    )
    op.drop_index(
        op.f("ix_accounts_audit_log_facility_id"), table_name="audit_log", schema="accounts"
    )
    op.drop_index(op.f("ix_accounts_audit_log_actor_id"), table_name="audit_log", schema="accounts")
    op.drop_index(op.f("ix_accounts_audit_log_action"), table_name="audit_log", schema="accounts")
    op.drop_table("audit_log", schema="accounts")
