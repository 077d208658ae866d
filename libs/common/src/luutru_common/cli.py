"""The command line every service shares: ``serve``, ``migrate``, ``worker``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from luutru_common.migrations import upgrade
from luutru_common.settings import ServiceSettings
from luutru_common.worker import run_worker

# A worker's probe and metrics port: the API's port + 1000 (accounts 9001, ingest 9002, ...).
WORKER_PORT_OFFSET = 1000


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
    worker = sub.add_parser(
        "worker",
        help="run only the background workers (relay, consumers), with /livez, /readyz "
        "and /metrics on their own port",
    )
    worker.add_argument("--host", default="127.0.0.1")
    worker.add_argument(
        "--port", type=int, default=default_port + WORKER_PORT_OFFSET, help="probes and metrics"
    )
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
            proxy_headers=True,
        )
    elif args.command == "worker":
        run_worker(app_factory, host=args.host, port=args.port)
