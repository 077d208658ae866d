"""Async engine, session factory and the unit of work; the asyncpg pool of the hot paths.

The unit of work is the one place an ORM transaction begins and ends: it rolls back unless the
caller commits explicitly, so nothing is half-written when a handler raises. The write paths
that need no ORM (a check-in, a batch) take a `transaction` on the asyncpg pool instead: the
session's adaptation of asyncpg cost more CPU than their statements (bench/README.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy import MetaData, event, exc
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
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
    """An async engine whose statement parameters never appear in errors or logs, named for
    pg_stat_activity by `application_name`."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # A statement's parameters are guests' names and numbers: never in an error or a log.
        hide_parameters=True,
        connect_args={"server_settings": {"application_name": application_name}},
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    event.listen(engine.sync_engine, "connect", _no_jit)
    return engine


def _no_jit(dbapi_connection, connection_record) -> None:
    """No JIT compilation on the services' connections: every statement of theirs runs in
    milliseconds, but the planner's guess for a `generate_series` (1,000 rows) made the
    feeds' buckets and the projection's breakdown look costly enough for it — 70–240 ms of
    compiling for 35 ms of work, on every execution (bench/README.md). A plain SET once per
    connection, outside any transaction (so no rollback undoes it), rather than a startup
    parameter, which PgBouncer would refuse."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.autocommit = autocommit


def _refuse_closed_connection(dbapi_connection, connection_record, connection_proxy) -> None:
    """The pool's liveness check, without a round trip.

    `pool_pre_ping` costs three round trips on every checkout with asyncpg (BEGIN, an empty
    statement, ROLLBACK) — more than the work of a single check-in. A server that restarted
    or ended our session closed the socket, which asyncpg has already noticed, so the local
    check finds those; the pool then opens a fresh connection. A connection that breaks in
    use is invalidated by SQLAlchemy's disconnect handling, as before.
    """
    if dbapi_connection.driver_connection.is_closed():
        raise exc.DisconnectionError("connection closed by the server")


async def make_pool(
    url: str, *, pool_size: int = 10, application_name: str = "luutru"
) -> asyncpg.Pool:
    """The asyncpg pool of `transaction`. Opens connections only when asked (services that
    never use it hold none); a connection the server closed is replaced on acquire."""
    return await asyncpg.create_pool(
        asyncpg_dsn(url),
        min_size=0,
        max_size=pool_size,
        server_settings={"application_name": application_name},
        reset=_keep_session,
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """No reset query on release (a round trip per request): the pool only ever runs
    `transaction` blocks, which change no session state — no SET, LISTEN or advisory lock
    outlives them. asyncpg still rolls back a transaction left open before this is called."""


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One transaction on a pooled connection, no ORM: committed when the block ends, rolled
    back when it raises — answer after the block, and the answer comes after the commit."""
    async with pool.acquire() as conn, conn.transaction():
        yield conn


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (the response is built from them) and that
    flush only when told."""
    # expire_on_commit=False: objects stay readable after commit, when we build the response.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class Compiled:
    """A Core statement compiled once for asyncpg: the query is still written (and read) with
    SQLAlchemy, but each execution skips building, caching and compiling it — on a single
    check-in that was more CPU than the database work itself.

    `args(name=value, …)` gives the positional arguments; values bound in the statement
    itself (literals) are kept."""

    def __init__(self, statement: Any) -> None:
        compiled = statement.compile(dialect=asyncpg_dialect())
        self.sql = compiled.string
        self._names = list(compiled.positiontup or ())
        self._fixed = dict(compiled.params)

    def args(self, **values: Any) -> list[Any]:
        """The positional arguments of one execution: `values` by name, with the values fixed in the
        statement."""
        params = {**self._fixed, **values}
        return [params[name] for name in self._names]


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """The same database as a plain libpq DSN, for raw asyncpg connections (LISTEN, COPY)."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


async def raw_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session, inside the session's transaction — for COPY,
    array statements and the statements of a hot path, sent without the ORM (see `Compiled`).

    SQLAlchemy's asyncpg adapter sends BEGIN lazily, with its first statement; a statement
    sent straight through asyncpg before that would run in autocommit, outside the unit of
    work. So the adapter's transaction is begun here, as its own first statement would (no
    extra round trip): the session's commit and rollback then end it as usual.
    """
    connection = await session.connection()
    adapted = (await connection.get_raw_connection()).dbapi_connection
    if adapted._transaction is None:  # the adapter's own check before each statement
        async with adapted._execute_mutex:
            if adapted._transaction is None:
                await adapted._start_transaction()
    raw: asyncpg.Connection = adapted.driver_connection
    if not raw.is_in_transaction():
        raise RuntimeError("the session did not begin a transaction")
    return raw


def jsonb_text(value: object) -> str:
    """A JSON value as the text a `jsonb` column takes through COPY or a text array (asyncpg
    has no default jsonb[] codec). Most rows carry an empty list: skip the encoder for it;
    orjson for the others (a batch past a facility's beds has a warning on most guests)."""
    return "[]" if not value else orjson.dumps(value).decode()


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
        """Commit the session's transaction; leaving the block without it rolls back."""
        await self.session.commit()


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    """A started unit of work from `factory`, as an async context manager (scripts, workers)."""
    async with UnitOfWork(factory) as uow:
        yield uow
