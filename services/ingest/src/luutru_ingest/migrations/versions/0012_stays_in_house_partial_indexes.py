"""the in-house count reads only the stays that can be in the house: an index of the stays
still open and one of the stays checked out, each by facility; the natural key, led by the
day and the facility, takes the place of the facility/day index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:00:00

Whenever a facility was not full the count read every stay it had ever received up to the
day (ix_stays_facility_day, from the day backwards): 50,000 stays after three years of a
large hotel, 24–59 ms on every check-in and growing (bench/README.md, "the in-house count
reads only what can be in the house").
Held on a day is either still open (never checked out, not voided) or checked out on or
after that day: the first index holds only the open stays, a few beds' worth; the second is
ordered by check-out time, so a day's count reads the check-outs since then. Each carries
what the counts (the facility's, the per-room one) filter on, so they are index-only scans.

A new stay enters the open index; it enters the checked-out one only at its check-out, an
update that writes every index anyway. So that an arrival still writes as many indexes as
before, ix_stays_facility_day goes: the natural key (facility, document, day) becomes (day,
facility, document) — the same uniqueness — and serves the day list (a facility's arrivals
of a day, sorted by id) as the old index did. Led by the day, it is no index of a
facility's history: the only indexes led by the facility are the two above, so the counts
read them whatever the statistics say of the facility (with statistics that knew nothing
of it, a facility-led key was read from end to end — the history again).

Built CONCURRENTLY, the key swapped in one statement: check-ins keep writing while a large
stays table is indexed.
"""

from alembic import op

from luutru_common.migration_ddl import build_index_concurrently, constraint_exists

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_IN_HOUSE = {
    "ix_stays_open": "(facility_id, check_in_date) "
    "INCLUDE (expected_check_out, check_out_at, room_id) "
    "WHERE check_out_at IS NULL AND status <> 'voided'",
    "ix_stays_checked_out": "(facility_id, check_out_at) "
    "INCLUDE (check_in_date, expected_check_out, status, room_id) "
    "WHERE check_out_at IS NOT NULL",
}
_KEY = "uq_stays_check_in_date_facility_id_document_number"
_OLD_KEY = "uq_stays_facility_id_document_number_check_in_date"
_FACILITY_DAY = (
    "(facility_id, check_in_date, id) INCLUDE (status, check_out_at, expected_check_out)"
)


def _natural_key(old: str, new: str, columns: str) -> None:
    """The natural key's constraint moved onto an index of ``columns`` built beside it."""
    if constraint_exists("ingest", new):
        # Moved by an earlier run that stopped before its end: this migration is no single
        # transaction, so a retry starts again from the top.
        return
    build_index_concurrently("ingest", "stays", new, f"({columns})", unique=True)
    # The swap takes the table's exclusive lock for a moment: not waited for long behind a
    # long transaction, which would hold every check-in up meanwhile (the Job retries).
    op.execute("SET lock_timeout = '10s'")
    op.execute(
        f"ALTER TABLE ingest.stays DROP CONSTRAINT {old}, "
        f"ADD CONSTRAINT {new} UNIQUE USING INDEX {new}"
    )
    op.execute("RESET lock_timeout")


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, definition in _IN_HOUSE.items():
            build_index_concurrently("ingest", "stays", name, definition)
        _natural_key(_OLD_KEY, _KEY, "check_in_date, facility_id, document_number")
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ingest.ix_stays_facility_day")


def downgrade() -> None:
    with op.get_context().autocommit_block():
        build_index_concurrently("ingest", "stays", "ix_stays_facility_day", _FACILITY_DAY)
        _natural_key(_KEY, _OLD_KEY, "facility_id, document_number, check_in_date")
        for name in _IN_HOUSE:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS ingest.{name}")
