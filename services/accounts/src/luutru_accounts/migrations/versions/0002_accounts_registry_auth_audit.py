"""accounts: full facility registry, refresh tokens, lockout, API clients, append-only audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:33.790775
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from luutru_common.migration_ddl import written_at

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        written_at("occurred_at"),
        sa.Column("actor_id", sa.Text(), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=True),
        sa.Column("actor_role", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target_type", sa.Text(), nullable=True),
        sa.Column("target_id", sa.Text(), nullable=True),
        sa.Column("facility_id", sa.UUID(), nullable=True),
        sa.Column("client_ip", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_throttle")),
        schema="accounts",
    )
    op.create_table(
        "api_clients",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        written_at(),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("family_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        written_at(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
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
    op.add_column("facilities", sa.Column("zone", sa.Text(), nullable=True), schema="accounts")
    op.add_column(
        "facilities", sa.Column("vehicles", sa.Integer(), nullable=True), schema="accounts"
    )
    op.add_column("facilities", sa.Column("seats", sa.Integer(), nullable=True), schema="accounts")
    op.add_column(
        "facilities",
        sa.Column("business_licence_number", sa.Text(), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "facilities", sa.Column("legal_representative", sa.Text(), nullable=True), schema="accounts"
    )
    op.add_column(
        "facilities", sa.Column("contact_phone", sa.Text(), nullable=True), schema="accounts"
    )
    op.add_column(
        "facilities", sa.Column("contact_email", sa.Text(), nullable=True), schema="accounts"
    )
    op.add_column(
        "facilities", sa.Column("status_reason", sa.Text(), nullable=True), schema="accounts"
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
    op.add_column(
        "users",
        sa.Column("communes", postgresql.ARRAY(sa.Integer()), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "users",
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
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
    op.drop_column("users", "password_changed_at", schema="accounts")
    op.drop_column("users", "communes", schema="accounts")
    op.drop_index(op.f("ix_accounts_facilities_status"), table_name="facilities", schema="accounts")
    op.drop_index(
        op.f("ix_accounts_facilities_facility_type"), table_name="facilities", schema="accounts"
    )
    op.drop_column("facilities", "status_reason", schema="accounts")
    op.drop_column("facilities", "contact_email", schema="accounts")
    op.drop_column("facilities", "contact_phone", schema="accounts")
    op.drop_column("facilities", "legal_representative", schema="accounts")
    op.drop_column("facilities", "business_licence_number", schema="accounts")
    op.drop_column("facilities", "seats", schema="accounts")
    op.drop_column("facilities", "vehicles", schema="accounts")
    op.drop_column("facilities", "zone", schema="accounts")
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
