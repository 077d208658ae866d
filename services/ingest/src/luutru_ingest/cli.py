from pathlib import Path

from luutru_common.cli import run_cli
from luutru_ingest import retention
from luutru_ingest.settings import IngestSettings


def main() -> None:
    run_cli(
        service="ingest",
        default_port=8002,
        settings_factory=IngestSettings,
        migrations_dir=Path(__file__).parent / "migrations",
        retention=retention.rules,
    )
