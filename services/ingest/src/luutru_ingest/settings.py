from __future__ import annotations

from pydantic import Field, model_validator

from luutru_common.settings import ServiceSettings

DEV_PRE_REGISTRATION_SECRET = "dev-only-pre-registration-secret"


class IngestSettings(ServiceSettings):
    service_name: str = "ingest"
    # The legal deadline rule (Luật Cư trú Art. 30): report before 23:00 of the arrival day,
    # or before 08:00 next day for arrivals after 23:00 — configuration, as rules change.
    local_timezone: str = "Asia/Ho_Chi_Minh"
    report_cutoff_hour: int = 23
    late_arrival_deadline_hour: int = 8
    # Guests per insert statement in a batch (one transaction per chunk of an upload).
    batch_chunk_size: int = 1000
    # Uploads: limits, and the worker that processes stored files.
    upload_max_bytes: int = 20 * 1024 * 1024
    # The largest batch body: 10,000 guests with every field full fit well within it.
    batch_max_bytes: int = 16 * 1024 * 1024
    # A trip's manifest (up to 100 passengers) or a change to it.
    manifest_max_bytes: int = 2 * 1024 * 1024
    upload_max_rows: int = 200_000
    upload_chunk_rows: int = 1000
    upload_lease_s: float = 30.0
    upload_poll_interval_s: float = 0.5
    # Tests only: a pause after each chunk so a test can kill the process mid-upload.
    upload_chunk_delay_s: float = 0.0
    # Retention periods in days (docs/privacy.md): guest identities after the stay ended (as
    # long as Kafka keeps stay.v1: 400 days), raw upload files and their rows, idempotency keys.
    guest_identity_retention_days: int = 400
    upload_retention_days: int = 90
    idempotency_retention_days: int = 7
    # Guest pre-registration (docs/pre-registration.md): the key that signs the links (HMAC;
    # production refuses the development one), how long a pending entry lives before it is
    # deleted, how long a per-guest link stays open, and the caps that keep a flood from
    # filling a facility's list: live entries per link and per facility, and entries per
    # source address in a window.
    pre_registration_secret: str = Field(default=DEV_PRE_REGISTRATION_SECRET, min_length=16)
    pre_registration_hours: int = 72
    pre_registration_link_hours: int = 72
    pre_registration_standing_link_days: int = 365
    pre_registration_link_cap: int = 30
    pre_registration_facility_cap: int = 100
    pre_registration_address_limit: int = 10
    pre_registration_address_window_s: int = 600

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> IngestSettings:
        # With the public default anyone could sign a link to any facility.
        if (
            self.environment == "prod"
            and self.pre_registration_secret == DEV_PRE_REGISTRATION_SECRET
        ):
            raise ValueError("set LUUTRU_PRE_REGISTRATION_SECRET: the default is for dev only")
        return self
