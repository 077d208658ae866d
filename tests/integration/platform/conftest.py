"""Tests of the platform as a whole: what crosses services (scopes, revocation, bounds, limits,
database roles, the audit chain) and the shared plumbing of libs/common on real PostgreSQL and
Kafka (consumer runner, worker process, metrics, log privacy). Each test builds the apps it
needs; there is no single `app` here. The tests that stop or kill infrastructure
(test_outbox_kafka_outage, test_local_infra_recovery) carry markers of their own and never run
against the shared infrastructure."""
