from luutru_accounts.models import metadata
from luutru_common.migrations import run_alembic_env

run_alembic_env(metadata)
