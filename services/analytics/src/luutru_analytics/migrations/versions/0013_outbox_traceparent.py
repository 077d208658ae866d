"""outbox rows keep the W3C trace context of the request that recorded them (tracing)

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: adding it rewrites nothing and takes the lock only for a moment.
    op.add_column("outbox", sa.Column("traceparent", sa.Text(), nullable=True), schema="analytics")


def downgrade() -> None:
    op.drop_column("outbox", "traceparent", schema="analytics")
