"""the in-house list reads only the stays that can be in the house: an index of the voided
records never checked out, beside 0012's of the open and the checked-out stays

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:40:00

The list shows voided records with their status (the facility sees what it cancelled), so it
read every stay of the facility up to the day: 180–260 ms a page for a hotel's three years
(bench/README.md). With this index each of its three parts is a range of its own (stays/
repository.py `_held_page`). A stay enters it only when voided — an update that writes every
index anyway — so no arrival writes one more index. Built CONCURRENTLY.
"""

from alembic import op

from luutru_common.migration_ddl import build_index_concurrently

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NAME = "ix_stays_voided_open"


def upgrade() -> None:
    with op.get_context().autocommit_block():
        build_index_concurrently(
            "ingest",
            "stays",
            NAME,
            "(facility_id, check_in_date) WHERE check_out_at IS NULL AND status = 'voided'",
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS ingest.{NAME}")
