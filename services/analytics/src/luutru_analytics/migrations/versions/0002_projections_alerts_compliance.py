"""projections of the three topics, police-only tables, watchlist, alerts, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:23.929277
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from luutru_common.migration_ddl import create_outbox, drop_outbox, written_at

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        written_at("at"),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("query", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
        schema="analytics",
    )
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("entry_id", sa.UUID(), nullable=False),
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("match_kind", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("subject_name", sa.Text(), nullable=False),
        sa.Column("subject_document", sa.Text(), nullable=True),
        sa.Column("stay_id", sa.UUID(), nullable=True),
        sa.Column("trip_id", sa.UUID(), nullable=True),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), server_default="new", nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "notes", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("entry_id", "record_id", name=op.f("uq_alerts_entry_id_record_id")),
        schema="analytics",
    )
    op.create_index("ix_alerts_seq", "alerts", ["seq"], unique=False, schema="analytics")
    op.create_table(
        "facilities",
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("star_rating", sa.Integer(), nullable=True),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("zone", sa.Text(), nullable=True),
        sa.Column("rooms", sa.Integer(), nullable=True),
        sa.Column("beds", sa.Integer(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_facilities")),
        schema="analytics",
    )
    op.create_table(
        "guest_records",
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("stay_id", sa.UUID(), nullable=True),
        sa.Column("trip_id", sa.UUID(), nullable=True),
        sa.Column("facility_id", sa.UUID(), nullable=False),
        sa.Column("facility_type", sa.Text(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("gender", sa.Text(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=True),
        sa.Column("passport_number", sa.Text(), nullable=True),
        sa.Column("document_number", sa.Text(), nullable=True),
        sa.Column("nationality", sa.Text(), nullable=False),
        sa.Column("country_of_residence", sa.Text(), nullable=False),
        sa.Column("visa_type", sa.Text(), nullable=True),
        sa.Column("visa_number", sa.Text(), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("entry_port", sa.Text(), nullable=True),
        sa.Column("room", sa.Text(), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_departure", sa.Date(), nullable=True),
        sa.Column("departed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("voided", sa.Boolean(), server_default="false", nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_guest_records")),
        schema="analytics",
    )
    op.create_index(
        "ix_guest_records_document",
        "guest_records",
        ["document_number"],
        unique=False,
        schema="analytics",
    )
    op.create_index(
        "ix_guest_records_name_key_dob",
        "guest_records",
        ["name_key", "date_of_birth"],
        unique=False,
        schema="analytics",
    )
    create_outbox("analytics")
    op.create_table(
        "stay_endings",
        sa.Column("stay_id", sa.UUID(), nullable=False),
        sa.Column("check_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided", sa.Boolean(), server_default="false", nullable=False),
        sa.PrimaryKeyConstraint("stay_id", name=op.f("pk_stay_endings")),
        schema="analytics",
    )
    op.create_table(
        "trip_cancellations",
        sa.Column("trip_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("trip_id", name=op.f("pk_trip_cancellations")),
        schema="analytics",
    )
    op.create_table(
        "trip_passengers",
        sa.Column("passenger_id", sa.UUID(), nullable=False),
        sa.Column("trip_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("age_band", sa.Text(), nullable=True),
        sa.Column("gender", sa.Text(), nullable=True),
        sa.Column("nationality", sa.Text(), nullable=True),
        sa.Column("guest_key", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("passenger_id", name=op.f("pk_trip_passengers")),
        schema="analytics",
    )
    op.create_index(
        "ix_trip_passengers_trip", "trip_passengers", ["trip_id"], unique=False, schema="analytics"
    )
    op.create_table(
        "trips",
        sa.Column("trip_id", sa.UUID(), nullable=False),
        sa.Column("operator_id", sa.UUID(), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("origin_province", sa.Integer(), nullable=False),
        sa.Column("destination_province", sa.Integer(), nullable=False),
        sa.Column("departure_date", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trip_id", name=op.f("pk_trips")),
        schema="analytics",
    )
    op.create_index(
        "ix_trips_departure_date", "trips", ["departure_date"], unique=False, schema="analytics"
    )
    op.create_table(
        "watchlist_entries",
        sa.Column("entry_id", sa.UUID(), nullable=False),
        sa.Column("document_number", sa.Text(), nullable=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        written_at(),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_watchlist_entries")),
        schema="analytics",
    )
    op.create_index(
        "ix_watchlist_dob", "watchlist_entries", ["date_of_birth"], unique=False, schema="analytics"
    )
    op.create_index(
        "ix_watchlist_document",
        "watchlist_entries",
        ["document_number"],
        unique=False,
        schema="analytics",
    )
    op.add_column(
        "stay_facts", sa.Column("star_rating", sa.Integer(), nullable=True), schema="analytics"
    )
    op.add_column("stay_facts", sa.Column("room", sa.Text(), nullable=True), schema="analytics")
    op.add_column(
        "stay_facts", sa.Column("guest_key", sa.Text(), nullable=True), schema="analytics"
    )
    op.add_column(
        "stay_facts", sa.Column("origin_province", sa.Text(), nullable=True), schema="analytics"
    )
    op.add_column(
        "stay_facts", sa.Column("expected_check_out", sa.Date(), nullable=True), schema="analytics"
    )
    op.add_column(
        "stay_facts", sa.Column("check_out_date", sa.Date(), nullable=True), schema="analytics"
    )
    op.add_column(
        "stay_facts", sa.Column("night_end", sa.Date(), nullable=True), schema="analytics"
    )
    op.add_column(
        "stay_facts",
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        schema="analytics",
    )
    op.add_column(
        "stay_facts",
        sa.Column("late_minutes", sa.Integer(), server_default="0", nullable=False),
        schema="analytics",
    )
    op.add_column(
        "stay_facts",
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        schema="analytics",
    )
    op.add_column(
        "stay_facts",
        sa.Column("voided", sa.Boolean(), server_default="false", nullable=False),
        schema="analytics",
    )
    op.create_index(
        "ix_stay_facts_facility_day",
        "stay_facts",
        ["facility_id", "check_in_date"],
        unique=False,
        schema="analytics",
    )
    op.create_index(
        "ix_stay_facts_night_end", "stay_facts", ["night_end"], unique=False, schema="analytics"
    )
    # The access log is append-only: who read which personal data, when and why.
    op.execute(
        "CREATE FUNCTION analytics.access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
        "ON analytics.access_log FOR EACH STATEMENT "
        "EXECUTE FUNCTION analytics.access_log_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER access_log_append_only ON analytics.access_log")
    op.execute("DROP FUNCTION analytics.access_log_append_only()")
    op.drop_index("ix_stay_facts_night_end", table_name="stay_facts", schema="analytics")
    op.drop_index("ix_stay_facts_facility_day", table_name="stay_facts", schema="analytics")
    op.drop_column("stay_facts", "voided", schema="analytics")
    op.drop_column("stay_facts", "version", schema="analytics")
    op.drop_column("stay_facts", "late_minutes", schema="analytics")
    op.drop_column("stay_facts", "received_at", schema="analytics")
    op.drop_column("stay_facts", "night_end", schema="analytics")
    op.drop_column("stay_facts", "check_out_date", schema="analytics")
    op.drop_column("stay_facts", "expected_check_out", schema="analytics")
    op.drop_column("stay_facts", "origin_province", schema="analytics")
    op.drop_column("stay_facts", "guest_key", schema="analytics")
    op.drop_column("stay_facts", "room", schema="analytics")
    op.drop_column("stay_facts", "star_rating", schema="analytics")
    op.drop_index("ix_watchlist_document", table_name="watchlist_entries", schema="analytics")
    op.drop_index("ix_watchlist_dob", table_name="watchlist_entries", schema="analytics")
    op.drop_table("watchlist_entries", schema="analytics")
    op.drop_index("ix_trips_departure_date", table_name="trips", schema="analytics")
    op.drop_table("trips", schema="analytics")
    op.drop_index("ix_trip_passengers_trip", table_name="trip_passengers", schema="analytics")
    op.drop_table("trip_passengers", schema="analytics")
    op.drop_table("trip_cancellations", schema="analytics")
    op.drop_table("stay_endings", schema="analytics")
    drop_outbox("analytics")
    op.drop_index("ix_guest_records_name_key_dob", table_name="guest_records", schema="analytics")
    op.drop_index("ix_guest_records_document", table_name="guest_records", schema="analytics")
    op.drop_table("guest_records", schema="analytics")
    op.drop_table("facilities", schema="analytics")
    op.drop_index("ix_alerts_seq", table_name="alerts", schema="analytics")
    op.drop_table("alerts", schema="analytics")
    op.drop_table("access_log", schema="analytics")
