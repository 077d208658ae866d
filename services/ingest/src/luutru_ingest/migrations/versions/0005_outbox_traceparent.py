"""outbox rows keep the W3C trace context of the request that recorded them (tracing)

Revision ID: 0005
Revises: 0004
"""

from luutru_common.migration_ddl import add_traceparent, drop_traceparent

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    add_traceparent("ingest")


def downgrade() -> None:
    drop_traceparent("ingest")
