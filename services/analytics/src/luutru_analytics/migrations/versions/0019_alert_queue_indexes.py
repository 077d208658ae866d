"""alerts: indexes for the officer's queue, so it reads the page it shows and not the history

Revision ID: 0019
Revises: 0018

The alert page (GET /v1/alerts/people) grouped every alert ever raised on each request, and
a person's card, acknowledgement or closure found its hits through the unique key
(entry_id, record_id), which does not lead with the registration: a walk of the whole index.
At 165,000 alerts (half a year of a province with 20,000 wanted persons) the first page took
~600 ms and grew with the history (bench/README.md, "Alert queue").

- `(record_id, commune_code, seq)`: a person's hits in the reader's communes — the card, the
  lock of a transition, and the "no newer hit of this person" probe of the keyset page
  (alerts/repository.py). The commune is in the key so that the scope's condition, which
  every read carries, cannot lead the planner to the commune index instead (it did, before
  the statistics knew of a commune's history: a walk of all its alerts per person);
- `(status, commune_code, seq)`: the open queue (new, acknowledged: a few thousand), a
  commune's newest first, without the closed history;
- `(commune_code, seq)`: a commune officer's alerts (every one of their reads is bounded by
  their communes) and the commune filter.

An alert is written once per hit, so three more index entries per hit cost the projection
nothing measurable. Built CONCURRENTLY: the projection keeps raising alerts during the build.
"""

from alembic import op

from luutru_common.migration_ddl import build_index_concurrently

revision = "0019"
down_revision = "0018"

INDEXES = {
    "ix_alerts_record_commune_seq": "(record_id, commune_code, seq)",
    "ix_alerts_status_commune_seq": "(status, commune_code, seq)",
    "ix_alerts_commune_seq": "(commune_code, seq)",
}


def upgrade() -> None:
    with op.get_context().autocommit_block():
        # A concurrent build holds no writer up, so it waits for the transactions under way
        # as long as they last: no lock_timeout, which would abort it behind a long report.
        for name, columns in INDEXES.items():
            build_index_concurrently("analytics", "alerts", name, columns)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name in INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS analytics.{name}")
