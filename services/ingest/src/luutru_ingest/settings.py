from luutru_common.settings import ServiceSettings


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
