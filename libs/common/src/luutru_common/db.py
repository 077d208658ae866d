"""Async engine, session factory and the unit of work.

The unit of work is the one place a transaction begins and ends: it rolls back unless the
caller commits explicitly, so nothing is half-written when a handler raises.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# One naming convention for every schema so Alembic produces stable constraint names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def schema_metadata(schema: str) -> MetaData:
    """MetaData bound to one service's PostgreSQL schema."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, pool_size: int = 10, application_name: str = "luutru") -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # A statement's parameters are guests' names and numbers: never in an error or a log.
        hide_parameters=True,
        connect_args={"server_settings": {"application_name": application_name}},
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after commit, when we build the response.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """The same database as a plain libpq DSN, for raw asyncpg connections (LISTEN, COPY)."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


async def raw_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session, inside the session's transaction (for COPY
    and array statements that SQLAlchemy would slow down).

    SQLAlchemy's asyncpg adapter sends BEGIN lazily, with its first statement; a statement
    sent straight through asyncpg before that would run in autocommit, outside the unit of
    work. So make sure the transaction has begun first.
    """
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver_connection: asyncpg.Connection = raw.driver_connection  # type: ignore[assignment]
    if not driver_connection.is_in_transaction():
        await session.execute(text("SELECT 1"))
    if not driver_connection.is_in_transaction():
        raise RuntimeError("the session did not begin a transaction")
    return driver_connection


def jsonb_text(value: object) -> str:
    """A JSON value as the text a `jsonb` column takes through COPY or a text array (asyncpg
    has no default jsonb[] codec). Most rows carry an empty list: skip the encoder for it."""
    return "[]" if not value else json.dumps(value, ensure_ascii=False)


class UnitOfWork:
    """`async with UnitOfWork(factory) as uow:` … `await uow.commit()`.

    Leaving the block without `commit()` rolls back.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._factory()
        await self.session.begin()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # close() rolls back an uncommitted transaction and detaches objects without
        # expiring them, so what was read stays readable for building the response.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    async with UnitOfWork(factory) as uow:
        yield uow
