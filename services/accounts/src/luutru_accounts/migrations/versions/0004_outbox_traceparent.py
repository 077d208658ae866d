"""outbox rows keep the W3C trace context of the request that recorded them (tracing)

Revision ID: 0004
Revises: 0003
"""

from luutru_common.migration_ddl import add_traceparent, drop_traceparent

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    add_traceparent("accounts")


def downgrade() -> None:
    drop_traceparent("accounts")
