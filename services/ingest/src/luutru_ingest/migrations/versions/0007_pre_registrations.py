"""guest pre-registration: signed links and pending pre-registrations (docs/pre-registration.md)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 05:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0007"
down_revision = "0006"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pre_registration_links",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("facility_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("label", sa.Text()),
        sa.Column("max_entries", sa.Integer()),
        sa.Column("entries", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.CheckConstraint("kind IN ('guest', 'standing')", name="kind"),
        schema="ingest",
    )
    op.create_index(
        "ix_pre_registration_links_facility_id",
        "pre_registration_links",
        ["facility_id"],
        schema="ingest",
    )
    op.create_table(
        "pre_registrations",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("facility_id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "link_id",
            UUID(as_uuid=True),
            sa.ForeignKey("ingest.pre_registration_links.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("guest", JSONB(), nullable=False),
        sa.Column("source_address", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.UniqueConstraint("facility_id", "code"),
        schema="ingest",
    )
    op.create_index(
        "ix_pre_registrations_link_id", "pre_registrations", ["link_id"], schema="ingest"
    )
    op.create_index(
        "ix_pre_registrations_expires_at", "pre_registrations", ["expires_at"], schema="ingest"
    )
    op.create_index(
        "ix_pre_registrations_source_address",
        "pre_registrations",
        ["source_address", "created_at"],
        schema="ingest",
    )


def downgrade() -> None:
    op.drop_table("pre_registrations", schema="ingest")
    op.drop_table("pre_registration_links", schema="ingest")
