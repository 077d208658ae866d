"""The command line every service shares: ``serve``, ``migrate``, ``worker``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from luutru_common.migrations import upgrade
from luutru_common.settings import ServiceSettings


def run_cli(
    *,
    service: str,
    default_port: int,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: Callable[..., FastAPI],
    migrations_dir: Path,
) -> None:
    parser = argparse.ArgumentParser(prog=f"luutru-{service}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API (and, by default, the workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    sub.add_parser("migrate", help="apply this service's database migrations")
    sub.add_parser("worker", help="run only the background workers (relay, consumers)")
    args = parser.parse_args()

    if args.command == "migrate":
        upgrade(migrations_dir, settings_factory().database_url)
    elif args.command == "serve":
        uvicorn.run(
            f"luutru_{service}.app:create_app",
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
            proxy_headers=True,
        )
    elif args.command == "worker":
        asyncio.run(_worker(app_factory))


async def _worker(app_factory: Callable[..., FastAPI]) -> None:
    """Run the app's lifespan (and so its workers) without serving HTTP."""
    app = app_factory(force_workers=True)
    async with app.router.lifespan_context(app):
        await asyncio.Event().wait()
