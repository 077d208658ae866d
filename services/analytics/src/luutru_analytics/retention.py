"""analytics' retention rules (docs/privacy.md): the identities in the police-only guest
records and alerts anonymised after their periods; processed event ids deleted (an outbox row
goes as soon as its event is on Kafka: luutru_common.outbox). The projections that feed the
statistics (stay_facts, the daily roll-ups) hold no identity and are never touched, so every
aggregate stays exactly as it was. The access log is append-only and kept (its period is
longer than the records it talks about)."""

from __future__ import annotations

from luutru_analytics.settings import AnalyticsSettings
from luutru_common.retention import Rule, processed_events_rule


def rules(settings: AnalyticsSettings) -> list[Rule]:
    return [
        Rule(
            "guest identities of guest records",
            settings.guest_identity_retention_days,
            "UPDATE analytics.guest_records SET full_name = '', name_key = '', id_number = NULL,"
            " passport_number = NULL, document_number = NULL, visa_number = NULL, room = NULL,"
            " date_of_birth = date_trunc('year', date_of_birth)::date"
            " WHERE record_id IN (SELECT record_id FROM analytics.guest_records"
            " WHERE name_key <> '' AND greatest(arrived_at, coalesce(departed_at, arrived_at))"
            " < :cutoff LIMIT :batch)",
        ),
        Rule(
            "identities in alerts",
            settings.alert_retention_days,
            "UPDATE analytics.alerts SET subject_name = '', subject_document = NULL,"
            " notes = '[]'::jsonb WHERE alert_id IN (SELECT alert_id FROM analytics.alerts"
            " WHERE subject_name <> '' AND updated_at < :cutoff LIMIT :batch)",
        ),
        processed_events_rule("analytics", settings.processed_events_retention_days),
    ]
