"""A tamper-evident audit trail: every row of an append-only table (accounts.audit_log,
analytics.access_log) carries the SHA-256 of its own content and of the row before it, set by
a trigger at insert. Changing, deleting or inserting a row anywhere breaks the chain from there
on, and `luutru-<service> audit verify` names the first broken link.

The trigger serialises inserts into one table (a transaction-long advisory lock), so each row
chains to the last committed one; `chain_position` is the chain's order (ids may commit out of
order). The hashed content is the row as jsonb (canonical key order) without its own hash, in
UTC, so verification recomputes exactly the same text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

GENESIS = "0" * 64


def _hash_expression(alias: str) -> str:
    return (
        f"encode(sha256(convert_to(({alias}.prev_hash || (to_jsonb({alias}) - 'row_hash')::text),"
        " 'UTF8')), 'hex')"
    )


def chain_ddl(schema: str, table: str) -> list[str]:
    """Columns, trigger and backfill of the chain on an existing append-only table. Run by a
    migration (as the owner), with the append-only triggers switched off for the backfill."""
    qualified = f"{schema}.{table}"
    function = f"{schema}.{table}_chain"
    return [
        f"ALTER TABLE {qualified} ADD COLUMN chain_position bigint,"
        " ADD COLUMN prev_hash text, ADD COLUMN row_hash text",
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql
        SET timezone TO 'UTC' AS $$
        DECLARE
          last record;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext('{qualified} chain'));
          SELECT chain_position, row_hash INTO last FROM {qualified}
            WHERE chain_position IS NOT NULL ORDER BY chain_position DESC LIMIT 1;
          NEW.chain_position := coalesce(last.chain_position, 0) + 1;
          NEW.prev_hash := coalesce(last.row_hash, '{GENESIS}');
          NEW.row_hash := NULL;
          NEW.row_hash := {_hash_expression("NEW")};
          RETURN NEW;
        END $$
        """,
        f"ALTER TABLE {qualified} DISABLE TRIGGER USER",
        f"""
        DO $$
        DECLARE
          r record;
          previous text := '{GENESIS}';
          position bigint := 0;
        BEGIN
          SET LOCAL timezone TO 'UTC';
          FOR r IN SELECT id FROM {qualified} ORDER BY id LOOP
            position := position + 1;
            UPDATE {qualified} SET chain_position = position, prev_hash = previous,
              row_hash = NULL WHERE id = r.id;
            UPDATE {qualified} t SET row_hash = {_hash_expression("t")} WHERE id = r.id
              RETURNING row_hash INTO previous;
          END LOOP;
        END $$
        """,
        f"ALTER TABLE {qualified} ENABLE TRIGGER USER",
        f"ALTER TABLE {qualified} ALTER COLUMN chain_position SET NOT NULL,"
        " ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN row_hash SET NOT NULL",
        f"CREATE UNIQUE INDEX uq_{table}_chain_position ON {qualified} (chain_position)",
        f"CREATE TRIGGER {table}_chain BEFORE INSERT ON {qualified}"
        f" FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def drop_chain_ddl(schema: str, table: str) -> list[str]:
    """The statements that undo `chain_ddl`: the trigger, its function and the chain's columns (a
    migration's downgrade)."""
    qualified = f"{schema}.{table}"
    return [
        f"DROP TRIGGER {table}_chain ON {qualified}",
        f"DROP FUNCTION {schema}.{table}_chain()",
        f"ALTER TABLE {qualified} DISABLE TRIGGER USER",
        f"ALTER TABLE {qualified} DROP COLUMN chain_position, DROP COLUMN prev_hash,"
        " DROP COLUMN row_hash",
        f"ALTER TABLE {qualified} ENABLE TRIGGER USER",
    ]


@dataclass(frozen=True)
class BrokenLink:
    table: str
    position: int
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        row = f"row id {self.row_id}" if self.row_id is not None else "no row"
        return f"{self.table}: chain broken at position {self.position} ({row}): {self.reason}"


async def verify_chain(
    engine: AsyncEngine, schema: str, table: str, *, batch: int = 5000
) -> tuple[int, BrokenLink | None]:
    """Walk the chain in order; returns (rows checked, first broken link or None)."""
    qualified = f"{schema}.{table}"
    previous, expected, checked = GENESIS, 1, 0
    async with engine.connect() as conn:
        await conn.execute(text("SET timezone TO 'UTC'"))
        while True:
            rows = (
                await conn.execute(
                    text(
                        f"SELECT t.chain_position, t.id, t.prev_hash, t.row_hash,"
                        f" {_hash_expression('t')} AS computed FROM {qualified} t"
                        " WHERE t.chain_position >= :start ORDER BY t.chain_position LIMIT :n"
                    ),
                    {"start": expected, "n": batch},
                )
            ).all()
            for position, row_id, prev_hash, row_hash, computed in rows:
                if position != expected:
                    return checked, BrokenLink(qualified, expected, None, "row missing")
                if prev_hash != previous:
                    return checked, BrokenLink(
                        qualified, position, row_id, "does not follow the row before"
                    )
                if computed != row_hash:
                    return checked, BrokenLink(
                        qualified, position, row_id, "content changed since it was written"
                    )
                previous, expected, checked = row_hash, expected + 1, checked + 1
            if len(rows) < batch:
                return checked, None
