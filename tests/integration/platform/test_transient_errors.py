"""A deadlock is PostgreSQL giving way to another transaction, not a fault of the data: the
consumer retries its fetch rather than dead-lettering its events one by one, and an API
answers 503 (retry) rather than 500."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from luutru_common.consumer import is_transient
from luutru_common.db import make_engine


async def _deadlock(test_database: str) -> BaseException:
    """Two real transactions locking two rows in opposite orders; returns the victim's error."""
    engine = make_engine(test_database, pool_size=2)
    table = f"deadlock_{uuid.uuid4().hex[:8]}"
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"CREATE TABLE {table} (id int PRIMARY KEY, n int)"))
            await conn.execute(text(f"INSERT INTO {table} VALUES (1, 0), (2, 0)"))
        both_hold_one = asyncio.Barrier(2)

        async def lock(first: int, second: int) -> None:
            async with engine.begin() as conn:
                await conn.execute(text(f"UPDATE {table} SET n = n + 1 WHERE id = {first}"))
                await both_hold_one.wait()
                await conn.execute(text(f"UPDATE {table} SET n = n + 1 WHERE id = {second}"))

        results = await asyncio.gather(lock(1, 2), lock(2, 1), return_exceptions=True)
        [victim] = [r for r in results if isinstance(r, BaseException)]
        return victim
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        await engine.dispose()


async def test_a_deadlock_is_transient_and_other_database_errors_are_not(test_database):
    victim = await _deadlock(test_database)
    assert isinstance(victim, DBAPIError)
    assert "deadlock" in str(victim).lower()
    assert is_transient(victim)
    assert is_transient(victim.orig.__cause__)  # asyncpg's own error, unwrapped

    engine = make_engine(test_database, pool_size=1)
    try:
        with pytest.raises(DBAPIError) as broken:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1 / 0"))
    finally:
        await engine.dispose()
    assert not is_transient(broken.value)
