"""stays lifecycle, idempotency, uploads, trips

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:12.104836
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import (
    add_columns,
    columns,
    create_column_indexes,
    drop_column_indexes,
    drop_columns,
)

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        *columns(
            "facility_id uuid not null",
            "key text not null",
            "request_hash text not null",
            "status_code integer",
            "response jsonb",
            "created_at timestamptz not null default now()",
        ),
        sa.PrimaryKeyConstraint("facility_id", "key", name=op.f("pk_idempotency_keys")),
        schema="ingest",
    )
    op.create_table(
        "stay_versions",
        *columns(
            "stay_id uuid not null",
            "version integer not null default 1",
            "data jsonb not null",
            "reason text",
            "changed_by text not null",
            "changed_at timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("stay_id", "version", name=op.f("pk_stay_versions")),
        schema="ingest",
    )
    op.create_table(
        "trip_passengers",
        *columns(
            "id uuid not null",
            "trip_id uuid not null",
            "seq bigint not null",
            "guest jsonb not null",
            "document_number text not null",
            "seat text",
            "boarding_point text",
            "alighting_point text",
            "status text not null",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trip_passengers")),
        schema="ingest",
    )
    create_column_indexes("ingest", "trip_passengers", "trip_id")
    op.create_table(
        "trips",
        *columns(
            "id uuid not null",
            "operator_id uuid not null",
            "plate text not null",
            "origin_province integer not null",
            "destination_province integer not null",
            "departure_at timestamptz not null",
            "seats integer not null",
            "crew jsonb not null",
            "status text not null",
            "cancel_reason text",
            "received_at timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trips")),
        sa.UniqueConstraint(
            "operator_id",
            "plate",
            "departure_at",
            name=op.f("uq_trips_operator_id_plate_departure_at"),
        ),
        schema="ingest",
    )
    op.create_table(
        "upload_rows",
        *columns(
            "upload_id uuid not null",
            "row_number integer not null",
            "status text not null",
            "stay_id uuid",
            "errors jsonb not null",
            "warnings jsonb not null",
        ),
        sa.PrimaryKeyConstraint("upload_id", "row_number", name=op.f("pk_upload_rows")),
        schema="ingest",
    )
    op.create_table(
        "uploads",
        *columns(
            "id uuid not null",
            "facility_id uuid not null",
            "kind text not null",
            "filename text not null",
            "file_format text not null",
            "raw bytea not null",
            "size integer not null",
            "uploaded_by text not null",
            "trip_fields jsonb",
            "status text not null",
            "next_row integer not null",
            "total_rows integer",
            "accepted integer not null",
            "duplicates integer not null",
            "rejected integer not null",
            "lease_until timestamptz",
            "attempts integer not null",
            "error jsonb",
            "created_at timestamptz not null default now()",
            "finished_at timestamptz",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        schema="ingest",
    )
    op.create_index(
        "ix_uploads_waiting",
        "uploads",
        ["created_at"],
        unique=False,
        schema="ingest",
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    add_columns(
        "ingest",
        "stays",
        "legacy_id_number text",
        "visa_type text",
        "visa_number text",
        "entry_date date",
        "entry_port text",
        "accompanying_adult_document text",
        "relationship text",
        "unaccompanied_minor boolean not null default false",
        "source text not null default 'typed'",
        "version integer not null default 1",
        "check_out_at timestamptz",
        "void_reason text",
        "upload_id uuid",
    )
    op.create_index(
        "ix_stays_facility_day",
        "stays",
        ["facility_id", "check_in_date", "id"],
        unique=False,
        schema="ingest",
    )


def downgrade() -> None:
    op.drop_index("ix_stays_facility_day", table_name="stays", schema="ingest")
    drop_columns(
        "ingest",
        "stays",
        "upload_id",
        "void_reason",
        "check_out_at",
        "version",
        "source",
        "unaccompanied_minor",
        "relationship",
        "accompanying_adult_document",
        "entry_port",
        "entry_date",
        "visa_number",
        "visa_type",
        "legacy_id_number",
    )
    op.drop_index(
        "ix_uploads_waiting",
        table_name="uploads",
        schema="ingest",
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    op.drop_table("uploads", schema="ingest")
    op.drop_table("upload_rows", schema="ingest")
    op.drop_table("trips", schema="ingest")
    drop_column_indexes("ingest", "trip_passengers", "trip_id")
    op.drop_table("trip_passengers", schema="ingest")
    op.drop_table("stay_versions", schema="ingest")
    op.drop_table("idempotency_keys", schema="ingest")
