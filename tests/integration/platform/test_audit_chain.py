"""The tamper-evident audit trail (luutru_common.audit_chain): rows of accounts.audit_log and
analytics.access_log are hash-chained at insert; `luutru-<service> audit verify` finds the first
broken link after the owner role changes or removes a row behind the services' back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest

from luutru_common.settings import owner_role, runtime_role
from tests.integration.conftest import TEST_DB
from tests.support import database_url, service_database_env

INSERTS = {
    "accounts": (
        "audit_log",
        "INSERT INTO accounts.audit_log (action, actor_name, details)"
        " VALUES ('test.chained', $1, '{\"n\": 1}')",
    ),
    "analytics": (
        "access_log",
        "INSERT INTO analytics.access_log (subject, role, action, query, purpose, result_count)"
        " VALUES ($1, 'police_admin', 'person_search', '{}', 'chain test', 0)",
    ),
}


async def connect(role: str) -> asyncpg.Connection:
    return await asyncpg.connect(database_url(TEST_DB, role).replace("+asyncpg", ""))


def verify(service: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **service_database_env(TEST_DB, service)}
    return subprocess.run(
        [sys.executable, "-m", f"luutru_{service}", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
    )


async def insert_concurrently(service: str, count: int) -> None:
    """Rows written by several connections at once, as several replicas would."""
    _, insert = INSERTS[service]

    async def writer(i: int) -> None:
        conn = await connect(runtime_role(service))
        try:
            for j in range(count):
                await conn.execute(insert, f"writer {i} row {j}")
        finally:
            await conn.close()

    await asyncio.gather(*(writer(i) for i in range(4)))


@pytest.mark.parametrize("service", sorted(INSERTS))
async def test_verify_finds_a_changed_row_and_a_missing_row(test_database, service):
    table, _ = INSERTS[service]
    qualified = f"{service}.{table}"
    await insert_concurrently(service, 5)
    intact = await asyncio.to_thread(verify, service)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert f"{qualified}: " in intact.stdout and "chain intact" in intact.stdout

    owner = await connect(owner_role(service))
    try:
        victim = await owner.fetchrow(
            f"SELECT * FROM {qualified} ORDER BY chain_position OFFSET 3 LIMIT 1"
        )
        column = "actor_name" if service == "accounts" else "subject"
        # The owner rewrites one row (the services' own roles cannot: test_database_roles).
        await owner.execute(f"ALTER TABLE {qualified} DISABLE TRIGGER USER")
        await owner.execute(
            f"UPDATE {qualified} SET {column} = 'forged' WHERE id = $1", victim["id"]
        )
        broken = await asyncio.to_thread(verify, service)
        assert broken.returncode == 1
        assert f"position {victim['chain_position']} (row id {victim['id']})" in broken.stdout
        assert "content changed" in broken.stdout
        # Put back exactly what was there: the chain holds again.
        await owner.execute(
            f"UPDATE {qualified} SET {column} = $2 WHERE id = $1", victim["id"], victim[column]
        )
        assert (await asyncio.to_thread(verify, service)).returncode == 0

        # Removing a row leaves a gap in the chain.
        await owner.execute(f"DELETE FROM {qualified} WHERE id = $1", victim["id"])
        missing = await asyncio.to_thread(verify, service)
        assert missing.returncode == 1
        assert f"position {victim['chain_position']} (no row): row missing" in missing.stdout
        columns = ", ".join(victim.keys())
        values = ", ".join(f"${i + 1}" for i in range(len(victim)))
        overriding = " OVERRIDING SYSTEM VALUE" if service == "analytics" else ""
        await owner.execute(
            f"INSERT INTO {qualified} ({columns}){overriding} VALUES ({values})", *victim.values()
        )
        assert (await asyncio.to_thread(verify, service)).returncode == 0
    finally:
        await owner.execute(f"ALTER TABLE {qualified} ENABLE TRIGGER USER")
        await owner.close()


async def test_a_row_cannot_be_slipped_in_with_a_chain_of_its_own(test_database):
    """Whatever hash a writer supplies, the trigger sets the real one."""
    conn = await connect(runtime_role("accounts"))
    try:
        await conn.execute(
            "INSERT INTO accounts.audit_log (action, details, chain_position, prev_hash, row_hash)"
            " VALUES ('test.forged', '{}', 1, 'x', 'y')"
        )
        row = await conn.fetchrow(
            "SELECT chain_position, prev_hash, row_hash FROM accounts.audit_log"
            " WHERE action = 'test.forged'"
        )
    finally:
        await conn.close()
    assert row["chain_position"] > 1 and len(row["prev_hash"]) == len(row["row_hash"]) == 64
    assert (await asyncio.to_thread(verify, "accounts")).returncode == 0
