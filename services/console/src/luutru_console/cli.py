"""``luutru-console serve``: the web console (no database, so no ``migrate`` or ``worker``)."""

from __future__ import annotations

import argparse

import uvicorn
from prometheus_client import start_http_server


def main() -> None:
    parser = argparse.ArgumentParser(prog="luutru-console")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the console and forward its API calls")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="also serve Prometheus metrics on this port (off when not given)",
    )
    args = parser.parse_args()
    if args.metrics_port is not None:
        # On a port of its own, not a route of the console's: everything the console's port
        # does not serve itself is public (the Gateway sends it "/"), and the metrics name
        # the routes and statuses people use. Prometheus reaches this port inside the
        # cluster only (deploy/k8s/base/network/policies.yaml).
        start_http_server(args.metrics_port, addr=args.host)
    uvicorn.run(
        "luutru_console.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level="warning",
        proxy_headers=False,  # luutru_common.forwarded decides whom to believe
    )
