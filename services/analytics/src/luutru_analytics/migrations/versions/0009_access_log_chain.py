"""analytics: the access log chained (each row hashes the one before)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 02:40:00
"""

from alembic import op

from luutru_common.audit_chain import chain_ddl, drop_chain_ddl

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    for statement in chain_ddl("analytics", "access_log"):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_chain_ddl("analytics", "access_log"):
        op.execute(statement)
