from __future__ import annotations

from pydantic import Field, model_validator

from luutru_common.settings import ServiceSettings

DEV_PSEUDONYM_SECRET = "dev-only-pseudonym-secret"


class AnalyticsSettings(ServiceSettings):
    service_name: str = "analytics"
    local_timezone: str = "Asia/Ho_Chi_Minh"
    # Cells counting fewer people than this are hidden from everyone but the police.
    suppression_threshold: int = 5
    # Key of the HMAC that turns document numbers into pseudonymous guest keys. Rotating it
    # breaks the link between old and new keys (rebuild afterwards for consistent keys).
    pseudonym_secret: str = Field(default=DEV_PSEUDONYM_SECRET, min_length=16)
    # Name + date-of-birth matches scoring below this raise no alert (1.0 = same folded name).
    name_match_threshold: float = 0.8
    # Compliance: an active facility that reported nobody for this many days is listed.
    silent_facility_days: int = 3
    # Prepended to the topics the projections read (facility.v1, stay.v1, trip.v1): lets a
    # test or a trial replay run on topics of its own. Empty in every real deployment.
    source_topic_prefix: str = ""
    # How often the alert stream looks for new alerts (seconds).
    alert_stream_poll_s: float = 0.5
    # Retention periods in days (docs/privacy.md): identities in guest records after the stay
    # ended (as long as Kafka keeps stay.v1 and trip.v1), identities in alerts after their
    # last change.
    guest_identity_retention_days: int = 400
    alert_retention_days: int = 1825

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> AnalyticsSettings:
        # With the public default, anyone could recompute guest keys from document numbers.
        if self.environment == "prod" and self.pseudonym_secret == DEV_PSEUDONYM_SECRET:
            raise ValueError("set LUUTRU_PSEUDONYM_SECRET: the default is for dev only")
        return self
