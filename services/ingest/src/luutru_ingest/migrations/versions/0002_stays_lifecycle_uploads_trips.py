"""stays lifecycle, idempotency, uploads, trips

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:12.104836
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from luutru_common.migration_ddl import written_at

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        written_at(),
        sa.PrimaryKeyConstraint("facility_id", "key", name=op.f("pk_idempotency_keys")),
        schema="ingest",
    )
    op.create_table(
        "stay_versions",
        sa.Column("stay_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stay_id", "version", name=op.f("pk_stay_versions")),
        schema="ingest",
    )
    op.create_table(
        "trip_passengers",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("trip_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("guest", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("document_number", sa.Text(), nullable=False),
        sa.Column("seat", sa.Text(), nullable=True),
        sa.Column("boarding_point", sa.Text(), nullable=True),
        sa.Column("alighting_point", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trip_passengers")),
        schema="ingest",
    )
    op.create_index(
        op.f("ix_ingest_trip_passengers_trip_id"),
        "trip_passengers",
        ["trip_id"],
        unique=False,
        schema="ingest",
    )
    op.create_table(
        "trips",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("operator_id", sa.UUID(), nullable=False),
        sa.Column("plate", sa.Text(), nullable=False),
        sa.Column("origin_province", sa.Integer(), nullable=False),
        sa.Column("destination_province", sa.Integer(), nullable=False),
        sa.Column("departure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("crew", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
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
        sa.Column("upload_id", sa.UUID(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("stay_id", sa.UUID(), nullable=True),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("upload_id", "row_number", name=op.f("pk_upload_rows")),
        schema="ingest",
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("file_format", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("trip_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("next_row", sa.Integer(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=True),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        written_at(),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
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
    op.add_column("stays", sa.Column("legacy_id_number", sa.Text(), nullable=True), schema="ingest")
    op.add_column("stays", sa.Column("visa_type", sa.Text(), nullable=True), schema="ingest")
    op.add_column("stays", sa.Column("visa_number", sa.Text(), nullable=True), schema="ingest")
    op.add_column("stays", sa.Column("entry_date", sa.Date(), nullable=True), schema="ingest")
    op.add_column("stays", sa.Column("entry_port", sa.Text(), nullable=True), schema="ingest")
    op.add_column(
        "stays", sa.Column("accompanying_adult_document", sa.Text(), nullable=True), schema="ingest"
    )
    op.add_column("stays", sa.Column("relationship", sa.Text(), nullable=True), schema="ingest")
    op.add_column(
        "stays",
        sa.Column("unaccompanied_minor", sa.Boolean(), nullable=False, server_default=sa.false()),
        schema="ingest",
    )
    op.add_column(
        "stays",
        sa.Column("source", sa.Text(), nullable=False, server_default="typed"),
        schema="ingest",
    )
    op.add_column(
        "stays",
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        schema="ingest",
    )
    op.add_column(
        "stays",
        sa.Column("check_out_at", sa.DateTime(timezone=True), nullable=True),
        schema="ingest",
    )
    op.add_column("stays", sa.Column("void_reason", sa.Text(), nullable=True), schema="ingest")
    op.add_column("stays", sa.Column("upload_id", sa.UUID(), nullable=True), schema="ingest")
    op.create_index(
        "ix_stays_facility_day",
        "stays",
        ["facility_id", "check_in_date", "id"],
        unique=False,
        schema="ingest",
    )


def downgrade() -> None:
    op.drop_index("ix_stays_facility_day", table_name="stays", schema="ingest")
    op.drop_column("stays", "upload_id", schema="ingest")
    op.drop_column("stays", "void_reason", schema="ingest")
    op.drop_column("stays", "check_out_at", schema="ingest")
    op.drop_column("stays", "version", schema="ingest")
    op.drop_column("stays", "source", schema="ingest")
    op.drop_column("stays", "unaccompanied_minor", schema="ingest")
    op.drop_column("stays", "relationship", schema="ingest")
    op.drop_column("stays", "accompanying_adult_document", schema="ingest")
    op.drop_column("stays", "entry_port", schema="ingest")
    op.drop_column("stays", "entry_date", schema="ingest")
    op.drop_column("stays", "visa_number", schema="ingest")
    op.drop_column("stays", "visa_type", schema="ingest")
    op.drop_column("stays", "legacy_id_number", schema="ingest")
    op.drop_index(
        "ix_uploads_waiting",
        table_name="uploads",
        schema="ingest",
        postgresql_where=sa.text("status IN ('pending', 'processing')"),
    )
    op.drop_table("uploads", schema="ingest")
    op.drop_table("upload_rows", schema="ingest")
    op.drop_table("trips", schema="ingest")
    op.drop_index(
        op.f("ix_ingest_trip_passengers_trip_id"), table_name="trip_passengers", schema="ingest"
    )
    op.drop_table("trip_passengers", schema="ingest")
    op.drop_table("stay_versions", schema="ingest")
    op.drop_table("idempotency_keys", schema="ingest")
