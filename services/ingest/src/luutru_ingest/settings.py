from luutru_common.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    service_name: str = "ingest"
    # The legal deadline rule (Luật Cư trú Art. 30): report before 23:00 of the arrival day,
    # or before 08:00 next day for arrivals after 23:00 — configuration, as rules change.
    local_timezone: str = "Asia/Ho_Chi_Minh"
    report_cutoff_hour: int = 23
    late_arrival_deadline_hour: int = 8
