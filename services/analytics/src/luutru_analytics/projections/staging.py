"""Versioned upserts of a whole run of rows in two round trips: binary COPY into a
per-connection temporary table, then one INSERT … SELECT … ON CONFLICT in which the stored
version decides (an older version changes nothing). The projections' hot path: SQLAlchemy's
many-row insert compiled and bound every row in Python, more CPU than the database's work."""

from __future__ import annotations

from functools import cache

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_analytics.models import SCHEMA
from luutru_common.db import raw_connection


@cache
def _statements(
    table: str, columns: tuple[str, ...], key: str, kept: tuple[str, ...], overrides: tuple
) -> tuple[str, str]:
    staging = f"{table}_in"
    create = (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "
        f"(LIKE {SCHEMA}.{table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    cols = ", ".join(columns)
    sets = {c: f"excluded.{c}" for c in columns if c != key and c not in kept}
    sets.update(overrides)
    # The staged rows leave the staging table in the same statement: a second run in the same
    # transaction starts from an empty one, without a TRUNCATE's round trip.
    move = (
        f"WITH staged AS (DELETE FROM {staging} RETURNING {cols}) "
        f"INSERT INTO {SCHEMA}.{table} AS t ({cols}) SELECT {cols} FROM staged "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        + ", ".join(f"{c} = {v}" for c, v in sets.items())
        + " WHERE t.version <= excluded.version RETURNING "
    )
    return create, move


async def upsert_versioned(
    session: AsyncSession,
    table: str,
    rows: list[dict],
    *,
    key: str,
    kept: tuple[str, ...],
    returning: tuple[str, ...],
    overrides: dict[str, str] | None = None,
) -> list[asyncpg.Record]:
    """Insert `rows` (dicts with the same keys) into `analytics.<table>`, or update the stored
    row of the same `key` unless its version is newer. On update the `kept` columns keep their
    stored value and `overrides` give SQL expressions (over `t`, the stored row, and
    `excluded`) for some columns. Returns the `returning` columns of the rows written."""
    if not rows:
        return []
    columns = tuple(rows[0])
    create, move = _statements(table, columns, key, kept, tuple(sorted((overrides or {}).items())))
    conn = await raw_connection(session)
    await conn.execute(create)
    await conn.copy_records_to_table(
        f"{table}_in", records=[tuple(r[c] for c in columns) for r in rows], columns=columns
    )
    return await conn.fetch(move + ", ".join(f"t.{c}" for c in returning))
