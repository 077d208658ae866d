from luutru_analytics import retention
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.cli import Command, run_cli


def _rebuild() -> None:
    from luutru_analytics.rebuild import main as rebuild

    rebuild()


def _recount() -> None:
    from luutru_analytics.projections.recount import main as recount

    recount()


def main() -> None:
    """`luutru-analytics`: the shared commands, plus rebuild and recount."""
    run_cli(
        "analytics",
        settings_factory=AnalyticsSettings,
        retention=retention.rules,
        append_only_tables=("access_log",),
        commands={
            "rebuild": Command("replay the topics into emptied projections", _rebuild),
            "recount": Command(
                "recount the rollups summed from other rollups (after an upgrade; safe at any "
                "time)",
                _recount,
            ),
        },
    )
