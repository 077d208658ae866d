"""Shared library of the luutru services, written once: settings, database and unit of work,
event contracts and envelope, transactional outbox and relay, consumer runner, auth, errors,
logging, health endpoints and Vietnamese identity helpers."""
