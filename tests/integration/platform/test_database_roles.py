"""Least privilege in PostgreSQL (infra/db-roles.sql, luutru_common.migrations.runtime_grants):
each service's runtime role reaches the rows of its own schema and nothing else."""

from __future__ import annotations

import asyncpg
import pytest

from luutru_common.settings import owner_role, runtime_role
from tests.integration.conftest import TEST_DB
from tests.support import SERVICES, database_url

# One table of each schema, and the append-only tables with a row they accept.
A_TABLE = {"accounts": "users", "ingest": "stays", "analytics": "stay_facts"}
AUDIT_ROWS = {
    "accounts": (
        "audit_log",
        "INSERT INTO accounts.audit_log (action, details) VALUES ('t', '{}')",
    ),
    "analytics": (
        "access_log",
        "INSERT INTO analytics.access_log (subject, role, action, query, purpose, result_count)"
        " VALUES ('t', 'police_admin', 'person_search', '{}', 'test', 0)",
    ),
}


async def connect(role: str) -> asyncpg.Connection:
    return await asyncpg.connect(database_url(TEST_DB, role).replace("+asyncpg", ""))


async def refused(conn: asyncpg.Connection, statement: str) -> bool:
    """True when PostgreSQL refuses the statement for lack of rights (rolled back either way)."""
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(statement)
    except (asyncpg.InsufficientPrivilegeError, asyncpg.RaiseError):
        return True
    finally:
        await tx.rollback()
    return False


@pytest.fixture(scope="module", autouse=True)
def _database(test_database):
    return test_database


async def test_table_names_exist():
    """The tables below are real, so a refusal is about rights, not a missing table."""
    conn = await connect("luutru")
    try:
        for schema, table in A_TABLE.items():
            assert await conn.fetchval("SELECT to_regclass($1)", f"{schema}.{table}")
    finally:
        await conn.close()


@pytest.mark.parametrize("service", SERVICES)
async def test_runtime_role_reads_and_writes_only_its_own_schema(service):
    conn = await connect(runtime_role(service))
    try:
        await conn.fetch(f"SELECT * FROM {service}.{A_TABLE[service]} LIMIT 1")
        for other in SERVICES:
            if other != service:
                assert await refused(conn, f"SELECT * FROM {other}.{A_TABLE[other]} LIMIT 1")
                assert await refused(conn, f"DELETE FROM {other}.{A_TABLE[other]}")
    finally:
        await conn.close()


async def test_ingest_and_analytics_cannot_read_accounts():
    for service in ("ingest", "analytics"):
        conn = await connect(runtime_role(service))
        try:
            for table in ("users", "signing_keys", "audit_log", "refresh_tokens"):
                assert await refused(conn, f"SELECT * FROM accounts.{table}"), (service, table)
        finally:
            await conn.close()


@pytest.mark.parametrize("service", SERVICES)
async def test_runtime_role_has_no_ddl(service):
    table = f"{service}.{A_TABLE[service]}"
    conn = await connect(runtime_role(service))
    try:
        for statement in (
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"ALTER TABLE {table} ADD COLUMN x int",
            f"DROP TABLE {table}",
            f"CREATE TABLE {service}.intruder (x int)",
            "CREATE TABLE public.intruder (x int)",
            f"UPDATE {service}.alembic_version SET version_num = 'x'",
        ):
            assert await refused(conn, statement), statement
    finally:
        await conn.close()


@pytest.mark.parametrize("service", sorted(AUDIT_ROWS))
async def test_audit_tables_take_rows_and_refuse_changes(service):
    table, insert = AUDIT_ROWS[service]
    qualified = f"{service}.{table}"
    conn = await connect(runtime_role(service))
    try:
        await conn.execute(insert)  # the service records what happens…
        for statement in (  # …and can never take it back
            f"UPDATE {qualified} SET action = 'forged'",
            f"DELETE FROM {qualified}",
            f"TRUNCATE {qualified}",
            f"ALTER TABLE {qualified} DISABLE TRIGGER ALL",
        ):
            assert await refused(conn, statement), statement
    finally:
        await conn.close()
    # The owner can, deliberately: by switching the append-only trigger off first.
    owner = await connect(owner_role(service))
    try:
        assert await refused(owner, f"UPDATE {qualified} SET action = 'forged'")
        tx = owner.transaction()
        await tx.start()
        await owner.execute(f"ALTER TABLE {qualified} DISABLE TRIGGER USER")
        assert await owner.execute(f"UPDATE {qualified} SET action = 'forged'") != "UPDATE 0"
        await tx.rollback()
    finally:
        await owner.close()
