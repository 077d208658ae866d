import sys
from pathlib import Path

from luutru_analytics import retention
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.cli import run_cli


def main() -> None:
    # `rebuild` is analytics' own command; the shared ones (serve, migrate, worker) follow.
    if sys.argv[1:2] == ["rebuild"]:
        from luutru_analytics.rebuild import main as rebuild

        rebuild()
        return
    run_cli(
        service="analytics",
        default_port=8003,
        settings_factory=AnalyticsSettings,
        migrations_dir=Path(__file__).parent / "migrations",
        retention=retention.rules,
        append_only_tables=("access_log",),
    )
