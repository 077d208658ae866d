from pathlib import Path

from luutru_accounts.app import create_app
from luutru_accounts.settings import AccountsSettings
from luutru_common.cli import run_cli


def main() -> None:
    run_cli(
        service="accounts",
        default_port=8001,
        settings_factory=AccountsSettings,
        app_factory=create_app,
        migrations_dir=Path(__file__).parent / "migrations",
    )
