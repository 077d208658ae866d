"""outbox rows keep the W3C trace context of the request that recorded them (tracing)

Revision ID: 0013
Revises: 0012
"""

from luutru_common.migration_ddl import add_traceparent, drop_traceparent

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    add_traceparent("analytics")


def downgrade() -> None:
    drop_traceparent("analytics")
