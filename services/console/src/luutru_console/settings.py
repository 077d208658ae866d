"""Where the console finds the three APIs and its browser libraries (environment, LUUTRU_)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

# services/console/node_modules next to the source tree (an editable install), or wherever
# the image copied it (LUUTRU_CONSOLE_VENDOR_DIR).
_DEFAULT_VENDOR_DIR = Path(__file__).resolve().parents[2] / "node_modules"


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", extra="ignore")

    service_name: str = "console"
    environment: str = "dev"
    log_level: str = "INFO"
    log_json: bool = False
    accounts_url: str = "http://127.0.0.1:8001"
    ingest_url: str = "http://127.0.0.1:8002"
    analytics_url: str = "http://127.0.0.1:8003"
    # The reverse proxies whose X-Forwarded-For is believed (luutru_common.forwarded).
    trusted_proxies: str = "127.0.0.1,::1"
    console_vendor_dir: Path = _DEFAULT_VENDOR_DIR
    # Seconds to wait for an API to answer; live streams (alerts) are exempt.
    console_upstream_timeout_s: float = 120.0

    def upstream(self, service: str) -> str:
        return {
            "accounts": self.accounts_url,
            "ingest": self.ingest_url,
            "analytics": self.analytics_url,
        }[service].rstrip("/")
