from luutru_common.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    service_name: str = "analytics"
    local_timezone: str = "Asia/Ho_Chi_Minh"
    # Cells counting fewer people than this are hidden from everyone but the police.
    suppression_threshold: int = 5
