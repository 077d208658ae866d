"""The database that a fresh migration of every service produces, as comparable text.

Each service's schema is migrated into an empty database with its own CLI (as its owner role,
then the runtime grants), and dumped with ``pg_dump --schema-only``: tables, columns, types,
defaults, constraints, indexes, triggers, functions, sequences, owners and grants. The dump is
normalised (no comments, no session settings, no blank lines), so two dumps are equal exactly
when the two catalogues are.

tests/fixtures/schema_catalogue.sql is that text for the migrations as they are meant to be;
tests/integration/platform/test_migration_catalogue.py compares a fresh migration with it. After
adding or changing a migration on purpose, write the snapshot again (needs PostgreSQL up):

    uv run --frozen python -m tests.catalogue
"""

from __future__ import annotations

import subprocess
import sys

from tests.support import PG_PORT, ROOT, SERVICES, TEST_TAG, recreate_database

SNAPSHOT = ROOT / "tests" / "fixtures" / "schema_catalogue.sql"
DATABASE = f"luutru_catalogue{TEST_TAG}"


def dump(database: str, schema: str) -> str:
    """One schema of a database, normalised: only the statements that define it."""
    out = subprocess.run(
        [
            "pg_dump",
            "--schema-only",
            f"--schema={schema}",
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            database,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    kept = [
        line.rstrip()
        for line in out.splitlines()
        if line.strip()
        and not line.startswith("--")
        # pg_dump's \restrict / \unrestrict lines carry a random key per run
        and not line.startswith(("\\restrict", "\\unrestrict"))
        and not line.startswith("SET ")
        and not line.startswith("SELECT pg_catalog.set_config")
    ]
    return "\n".join(kept) + "\n"


def catalogue(database: str) -> str:
    """Every service's schema of a migrated database, one after the other."""
    return "".join(f"-- schema {schema}\n{dump(database, schema)}" for schema in SERVICES)


def fresh_catalogue(database: str = DATABASE) -> str:
    """The catalogue of an empty database after every service's `migrate`."""
    recreate_database(database)
    return catalogue(database)


if __name__ == "__main__":
    SNAPSHOT.write_text(fresh_catalogue())
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}", file=sys.stderr)
