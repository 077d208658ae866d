"""monthly partitions: earlier versions of stays by the month they were replaced
(luutru_common.partitions, docs/deploy.md "Growth")

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00

ingest.stay_versions is written once per correction and deleted by retention once the stay's
identity period is over: the retention run drops a whole month of it when every version in
the month is due (luutru_ingest.retention). Its key gains the partition column (changed_at):
a version number is still drawn under the stay's row lock, so (stay_id, version) stays unique.
The rows already there pass through the default partition into their months.
"""

from alembic import op

from luutru_common.partitions import MONTHS_AHEAD, functions_sql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in functions_sql("ingest"):
        op.execute(statement)
    op.execute("ALTER TABLE ingest.stay_versions RENAME TO stay_versions_unpartitioned")
    op.execute("ALTER INDEX ingest.pk_stay_versions RENAME TO pk_stay_versions_unpartitioned")
    op.execute(
        "CREATE TABLE ingest.stay_versions ("
        " stay_id uuid NOT NULL, version integer DEFAULT 1 NOT NULL, data jsonb NOT NULL,"
        " reason text, changed_by text NOT NULL, changed_at timestamptz NOT NULL,"
        " CONSTRAINT pk_stay_versions PRIMARY KEY (stay_id, version, changed_at)"
        ") PARTITION BY RANGE (changed_at)"
    )
    op.execute(f"SELECT ingest.ensure_month_partitions('stay_versions', {MONTHS_AHEAD})")
    op.execute(
        "INSERT INTO ingest.stay_versions (stay_id, version, data, reason, changed_by, changed_at)"
        " SELECT stay_id, version, data, reason, changed_by, changed_at"
        " FROM ingest.stay_versions_unpartitioned"
    )
    op.execute("DROP TABLE ingest.stay_versions_unpartitioned")
    # The months of the rows just copied (they waited in the default partition).
    op.execute(f"SELECT ingest.ensure_month_partitions('stay_versions', {MONTHS_AHEAD})")


def downgrade() -> None:
    op.execute("ALTER TABLE ingest.stay_versions RENAME TO stay_versions_partitioned")
    op.execute("ALTER INDEX ingest.pk_stay_versions RENAME TO pk_stay_versions_partitioned")
    op.execute(
        "CREATE TABLE ingest.stay_versions (LIKE ingest.stay_versions_partitioned"
        " INCLUDING DEFAULTS, CONSTRAINT pk_stay_versions PRIMARY KEY (stay_id, version))"
    )
    op.execute("INSERT INTO ingest.stay_versions SELECT * FROM ingest.stay_versions_partitioned")
    op.execute("DROP TABLE ingest.stay_versions_partitioned")
    for fn in (
        "drop_month_partition(text, date)",
        "ensure_month_partitions(text, integer)",
        "grant_as_parent(oid, text)",
    ):
        op.execute(f"DROP FUNCTION ingest.{fn}")
