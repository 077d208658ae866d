"""stay_facts: index on the stay's length in nights, so the feeds can bound their scans by
the longest stay (max(night_end - check_in_date) is one index probe)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_stay_facts_length ON analytics.stay_facts ((night_end - check_in_date))"
    )


def downgrade() -> None:
    op.execute("DROP INDEX analytics.ix_stay_facts_length")
