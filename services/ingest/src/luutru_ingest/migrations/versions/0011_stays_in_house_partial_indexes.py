"""the in-house count reads only the stays that can be in the house: an index of the stays
still open and one of the stays checked out, each by facility

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:00:00

Whenever a facility was not full the count read every stay it had ever received up to the
day (ix_stays_facility_day, from the day backwards): 50,000 stays after three years of a
large hotel, 40–60 ms on every check-in and growing (bench/README.md, "Issue 14 target 1").
Held on a day is either still open (never checked out, not voided) or checked out on or
after that day: the first index holds only the open stays, a few beds' worth; the second is
ordered by check-out time, so a day's count reads the check-outs since then. Each carries
what the count and the per-room count filter on, so both are index-only scans.

A new stay enters the open index (one more index written per arrival); it enters the
checked-out one only at its check-out, an update that already writes every index.
ix_stays_facility_day stays: the day list (arrivals of a day, by id) and the board read it.

Built CONCURRENTLY: check-ins keep writing while a large stays table is indexed.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_stays_open": "(facility_id, check_in_date) "
    "INCLUDE (expected_check_out, check_out_at, room_id) "
    "WHERE check_out_at IS NULL AND status <> 'voided'",
    "ix_stays_checked_out": "(facility_id, check_out_at) "
    "INCLUDE (check_in_date, expected_check_out, status, room_id) "
    "WHERE check_out_at IS NOT NULL",
}


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, definition in _INDEXES.items():
            # An interrupted concurrent build leaves an invalid index of the name behind.
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS ingest.{name}")
            op.execute(f"CREATE INDEX CONCURRENTLY {name} ON ingest.stays {definition}")


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name in _INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS ingest.{name}")
