"""facilities: the street address facility.v1 already carries (optional since the first
version of the contract), so police alerts can say where the facility is

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    # Facilities projected before this revision get their street with their next event or
    # with `luutru-analytics rebuild`; until then the alerts show the commune only.
    op.add_column("facilities", sa.Column("street", sa.Text(), nullable=True), schema="analytics")


def downgrade() -> None:
    op.drop_column("facilities", "street", schema="analytics")
