from luutru_common.migrations import run_alembic_env
from luutru_ingest.models import metadata

run_alembic_env(metadata)
