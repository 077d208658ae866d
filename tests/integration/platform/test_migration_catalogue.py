"""The migrations build exactly the database of the committed catalogue
(tests/fixtures/schema_catalogue.sql, written by `uv run --frozen python -m tests.catalogue`):
a refactoring of the migrations — the DDL they share written once in
luutru_common.migration_ddl — must not change one column, default, index, trigger or grant.
And every service's chain goes all the way down and up again to the same database."""

from __future__ import annotations

import difflib
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from luutru_common.migrations import alembic_config
from luutru_common.settings import owner_role
from tests.catalogue import SNAPSHOT, catalogue, fresh_catalogue
from tests.support import (
    SERVICES,
    TEST_TAG,
    database_url,
    recreate_database,
    service_database_env,
)

pytestmark = pytest.mark.runs_long(40)  # seconds, about: handed to a worker first


def _same_as_snapshot(actual: str) -> None:
    expected = SNAPSHOT.read_text()
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "snapshot", "migrated", n=2
            )
        )
        raise AssertionError(f"the migrated database differs from the snapshot:\n{diff}")


def _migrations(service: str) -> Path:
    return Path(importlib.import_module(f"luutru_{service}").__file__).parent / "migrations"


def test_a_fresh_migration_builds_the_committed_catalogue(infrastructure):
    _same_as_snapshot(fresh_catalogue())


def test_every_chain_goes_down_to_nothing_and_up_to_the_same_catalogue(infrastructure):
    database = f"luutru_catalogue_down{TEST_TAG}"
    # A copy of this run's freshly migrated template (tests/support.py): the same catalogue
    # as a migration of its own, one migration of the three services fewer.
    recreate_database(database)
    first = catalogue(database)
    for service in SERVICES:
        owner = database_url(database, owner_role(service))
        command.downgrade(alembic_config(_migrations(service), owner), "base")
    emptied = catalogue(database)
    # Only the schemas, Alembic's version tables and the backfills' progress notes are left
    # (luutru_common.backfill creates that table outside any one migration's undo).
    tables = [line for line in emptied.splitlines() if line.startswith("CREATE TABLE")]
    assert sorted(tables) == sorted(
        [f"CREATE TABLE {service}.alembic_version (" for service in SERVICES]
        + [f"CREATE TABLE {schema}.backfill_progress (" for schema in ("analytics", "ingest")]
    )
    for service in SERVICES:
        env = {**os.environ, **service_database_env(database, service)}
        subprocess.run([sys.executable, "-m", f"luutru_{service}", "migrate"], check=True, env=env)
    again = catalogue(database)
    assert again == first
    _same_as_snapshot(again)


# The migrations that build indexes CONCURRENTLY run outside one transaction: one stopped
# after its last step, before Alembic noted it, runs again from the top when the Job retries.
# By service, the revision before the first of those this release adds.
BEFORE_CONCURRENT_BUILDS = {"ingest": "0011", "analytics": "0018"}


def test_the_concurrent_builds_run_again_after_stopping_at_their_end(infrastructure):
    database = f"luutru_catalogue_rerun{TEST_TAG}"
    recreate_database(database)
    for service, before in BEFORE_CONCURRENT_BUILDS.items():
        config = alembic_config(_migrations(service), database_url(database, owner_role(service)))
        command.stamp(config, before)  # done, but not noted
        command.upgrade(config, "head")
    _same_as_snapshot(catalogue(database))
