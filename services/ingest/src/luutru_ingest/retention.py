"""ingest's retention rules (docs/privacy.md): guest identities of old stays and trips
anonymised, earlier versions of stays, raw upload files and their rows, idempotency keys,
processed event ids, pending pre-registrations (after 72 h) and
expired pre-registration links deleted. Counts and dates stay: a stay keeps its
facility, days, nationality, gender and year of birth, so nothing counted changes."""

from __future__ import annotations

from luutru_common.retention import (
    AnyRule,
    MonthDrop,
    Partitions,
    Rule,
    delete_older,
    processed_events_rule,
)
from luutru_ingest.settings import IngestSettings


def _stay_ended(alias: str = "") -> str:
    """A stay's identity period runs from the later of its receipt and its check-out."""
    a = f"{alias}." if alias else ""
    return f"greatest({a}received_at, coalesce({a}check_out_at, {a}received_at))"


# Tables partitioned by month (luutru_common.partitions; migration 0008).
PARTITIONED = Partitions("ingest", ("stay_versions",))


def rules(settings: IngestSettings) -> list[AnyRule]:
    identity_days = settings.guest_identity_retention_days
    return [
        PARTITIONED,
        # A month of earlier versions goes at once when every one of them belongs to a stay
        # whose period is over; the rule below takes the rest, row by row.
        MonthDrop(
            "earlier versions of stays",
            identity_days,
            "ingest",
            "stay_versions",
            kept="EXISTS (SELECT 1 FROM ingest.stays s WHERE s.id = r.stay_id"
            f" AND {_stay_ended('s')} >= :cutoff)",
        ),
        Rule(
            "earlier versions of stays",
            identity_days,
            "DELETE FROM ingest.stay_versions WHERE ctid IN (SELECT v.ctid FROM"
            " ingest.stay_versions v JOIN ingest.stays s ON s.id = v.stay_id"
            f" WHERE {_stay_ended('s')} < :cutoff LIMIT :batch)",
        ),
        Rule(
            "guest identities of stays",
            identity_days,
            "UPDATE ingest.stays SET full_name = '', name_key = '',"
            " document_number = 'anonymised:' || id, legacy_id_number = NULL,"
            " visa_number = NULL, accompanying_adult_document = NULL, room = NULL,"
            " date_of_birth = date_trunc('year', date_of_birth)::date"
            " WHERE id IN (SELECT id FROM ingest.stays WHERE full_name <> ''"
            f" AND {_stay_ended()} < :cutoff LIMIT :batch)",
        ),
        Rule(
            "passenger identities of trips",
            identity_days,
            "UPDATE ingest.trip_passengers p SET guest = '{}'::jsonb,"
            " document_number = 'anonymised:' || p.id"
            " WHERE p.id IN (SELECT tp.id FROM ingest.trip_passengers tp JOIN ingest.trips t"
            " ON t.id = tp.trip_id WHERE tp.guest <> '{}'::jsonb AND t.received_at < :cutoff"
            " LIMIT :batch)",
        ),
        Rule(
            "rows of uploaded files",
            settings.upload_retention_days,
            "DELETE FROM ingest.upload_rows WHERE ctid IN (SELECT r.ctid FROM"
            " ingest.upload_rows r JOIN ingest.uploads u ON u.id = r.upload_id"
            " WHERE u.created_at < :cutoff AND u.status IN ('done', 'failed') LIMIT :batch)",
        ),
        Rule(
            "uploaded files",
            settings.upload_retention_days,
            "UPDATE ingest.uploads SET raw = ''::bytea WHERE id IN (SELECT id FROM ingest.uploads"
            " WHERE created_at < :cutoff AND status IN ('done', 'failed') AND raw <> ''::bytea"
            " LIMIT :batch)",
        ),
        Rule(
            "idempotency keys",
            settings.idempotency_retention_days,
            delete_older("ingest.idempotency_keys", "created_at"),
        ),
        # Pending pre-registrations carry their own end (created + pre_registration_hours):
        # deleted once it has passed (readers stop seeing them at that moment already).
        Rule(
            "pending pre-registrations",
            0,
            delete_older("ingest.pre_registrations", "expires_at"),
        ),
        Rule(
            "pre-registration links",
            settings.idempotency_retention_days,
            delete_older("ingest.pre_registration_links", "expires_at"),
        ),
        processed_events_rule("ingest", settings.processed_events_retention_days),
    ]
