"""The DDL that several services' migrations share, written once.

Every service keeps an outbox (luutru_common.outbox) and, if it consumes events, an inbox of
the events it has processed (luutru_common.consumer); their tables and the trace context added
to the outbox later are built here, with the service's schema. So are the pieces every
migration writes: columns as in SQL (``columns("code text not null", …)``), one index per
column under SQLAlchemy's name for it, and a facility's name and place as facility.v1 has them.

Old migrations call these functions, so what a function builds is history: never change it.
A later change to one of these tables is a new function (like ``traceparent_revision``)
called by a new migration of every service. A fresh migration must still build the committed
catalogue (tests/integration/platform/test_migration_catalogue.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

OUTBOX = "outbox"
PROCESSED_EVENTS = "processed_events"
# The outbox's unpublished and published rows, as the old relay marked them (its index on the
# unpublished rows is history: delete_on_publish_revision dropped it).
UNPUBLISHED = "published_at IS NULL"
PUBLISHED = "published_at IS NOT NULL"

# The column types the migrations use, by their name in PostgreSQL.
TYPES = {
    "uuid": sa.UUID,
    "text": sa.Text,
    "integer": sa.Integer,
    "bigint": sa.BigInteger,
    "date": sa.Date,
    "boolean": sa.Boolean,
    "float": sa.Float,
    "bytea": sa.LargeBinary,
    "timestamptz": lambda: sa.DateTime(timezone=True),
    "jsonb": lambda: postgresql.JSONB(astext_type=sa.Text()),
    "text[]": lambda: postgresql.ARRAY(sa.Text()),
    "integer[]": lambda: postgresql.ARRAY(sa.Integer()),
}
_COLUMN = re.compile(
    r"(?P<name>\w+) (?P<type>bigserial|[\w\[\]]+)(?P<pk> primary key)?"
    r"(?P<identity> generated always as identity)?(?P<not_null> not null)?"
    r"(?: default (?P<default>.+))?"
)


def column(spec: str) -> sa.Column:
    """A column written as in SQL: ``name type [primary key] [generated always as identity]
    [not null] [default <SQL>]``, e.g. ``"status text not null default 'new'"``. A
    ``bigserial`` is a bigint that counts itself as the table's primary key (SQLAlchemy's
    ``autoincrement``); without ``not null`` (or ``primary key``) the column takes NULL."""
    match = _COLUMN.fullmatch(spec)
    if match is None or match["type"] not in (*TYPES, "bigserial"):
        raise ValueError(f"not a column: {spec!r}")
    args: list = []
    kwargs: dict = {}
    if match["type"] == "bigserial":
        args.append(sa.BigInteger())
        kwargs["autoincrement"] = True
    else:
        args.append(TYPES[match["type"]]())
    if match["identity"]:
        args.append(sa.Identity(always=True))
    if match["pk"]:
        kwargs["primary_key"] = True
    else:
        kwargs["nullable"] = not match["not_null"]
    if match["default"]:
        kwargs["server_default"] = sa.text(match["default"])
    return sa.Column(match["name"], *args, **kwargs)


def columns(*specs: str) -> list[sa.Column]:
    """Several ``column`` specs, in table order (``op.create_table(name, *columns(…), …)``)."""
    return [column(spec) for spec in specs]


def add_columns(schema: str, table: str, *specs: str) -> None:
    for spec in specs:
        op.add_column(table, column(spec), schema=schema)


def drop_columns(schema: str, table: str, *names: str) -> None:
    for name in names:
        op.drop_column(table, name, schema=schema)


def create_column_indexes(schema: str, table: str, *names: str) -> None:
    """One index per column, named ``ix_<schema>_<table>_<column>`` (the name SQLAlchemy
    gives a column declared with ``index=True``)."""
    for name in names:
        op.create_index(op.f(f"ix_{schema}_{table}_{name}"), table, [name], schema=schema)


def drop_column_indexes(schema: str, table: str, *names: str) -> None:
    for name in names:
        op.drop_index(op.f(f"ix_{schema}_{table}_{name}"), table_name=table, schema=schema)


# A facility's name and place as facility.v1 carries them, in the order every service's
# facility table has them: accounts keeps the registry, ingest and analytics keep the facts.
FACILITY_NAMING = ("code text not null", "name text not null", "facility_type text not null")
FACILITY_PLACE = ("province_code integer not null", "commune_code integer not null")


def create_outbox(schema: str) -> None:
    """The transactional outbox: events recorded with the change that caused them, published
    to Kafka by the relay (luutru_common.outbox)."""
    op.create_table(
        OUTBOX,
        *columns(
            "id bigserial not null",
            "event_id uuid not null",
            "topic text not null",
            "key text not null",
            "event_type text not null",
            "payload jsonb not null",
            "correlation_id text",
            "created_at timestamptz not null default now()",
            "published_at timestamptz",
        ),
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


def traceparent_revision(schema: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """``upgrade`` and ``downgrade`` of the revision by which a service's outbox rows keep the
    W3C trace context of the request that recorded them (tracing).

    Nullable, no default: adding it rewrites nothing and takes the lock only for a moment."""

    def upgrade() -> None:
        add_columns(schema, OUTBOX, "traceparent text")

    def downgrade() -> None:
        drop_columns(schema, OUTBOX, "traceparent")

    return upgrade, downgrade


def payload_text_revision(schema: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """``upgrade`` and ``downgrade`` of the revision by which a service's outbox keeps each
    event's payload as the JSON text its writer serialised, not jsonb: nothing reads inside
    it in the database, and PostgreSQL's jsonb parse on every insert and its text output on
    every relay read were a fifth of the batch check-in's database CPU (bench/README.md).
    The relay publishes the text as written; the old release's statements still work on
    it (jsonb is assigned to text, text read as text).

    The type change rewrites the table under its ACCESS EXCLUSIVE lock, while the old
    release writes events: so the rows already published (kept a day for nothing but the
    purge; they are in Kafka) are deleted first, leaving the rewrite the unpublished backlog
    alone, and the lock is not waited for long — queued behind a long transaction it would
    hold every writer up; the Job's retry tries again."""

    def upgrade() -> None:
        op.execute(f"DELETE FROM {schema}.{OUTBOX} WHERE {PUBLISHED}")
        op.execute("SET LOCAL lock_timeout = '10s'")
        op.execute(f"ALTER TABLE {schema}.{OUTBOX} ALTER COLUMN payload TYPE text")

    def downgrade() -> None:
        op.execute(
            f"ALTER TABLE {schema}.{OUTBOX} ALTER COLUMN payload TYPE jsonb USING payload::jsonb"
        )

    return upgrade, downgrade


def delete_on_publish_revision(schema: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """``upgrade`` and ``downgrade`` of the revision from which the relay deletes a row once
    Kafka holds its event, instead of marking it published and purging it a day later: the
    outbox is the backlog alone, so neither the index on unpublished rows nor a unique index
    on the event id (a fresh UUID each; consumers deduplicate by it) is needed any more.
    Each cost every event an index write, and marking cost a new row version
    (bench/README.md).

    Expand only: ``published_at`` stays, because the previous release's relay still marks
    rows during the rollout (the new relay deletes what it marked: luutru_common.outbox); the
    next release drops it. Dropping an index takes the table's lock for a moment, so the lock
    is not waited for long (the Job's retry tries again)."""

    def upgrade() -> None:
        op.execute(f"DELETE FROM {schema}.{OUTBOX} WHERE {PUBLISHED}")
        op.execute("SET LOCAL lock_timeout = '10s'")
        op.drop_index("ix_outbox_unpublished", table_name=OUTBOX, schema=schema)
        op.drop_constraint(op.f("uq_outbox_event_id"), OUTBOX, schema=schema, type_="unique")

    def downgrade() -> None:
        op.create_unique_constraint(op.f("uq_outbox_event_id"), OUTBOX, ["event_id"], schema=schema)
        op.create_index(
            "ix_outbox_unpublished",
            OUTBOX,
            ["id"],
            schema=schema,
            postgresql_where=sa.text(UNPUBLISHED),
        )

    return upgrade, downgrade


def build_index_concurrently(
    schema: str, table: str, name: str, definition: str, *, unique: bool = False
) -> None:
    """An index built while the table keeps being written (inside
    ``op.get_context().autocommit_block()``). A build interrupted (or timed out, or killed
    with its Job) leaves an invalid index of the name behind, so it is dropped first: a retry,
    or a migration run again after it stopped past this point, builds it anew."""
    op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema}.{name}")
    kind = "UNIQUE INDEX" if unique else "INDEX"
    op.execute(f"CREATE {kind} CONCURRENTLY {name} ON {schema}.{table} {definition}")


def constraint_exists(schema: str, name: str) -> bool:
    """Whether ``schema`` has a constraint of that name: what a migration run outside one
    transaction has already done, when it runs again after stopping half-way."""
    found = op.get_bind().execute(
        sa.text(
            "SELECT 1 FROM pg_constraint WHERE conname = :name "
            "AND connamespace = CAST(:schema AS regnamespace)"
        ),
        {"name": name, "schema": schema},
    )
    return found.first() is not None


def create_processed_events(schema: str) -> None:
    """The inbox of a consumer: one row per event a consumer group has handled, so a
    redelivered event is skipped (luutru_common.consumer)."""
    op.create_table(
        PROCESSED_EVENTS,
        *columns(
            "consumer_group text not null",
            "event_id uuid not null",
            "processed_at timestamptz not null default now()",
        ),
        sa.PrimaryKeyConstraint("consumer_group", "event_id", name=op.f("pk_processed_events")),
        schema=schema,
    )


def drop_processed_events(schema: str) -> None:
    op.drop_table(PROCESSED_EVENTS, schema=schema)
