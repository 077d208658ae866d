"""projections of the three topics, police-only tables, watchlist, alerts, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:49:23.929277
"""

import sqlalchemy as sa
from alembic import op

from luutru_common.migration_ddl import (
    FACILITY_NAMING,
    FACILITY_PLACE,
    add_columns,
    columns,
    create_outbox,
    drop_columns,
    drop_outbox,
)

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "access_log",
        *columns(
            "id bigint generated always as identity not null",
            "at timestamptz not null default now()",
            "subject text not null",
            "role text not null",
            "action text not null",
            "query jsonb not null",
            "purpose text not null",
            "result_count integer not null",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
        schema="analytics",
    )
    op.create_table(
        "alerts",
        *columns(
            "alert_id uuid not null",
            "seq bigint generated always as identity not null",
            "entry_id uuid not null",
            "record_id uuid not null",
            "match_kind text not null",
            "score float not null",
            "subject_name text not null",
            "subject_document text",
            "stay_id uuid",
            "trip_id uuid",
            "facility_id uuid not null",
            "commune_code integer not null",
            "status text not null default 'new'",
            "registered_at timestamptz",
            "detected_at timestamptz not null",
            "updated_at timestamptz not null",
            "notes jsonb not null default '[]'",
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("entry_id", "record_id", name=op.f("uq_alerts_entry_id_record_id")),
        schema="analytics",
    )
    op.create_index("ix_alerts_seq", "alerts", ["seq"], unique=False, schema="analytics")
    op.create_table(
        "facilities",
        *columns(
            "facility_id uuid not null",
            *FACILITY_NAMING,
            "star_rating integer",
            *FACILITY_PLACE,
            "zone text",
            "rooms integer",
            "beds integer",
            "seats integer",
            "status text not null",
            "registered_at timestamptz not null",
            "as_of timestamptz not null",
        ),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_facilities")),
        schema="analytics",
    )
    op.create_table(
        "guest_records",
        *columns(
            "record_id uuid not null",
            "kind text not null",
            "stay_id uuid",
            "trip_id uuid",
            "facility_id uuid not null",
            "facility_type text not null",
            "commune_code integer not null",
            "full_name text not null",
            "name_key text not null",
            "date_of_birth date not null",
            "gender text not null",
            "id_number text",
            "passport_number text",
            "document_number text",
            "nationality text not null",
            "country_of_residence text not null",
            "visa_type text",
            "visa_number text",
            "entry_date date",
            "entry_port text",
            "room text",
            "arrived_at timestamptz not null",
            "expected_departure date",
            "departed_at timestamptz",
            "version integer not null default 1",
            "voided boolean not null default false",
        ),
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
        *columns(
            "stay_id uuid not null",
            "check_out_at timestamptz",
            "voided boolean not null default false",
        ),
        sa.PrimaryKeyConstraint("stay_id", name=op.f("pk_stay_endings")),
        schema="analytics",
    )
    op.create_table(
        "trip_cancellations",
        *columns(
            "trip_id uuid not null",
        ),
        sa.PrimaryKeyConstraint("trip_id", name=op.f("pk_trip_cancellations")),
        schema="analytics",
    )
    op.create_table(
        "trip_passengers",
        *columns(
            "passenger_id uuid not null",
            "trip_id uuid not null",
            "status text not null",
            "age_band text",
            "gender text",
            "nationality text",
            "guest_key text",
        ),
        sa.PrimaryKeyConstraint("passenger_id", name=op.f("pk_trip_passengers")),
        schema="analytics",
    )
    op.create_index(
        "ix_trip_passengers_trip", "trip_passengers", ["trip_id"], unique=False, schema="analytics"
    )
    op.create_table(
        "trips",
        *columns(
            "trip_id uuid not null",
            "operator_id uuid not null",
            "province_code integer not null",
            "commune_code integer not null",
            "origin_province integer not null",
            "destination_province integer not null",
            "departure_date date not null",
            "seats integer not null",
        ),
        sa.PrimaryKeyConstraint("trip_id", name=op.f("pk_trips")),
        schema="analytics",
    )
    op.create_index(
        "ix_trips_departure_date", "trips", ["departure_date"], unique=False, schema="analytics"
    )
    op.create_table(
        "watchlist_entries",
        *columns(
            "entry_id uuid not null",
            "document_number text",
            "full_name text",
            "name_key text",
            "date_of_birth date",
            "reason text",
            "active boolean not null default true",
            "created_by text not null",
            "created_at timestamptz not null default now()",
        ),
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
    add_columns(
        "analytics",
        "stay_facts",
        "star_rating integer",
        "room text",
        "guest_key text",
        "origin_province text",
        "expected_check_out date",
        "check_out_date date",
        "night_end date",
        "received_at timestamptz",
        "late_minutes integer not null default 0",
        "version integer not null default 1",
        "voided boolean not null default false",
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
    drop_columns(
        "analytics",
        "stay_facts",
        "voided",
        "version",
        "late_minutes",
        "received_at",
        "night_end",
        "check_out_date",
        "expected_check_out",
        "origin_province",
        "guest_key",
        "room",
        "star_rating",
    )
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
