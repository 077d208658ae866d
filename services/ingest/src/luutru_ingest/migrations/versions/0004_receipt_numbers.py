"""receipt numbers: a short readable number on every stay and trip, unique, backfilled

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 23:00:00
"""

import sqlalchemy as sa
from alembic import op

from luutru_common import backfill
from luutru_common.backfill import Backfill

revision = "0004"
down_revision = "0003"

TABLES = ("stays", "trips")

# The same form as luutru_ingest.receipt_numbers ("K7M-4QX-9PA": 9 of 32 letters without
# 0/O/1/I), drawn from gen_random_uuid()'s random bytes (byte 6 holds the version, so it is
# skipped; 256 is a multiple of 32, so every letter is equally likely).
NUMBER_FUNCTION = """
CREATE FUNCTION pg_temp.receipt_number() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(
           substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', get_byte(b, i) % 32 + 1, 1)
             || CASE WHEN n IN (3, 6) THEN '-' ELSE '' END,
           '' ORDER BY n)
  FROM (SELECT uuid_send(gen_random_uuid()) AS b) r,
       unnest(ARRAY[0, 1, 2, 3, 4, 5, 7, 8, 9]) WITH ORDINALITY AS x(i, n)
$$
"""


def numbering(table: str) -> Backfill:
    """Numbers for the rows stored before this migration, in resumable batches
    (luutru_common.backfill): a national table is too large for one transaction."""
    return Backfill(
        name=f"0004_{table}_receipt_number",
        schema="ingest",
        table=table,
        key="id",
        key_type="uuid",
        work=(
            f"UPDATE ingest.{table} SET receipt_number = pg_temp.receipt_number() "
            "WHERE id IN (SELECT k FROM batch) AND receipt_number IS NULL"
        ),
    )


def upgrade() -> None:
    op.execute(NUMBER_FUNCTION)
    for table in TABLES:
        # Idempotent: after a kill during the backfill, the migration runs again.
        op.add_column(
            table,
            sa.Column("receipt_number", sa.Text(), nullable=True),
            schema="ingest",
            if_not_exists=True,
        )
    with op.get_context().autocommit_block():
        for table in TABLES:
            backfill.run(op.get_bind(), numbering(table))
    for table in TABLES:
        # Draw again for the (very unlikely) repeats until there are none.
        op.execute(
            f"""
            DO $$ BEGIN
              LOOP
                UPDATE ingest.{table} SET receipt_number = pg_temp.receipt_number()
                WHERE id IN (
                  SELECT id FROM (
                    SELECT id, row_number() OVER (PARTITION BY receipt_number ORDER BY id) AS n
                    FROM ingest.{table}
                  ) d WHERE n > 1
                );
                EXIT WHEN NOT FOUND;
              END LOOP;
            END $$
            """
        )
        op.alter_column(table, "receipt_number", nullable=False, schema="ingest")
        op.create_unique_constraint(
            op.f(f"uq_{table}_receipt_number"), table, ["receipt_number"], schema="ingest"
        )
    op.execute("DROP FUNCTION pg_temp.receipt_number()")


def downgrade() -> None:
    for table in TABLES:
        backfill.forget(op.get_bind(), numbering(table))
    for table in TABLES:
        op.drop_constraint(op.f(f"uq_{table}_receipt_number"), table, schema="ingest")
        op.drop_column(table, "receipt_number", schema="ingest")
