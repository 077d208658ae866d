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

import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support import PG_PORT, ROOT, SERVICES, TEST_TAG, migrate_fresh

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
    return _months_relative("\n".join(kept) + "\n")


def _months_relative(text: str) -> str:
    """Monthly partitions are made for this month and the ones ahead (luutru_common.partitions),
    so their names and bounds depend on the day of the dump: name them relative to this month
    (``stay_versions_p<month+1>``) and drop the bounds' dates, so the snapshot holds on any day."""
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    this_month = now.year * 12 + now.month - 1

    def relative(match: re.Match[str]) -> str:
        year, month = int(match[1][:4]), int(match[1][4:])
        return f"_p<month{year * 12 + month - 1 - this_month:+d}>"

    text = re.sub(r"_p(\d{6})(?!\d)", relative, text)
    return re.sub(
        r"FOR VALUES FROM \('[^']+'\) TO \('[^']+'\)",
        "FOR VALUES FROM (<its month's start>) TO (<the next month's start>)",
        text,
    )


def catalogue(database: str) -> str:
    """Every service's schema of a migrated database, one after the other."""
    return "".join(f"-- schema {schema}\n{dump(database, schema)}" for schema in SERVICES)


def fresh_catalogue(database: str = DATABASE) -> str:
    """The catalogue of an empty database after every service's `migrate`."""
    migrate_fresh(database)
    return catalogue(database)


if __name__ == "__main__":
    SNAPSHOT.write_text(fresh_catalogue())
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}", file=sys.stderr)
