"""accounts: signing keys stored sealed (private_pem emptied at start), the audit log chained

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 02:40:00
"""

from alembic import op

from luutru_common.audit_chain import chain_ddl, drop_chain_ddl
from luutru_common.migration_ddl import add_columns, drop_columns

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    add_columns(
        "accounts",
        "signing_keys",
        "sealed_private_key text",
    )
    op.alter_column("signing_keys", "private_pem", nullable=True, schema="accounts")
    for statement in chain_ddl("accounts", "audit_log"):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_chain_ddl("accounts", "audit_log"):
        op.execute(statement)
    drop_columns(
        "accounts",
        "signing_keys",
        "sealed_private_key",
    )
