"""facilities: the street address facility.v1 already carries (optional since the first
version of the contract), so police alerts can say where the facility is

Revision ID: 0008
Revises: 0007
"""

from luutru_common.migration_ddl import add_columns, drop_columns

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    # Facilities projected before this revision get their street with their next event or
    # with `luutru-analytics rebuild`; until then the alerts show the commune only.
    add_columns(
        "analytics",
        "facilities",
        "street text",
    )


def downgrade() -> None:
    drop_columns(
        "analytics",
        "facilities",
        "street",
    )
