"""Data backfills of a migration in bounded, resumable batches.

A backfill over a whole table in one transaction holds its locks and its snapshot for as
long as the table takes — at national volume longer than the migration Job's deadline, and a
Job killed at the deadline would roll it all back and start again. Here the rows are walked
in key order, ``batch_rows`` keys at a time; each batch and the note of how far it got are
one statement, so one commit: after a kill, the migration runs again and carries on after
the last batch that committed, never counting a row twice.

The key need not be unique: a rollup walked by ``day`` takes a few whole days per batch (the
batch is the next distinct keys, and the work handles every row of each).

Used from a migration inside ``op.get_context().autocommit_block()`` (each statement commits
by itself; the env runs one transaction per migration, see luutru_common.migrations), so the
migration's DDL before the block must be idempotent (``IF NOT EXISTS``): it may run again.

Progress is kept in ``<schema>.backfill_progress`` (one row per backfill: the last key done,
keys done in ``rows_done``, when it finished), which is also how an operator watches a long one:
``SELECT * FROM analytics.backfill_progress``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

_IDENT = re.compile(r"^[a-z_][a-z0-9_.]*$")
DEFAULT_BATCH_ROWS = 10_000


@dataclass(frozen=True)
class Backfill:
    """One backfill. ``work`` is a data-modifying statement (INSERT … / UPDATE …) that
    handles the rows of ``table`` whose ``key`` is in the CTE ``batch(k)``: the next
    ``batch_rows`` distinct keys after the last one done."""

    name: str
    schema: str
    table: str
    key: str
    key_type: str
    work: str
    # The key has no index of its own (``day``, second in a rollup's primary key): one is
    # built for the walk — each batch then reads its own rows, not the whole table — and
    # dropped when the backfill is done, so the migrated schema is the same either way.
    index_key: bool = False

    def __post_init__(self) -> None:
        for value in (self.schema, self.table, self.key, self.key_type):
            if not _IDENT.match(value):
                raise ValueError(f"bad identifier {value!r}")

    @property
    def key_index(self) -> str:
        return f"{self.table}_{self.key}_backfill"[:63]

    def step_sql(self) -> str:
        """One batch as one statement: the next `:n` keys after `:after`, the work on them and the
        progress note, committed together."""
        progress = f"{self.schema}.backfill_progress"
        # Data-modifying CTEs run to completion whether or not the query reads them: the
        # work and the progress note commit together, as one statement.
        return (
            f"WITH batch AS (SELECT DISTINCT {self.key} AS k FROM {self.schema}.{self.table} "
            "WHERE CAST(:after AS text) IS NULL "
            f"OR {self.key} > CAST(CAST(:after AS text) AS {self.key_type}) "
            "ORDER BY k LIMIT :n), "
            f"work AS ({self.work}), "
            f"note AS (INSERT INTO {progress} (name, last_key, rows_done) "
            "SELECT CAST(:name AS text), (array_agg(k ORDER BY k DESC))[1]::text, count(*) "
            "FROM batch HAVING count(*) > 0 "
            "ON CONFLICT (name) DO UPDATE SET last_key = excluded.last_key, "
            f"rows_done = {progress}.rows_done + excluded.rows_done, updated_at = now()) "
            "SELECT (array_agg(k ORDER BY k DESC))[1]::text AS last_key, count(*) AS n FROM batch"
        )


def ensure_progress_table(connection: Connection, schema: str) -> None:
    """Create `<schema>.backfill_progress` where it is missing (as the schema owner, in a
    migration)."""
    if not _IDENT.match(schema):
        raise ValueError(f"bad schema {schema!r}")
    table = f"{schema}.backfill_progress"
    if connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is not None:
        return  # (CREATE … IF NOT EXISTS would still need the owner's rights)
    connection.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {schema}.backfill_progress ("
            "name text PRIMARY KEY, last_key text, rows_done bigint NOT NULL DEFAULT 0, "
            "started_at timestamptz NOT NULL DEFAULT now(), "
            "updated_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)"
        )
    )


def progress(connection: Connection, backfill: Backfill) -> tuple[str | None, bool]:
    """(last key done, finished) of a backfill; (None, False) before its first batch."""
    row = connection.execute(
        text(
            f"SELECT last_key, finished_at IS NOT NULL FROM {backfill.schema}.backfill_progress "
            "WHERE name = :name"
        ),
        {"name": backfill.name},
    ).first()
    return (row[0], row[1]) if row else (None, False)


def run(
    connection: Connection,
    backfill: Backfill,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    max_batches: int | None = None,
    pause_s: float = 0.0,
) -> int:
    """Run (or resume) a backfill to its end; returns the keys handled by this call.

    ``connection`` must commit each statement (autocommit). ``max_batches`` stops early (as a
    Job killed at its deadline would; tests use it); ``pause_s`` between batches leaves room
    for the services' own writes."""
    ensure_progress_table(connection, backfill.schema)
    after, finished = progress(connection, backfill)
    done = 0
    batches = 0
    step = text(backfill.step_sql())
    if backfill.index_key and not finished:
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {backfill.key_index} "
                f"ON {backfill.schema}.{backfill.table} ({backfill.key})"
            )
        )
    while not finished:
        if max_batches is not None and batches >= max_batches:
            return done
        last_key, n = connection.execute(
            step, {"after": after, "n": batch_rows, "name": backfill.name}
        ).one()
        batches += 1
        if n == 0:
            if backfill.index_key:  # first: killed before the note, a rerun drops it then
                connection.execute(
                    text(f"DROP INDEX IF EXISTS {backfill.schema}.{backfill.key_index}")
                )
            connection.execute(
                text(
                    f"INSERT INTO {backfill.schema}.backfill_progress (name, finished_at) "
                    "VALUES (:name, now()) ON CONFLICT (name) DO UPDATE "
                    "SET finished_at = now(), updated_at = now()"
                ),
                {"name": backfill.name},
            )
            finished = True
        else:
            after, done = last_key, done + n
            if pause_s:
                time.sleep(pause_s)
    return done


def forget(connection: Connection, backfill: Backfill) -> None:
    """Drop a backfill's progress (its migration's downgrade), so an upgrade runs it again."""
    table = f"{backfill.schema}.backfill_progress"
    if backfill.index_key:  # left by a run cut short
        connection.execute(text(f"DROP INDEX IF EXISTS {backfill.schema}.{backfill.key_index}"))
    connection.execute(
        text(
            f"DO $$ BEGIN IF to_regclass({_literal(table)}) IS NOT NULL THEN "
            f"DELETE FROM {table} WHERE name = {_literal(backfill.name)}; END IF; END $$"
        )
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
