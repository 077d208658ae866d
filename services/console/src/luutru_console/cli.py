"""``luutru-console serve``: the web console (no database, so no ``migrate`` or ``worker``)."""

from __future__ import annotations

import argparse

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(prog="luutru-console")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the console and forward its API calls")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(
        "luutru_console.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level="warning",
        proxy_headers=False,  # luutru_common.forwarded decides whom to believe
    )
