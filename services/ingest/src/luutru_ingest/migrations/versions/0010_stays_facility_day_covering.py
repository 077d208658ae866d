"""the facility/day index of stays carries what the in-house count reads (status, check-out,
expected check-out), so the over-capacity count on every check-in is an index-only scan

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:30:00

The count's plan was left to the statistics: after an autoanalyze that saw a facility with
thousands of stays, a sequential scan of the whole table looked cheap for its LIMIT and every
check-in paid 60–130 ms (bench/README.md, "the stall after an autoanalyze"). With these
columns in the index, reading the facility's newest stays from it backwards is the cheapest
plan whatever the estimates (core/store.py `_in_house_count_query`).

Built CONCURRENTLY beside the old index and renamed into its place: check-ins keep writing
while a large stays table is indexed.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _replace(include: str) -> None:
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ingest.ix_stays_facility_day_next")
        op.execute(
            "CREATE INDEX CONCURRENTLY ix_stays_facility_day_next ON ingest.stays "
            f"(facility_id, check_in_date, id){include}"
        )
        op.execute("DROP INDEX CONCURRENTLY ingest.ix_stays_facility_day")
        op.execute("ALTER INDEX ingest.ix_stays_facility_day_next RENAME TO ix_stays_facility_day")


def upgrade() -> None:
    _replace(" INCLUDE (status, check_out_at, expected_check_out)")


def downgrade() -> None:
    _replace("")
