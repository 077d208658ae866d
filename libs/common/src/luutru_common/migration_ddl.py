"""The DDL that several services' migrations share, written once.

Every service keeps an outbox (luutru_common.outbox) and, if it consumes events, an inbox of
the events it has processed (luutru_common.consumer); their tables, the trace context added to
the outbox later, and the columns most tables share are built here and called from each
service's migrations with the service's schema.

Old migrations call these functions, so what a function builds is history: never change it.
A later change to one of these tables is a new function (like ``add_traceparent``) called by a
new migration of every service. tests/integration/platform/test_migration_catalogue.py checks
that a fresh migration still builds the committed catalogue.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

OUTBOX = "outbox"
PROCESSED_EVENTS = "processed_events"
# The relay reads the unpublished rows in order; published ones drop out of the index.
UNPUBLISHED = "published_at IS NULL"


def written_at(name: str = "created_at") -> sa.Column:
    """A timestamp the database sets when the row is written."""
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def json_column(name: str, *, nullable: bool = False) -> sa.Column:
    """A JSONB column, as Alembic's autogenerate declared the first ones."""
    return sa.Column(name, postgresql.JSONB(astext_type=sa.Text()), nullable=nullable)


def create_outbox(schema: str) -> None:
    """The transactional outbox: events recorded with the change that caused them, published
    to Kafka by the relay (luutru_common.outbox)."""
    op.create_table(
        OUTBOX,
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        json_column("payload"),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        written_at(),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unpublished",
        OUTBOX,
        ["id"],
        unique=False,
        schema=schema,
        postgresql_where=sa.text(UNPUBLISHED),
    )


def drop_outbox(schema: str) -> None:
    op.drop_index(
        "ix_outbox_unpublished",
        table_name=OUTBOX,
        schema=schema,
        postgresql_where=sa.text(UNPUBLISHED),
    )
    op.drop_table(OUTBOX, schema=schema)


def add_traceparent(schema: str) -> None:
    """Outbox rows keep the W3C trace context of the request that recorded them.

    Nullable, no default: adding it rewrites nothing and takes the lock only for a moment."""
    op.add_column(OUTBOX, sa.Column("traceparent", sa.Text(), nullable=True), schema=schema)


def drop_traceparent(schema: str) -> None:
    op.drop_column(OUTBOX, "traceparent", schema=schema)


def create_processed_events(schema: str) -> None:
    """The inbox of a consumer: one row per event a consumer group has handled, so a
    redelivered event is skipped (luutru_common.consumer)."""
    op.create_table(
        PROCESSED_EVENTS,
        sa.Column("consumer_group", sa.Text(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        written_at("processed_at"),
        sa.PrimaryKeyConstraint("consumer_group", "event_id", name=op.f("pk_processed_events")),
        schema=schema,
    )


def drop_processed_events(schema: str) -> None:
    op.drop_table(PROCESSED_EVENTS, schema=schema)
