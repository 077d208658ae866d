from luutru_analytics import retention
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.cli import Command, run_cli


def _rebuild() -> None:
    from luutru_analytics.rebuild import main as rebuild

    rebuild()


def main() -> None:
    """`luutru-analytics`: the shared commands, plus rebuild."""
    run_cli(
        "analytics",
        settings_factory=AnalyticsSettings,
        retention=retention.rules,
        append_only_tables=("access_log",),
        commands={"rebuild": Command("replay the topics into emptied projections", _rebuild)},
    )
