"""guest pre-registration: signed links and pending pre-registrations (docs/pre-registration.md)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 05:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from luutru_common.migration_ddl import columns

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "pre_registration_links",
        *columns(
            "id uuid primary key",
            "facility_id uuid not null",
            "kind text not null",
            "label text",
            "max_entries integer",
            "entries integer not null default 0",
            "created_at timestamptz not null",
            "expires_at timestamptz not null",
            "revoked_at timestamptz",
        ),
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
        *columns(
            "id uuid primary key",
            "facility_id uuid not null",
        ),
        sa.Column(
            "link_id",
            UUID(as_uuid=True),
            sa.ForeignKey("ingest.pre_registration_links.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *columns(
            "code text not null",
            "full_name text not null",
            "name_key text not null",
            "guest jsonb not null",
            "source_address text",
            "created_at timestamptz not null",
            "expires_at timestamptz not null",
        ),
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
