"""Kafka topic names. Partition counts and retention live in infra/topics.txt (local),
deploy/k8s (KafkaTopic resources) — keep the three in step."""

from enum import StrEnum


class Topic(StrEnum):
    FACILITY = "facility.v1"  # compacted, keyed by facility id
    STAY = "stay.v1"  # keyed by facility id
    TRIP = "trip.v1"  # keyed by operator id
    ALERT = "alert.v1"  # keyed by alert id
    ROOM = "room.v1"  # keyed by facility id: a facility's rooms in order


def dead_letter_topic(topic: str, group_id: str) -> str:
    """Every consumer group has its own dead-letter topic: ``<topic>.<group>.dlq``."""
    return f"{topic}.{group_id}.dlq"
