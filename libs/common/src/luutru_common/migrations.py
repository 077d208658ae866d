"""Schema-scoped Alembic: each service migrates only its own PostgreSQL schema and keeps its
version table there. Migrations run as their own step (`luutru-<service> migrate`), never at
app start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, make_url

from luutru_common.db import make_engine


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def migrate(
    migrations_dir: Path,
    *,
    schema: str,
    owner_url: str,
    runtime_url: str,
    append_only: tuple[str, ...] = (),
) -> None:
    """Apply the migrations as the schema owner, then give the runtime role its data rights."""
    upgrade(migrations_dir, owner_url)
    runtime = make_url(runtime_url).username
    if runtime and runtime != make_url(owner_url).username:
        asyncio.run(_grant_runtime(owner_url, schema, runtime, append_only))


def runtime_grants(schema: str, role: str, append_only: tuple[str, ...]) -> list[str]:
    """What a service's runtime role may do: read and write the rows of its own schema (and
    empty projection tables), use its sequences and functions. No DDL: the owner keeps the
    tables, so the role cannot alter, drop or disable a trigger. The append-only tables take
    rows and give them back, nothing else; the migration history is read-only."""
    s, r = f'"{schema}"', f'"{role}"'
    statements = [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {r}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}.alembic_version FROM {r}",
    ]
    statements += [
        f'REVOKE UPDATE, DELETE, TRUNCATE ON {s}."{table}" FROM {r}' for table in append_only
    ]
    return statements


async def _grant_runtime(
    owner_url: str, schema: str, role: str, append_only: tuple[str, ...]
) -> None:
    engine = make_engine(owner_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            for statement in runtime_grants(schema, role, append_only):
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


def run_alembic_env(metadata: MetaData) -> None:
    """Body of a service's migrations/env.py."""
    schema = metadata.schema
    if not schema:
        raise ValueError("service metadata must be bound to a schema")

    def include_name(name, type_, parent_names):
        if type_ == "schema":
            return name == schema
        return True

    def do_run(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_name,
            compare_type=True,
            # Each migration commits on its own: one killed halfway (a Job past its
            # deadline) leaves the ones before it done, and a backfill's batches
            # (luutru_common.backfill) can commit inside it.
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = make_engine(context.config.get_main_option("sqlalchemy.url"), pool_size=1)
        try:
            async with engine.connect() as conn:
                await conn.run_sync(do_run)
                await conn.commit()
        finally:
            await engine.dispose()

    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            version_table_schema=schema,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())
