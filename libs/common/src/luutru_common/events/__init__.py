"""Event contracts shared by the services: one envelope, versioned past-tense events."""

from luutru_common.events.contracts import (
    EVENT_TYPES,
    Event,
    FacilityRegistered,
    GuestCheckedIn,
    GuestIdentity,
)
from luutru_common.events.envelope import Envelope, new_envelope
from luutru_common.events.topics import Topic, dead_letter_topic

__all__ = [
    "EVENT_TYPES",
    "Envelope",
    "Event",
    "FacilityRegistered",
    "GuestCheckedIn",
    "GuestIdentity",
    "Topic",
    "dead_letter_topic",
    "new_envelope",
]
