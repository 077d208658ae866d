"""The command line every service shares: ``serve``, ``migrate``, ``worker`` (and
``retention``, ``audit`` where the service has them), plus each service's own commands."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from luutru_common import partitions
from luutru_common.audit_chain import verify_chain
from luutru_common.db import make_engine
from luutru_common.forwarded import SERVER_KEEP_ALIVE_S
from luutru_common.retention import AnyRule, Partitions, run_rules
from luutru_common.settings import ServiceSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

# A worker's probe and metrics port: the API's port + 1000 (accounts 9001, ingest 9002, ...).
WORKER_PORT_OFFSET = 1000


# Each service's API port; its worker's probes listen WORKER_PORT_OFFSET above it.
DEFAULT_PORTS = {"accounts": 8001, "ingest": 8002, "analytics": 8003}


@dataclass(frozen=True)
class Command:
    """A command of one service only (``luutru-accounts rotate-key``): its help line and
    what runs it, without arguments."""

    help: str
    run: Callable[[], None]


def run_cli(
    service: str,
    *,
    settings_factory: Callable[[], ServiceSettings],
    append_only_tables: tuple[str, ...] = (),
    retention: Callable[[ServiceSettings], list[AnyRule]] | None = None,
    commands: Mapping[str, Command] | None = None,
) -> None:
    """Parse ``luutru-<service>``'s arguments and run the command they name. The service's
    migrations are the ``migrations`` folder of its package ``luutru_<service>``."""
    default_port = DEFAULT_PORTS[service]
    commands = commands or {}
    parser = argparse.ArgumentParser(prog=f"luutru-{service}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API (and, by default, the workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    sub.add_parser("migrate", help="apply this service's database migrations")
    worker = sub.add_parser(
        "worker",
        help="run only the background workers (relay, consumers), with /livez, /readyz "
        "and /metrics on their own port",
    )
    worker.add_argument("--host", default="127.0.0.1")
    worker.add_argument(
        "--port", type=int, default=default_port + WORKER_PORT_OFFSET, help="probes and metrics"
    )
    if retention is not None:
        sub.add_parser("retention", help="delete or anonymise what is past its period, now")
        parts = sub.add_parser("partitions", help="the monthly partitions of growing tables")
        parts.add_argument(
            "action",
            choices=["ensure", "status"],
            help="ensure: create the months ahead (and move rows out of the default "
            "partition); status: the months there and the rows without one",
        )
    if append_only_tables:
        audit = sub.add_parser("audit", help="the append-only audit tables")
        audit.add_argument("action", choices=["verify"], help="check the hash chain of each")
    for name, command in commands.items():
        sub.add_parser(name, help=command.help)
    args = parser.parse_args()

    if args.command in commands:
        commands[args.command].run()
    elif args.command == "migrate":
        # Imported here: alembic (and the mako it pulls in) is a tenth of the imports, and
        # `serve`, started far more often than `migrate`, never needs it (issue 14, cold start).
        from luutru_common.migrations import migrate

        settings = settings_factory()
        migrate(
            _migrations_dir(service),
            schema=service,
            owner_url=settings.migrate_database_url,
            runtime_url=settings.database_url,
            append_only=append_only_tables,
        )
    elif args.command == "serve":
        import uvicorn  # here, as the app: `migrate` needs neither (issue 14, cold start)

        uvicorn.run(
            f"luutru_{service}.app:create_app",  # as app_factory(service), imported by uvicorn
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            # uvloop and httptools (uvicorn[standard]) named, not left to "auto": the event
            # loop and HTTP parser in C are part of the single check-in's budget.
            loop="uvloop",
            http="httptools",
            access_log=False,  # requests are measured by MetricsMiddleware, not logged
            proxy_headers=False,  # luutru_common.forwarded decides whom to believe
            timeout_keep_alive=SERVER_KEEP_ALIVE_S,
        )
    elif args.command == "worker":
        from luutru_common.worker import run_worker

        run_worker(app_factory(service), host=args.host, port=args.port)
    elif args.command == "retention":
        asyncio.run(_retention(settings_factory(), retention))
    elif args.command == "partitions":
        waiting = asyncio.run(_partitions(settings_factory(), retention, args.action))
        raise SystemExit(1 if waiting and args.action == "status" else 0)
    elif args.command == "audit":
        broken = asyncio.run(_verify_audit(settings_factory(), service, append_only_tables))
        raise SystemExit(1 if broken else 0)


def app_factory(service: str) -> Callable[..., FastAPI]:
    """`luutru_<service>.app:create_app`, the factory `serve` hands uvicorn by name. Imported
    only by the commands that run the app: `migrate`, which runs before every `serve`, would
    otherwise import the whole API for nothing (issue 14, cold start)."""
    return importlib.import_module(f"luutru_{service}.app").create_app


def _migrations_dir(service: str) -> Path:
    spec = importlib.util.find_spec(f"luutru_{service}")
    if spec is None or spec.origin is None:
        raise SystemExit(f"luutru_{service} is not installed")
    return Path(spec.origin).parent / "migrations"


async def _retention(settings: ServiceSettings, rules) -> None:
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        done = await run_rules(engine, rules(settings), batch=settings.retention_batch)
    finally:
        await engine.dispose()
    for data_class, count in done.items():
        print(f"{data_class}: {count}")


async def _partitions(settings: ServiceSettings, rules, action: str) -> int:
    """Print each partitioned table's months; the rows found without a month."""
    engine = make_engine(settings.database_url, pool_size=1)
    waiting = 0
    try:
        for group in (r for r in rules(settings) if isinstance(r, Partitions)):
            if action == "ensure":
                ensured = await partitions.ensure_all(engine, group.schema, group.tables)
            for table in group.tables:
                async with engine.connect() as conn:
                    st = await partitions.state(conn, group.schema, table)
                months = f"{st.months[0]:%Y-%m} to {st.months[-1]:%Y-%m}" if st.months else "none"
                line = f"{group.schema}.{table}: {len(st.months)} months ({months})"
                if action == "ensure":
                    result = ensured[table]
                    line += f", {len(result.created)} partitions created"
                    if result.from_default:
                        line += f", {result.from_default} rows moved out of the default partition"
                    waiting += result.from_default
                else:
                    line += f", {st.default_rows} rows in the default partition"
                    waiting += st.default_rows
                print(line)
    finally:
        await engine.dispose()
    return waiting


async def _verify_audit(settings: ServiceSettings, schema: str, tables: tuple[str, ...]) -> bool:
    """Print each table's chain check; True when one is broken."""
    engine = make_engine(settings.database_url, pool_size=1)
    broken = False
    try:
        for table in tables:
            checked, link = await verify_chain(engine, schema, table)
            if link is None:
                print(f"{schema}.{table}: {checked} rows, chain intact")
            else:
                print(f"{link} ({checked} rows before it are intact)")
                broken = True
    finally:
        await engine.dispose()
    return broken
