from luutru_common.cli import run_cli
from luutru_ingest import retention
from luutru_ingest.settings import IngestSettings


def main() -> None:
    """`luutru-ingest`: the shared commands."""
    run_cli("ingest", settings_factory=IngestSettings, retention=retention.rules)
